"""The arrears-risk rules (DESIGN §2): each a registered function plus a RiskRule row of settings.

A rule takes (projects queryset, thresholds, today) and returns {project_id: (severity, detail)} using a
fixed number of aggregate queries over all projects at once. ``severity`` None means "the rule row's
own severity" (editable by admins); SERIOUS marks the rule's upgraded level. A new rule is a function
decorated with ``@rule(...)`` here: ``risk_rules_sync`` creates its row from the defaults.
"""

import contextlib
import contextvars
import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blacklist.selectors import c_graded_enterprise_ids, listed_enterprise_ids
from complaints.models import Complaint
from deposits.models import Guarantee
from deposits.selectors import deposit_positions
from projects.models import Inspection, LabourCostTransfer, Payroll, Project, WageAccount
from wagewatch.lib import law
from wagewatch.lib.periods import month_start, months_before, months_between

log = logging.getLogger(__name__)

GENERAL = Project.Grade.GENERAL
SERIOUS = Project.Grade.SERIOUS

Finding = tuple[int | None, str]
RuleFunc = Callable[..., dict[int, Finding]]


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    description: str
    severity: int
    thresholds: dict = field(default_factory=dict)
    sort: int = 0
    func: RuleFunc | None = None


REGISTRY: dict[str, RuleSpec] = {}


def rule(code: str, *, name: str, description: str, severity: int = GENERAL, thresholds=None):
    """Register a rule function under ``code`` with the defaults of its RiskRule row."""

    def register(func: RuleFunc) -> RuleFunc:
        REGISTRY[code] = RuleSpec(
            code, name, description, severity, thresholds or {}, len(REGISTRY) + 1, func
        )
        return func

    return register


# ---- per-project failures: logged and skipped, the rule goes on ----

_failures: contextvars.ContextVar[dict | None] = contextvars.ContextVar("risk_failures", default=None)


@contextlib.contextmanager
def capture_failures():
    """Collect {project_id: error text} of projects a rule could not evaluate."""
    failures: dict[int, str] = {}
    token = _failures.set(failures)
    try:
        yield failures
    finally:
        _failures.reset(token)


def collect(rows: Iterable[dict], build: Callable[[dict], Finding | None]) -> dict[int, Finding]:
    """Findings of ``build`` over aggregate rows (each with "pk"); a row that raises is logged and skipped."""
    found: dict[int, Finding] = {}
    for row in rows:
        try:
            result = build(row)
        except Exception as exc:  # one bad project must not stop the sweep
            log.warning("risk rule failed for project %s", row.get("pk"), exc_info=True)
            failures = _failures.get()
            if failures is not None:
                failures[row["pk"]] = f"{type(exc).__name__}: {exc}"[:300]
            continue
        if result is not None:
            found[row["pk"]] = result
    return found


def _d(value) -> str:
    return value.strftime("%Y-%m-%d")


def _m(value) -> str:
    return value.strftime("%Y-%m")


# ---- the seed rules (DESIGN §2 table) ----


@rule(
    "ACCOUNT_MISSING",
    name=gettext_lazy("未开设工资专用账户"),
    description=gettext_lazy("合同签订后超过规定天数（days）仍未开设农民工工资专用账户。"),
    thresholds={"days": law.ACCOUNT_OPEN_DAYS()},
)
def account_missing(projects, thresholds, today):
    days = int(thresholds["days"])
    account = WageAccount.objects.filter(project=OuterRef("pk"), opened_on__lte=today).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=today)
    )
    rows = (
        projects.filter(contract_date__lt=today - datetime.timedelta(days=days))
        .exclude(Exists(account))
        .values("pk", "contract_date")
    )
    text = _("合同签订于%(d)s，超过%(n)s天仍未开设农民工工资专用账户")
    return collect(rows, lambda r: (None, text % {"d": _d(r["contract_date"]), "n": days}))


def _latest(model, column: str, today):
    qs = model.objects.filter(project=OuterRef("pk"))
    if model is LabourCostTransfer:
        return Subquery(qs.filter(transferred_on__lte=today).order_by("-transferred_on").values(column)[:1])
    paid = qs.filter(paid_on__isnull=False, paid_on__lte=today)
    return Subquery(paid.order_by("-month").values(column)[:1])


@rule(
    "TRANSFER_LATE",
    name=gettext_lazy("人工费未按月拨付"),
    description=gettext_lazy(
        "建设单位超过 general_months 个月未拨付人工费为一般隐患，超过 serious_months 个月为严重隐患。"
    ),
    thresholds={"general_months": law.LABOUR_COST_CYCLE_MONTHS(), "serious_months": 2},
)
def transfer_late(projects, thresholds, today):
    general_cut = months_before(today, int(thresholds["general_months"]))
    serious_cut = months_before(today, int(thresholds["serious_months"]))
    rows = (
        projects.annotate(last=_latest(LabourCostTransfer, "transferred_on", today))
        .annotate(ref=Coalesce(F("last"), F("start_date")))
        .filter(ref__lt=general_cut)
        .values("pk", "last", "ref")
    )

    def build(r):
        level = SERIOUS if r["ref"] < serious_cut else None
        if r["last"] is None:
            return level, _("开工（%(d)s）以来建设单位未拨付人工费") % {"d": _d(r["ref"])}
        return level, _("最近一次拨付人工费为%(d)s，已逾期未按月拨付") % {"d": _d(r["last"])}

    return collect(rows, build)


