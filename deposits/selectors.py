"""Reads of the deposits app. ``required_deposit`` and ``deposit_positions`` (DepositPosition) are the
cross-app contract."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, TypedDict

from django.db.models import (
    Max,
    Q,
    QuerySet,
    Sum,
)
from django.utils.translation import gettext as _

from blacklist.selectors import listed_enterprise_ids
from complaints.models import EnforcementOrder
from complaints.selectors import arrears_enterprise_ids
from projects.models import LabourCostTransfer, Payroll, Project
from wagewatch.accounts import generations
from wagewatch.accounts.roles import AnyUser
from wagewatch.lib import bounds, law, rawsql
from wagewatch.lib.amounts import yuan_text
from wagewatch.lib.periods import month_starts, years_before
from wagewatch.lib.sorting import Columns, sorted_by

from .filters import DepositFilter
from .models import ZERO, DepositEntry, EmergencyAdvance, Guarantee, WageDeposit

FEN = Decimal("0.01")
HUNDRED = Decimal(100)
Amount = Decimal | int | float | str  # a sum as a form, a file or a caller gives it


class LedgerMonth(TypedDict):
    """One month of a project's wage-account ledger."""

    month: datetime.date
    transfer: Decimal | None
    payroll: Payroll | None
    missing_transfer: bool
    missing_payroll: bool


