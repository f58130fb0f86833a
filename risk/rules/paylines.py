"""Wage reconciliation rules (issue 16, DESIGN §8): the pay lines checked worker by worker.

Five registered rules over wages.PayLine, each in one aggregate query for all projects at once: the
workers behind each project's finding (largest amounts first, at most LIST_LIMIT per project, ranked by a
window function in SQL) with the project's totals alongside. The hazard detail lists those workers with
masked ID numbers, so the hazard is updated when the list changes and closed when the lines clear.

- WORKER_UNPAID  owed (wages.selectors.owed_lines) ``days`` after payday + grace, and nothing paid;
- WORKER_SHORT   owed ``days`` after payday + grace, and part of it paid (less than due − deductions);
- CARD_MISMATCH  paid to a card whose keyed hash is not the one registered on the roster (last months);
- OFF_ACCOUNT    paid in cash or from another account than the dedicated one (last months);
- BANK_FAILED    the bank's result is 失败 and no new payment came within ``days`` of the attempt.

A failed bank line is unpaid, but it is BANK_FAILED's signal (with its own re-payment days), not
WORKER_UNPAID's. Kept in its own module so that it moves with the risk package.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import (
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
    Window,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Project
from wages.models import PayLine
from wages.selectors import fell_due_before, owed_lines, to_fen
from wagewatch.lib import config, law
from wagewatch.lib.masking import mask_id
from wagewatch.lib.periods import month_start

from ..registry import SERIOUS, Finding, Found, Row, Thresholds, collect, rule

LIST_LIMIT = 50  # workers named in one hazard's detail; the totals count them all
MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
FAILED = PayLine.BankStatus.FAILED


# ---- the one query of every rule ----


class _OverWorkers(Func):
    """An aggregate of the per-worker aggregates, taken over the project's partition: SUM(SUM(x)) OVER."""

    window_compatible = True


def _lines(projects: QuerySet[Project]) -> QuerySet[PayLine]:
    return PayLine.objects.filter(project__in=projects.order_by().values("pk")).order_by()


def _worker_rows(lines: QuerySet[PayLine], amount: Combinable, unknown: Q) -> dict[int, list[Row]]:
    """Per project: its workers (amount, months), largest amount first, at most LIST_LIMIT; each row also
    carries the project's totals (workers, amount, workers of unknown amount, first month). One query:
    GROUP BY (project, worker), then window functions over the project, ranked and cut in SQL."""
    project: dict[str, Any] = {"partition_by": F("project_id")}
    rows = (
        lines.values("project_id", "entry_id", "entry__worker__name", "entry__worker__id_number")
        .annotate(
            amount=Coalesce(Sum(amount, output_field=MONEY), ZERO),
            first=Min("month"),
            last=Max("month"),
            months=Count("pk"),
            unknown=Max(Case(When(unknown, then=1), default=0)),
        )
        .annotate(  # a second annotate(): the windows are computed after GROUP BY, not grouped by
            rank=Window(RowNumber(), order_by=[F("amount").desc(), F("entry_id").asc()], **project),
            p_workers=Window(Count("*"), **project),
            p_amount=Window(
                _OverWorkers(Coalesce(Sum(amount, output_field=MONEY), ZERO), function="SUM"), **project
            ),
            p_unknown=Window(
                _OverWorkers(Max(Case(When(unknown, then=1), default=0)), function="SUM"), **project
            ),
            p_first=Window(_OverWorkers(Min("month"), function="MIN"), **project),
        )
        .filter(rank__lte=LIST_LIMIT)
        .order_by("project_id", "rank")
    )
    found: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        found[row["project_id"]].append(row)
    return found


def worker_findings(
    lines: QuerySet[PayLine],
    amount: Combinable,
    thresholds: Thresholds,
    summary: str,
    unknown: Q | None = None,
) -> dict[int, Finding]:
    """The findings of a wage rule: ``summary`` % {n, amount, first}, then one line per worker named;
    ``unknown`` marks the lines whose amount is not known (the worker counted, the amount 0)."""
    by_project = _worker_rows(lines, amount, unknown or Q(pk__in=[]))
    big = int(thresholds.get("serious_workers") or 0)

    def build(row: Row) -> Found:
        listed = by_project[row["pk"]]
        top = listed[0]
        workers = top["p_workers"]
        level = SERIOUS if big and workers >= big else None
        head = summary % {"n": workers, "amount": to_fen(top["p_amount"]), "first": f"{top['p_first']:%Y-%m}"}
        if top["p_unknown"]:
            head += _("（其中%(u)s人应发金额未登记）") % {"u": top["p_unknown"]}
        text = [head, *(_worker_line(w) for w in listed)]
        if workers > len(listed):
            text.append(_("……另有%(n)s人") % {"n": workers - len(listed)})
        return level, "\n".join(text)

    return collect(({"pk": pk} for pk in by_project), build)