@rule(
    "PAYROLL_LATE",
    name=gettext_lazy("工资未按月发放"),
    description=gettext_lazy("M月工资至M+1月末仍未发放（回看 lookback_months 个月）。"),
    severity=SERIOUS,
    thresholds={"lookback_months": 12},
)
def payroll_late(projects, thresholds, today):
    last_due = month_start(today, -2)  # end of M+1 has passed for every month up to this one
    window = month_start(last_due, -(int(thresholds["lookback_months"]) - 1))
    paid = Q(payrolls__month__range=(window, last_due), payrolls__paid_on__isnull=False)
    rows = (
        projects.filter(start_date__lt=month_start(last_due, 1))
        .annotate(paid_months=Count("payrolls", filter=paid & Q(payrolls__paid_on__lte=today)))
        .values("pk", "start_date", "paid_months")
    )

    def build(r):
        due = months_between(max(window, month_start(r["start_date"])), last_due)
        unpaid = due - min(r["paid_months"], due)
        if unpaid <= 0:
            return None
        text = _("截至%(m)s，应发放的%(due)s个月工资中有%(n)s个月逾期未发放")
        return None, text % {"m": _m(last_due), "due": due, "n": unpaid}

    return collect(rows, build)


@rule(
    "PAYROLL_SHORT",
    name=gettext_lazy("工资未足额发放到人"),
    description=gettext_lazy(
        "最近一次发放的实发人数少于出勤人数；未发人数达出勤人数 serious_share 以上为严重隐患。"
    ),
    thresholds={"serious_share": "0.10"},
)
def payroll_short(projects, thresholds, today):
    share = Decimal(str(thresholds["serious_share"]))
    rows = (
        projects.annotate(
            p_month=_latest(Payroll, "month", today),
            p_attended=_latest(Payroll, "attended", today),
            p_paid=_latest(Payroll, "paid", today),
        )
        .filter(p_paid__lt=F("p_attended"))
        .values("pk", "p_month", "p_attended", "p_paid")
    )

    def build(r):
        unpaid = r["p_attended"] - r["p_paid"]
        level = SERIOUS if Decimal(unpaid) >= share * r["p_attended"] else None
        text = _("%(m)s工资：出勤%(a)s人，实发%(p)s人，%(u)s人未发放")
        return level, text % {"m": _m(r["p_month"]), "a": r["p_attended"], "p": r["p_paid"], "u": unpaid}

    return collect(rows, build)


@rule(
    "LOW_PAY",
    name=gettext_lazy("人均工资低于最低工资标准"),
    description=gettext_lazy(
        "最近一次发放的人均应发工资低于当地月最低工资标准（minimum_wage 留空则用系统设置）。"
    ),
    thresholds={"minimum_wage": None},
)
def low_pay(projects, thresholds, today):
    minimum = Decimal(str(thresholds.get("minimum_wage") or law.MINIMUM_WAGE_MONTHLY()))
    rows = (
        projects.annotate(
            p_month=_latest(Payroll, "month", today),
            p_gross=_latest(Payroll, "gross", today),
            p_paid=_latest(Payroll, "paid", today),
        )
        .alias(floor=ExpressionWrapper(F("p_paid") * Value(minimum), output_field=DecimalField()))
        .filter(p_paid__gt=0, p_gross__lt=F("floor"))
        .values("pk", "p_month", "p_gross", "p_paid")
    )

    def build(r):
        average = (Decimal(r["p_gross"]) / r["p_paid"]).quantize(Decimal("0.01"))
        text = _("%(m)s人均应发工资%(a)s元，低于最低工资标准%(min)s元")
        return None, text % {"m": _m(r["p_month"]), "a": average, "min": minimum}

    return collect(rows, build)


