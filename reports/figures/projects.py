"""Project figures: active projects (stock) by investment type, department and township, and the coverage
of each obligation (DESIGN §2) among them. One query for the rows plus the deposit positions (6 queries).
The payroll obligations read the due month's pay lines where a project keeps them, else its reported
totals; the figures say how many projects are of each kind."""

import datetime

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deposits.selectors import DepositPosition, deposit_positions
from projects import obligations
from projects.models import Payroll, Project, RosterEntry
from wages.models import PayLine
from wagewatch.lib.periods import months_before

from .common import rate
from .scope import Scope

# (key, label, problem text "%(n)s个项目…")
OBLIGATIONS = [
    (
        "roster",
        gettext_noop("实名制管理"),
        gettext_noop("%(n)s个项目实名制管理不到位（无花名册、未签劳动合同或未配备劳资专管员）"),
    ),
    (
        "account",
        gettext_noop("按时开设工资专用账户"),
        gettext_noop("%(n)s个项目未在合同签订后规定时限内开设工资专用账户"),
    ),
    ("transfer", gettext_noop("按月拨付人工费"), gettext_noop("%(n)s个项目未按月拨付人工费")),
    ("payroll", gettext_noop("总包代发工资"), gettext_noop("%(n)s个项目未通过专用账户由总包单位代发工资")),
    ("deposit", gettext_noop("工资保证金足额"), gettext_noop("%(n)s个项目工资保证金（保函）未足额缴存")),
    ("board", gettext_noop("维权信息告示牌"), gettext_noop("%(n)s个项目未设置维权信息告示牌")),
    ("wages", gettext_noop("按月足额支付工资"), gettext_noop("%(n)s个项目未按月足额支付农民工工资")),
]


def _line_count(lines, condition: Q | None = None):
    """A correlated COUNT over the project's pay lines of the due month (``condition``: which lines)."""
    counted = Count("pk", filter=condition) if condition is not None else Count("pk")
    return Coalesce(Subquery(lines.values("project").annotate(n=counted).values("n")[:1]), 0)


def _line_figures(due: datetime.date, end: datetime.date) -> dict:
    """The due month's payroll summed from pay lines (DESIGN §8), for projects that keep them: lines,
    attended, paid by ``end`` (not failed), and paid lines not from the dedicated account."""
    lines = PayLine.objects.filter(project=OuterRef("pk"), month=due).order_by()
    paid = Q(net__gt=0, paid_on__lte=end) & ~Q(bank_status=PayLine.BankStatus.FAILED)
    return {
        "line_n": _line_count(lines),
        "line_attended": _line_count(lines, Q(days__gt=0) | Q(days__isnull=True, due__gt=0)),
        "line_paid": _line_count(lines, paid),
        "line_not_via": _line_count(lines, paid & ~Q(via_account=True)),
    }


def _rows(scope: Scope, end: datetime.date) -> list[dict]:
    due = obligations.wages_due_month(end)
    # .order_by(): the model's default ordering would join projects into every correlated subquery
    payroll = Payroll.objects.filter(project=OuterRef("pk"), month=due, paid_on__lte=end).order_by()
    roster = RosterEntry.objects.filter(project=OuterRef("pk"), entry_date__lte=end)
    unsigned = roster.filter(contract_signed=False).filter(Q(exit_date__isnull=True) | Q(exit_date__gte=end))
    return list(
        Project.objects.filter(scope.q(Project))
        .active_on(end)
        .annotate(
            has_roster=Exists(roster),
            has_unsigned=Exists(unsigned),
            transfer_ref=obligations.transfer_reference(obligations.last_transfer(end)),
            wages_due=ExpressionWrapper(obligations.wages_due_q(end), output_field=BooleanField()),
            pay_paid=Coalesce(Subquery(payroll.values("paid")[:1]), -1),
            pay_attended=Subquery(payroll.values("attended")[:1]),
            pay_via=Subquery(payroll.values("via_account")[:1]),
            account_on=F("wage_account__opened_on"),
            board=obligations.notice_board_posted(end),
            **_line_figures(due, end),
        )
        .values(
            "pk", "code", "township_id", "department_id", "investment_type", "contract_date", "wage_admin",
            "board", "has_roster", "has_unsigned", "transfer_ref", "wages_due", "pay_paid", "pay_attended",
            "pay_via", "account_on",
            "line_n", "line_attended", "line_paid", "line_not_via",
        )
        .order_by("pk")
    )  # fmt: skip


