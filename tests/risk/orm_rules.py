"""The project-level risk rules as they were written with the ORM (before issue 19 wrote them in SQL): the
oracle the hand-written statements are checked against (test_rule_sql.py). Each composes projects.obligations
and blacklist.selectors as the reports read them."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from blacklist.selectors import c_graded_enterprise_ids, listed_enterprise_ids
from complaints.models import Complaint
from complaints.selectors import arrears_enterprise_ids
from deposits.models import ZERO, Guarantee
from deposits.selectors import (
    FEN,
    SLACK,
    DepositPosition,
    DepositRisk,
    DepositTerms,
    Record,
    _draws,
    compute_required,
    required_share,
)
from projects import obligations
from projects.models import Payroll, Project
from risk.registry import SERIOUS, Finding, Found, Row, Thresholds, collect, day_text, month_text
from wagewatch.lib import law
from wagewatch.lib.periods import month_start, months_before, months_between, years_before


def account_missing(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    days = int(thresholds["days"])
    rows = (
        projects.filter(obligations.account_overdue_q(today, days=days))
        .exclude(obligations.account_open_on(today))
        .values("pk", "contract_date")
    )
    text = _("合同签订于%(d)s，超过%(n)s天仍未开设农民工工资专用账户")
    return collect(rows, lambda r: (None, text % {"d": day_text(r["contract_date"]), "n": days}))


def transfer_late(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    general_cut = months_before(today, int(thresholds["general_months"]))
    serious_cut = months_before(today, int(thresholds["serious_months"]))
    rows = (
        projects.annotate(last=obligations.last_transfer(today))
        .annotate(ref=obligations.transfer_reference(F("last")))
        .filter(ref__lt=general_cut)
        .values("pk", "last", "ref")
    )

    never = _("开工（%(d)s）以来建设单位未拨付人工费")  # texts translated once, not once a row
    late = _("最近一次拨付人工费为%(d)s，已逾期未按月拨付")

    def build(r: Row) -> Found:
        level = SERIOUS if r["ref"] < serious_cut else None
        if r["last"] is None:
            return level, never % {"d": day_text(r["ref"])}
        return level, late % {"d": day_text(r["last"])}

    return collect(rows, build)


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


def notice_board(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    rows = (
        projects.annotate(
            board=obligations.notice_board_posted(today),
            checked_on=Subquery(obligations.last_inspection(today).values("date")[:1]),
        )
        .filter(board=False)
        .values("pk", "checked_on")
    )

    found, registered = _("%(d)s现场检查发现未设维权信息告示牌"), _("项目登记信息显示未设维权信息告示牌")

    def build(r: Row) -> Found:
        if r["checked_on"]:
            return None, found % {"d": day_text(r["checked_on"])}
        return None, registered

    return collect(rows, build)


def complaints(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    since = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min)) - datetime.timedelta(
        days=int(thresholds["days"])
    )
    big = int(thresholds["serious_workers"])
    rows = (
        Complaint.objects.filter(project__in=projects.values("pk"), received_at__gte=since)
        .exclude(status__in=[Complaint.Status.CLOSED, Complaint.Status.REFUSED])
        .values("project_id")
        # each row names its project "pk", as collect() reads it (the stubs refuse an annotation named pk)
        .annotate(pk=F("project_id"), n=Count("pk"), top=Max("workers_involved"))  # type: ignore[no-redef]
        .values("pk", "n", "top")
        .order_by()
    )

    text = _("近%(d)s天有%(n)s件欠薪投诉未办结（最多涉及%(w)s人）")

    def build(r: Row) -> Found:
        level = SERIOUS if r["top"] >= big else None
        return level, text % {"d": thresholds["days"], "n": r["n"], "w": r["top"]}

    return collect(rows, build)


def bad_credit(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    listed = listed_enterprise_ids(on=today)
    graded_c = Q(contractor_id__in=c_graded_enterprise_ids(year=today.year)) | Q(
        contractor_id__in=c_graded_enterprise_ids(year=today.year - 1)
    )
    rows = (
        projects.filter(Q(contractor_id__in=listed) | graded_c)
        .annotate(listed=Case(When(contractor_id__in=listed, then=Value(True)), default=Value(False)))
        .values("pk", "listed", "contractor__name")
    )

    on_list, graded = _("总承包单位%(e)s已列入失信联合惩戒名单"), _("总承包单位%(e)s守法诚信等级为C级")

    def build(r: Row) -> Found:
        return None, (on_list if r["listed"] else graded) % {"e": r["contractor__name"]}

    return collect(rows, build)


# ---- deposits.selectors.deposit_risks as the ORM statement it was ----


def _fact_conditions(*, on: datetime.date) -> tuple[Q, Q, Q]:
    """What ``_facts`` reads, as conditions on a project's contractor (arrears in 2 years, in 1 year,
    blacklisted on ``on``) for one statement over many projects."""
    since_2y = years_before(on, law.DEPOSIT_RECORD_YEARS())
    since_1y = years_before(on, law.DEPOSIT_EXEMPT_RECORD_YEARS())

    def arrears(since: datetime.date) -> Q:
        cases = arrears_enterprise_ids(since=since, until=on)
        drawn = _draws(since=since, until=on).values("deposit__project__contractor_id")
        return Q(contractor_id__in=cases) | Q(contractor_id__in=drawn)

    return arrears(since_2y), arrears(since_1y), Q(contractor_id__in=listed_enterprise_ids(on=on))


def deposit_risks_orm(
    *, projects_qs: QuerySet[Project], on: datetime.date, expiring_by: datetime.date
) -> dict[int, DepositRisk]:
    """project_id → DepositRisk on ``on`` for the projects of ``projects_qs`` that may be short or hold a
    letter in force expiring by ``expiring_by``; the others are left out. One statement (the sweep's
    DEPOSIT_SHORT over every project): the contractor's record and the letters are subqueries, and SQL keeps
    the projects whose holdings are below a bound a little above what their record's share of the price
    (``required_share``, with the cap) requires. Each position kept is then priced by ``compute_required``
    as ``deposit_positions`` prices it, so ``short`` is the same as on the deposits page."""
    terms = DepositTerms.read()
    arrears_2y, arrears_1y, blacklisted = _fact_conditions(on=on)
    share = DecimalField(max_digits=30, decimal_places=12)

    def share_of(record: Record) -> Value:
        return Value(required_share(record, terms) * SLACK, output_field=share)

    bound: Any = F("contract_price") * Case(
        When(blacklisted, then=share_of(Record(False, False, True))),
        When(arrears_2y, then=share_of(Record(True, False, False))),
        default=share_of(Record(False, False, False)),
        output_field=share,
    ) + Value(FEN, output_field=share)
    if terms.cap is not None:
        bound = Least(bound, Value(terms.cap + FEN, output_field=share), output_field=share)
    of_project = Q(deposit_id=OuterRef("deposit__id"))
    in_force = Guarantee.objects.in_force(on).filter(of_project).order_by().values("deposit_id")
    unreleased = Guarantee.objects.filter(of_project, released_on__isnull=True)
    expired = unreleased.filter(valid_to__lt=on).order_by().values("deposit_id")
    rows = (
        projects_qs.order_by()
        .annotate(
            arrears_2y=ExpressionWrapper(arrears_2y, output_field=BooleanField()),
            arrears_1y=ExpressionWrapper(arrears_1y, output_field=BooleanField()),
            blacklisted=ExpressionWrapper(blacklisted, output_field=BooleanField()),
            letters=Subquery(in_force.annotate(v=Sum("amount")).values("v")),
            letters_to=Subquery(in_force.annotate(v=Max("valid_to")).values("v")),
            expired_on=Subquery(expired.annotate(v=Max("valid_to")).values("v")),
        )
        .alias(
            exempt=Coalesce("deposit__exempt", Value(False)),
            held=Coalesce("deposit__balance", Value(ZERO)) + Coalesce("letters", Value(ZERO)),
            bound=bound,
        )
        .filter(Q(exempt=False, held__lt=F("bound")) | Q(letters_to__lte=expiring_by))
        .values_list(
            "pk", "contract_price", "deposit__balance", "deposit__exempt", "arrears_2y", "arrears_1y",
            "blacklisted", "letters", "letters_to", "expired_on",
        )
    )  # fmt: skip
    risks = {}
    for pk, price, balance, exempt, a2, a1, listed, total, valid_to, expired_on in rows:
        amount, _reasons, _proposed = compute_required(
            price, Record(bool(a2), bool(a1), bool(listed)), terms, explain=False
        )
        position = DepositPosition(
            required=amount,
            cash_balance=balance if balance is not None else ZERO,
            guarantee_amount=total or ZERO,
            guarantee_valid_to=valid_to,
            exempt=bool(exempt),
        )
        risks[pk] = DepositRisk(position, expired_on)
    return risks


ORM_RULES = {
    "ACCOUNT_MISSING": account_missing,
    "TRANSFER_LATE": transfer_late,
    "PAYROLL_LATE": payroll_late,
    "PAYROLL_SHORT": payroll_short,
    "LOW_PAY": low_pay,
    "NOTICE_BOARD": notice_board,
    "COMPLAINTS": complaints,
    "BAD_CREDIT": bad_credit,
}