@rule(
    "DEPOSIT_SHORT",
    name=gettext_lazy("工资保证金不足"),
    description=gettext_lazy(
        "未缴或少缴工资保证金为一般隐患；保函在 warning_days 天内到期为一般隐患，"
        "保函已过期且现金不足应缴额为严重隐患。"
    ),
    thresholds={"warning_days": 30},
)
def deposit_short(projects, thresholds, today):
    warn_until = today + datetime.timedelta(days=int(thresholds["warning_days"]))
    positions = deposit_positions(projects_qs=projects, on=today)
    # deposit_positions reports letters in force only; an expired, unreleased letter is the serious case.
    expired = dict(
        Guarantee.objects.filter(
            deposit__project__in=projects.order_by().values("pk"),
            released_on__isnull=True,
            valid_to__lt=today,
        )
        .values_list("deposit__project_id")
        .annotate(last=Max("valid_to"))
        .order_by()
    )
    rows = ({"pk": pk, "expired_on": expired.get(pk), **pos} for pk, pos in positions.items())
    return collect(rows, lambda r: _deposit_finding(r, today, warn_until))


def _deposit_finding(r: dict, today, warn_until) -> Finding | None:
    required = Decimal(r["required"] or 0)
    if r["exempt"] or required <= 0:
        return None
    cash = Decimal(r["cash_balance"] or 0)
    in_force = Decimal(r["guarantee_amount"] or 0)
    valid_to = r["guarantee_valid_to"]
    if cash + in_force < required:
        if r["expired_on"]:
            text = _("保函已于%(d)s到期，现有保证金%(c)s元，低于应缴%(r)s元")
            return SERIOUS, text % {"d": _d(r["expired_on"]), "c": cash + in_force, "r": required}
        text = _("保证金现金余额%(c)s元、有效保函%(g)s元，低于应缴%(r)s元")
        return None, text % {"c": cash, "g": in_force, "r": required}
    if in_force and cash < required and valid_to and valid_to <= warn_until:
        return None, _("保函将于%(d)s到期，请督促续保") % {"d": _d(valid_to)}
    return None


@rule(
    "NOTICE_BOARD",
    name=gettext_lazy("未设维权信息告示牌"),
    description=gettext_lazy("最近一次现场检查发现未设维权信息告示牌；无检查记录的，按项目登记信息判断。"),
)
def notice_board(projects, thresholds, today):
    last = Inspection.objects.filter(project=OuterRef("pk"), date__lte=today).order_by("-date", "-id")
    rows = (
        projects.annotate(
            board_ok=Subquery(last.values("check_notice_board")[:1]),
            checked_on=Subquery(last.values("date")[:1]),
        )
        .filter(Q(board_ok=False) | Q(board_ok__isnull=True, notice_board=False))
        .values("pk", "checked_on")
    )

    def build(r):
        if r["checked_on"]:
            return None, _("%(d)s现场检查发现未设维权信息告示牌") % {"d": _d(r["checked_on"])}
        return None, _("项目登记信息显示未设维权信息告示牌")

    return collect(rows, build)


@rule(
    "COMPLAINTS",
    name=gettext_lazy("存在未办结欠薪投诉"),
    description=gettext_lazy(
        "近 days 天内有未办结的投诉为一般隐患；其中涉及 serious_workers 人以上的为严重隐患。"
    ),
    thresholds={"days": 90, "serious_workers": law.GROUP_INCIDENT_WORKERS()},
)
def complaints(projects, thresholds, today):
    since = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min)) - datetime.timedelta(
        days=int(thresholds["days"])
    )
    big = int(thresholds["serious_workers"])
    rows = (
        Complaint.objects.filter(project__in=projects.values("pk"), received_at__gte=since)
        .exclude(status__in=[Complaint.Status.CLOSED, Complaint.Status.REFUSED])
        .values("project_id")
        .annotate(pk=F("project_id"), n=Count("pk"), top=Max("workers_involved"))
        .values("pk", "n", "top")
        .order_by()
    )

    def build(r):
        level = SERIOUS if r["top"] >= big else None
        text = _("近%(d)s天有%(n)s件欠薪投诉未办结（最多涉及%(w)s人）")
        return level, text % {"d": thresholds["days"], "n": r["n"], "w": r["top"]}

    return collect(rows, build)


@rule(
    "BAD_CREDIT",
    name=gettext_lazy("总承包单位失信"),
    description=gettext_lazy("施工总承包单位列入失信联合惩戒名单，或守法诚信等级为C级（当年或上一年度）。"),
    severity=SERIOUS,
)
def bad_credit(projects, thresholds, today):
    listed = listed_enterprise_ids(on=today)
    graded_c = Q(contractor_id__in=c_graded_enterprise_ids(year=today.year)) | Q(
        contractor_id__in=c_graded_enterprise_ids(year=today.year - 1)
    )
    rows = (
        projects.filter(Q(contractor_id__in=listed) | graded_c)
        .annotate(listed=Case(When(contractor_id__in=listed, then=Value(True)), default=Value(False)))
        .values("pk", "listed", "contractor__name")
    )

    def build(r):
        if r["listed"]:
            return None, _("总承包单位%(e)s已列入失信联合惩戒名单") % {"e": r["contractor__name"]}
        return None, _("总承包单位%(e)s守法诚信等级为C级") % {"e": r["contractor__name"]}

    return collect(rows, build)