def _payroll_source(r: dict) -> None:
    """The due month's payroll figures from the pay lines where the project has any, else as reported;
    ``pay_source`` says which ("lines" / "reported" / None: neither)."""
    if r["line_n"]:
        r["pay_source"] = "lines"
        r["pay_paid"] = r["line_paid"] if r["line_paid"] else -1
        r["pay_attended"], r["pay_via"] = r["line_attended"], r["line_not_via"] == 0
    else:
        r["pay_source"] = "reported" if r["pay_paid"] >= 0 else None


def _checks(r: dict, end: datetime.date, position: DepositPosition | None) -> dict[str, bool]:
    """Which obligations the project meets on ``end``; a duty not yet due counts as met."""
    _payroll_source(r)
    paid = r["pay_paid"] >= 0
    account_due = obligations.account_due(r["contract_date"])
    on_time_account = r["account_on"] is not None and r["account_on"] <= min(end, account_due)
    return {
        "roster": r["has_roster"] and not r["has_unsigned"] and bool(r["wage_admin"].strip()),
        "account": on_time_account or (r["account_on"] is None and end <= account_due),
        "transfer": r["transfer_ref"] >= months_before(end, 1),
        "payroll": not r["wages_due"] or (paid and bool(r["pay_via"])),
        "deposit": position is not None and not position.short,
        "board": bool(r["board"]),
        "wages": not r["wages_due"] or (paid and r["pay_paid"] >= (r["pay_attended"] or 0)),
    }


def project_figures(scope: Scope, start: datetime.date, end: datetime.date) -> dict:
    """Active projects on ``end`` and the coverage of each obligation; per-project flags for rankings."""
    rows = _rows(scope, end)
    positions = deposit_positions(projects_qs=Project.objects.filter(scope.q(Project)).active_on(end), on=end)
    for r in rows:
        r["checks"] = _checks(r, end, positions.get(r["pk"]))
    total = len(rows)
    coverage = []
    for key, label, problem in OBLIGATIONS:
        met = sum(1 for r in rows if r["checks"][key])
        coverage.append(
            {"key": key, "label": _(label), "met": met, "missing": total - met, "total": total,
             "rate": rate(met, total), "problem": _(problem) % {"n": total - met}}
        )  # fmt: skip
    sources = [r["pay_source"] for r in rows]
    return {
        "active": total,
        "rows": rows,
        "coverage": coverage,
        "by_investment": _count_by(rows, "investment_type", dict(Project.Investment.choices)),
        "payroll_from_lines": sources.count("lines"),
        "payroll_reported": sources.count("reported"),
    }


def roster_figures(scope: Scope, end: datetime.date) -> dict:
    """Workers on the rosters on ``end`` (entries entered by then, not exited before it) and those with a
    labour contract; the signing rate is its own coverage line, per worker (one query)."""
    on_roster = Q(entry_date__lte=end) & (Q(exit_date__isnull=True) | Q(exit_date__gte=end))
    row = RosterEntry.objects.filter(scope.q(RosterEntry)).aggregate(
        workers=Count("pk", filter=on_roster),
        signed=Count("pk", filter=on_roster & Q(contract_signed=True)),
    )
    row["unsigned"] = row["workers"] - row["signed"]
    row["rate"] = rate(row["signed"], row["workers"])
    return row


def _count_by(rows: list[dict], field: str, labels: dict) -> list[dict]:
    counts: dict = {}
    for r in rows:
        counts[r[field]] = counts.get(r[field], 0) + 1
    return [{"key": k, "label": str(label), "n": counts.get(k, 0)} for k, label in labels.items()]


def units(rows: list[dict], field: str, names: dict[int, str]) -> list[dict]:
    """Active projects per township or department, in the unit's order (units without projects: 0)."""
    counts: dict = {}
    for r in rows:
        counts[r[field]] = counts.get(r[field], 0) + 1
    return [{"pk": pk, "label": name, "n": counts.get(pk, 0)} for pk, name in names.items()]
