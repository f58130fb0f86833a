"""Reads of pay lines: what each line still owes and the arrears stock (欠薪) on a day (DESIGN §8).

A line falls due on its project's payday in the month after the line's month (the 31st is the last day
of a shorter month) plus the grace days (``law.WAGE_PAY_GRACE_DAYS``). On a day D a line is
*owed* when it fell due before D and, counting only what was paid on or before D:

- paid = ``net`` unless the bank reported the transfer failed (失败: nothing reached the worker) or it
  was paid after D; a line with ``net`` and no pay date counts as paid (its date is not known, so it is
  not claimed as arrears);
- owed = what should have reached the worker − paid, when above zero: what should have reached him is
  due − deductions, or, where the wage due is not known (a bank line with no pay sheet), the amount the
  bank was told to pay (``net``) — so a failed bank transfer is owed in full;
- a line with days attended and neither a wage due nor an amount sent is owed an *unknown amount*: the
  worker counts among the workers owed, the amount counts as 0, and ``Arrears.unknown`` counts such lines.

So a stock on a past day comes out right: a payment made after D does not reduce the stock on D. The
lines' current values are used (a bank result or a correction recorded later applies to past days too).

Every function here is one SQL query however many lines there are (aggregates, no Python loops).
"""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, NamedTuple, TypedDict, overload

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    F,
    Func,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from projects.models import Payroll, Project, RosterEntry
from wagewatch.lib import law

from .models import PayLine

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
AMOUNT = DecimalField(max_digits=14, decimal_places=2)
Grouping = Literal["worker", "project", "enterprise", "township"]


@dataclass(frozen=True)
class Arrears:
    """Arrears owed on a day: workers owed, amount owed (yuan) and the oldest unpaid month."""

    workers: int
    amount: Decimal
    oldest_month: datetime.date | None
    unknown: int = 0  # owed lines whose amount is unknown (days attended, no wage due, nothing sent)

    def __bool__(self) -> bool:
        return self.workers > 0


NO_ARREARS = Arrears(0, ZERO, None)


class Owed(TypedDict):
    """What ``owed_lines`` and ``lines_with_owed`` annotate a line with (on their day)."""

    paid_by: Decimal
    owed: Decimal
    owed_unknown: bool


# the key each grouping sums by: a worker, a project, the employer (else the general contractor), a township
GROUP_KEYS = {
    "worker": F("entry__worker_id"),
    "project": F("project_id"),
    "enterprise": Coalesce("entry__employer_id", "project__contractor_id"),
    "township": F("project__township_id"),
}


def grace_days() -> int:
    """Days after the agreed payday before unpaid wages count as owed (a county setting, default 0)."""
    return law.WAGE_PAY_GRACE_DAYS()


def payday_date(month: datetime.date, payday: int) -> datetime.date:
    """The agreed payday for ``month``'s wages: day ``payday`` of the next month, at most its last day."""
    year, number = (month.year + 1, 1) if month.month == 12 else (month.year, month.month + 1)
    return datetime.date(year, number, min(payday, calendar.monthrange(year, number)[1]))


def due_date(month: datetime.date, payday: int) -> datetime.date:
    """The last day ``month``'s wages may be paid on time: the payday plus the grace days."""
    return payday_date(month, payday) + datetime.timedelta(days=grace_days())


def fell_due_before(on: datetime.date) -> Q:
    """Lines whose due date (payday + grace) is before ``on``, without date arithmetic in SQL.

    With E = on − grace in month Y: a line of a month before Y−1 fell due in a month before Y; a line of
    month Y−1 falls due on day min(payday, length of Y) of Y, which is before E exactly when payday < E.day.
    """
    previous, day = fell_due_cut(on)
    return Q(month__lt=previous) | Q(month=previous, project__payday__lt=day)


def fell_due_cut(on: datetime.date) -> tuple[datetime.date, int]:
    """fell_due_before's month Y−1 and E.day: a line fell due before ``on`` when its month is before the
    first, or is the first and the project's payday is before the second."""
    cut = on - datetime.timedelta(days=grace_days())
    return (cut.replace(day=1) - datetime.timedelta(days=1)).replace(day=1), cut.day


def _paid(on: datetime.date) -> Case:
    """What reached the worker by ``on``: net, unless the bank failed it or it was paid after ``on``."""
    counted = Q(net__isnull=False) & ~Q(bank_status=PayLine.BankStatus.FAILED)
    counted &= Q(paid_on__isnull=True) | Q(paid_on__lte=on)
    return Case(When(counted, then=F("net")), default=Value(ZERO), output_field=AMOUNT)