def money(value: Amount) -> Decimal:
    """A Decimal built from text (Excel floats like 77.06999999999999 stay exact), rounded to the fen."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Record:
    """What the required amount depends on, besides the contract price."""

    arrears_2y: bool
    arrears_1y: bool
    blacklisted: bool


@dataclass(frozen=True)
class _Facts:
    arrears_2y: set[int]
    arrears_1y: set[int]
    blacklisted: set[int]

    def record(self, enterprise_id: int) -> Record:
        return Record(
            enterprise_id in self.arrears_2y,
            enterprise_id in self.arrears_1y,
            enterprise_id in self.blacklisted,
        )


def _draws(*, since: datetime.date, until: datetime.date) -> QuerySet[DepositEntry]:
    """Draws on a deposit (an arrears record of the project's contractor) in [since, until]."""
    return DepositEntry.objects.filter(kind=DepositEntry.Kind.DRAWN, date__gte=since, date__lte=until)


def _facts(*, on: datetime.date) -> _Facts:
    """Arrears (cases or deposit draws) in the record and exemption look-backs (2 / 1 years), blacklist on
    ``on``: 4 queries."""
    since_2y = years_before(on, law.DEPOSIT_RECORD_YEARS())
    since_1y = years_before(on, law.DEPOSIT_EXEMPT_RECORD_YEARS())
    cases_2y = set(arrears_enterprise_ids(since=since_2y, until=on))
    cases_1y = set(arrears_enterprise_ids(since=since_1y, until=on))
    draws = _draws(since=since_2y, until=on)
    draws_2y, draws_1y = set(), set()
    for contractor_id, day in draws.values_list("deposit__project__contractor_id", "date"):
        draws_2y.add(contractor_id)
        if day >= since_1y:
            draws_1y.add(contractor_id)
    blacklisted = set(listed_enterprise_ids(on=on))
    return _Facts(cases_2y | draws_2y, cases_1y | draws_1y, blacklisted)


def _facts_cached(*, on: datetime.date) -> _Facts:
    """``_facts`` for a page (the project page's deposit panel, the deposits list): the county's sets,
    cached for the day until a case, a deposit entry, a blacklist entry or any other watched record changes
    (wagewatch/accounts/generations.py); write paths read ``_facts`` itself."""
    key = generations.cache_key("deposits:facts", f"{on:%Y%m%d}", generations.stamp(None))
    return generations.cached(key, lambda: _facts(on=on))


@dataclass(frozen=True)
class DepositTerms:
    """The legal numbers the required amount reads, read once: a sweep or a report prices every project."""

    rate: Decimal
    reduction: Decimal | None
    floor: Decimal
    record_years: int
    arrears_uplift: Decimal
    blacklisted_uplift: Decimal
    cap: Decimal | None
    exempt_below: Decimal
    exempt_years: int

    @classmethod
    def read(cls) -> "DepositTerms":
        return cls(
            rate=law.DEPOSIT_RATE(),  # refused (ImproperlyConfigured) outside the legal band
            reduction=law.DEPOSIT_CLEAN_RECORD_REDUCTION(),
            floor=law.DEPOSIT_RATE_FLOOR(),
            record_years=law.DEPOSIT_RECORD_YEARS(),
            arrears_uplift=law.DEPOSIT_ARREARS_UPLIFT(),
            blacklisted_uplift=law.DEPOSIT_BLACKLISTED_UPLIFT(),
            cap=law.DEPOSIT_CAP(),
            exempt_below=law.DEPOSIT_EXEMPT_BELOW(),
            exempt_years=law.DEPOSIT_EXEMPT_RECORD_YEARS(),
        )


def compute_required(
    price: Decimal, record: Record, terms: DepositTerms | None = None, *, explain: bool = True
) -> tuple[Decimal, list[str], bool]:
    """DESIGN §2.4 in its order: base rate → clean-record cut (floor) → larger uplift → cap → exemption.
    ``explain=False`` leaves the reasons out (a list of positions does not show them)."""
    t = terms or DepositTerms.read()
    price = money(price)
    rate = t.rate
    reasons = (
        [_("基准比例 %(rate)s%% × 合同价款 %(price)s 元") % {"rate": _pct(rate), "price": yuan_text(price)}]
        if explain
        else []
    )
    if (cut := _cut_rate(record, t)) is not None and t.reduction:
        rate = cut
        if explain:
            reasons.append(
                _("近%(years)s年无拖欠记录，比例下浮%(cut)s%%，按 %(rate)s%%（不低于 %(floor)s%%）")
                % {
                    "years": t.record_years,
                    "cut": _pct(t.reduction),
                    "rate": _pct(rate),
                    "floor": _pct(t.floor),
                }
            )
    amount = price * rate
    uplift = _uplift(record, t, explain=explain)
    if uplift:
        amount *= 1 + uplift[0]
        if explain:
            reasons.append(uplift[1])
    amount = money(amount)
    if t.cap is not None and amount > t.cap:
        amount = money(t.cap)
        if explain:
            reasons.append(_("超过上限，按上限 %(cap)s 元") % {"cap": yuan_text(amount)})
    exempt = price < t.exempt_below and not record.arrears_1y and not record.blacklisted
    if exempt and explain:
        reasons.append(
            _("合同价款低于 %(limit)s 元且近%(years)s年无拖欠，可申请免缴（须经办人确认并说明理由）")
            % {"limit": yuan_text(t.exempt_below), "years": t.exempt_years}
        )
    return amount, reasons, exempt


def _cut_rate(record: Record, t: DepositTerms) -> Decimal | None:
    """The rate after the clean-record cut (not below the floor), or None when the cut does not apply (no
    cut set, arrears in the record years, or blacklisted)."""
    if t.reduction and not record.arrears_2y and not record.blacklisted:
        return max(t.rate * (1 - t.reduction), t.floor)
    return None


def required_share(record: Record, terms: DepositTerms) -> Decimal:
    """What ``compute_required`` multiplies the contract price by (base rate, clean-record cut with its
    floor, the larger uplift), before rounding to the fen and the cap."""
    cut = _cut_rate(record, terms)
    rate = terms.rate if cut is None else cut
    uplift = _uplift(record, terms, explain=False)
    return rate * (1 + uplift[0]) if uplift else rate


def _uplift(record: Record, t: DepositTerms, *, explain: bool) -> tuple[Decimal, str] | None:
    """The larger uplift only, with its reason: blacklisted, else arrears within the record years."""
    if record.blacklisted:
        text = _("施工总承包单位在失信联合惩戒名单内，上浮%(pct)s%%（不与其他上浮叠加）") if explain else ""
        return t.blacklisted_uplift, text and text % {"pct": _pct(t.blacklisted_uplift)}
    if record.arrears_2y:
        text = _("近%(years)s年有拖欠工资记录，上浮%(pct)s%%") if explain else ""
        return t.arrears_uplift, text and text % {"years": t.record_years, "pct": _pct(t.arrears_uplift)}
    return None


def _pct(rate: Decimal) -> str:
    return format((rate * HUNDRED).normalize(), "f")


def required_deposit(*, project: Project, on: datetime.date) -> tuple[Decimal, list[str], bool]:
    """(amount, reasons in Chinese, exemption proposed) for the project's contractor on ``on``."""
    return compute_required(project.contract_price, _facts(on=on).record(project.contractor_id))


@dataclass(frozen=True)
class DepositPosition:
    """A project's wage deposit on a day: what it must hold and what it holds (cash and letters in force)."""

    required: Decimal  # the computed amount, even when an exemption was applied (``exempt`` says so)
    cash_balance: Decimal
    guarantee_amount: Decimal  # letters in force on the day
    guarantee_valid_to: datetime.date | None  # the latest of those letters' expiry
    exempt: bool

    @property
    def held(self) -> Decimal:
        return self.cash_balance + self.guarantee_amount

    @property
    def shortfall(self) -> Decimal:
        """What is missing to the required amount (0 when held covers it)."""
        return max(self.required - self.held, ZERO)

    @property
    def short(self) -> bool:
        """The obligation 工资保证金足额 is not met: held below required, and not exempt."""
        return not self.exempt and self.held < self.required


def deposit_positions(
    *, projects_qs: QuerySet[Project], on: datetime.date, cached: bool = False
) -> dict[int, DepositPosition]:
    """project_id → its DepositPosition on ``on``, for every project of ``projects_qs``: 6 queries (2 for a
    page, ``cached``, once the county's arrears and blacklist sets of the day are in the cache; a report
    reads them afresh)."""
    rows = projects_qs.order_by().values_list(
        "id", "contract_price", "contractor_id", "deposit__balance", "deposit__exempt"
    )
    facts = _facts_cached(on=on) if cached else _facts(on=on)
    letters = (
        Guarantee.objects.in_force(on)
        .filter(deposit__project__in=projects_qs.order_by().values("pk"))
        .values("deposit__project_id")
        .annotate(total=Sum("amount"), valid_to=Max("valid_to"))
    )
    letters = {row["deposit__project_id"]: row for row in letters}
    terms = DepositTerms.read()
    records: dict[int, Record] = {}  # per contractor: a county has far fewer contractors than projects
    positions = {}
    for pk, price, contractor_id, balance, exempt in rows:
        if (record := records.get(contractor_id)) is None:
            record = records[contractor_id] = facts.record(contractor_id)
        amount, _reasons, _proposed = compute_required(price, record, terms, explain=False)
        letter = letters.get(pk, {})
        positions[pk] = DepositPosition(
            required=amount,
            cash_balance=balance if balance is not None else ZERO,
            guarantee_amount=letter.get("total") or ZERO,
            guarantee_valid_to=letter.get("valid_to"),
            exempt=bool(exempt),
        )
    return positions


class DepositRisk(NamedTuple):
    """A project's DepositPosition and the latest expiry of its unreleased letters that have expired."""

    position: DepositPosition
    expired_on: datetime.date | None


SLACK = Decimal("1.000001")  # the SQL bound only narrows: a little above the required amount, never below


# what _facts reads, in SQL for one statement over many projects: a contractor's arrears record since a day
# (a closed case against it with money recovered or outcome 立案查处 / 移送公安,
# complaints.selectors.arrears_enterprise_ids; or a draw on one of its projects' deposits, _draws) and the
# blacklist on the day (listed_enterprise_ids)
_ARREARS_SQL = """(p.contractor_id IN (SELECT c.respondent_id FROM complaints_complaint c
    WHERE c.status = 'closed' AND c.closed_on >= %s AND c.closed_on <= %s AND c.respondent_id IS NOT NULL
    AND (c.amount_recovered > 0 OR c.outcome IN ('investigated', 'criminal')))
  OR p.contractor_id IN (SELECT dp.contractor_id FROM deposits_depositentry e
    JOIN deposits_wagedeposit dd ON dd.id = e.deposit_id JOIN projects_project dp ON dp.id = dd.project_id
    WHERE e.kind = 'drawn' AND e.date >= %s AND e.date <= %s))"""
_LISTED_SQL = """p.contractor_id IN (SELECT b.enterprise_id FROM blacklist_blacklistentry b
    WHERE (b.removed_on IS NULL OR b.removed_on > %s) AND b.listed_on <= %s AND b.expires_on > %s)"""
# Guarantee.objects.in_force(on), and the unreleased letters expired before it
_LETTERS_SQL = """FROM deposits_guarantee g WHERE g.deposit_id = d.id AND g.released_on IS NULL
    AND (g.valid_from IS NULL OR g.valid_from <= %s) AND (g.valid_to IS NULL OR g.valid_to >= %s)"""
DEPOSIT_RISKS_SQL = f"""
SELECT id, contract_price, balance, exempt, arrears_2y, arrears_1y, blacklisted, letters, letters_to,
  expired_on FROM (
  SELECT y.*, COALESCE(balance, 0) + COALESCE(letters, 0) AS held,
    contract_price * CASE WHEN blacklisted = 1 THEN CAST(%s AS NUMERIC) WHEN arrears_2y = 1
      THEN CAST(%s AS NUMERIC) ELSE CAST(%s AS NUMERIC) END + 0.01 AS bound
  FROM (
    SELECT p.id, p.contract_price, d.balance, d.exempt,
      CASE WHEN {_ARREARS_SQL} THEN 1 ELSE 0 END AS arrears_2y,
      CASE WHEN {_ARREARS_SQL} THEN 1 ELSE 0 END AS arrears_1y,
      CASE WHEN {_LISTED_SQL} THEN 1 ELSE 0 END AS blacklisted,
      (SELECT SUM(g.amount) {_LETTERS_SQL}) AS letters,
      (SELECT MAX(g.valid_to) {_LETTERS_SQL}) AS letters_to,
      (SELECT MAX(g.valid_to) FROM deposits_guarantee g WHERE g.deposit_id = d.id AND g.released_on IS NULL
        AND g.valid_to < %s) AS expired_on
    FROM ({{projects}}) p LEFT JOIN deposits_wagedeposit d ON d.project_id = p.id) y) x
WHERE (NOT COALESCE(exempt, FALSE) AND held < bound{{capped}}) OR letters_to <= %s
"""


def deposit_risks(
    *, projects_qs: QuerySet[Project], on: datetime.date, expiring_by: datetime.date
) -> dict[int, DepositRisk]:
    """project_id → DepositRisk on ``on`` for the projects of ``projects_qs`` that may be short or hold a
    letter in force expiring by ``expiring_by``; the others are left out. One statement (the sweep's
    DEPOSIT_SHORT over every project), written in SQL (issue 19: the ORM's took longer to build than to
    run): the contractor's record and the letters are subqueries, and SQL keeps the projects whose holdings
    are below a bound a little above what their record's share of the price (``required_share``, with the
    cap) requires. Each position kept is then priced by ``compute_required`` as ``deposit_positions``
    prices it, so ``short`` is the same as on the deposits page."""
    terms = DepositTerms.read()
    day = rawsql.day_param(on)
    since_2y = rawsql.day_param(years_before(on, law.DEPOSIT_RECORD_YEARS()))
    since_1y = rawsql.day_param(years_before(on, law.DEPOSIT_EXEMPT_RECORD_YEARS()))
    records = (Record(False, False, True), Record(True, False, False), Record(False, False, False))
    shares = [required_share(record, terms) * SLACK for record in records]  # blacklisted, arrears, clean
    capped, cap = ("", []) if terms.cap is None else (" AND held < CAST(%s AS NUMERIC)", [terms.cap + FEN])
    projects_sql, projects_params = (
        projects_qs.order_by().values("id", "contract_price", "contractor_id").query.sql_with_params()
    )
    rows = rawsql.fetch(
        DEPOSIT_RISKS_SQL.format(projects=projects_sql, capped=capped),
        [*shares, since_2y, day, since_2y, day, since_1y, day, since_1y, day, day, day, day,
         day, day, day, day, day, *projects_params, *cap, rawsql.day_param(expiring_by)],
    )  # fmt: skip
    risks = {}
    for pk, price, balance, exempt, a2, a1, listed, total, valid_to, expired_on in rows:
        amount, _reasons, _proposed = compute_required(
            rawsql.as_decimal(price, 2), Record(bool(a2), bool(a1), bool(listed)), terms, explain=False
        )
        position = DepositPosition(
            required=amount,
            cash_balance=rawsql.as_decimal(balance, 2) if balance is not None else ZERO,
            guarantee_amount=rawsql.as_decimal(total) or ZERO,
            guarantee_valid_to=rawsql.as_day(valid_to),
            exempt=bool(exempt),
        )
        risks[pk] = DepositRisk(position, rawsql.as_day(expired_on))
    return risks


# ---- pages ----

LIST_FILTERS = ("township", "department", "form", "status")


# the ledger's sortable columns (?sort=<column> or -<column>): nothing else reaches order_by
SORTS: Columns = {
    "project": "project__code",
    "township": "project__township__sort",
    "contractor": "project__contractor__name",
    "form": "form",
    "balance": "balance",
    "status": "status",
}


def deposit_list(*, user: AnyUser, filters: dict[str, Any] | None = None) -> QuerySet[WageDeposit]:
    """Deposits this user may see, filtered, sorted by a SORTS column (else by township and project); rows
    carry project, township, department and contractor."""
    filters = filters or {}
    qs = WageDeposit.objects.visible_to(user).select_related(
        "project__township", "project__department", "project__contractor"
    )
    default = ("project__township__sort", "project__code", "id")
    return sorted_by(DepositFilter.apply(qs, filters), filters.get("sort"), SORTS, default=default)


def positions_for_deposits(
    deposits: Iterable[WageDeposit], *, on: datetime.date
) -> dict[int, DepositPosition]:
    """deposit_positions for a page (or export) of deposits."""
    ids = [d.project_id for d in deposits]
    if not ids:
        return {}
    return deposit_positions(projects_qs=Project.objects.filter(pk__in=ids), on=on, cached=True)


def drawable_orders(*, deposit: WageDeposit, on: datetime.date, user: AnyUser) -> QuerySet[EnforcementOrder]:
    """Unpaid pay orders past their deadline against the project or its contractor (the basis of a draw)."""
    return (
        EnforcementOrder.objects.visible_to(user)
        .filter(kind=EnforcementOrder.Kind.PAY, complied_on__isnull=True, deadline__lt=on)
        .filter(Q(project_id=deposit.project_id) | Q(enterprise_id=deposit.project.contractor_id))
        .order_by("-year", "-seq")
    )


def fund_summary(*, user: AnyUser) -> dict[str, Decimal]:
    """Totals advanced and recovered over the emergency advances this user may see."""
    totals = EmergencyAdvance.objects.visible_to(user).aggregate(
        advanced=Sum("amount"), recovered=Sum("recovered")
    )
    return {k: v or ZERO for k, v in totals.items()}


def account_ledger(*, project: Project, today: datetime.date) -> list[LedgerMonth]:
    """Per month from contract signing to now: labour cost in, payroll out, gaps flagged (2 queries)."""
    end = min(today, project.completed_on) if project.completed_on else today
    # a contract date typed before the bounds existed (year 1) would list 24,000 months
    months = month_starts(max(project.contract_date, bounds.date_min()), end)
    transfers = dict(
        LabourCostTransfer.objects.filter(project=project)
        .values("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    )
    payrolls = {
        p.month: p
        for p in Payroll.objects.filter(project=project).only("month", "gross", "net", "paid_on", "paid")
    }
    rows: list[LedgerMonth] = []
    for month in reversed(months):
        payroll = payrolls.get(month)
        rows.append(
            {
                "month": month,
                "transfer": transfers.get(month),
                "payroll": payroll,
                "missing_transfer": month not in transfers,
                "missing_payroll": payroll is None or payroll.paid_on is None,
            }
        )
    return rows