def _worker_line(row: Row) -> str:
    months = f"{row['first']:%Y-%m}"
    if row["last"] != row["first"]:
        months += _("至%(m)s") % {"m": f"{row['last']:%Y-%m}"}
    text = _("%(name)s（%(id)s）%(months)s，共%(k)s个月，%(amount)s元")
    return text % {
        "name": row["entry__worker__name"],
        "id": mask_id(row["entry__worker__id_number"]),
        "months": months,
        "k": row["months"],
        "amount": to_fen(row["amount"]),
    }


def _recent(today: datetime.date, thresholds: Thresholds) -> Q:
    return Q(month__gte=month_start(today, -(int(thresholds["lookback_months"]) - 1)))


# ---- the rules ----

SERIOUS_WORKERS = law.GROUP_INCIDENT_WORKERS()


@rule(
    "WORKER_UNPAID",
    name=gettext_lazy("工人工资逾期未发放"),
    description=gettext_lazy(
        "有出勤或应发工资的工人，工资支付日（加宽限期）后超过 days 天仍分文未发（银行退票的另见"
        "“银行代发失败未重新发放”）；涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"days": config.WORKER_UNPAID_DAYS(), "serious_workers": SERIOUS_WORKERS},
)
def worker_unpaid(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    lines = (
        owed_lines(_lines(projects), on=today)
        .filter(fell_due_before(today - datetime.timedelta(days=int(thresholds["days"]))), paid_by=0)
        .exclude(bank_status=FAILED)
    )
    text = _("%(n)s名工人自%(first)s起工资逾期未发放，合计%(amount)s元")
    return worker_findings(lines, F("owed"), thresholds, text, unknown=Q(gap__isnull=True))


@rule(
    "WORKER_SHORT",
    name=gettext_lazy("工人工资未足额发放"),
    description=gettext_lazy(
        "工资支付日（加宽限期）后超过 days 天，实发少于应发减扣款；涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"days": config.WORKER_UNPAID_DAYS(), "serious_workers": SERIOUS_WORKERS},
)
def worker_short(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    lines = owed_lines(_lines(projects), on=today).filter(
        fell_due_before(today - datetime.timedelta(days=int(thresholds["days"]))), paid_by__gt=0
    )
    text = _("%(n)s名工人自%(first)s起工资未足额发放，少发合计%(amount)s元")
    return worker_findings(lines, F("owed"), thresholds, text)


@rule(
    "CARD_MISMATCH",
    name=gettext_lazy("工资未发到工人本人银行卡"),
    description=gettext_lazy(
        "近 lookback_months 个月的工资发放到的银行卡与花名册登记的本人工资卡不一致（疑似代管工资卡）；"
        "涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"lookback_months": 3, "serious_workers": SERIOUS_WORKERS},
)
def card_mismatch(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    lines = (
        _lines(projects)
        .filter(_recent(today, thresholds), net__gt=0)
        .exclude(bank_status=FAILED)
        .exclude(card_hash="")
        .exclude(entry__card_hash="")
        .exclude(card_hash=F("entry__card_hash"))
    )
    text = _("%(n)s名工人自%(first)s起的工资发放到非本人登记的银行卡，合计%(amount)s元")
    return worker_findings(lines, F("net"), thresholds, text)


@rule(
    "OFF_ACCOUNT",
    name=gettext_lazy("工资未通过专用账户发放"),
    description=gettext_lazy(
        "近 lookback_months 个月有工资以现金或专用账户以外的账户发放；涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"lookback_months": 3, "serious_workers": SERIOUS_WORKERS},
)
def off_account(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    lines = (
        _lines(projects)
        .filter(_recent(today, thresholds), net__gt=0, via_account=False)
        .exclude(bank_status=FAILED)
    )
    text = _("%(n)s名工人自%(first)s起的工资未通过工资专用账户发放，合计%(amount)s元")
    return worker_findings(lines, F("net"), thresholds, text)


@rule(
    "BANK_FAILED",
    name=gettext_lazy("银行代发失败未重新发放"),
    description=gettext_lazy(
        "银行代发结果为失败，超过 days 天未重新发放（无发放日期的按工资支付日计）；"
        "涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"days": config.BANK_FAILED_REPAY_DAYS(), "serious_workers": SERIOUS_WORKERS},
)
def bank_failed(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    cut = today - datetime.timedelta(days=int(thresholds["days"]))
    attempted_long_ago = Q(paid_on__lt=cut) | (Q(paid_on__isnull=True) & fell_due_before(cut))
    lines = _lines(projects).filter(attempted_long_ago, bank_status=FAILED)
    amount = Coalesce("net", F("due") - F("deductions"), ZERO)
    text = _("%(n)s名工人自%(first)s起的银行代发失败，逾期未重新发放，合计%(amount)s元")
    return worker_findings(lines, amount, thresholds, text)
