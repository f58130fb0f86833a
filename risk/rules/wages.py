"""Rules on wages (DESIGN §2 obligations 3 and 6): paid every month, to everyone who worked, at least the
minimum wage."""

import datetime
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import ExtractMonth, ExtractYear, Greatest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects import obligations
from projects.models import Payroll, Project
from wagewatch.lib import law
from wagewatch.lib.periods import month_start, months_between

from ..registry import SERIOUS, Finding, Found, Row, Thresholds, collect, month_text, rule


def _latest_paid(column: str, today: datetime.date) -> Subquery:
    """``column`` of the project's latest payroll month paid by ``today``."""
    paid = Payroll.objects.filter(project=OuterRef("pk"), paid_on__isnull=False, paid_on__lte=today)
    return Subquery(paid.order_by("-month").values(column)[:1])


def _latest_paid_is(condition: Q, today: datetime.date) -> Subquery:
    """Whether the project's latest payroll month paid by ``today`` meets ``condition``: one look-up a
    project to filter on (the columns shown are then read for the projects found only)."""
    paid = Payroll.objects.filter(project=OuterRef("pk"), paid_on__isnull=False, paid_on__lte=today)
    hit = ExpressionWrapper(condition, output_field=BooleanField())
    return Subquery(paid.order_by("-month").annotate(hit=hit).values("hit")[:1])


@rule(
    "PAYROLL_LATE",
    name=gettext_lazy("工资未按月发放"),
    description=gettext_lazy("M月工资至M+1月末仍未发放（回看 lookback_months 个月）。"),
    severity=SERIOUS,
    thresholds={"lookback_months": 12},
)
def payroll_late(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    last_due = obligations.wages_due_month(today)
    window = month_start(last_due, -(int(thresholds["lookback_months"]) - 1))
    paid = Q(payrolls__month__range=(window, last_due), payrolls__paid_on__isnull=False)
    # the months due (as build counts them) in SQL too, so only the late projects' rows come back; Max()
    # of the project's one start date keeps it out of GROUP BY (evaluated once a project, not once a row)
    counted_from = Greatest(Max("start_date"), Value(window))
    months_due = Value(last_due.year * 12 + last_due.month + 1) - (
        ExtractYear(counted_from) * 12 + ExtractMonth(counted_from)
    )
    rows = (
        projects.filter(obligations.wages_due_q(today))
        .annotate(paid_months=Count("payrolls", filter=paid & Q(payrolls__paid_on__lte=today)))
        .alias(months_due=months_due)
        .filter(paid_months__lt=F("months_due"))
        .values("pk", "start_date", "paid_months")
    )

    text = _("截至%(m)s，应发放的%(due)s个月工资中有%(n)s个月逾期未发放")

    def build(r: Row) -> Found:
        due = months_between(max(window, month_start(r["start_date"])), last_due)
        unpaid = due - min(r["paid_months"], due)
        if unpaid <= 0:
            return None
        return None, text % {"m": month_text(last_due), "due": due, "n": unpaid}

    return collect(rows, build)


@rule(
    "PAYROLL_SHORT",
    name=gettext_lazy("工资未足额发放到人"),
    description=gettext_lazy(
        "最近一次发放的实发人数少于出勤人数；未发人数达出勤人数 serious_share 以上为严重隐患。"
    ),
    thresholds={"serious_share": "0.10"},
)
def payroll_short(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    share = Decimal(str(thresholds["serious_share"]))
    rows = (
        projects.alias(short=_latest_paid_is(Q(paid__lt=F("attended")), today))
        .filter(short=True)
        .annotate(
            p_month=_latest_paid("month", today),
            p_attended=_latest_paid("attended", today),
            p_paid=_latest_paid("paid", today),
        )
        .values("pk", "p_month", "p_attended", "p_paid")
    )

    text = _("%(m)s工资：出勤%(a)s人，实发%(p)s人，%(u)s人未发放")

    def build(r: Row) -> Found:
        unpaid = r["p_attended"] - r["p_paid"]
        level = SERIOUS if Decimal(unpaid) >= share * r["p_attended"] else None
        month = month_text(r["p_month"])
        return level, text % {"m": month, "a": r["p_attended"], "p": r["p_paid"], "u": unpaid}

    return collect(rows, build)


@rule(
    "LOW_PAY",
    name=gettext_lazy("人均工资低于最低工资标准"),
    description=gettext_lazy(
        "最近一次发放的人均应发工资低于当地月最低工资标准（minimum_wage 留空则用系统设置）。"
    ),
    thresholds={"minimum_wage": None},
)
def low_pay(projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date) -> dict[int, Finding]:
    minimum = Decimal(str(thresholds.get("minimum_wage") or law.MINIMUM_WAGE_MONTHLY()))
    floor = ExpressionWrapper(F("paid") * Value(minimum), output_field=DecimalField())
    rows = (
        projects.alias(low=_latest_paid_is(Q(paid__gt=0, gross__lt=floor), today))
        .filter(low=True)
        .annotate(
            p_month=_latest_paid("month", today),
            p_gross=_latest_paid("gross", today),
            p_paid=_latest_paid("paid", today),
        )
        .values("pk", "p_month", "p_gross", "p_paid")
    )

    text = _("%(m)s人均应发工资%(a)s元，低于最低工资标准%(min)s元")

    def build(r: Row) -> Found:
        average = (Decimal(r["p_gross"]) / r["p_paid"]).quantize(Decimal("0.01"))
        return None, text % {"m": month_text(r["p_month"]), "a": average, "min": minimum}

    return collect(rows, build)