def _with_gap(lines: QuerySet, on: datetime.date) -> QuerySet:
    """``paid_by`` (paid by ``on``) and ``gap`` (what should have reached the worker less that; null when
    neither a wage due nor an amount sent is known)."""
    expected = Coalesce(F("due") - F("deductions"), F("net"), output_field=AMOUNT)
    return lines.annotate(paid_by=_paid(on)).annotate(gap=expected - F("paid_by"))


_OWED = Q(gap__gt=0) | Q(gap__isnull=True, days__gt=0)


def owed_lines(lines: QuerySet, *, on: datetime.date) -> QuerySet:
    """The lines owed on ``on``, annotated with ``paid_by`` (paid by then), ``owed`` (yuan; 0 when the
    amount is unknown) and ``owed_unknown``."""
    return (
        _with_gap(lines.filter(fell_due_before(on)), on)
        .filter(_OWED)
        .annotate(
            owed=Greatest(Coalesce("gap", Value(ZERO)), Value(ZERO), output_field=AMOUNT),
            owed_unknown=Case(
                When(gap__isnull=True, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
    )


def lines_with_owed(lines: QuerySet, *, on: datetime.date) -> QuerySet:
    """Every line, annotated with ``owed`` on ``on`` (0 when nothing is owed) and ``owed_unknown``
    (owed an amount not known), for lists that mark the unpaid lines."""
    late = fell_due_before(on)
    return _with_gap(lines, on).annotate(
        owed=Case(When(late & Q(gap__gt=0), then=F("gap")), default=Value(ZERO), output_field=AMOUNT),
        owed_unknown=Case(
            When(late & Q(gap__isnull=True, days__gt=0), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def _sums() -> dict[str, Func]:
    return {
        "n_workers": Count("entry__worker_id", distinct=True),
        "n_amount": Coalesce(Sum("owed"), Value(ZERO), output_field=AMOUNT),
        "n_oldest": Min("month"),
        "n_unknown": Count("pk", filter=Q(gap__isnull=True)),
    }


@overload
def to_fen(value: Decimal) -> Decimal: ...
@overload
def to_fen(value: None) -> None: ...
def to_fen(value: Decimal | None) -> Decimal | None:
    """Yuan to the fen whatever the database returned (SQLite gives ``Decimal('6000')``)."""
    return None if value is None else Decimal(value).quantize(CENT)


def _arrears(row: dict[str, Any]) -> Arrears:
    return Arrears(row["n_workers"], to_fen(row["n_amount"]), row["n_oldest"], row["n_unknown"])


def arrears(lines: QuerySet, *, on: datetime.date) -> Arrears:
    """The arrears stock of these lines on ``on``: workers owed, amount, oldest month (one query)."""
    return _arrears(owed_lines(lines, on=on).aggregate(**_sums()))


def lines_fell_due(lines: QuerySet, *, on: datetime.date) -> bool:
    """Some line fell due before ``on`` (one short query): with none, the stock that day is unknown."""
    return lines.filter(fell_due_before(on)).exists()


@dataclass(frozen=True)
class Ledger:
    """The arrears stock on a day in total and by township, enterprise and project (ids as keys)."""

    total: Arrears
    township: dict[int, Arrears]
    enterprise: dict[int, Arrears]
    project: dict[int, Arrears]


def arrears_ledger(lines: QuerySet, *, on: datetime.date) -> Ledger:
    """Every grouping of the stock from one scan (one query): the owed lines summed per worker and project
    in SQL, those rows (one per worker owed on a project, not per line) folded per grouping here, counting
    each worker once per group."""
    rows = list(
        owed_lines(lines, on=on)
        .values("project_id", "entry__worker_id")
        .annotate(
            township=F("project__township_id"),
            enterprise=GROUP_KEYS["enterprise"],
            **_sums(),
        )
        .order_by()
    )
    return Ledger(
        _fold(rows, lambda r: 0)[0] if rows else NO_ARREARS,
        _fold(rows, lambda r: r["township"]),
        _fold(rows, lambda r: r["enterprise"]),
        _fold(rows, lambda r: r["project_id"]),
    )


def _fold(rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], int]) -> dict[int, Arrears]:
    groups: dict[int, dict[str, Any]] = {}
    for r in rows:
        g = groups.setdefault(key(r), {"workers": set(), "amount": ZERO, "oldest": None, "unknown": 0})
        g["workers"].add(r["entry__worker_id"])
        g["amount"] += to_fen(r["n_amount"])
        g["oldest"] = min(filter(None, (g["oldest"], r["n_oldest"])))
        g["unknown"] += r["n_unknown"]
    return {k: Arrears(len(g["workers"]), g["amount"], g["oldest"], g["unknown"]) for k, g in groups.items()}


def arrears_by(lines: QuerySet, *, on: datetime.date, by: Grouping) -> dict[int, Arrears]:
    """The arrears stock on ``on`` per worker, project, enterprise or township id (one query).

    The enterprise is the worker's employer on the roster, else the project's general contractor (who
    answers for unpaid wages on his site). Keys with nothing owed are absent.
    """
    rows = (
        owed_lines(lines, on=on)
        .annotate(group_key=GROUP_KEYS[by])
        .values("group_key")
        .annotate(**_sums())
        .order_by()
    )
    return {row["group_key"]: _arrears(row) for row in rows}


def enterprise_lines_q(enterprise_id: int) -> Q:
    """Lines an enterprise answers for: its own workers', and those without an employer on its sites."""
    return Q(entry__employer_id=enterprise_id) | Q(
        entry__employer_id__isnull=True, project__contractor_id=enterprise_id
    )


# ---------------------------------------------------------------- the payroll summary


@dataclass(frozen=True)
class PayrollMonth:
    """A project-month of wages: summed from its pay lines where it has any (``derived``), else the
    totals the project reported (Payroll)."""

    month: datetime.date
    attended: int
    paid: int
    gross: Decimal | None
    net: Decimal
    paid_on: datetime.date | None
    via_account: bool | None
    derived: bool
    lines: int = 0

    @property
    def short(self) -> bool:
        return self.paid < self.attended


_PAID = Q(net__gt=0) & ~Q(bank_status=PayLine.BankStatus.FAILED)


def payroll_from_lines(lines: QuerySet) -> dict[tuple[int, datetime.date], PayrollMonth]:
    """Per (project id, month) from the lines (one query): attended = lines with days attended (or, days
    unknown, a wage due); paid = lines with money that reached the worker (a failed transfer did not);
    gross = wages due; net = money paid; paid on = the last payment; via the dedicated account only when
    every paid line was."""
    rows = (
        lines.values("project_id", "month")
        .annotate(
            n_lines=Count("pk"),
            n_attended=Count("pk", filter=Q(days__gt=0) | Q(days__isnull=True, due__gt=0)),
            n_paid=Count("pk", filter=_PAID),
            n_gross=Sum("due"),
            n_net=Coalesce(Sum("net", filter=_PAID), Value(ZERO), output_field=AMOUNT),
            n_paid_on=Max("paid_on", filter=_PAID),
            n_not_via=Count("pk", filter=_PAID & ~Q(via_account=True)),
        )
        .order_by()
    )
    return {(r["project_id"], r["month"]): _payroll_month(r) for r in rows}


def _payroll_month(r: dict[str, Any]) -> PayrollMonth:
    via = (r["n_not_via"] == 0) if r["n_paid"] else None
    return PayrollMonth(
        r["month"],
        r["n_attended"],
        r["n_paid"],
        to_fen(r["n_gross"]),
        to_fen(r["n_net"]),
        r["n_paid_on"],
        via,
        True,
        r["n_lines"],
    )


def project_payroll(project: Project) -> list[PayrollMonth]:
    """The project's months, newest first: from its pay lines where it has any, else as reported (two
    queries)."""
    months = {
        month: m for (_p, month), m in payroll_from_lines(PayLine.objects.filter(project=project)).items()
    }
    for p in Payroll.objects.filter(project=project).exclude(month__in=list(months)):
        months[p.month] = PayrollMonth(
            p.month, p.attended, p.paid, p.gross, p.net, p.paid_on, p.via_account, False
        )
    return [months[m] for m in sorted(months, reverse=True)]


# ---------------------------------------------------------------- what a wage import matches rows to


class RosterRef(NamedTuple):
    """A roster entry as a wage import matches a row to it: the worker's name and the days it covers (a
    tuple: a project's whole roster is read at once)."""

    id: int
    name: str
    entry_date: datetime.date
    exit_date: datetime.date | None

    def covers(self, month: datetime.date) -> bool:
        """On the roster some day of ``month`` (its first day): entered by its end, not left before it."""
        last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        return self.entry_date <= last and (self.exit_date is None or self.exit_date >= month)


def roster_by_id_hash(project: Project) -> dict[str, RosterRef]:
    """The project's roster entries by their worker's ID-number hash (one query)."""
    rows = RosterEntry.objects.filter(project=project).values_list(
        "worker__id_number_hash", "id", "worker__name", "entry_date", "exit_date"
    )
    return {hash_: RosterRef(pk, name, entered, left) for hash_, pk, name, entered, left in rows}


def month_lines(project: Project, month: datetime.date) -> dict[int, tuple[bool, Decimal | None]]:
    """The project's lines of ``month`` by roster entry: (reported by a bank, net paid) (one query)."""
    rows = PayLine.objects.filter(project=project, month=month).values_list(
        "entry_id", "bank_reference", "net"
    )
    return {entry: (reference is not None, net) for entry, reference, net in rows}
