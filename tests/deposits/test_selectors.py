"""Required deposit (DESIGN §2.4, in its order) and deposit_positions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from complaints.models import Complaint
from deposits import selectors, services
from deposits.selectors import Record, compute_required, required_deposit
from projects.models import Project
from tests.complaints.factories import make_complaint

from .factories import make_deposit, make_enterprise, make_order, make_project

ON = datetime.date(2026, 6, 1)
CLEAN = Record(arrears_2y=False, arrears_1y=False, blacklisted=False)
ARREARS = Record(arrears_2y=True, arrears_1y=True, blacklisted=False)
OLD_ARREARS = Record(arrears_2y=True, arrears_1y=False, blacklisted=False)
LISTED = Record(arrears_2y=True, arrears_1y=True, blacklisted=True)


@pytest.fixture
def rules(settings):
    """Default rule settings, each test may change a copy."""
    settings.WAGEWATCH = {**settings.WAGEWATCH}
    return settings.WAGEWATCH


def test_clean_record_halves_the_base_rate(rules):
    amount, reasons, exempt = compute_required(Decimal("5000000"), CLEAN)
    assert amount == Decimal("50000.00")  # 2% → 1% after the clean-record cut
    assert exempt is False
    assert "下浮" in reasons[1]


def test_arrears_in_two_years_add_half(rules):
    assert compute_required(Decimal("5000000"), ARREARS)[0] == Decimal("150000.00")


def test_blacklist_doubles_and_is_not_stacked_on_the_arrears_uplift(rules):
    amount, reasons, _ = compute_required(Decimal("5000000"), LISTED)
    assert amount == Decimal("200000.00")  # 2% × 2, not 2% × 1.5 × 2
    assert sum("上浮" in r for r in reasons) == 1


def test_reduction_never_below_the_floor(rules):
    rules["DEPOSIT_RATE"] = Decimal("0.01")
    rules["DEPOSIT_CLEAN_RECORD_REDUCTION"] = Decimal("0.80")
    assert compute_required(Decimal("5000000"), CLEAN)[0] == Decimal("25000.00")  # 0.5%, not 0.2%


def test_cap_applies_after_the_uplift(rules):
    rules["DEPOSIT_CAP"] = Decimal("100000")
    amount, reasons, _ = compute_required(Decimal("5000000"), LISTED)
    assert amount == Decimal("100000.00")
    assert "上限" in reasons[-1]


def test_no_cap_when_setting_is_none(rules):
    rules["DEPOSIT_CAP"] = None
    assert compute_required(Decimal("50000000"), LISTED)[0] == Decimal("2000000.00")


def test_rounds_to_the_fen_half_up(rules):
    rules["DEPOSIT_CLEAN_RECORD_REDUCTION"] = None
    rules["DEPOSIT_RATE"] = Decimal("0.01")
    # 12344.50 × 1% = 123.445 → 123.45 half up (banker's rounding would give 123.44)
    assert compute_required(Decimal("12344.50"), CLEAN)[0] == Decimal("123.45")
    assert compute_required(Decimal("1234567.89"), CLEAN)[0] == Decimal("12345.68")


def test_amount_built_from_text_not_float(rules):
    assert selectors.money(77.06999999999999 * 1) == Decimal("77.07")
    assert selectors.money(0.1 + 0.2) == Decimal("0.30")


def test_rate_outside_one_to_three_percent_is_refused(rules):
    rules["DEPOSIT_RATE"] = Decimal("0.035")
    with pytest.raises(ImproperlyConfigured):
        compute_required(Decimal("1000000"), CLEAN)


@pytest.mark.parametrize(
    ("price", "record", "proposed"),
    [
        ("3000000.00", CLEAN, False),  # not under 3,000,000
        ("2999999.99", CLEAN, True),
        ("2999999.99", OLD_ARREARS, True),  # arrears 2 years ago, none last year
        ("2999999.99", ARREARS, False),
    ],
)
def test_exemption_boundary(rules, price, record, proposed):
    assert compute_required(Decimal(price), record)[2] is proposed


def test_required_deposit_reads_arrears_from_closed_cases(township_a, department):
    project = make_project(township_a, department)
    assert required_deposit(project=project, on=ON)[0] == Decimal("50000.00")
    make_complaint(
        project=project,
        status=Complaint.Status.CLOSED,
        closed_on=ON - datetime.timedelta(days=400),
        amount_recovered=Decimal("1000"),
    )
    amount, reasons, _ = required_deposit(project=project, on=ON)
    assert amount == Decimal("150000.00")
    assert any("近2年有拖欠" in r for r in reasons)


def test_a_draw_on_any_project_of_the_contractor_is_an_arrears_record(township_a, department, office):
    first = make_project(township_a, department)
    second = make_project(
        township_a, department, contractor=first.contractor, contract_price=Decimal("2000000")
    )
    deposit = make_deposit(first, cash="100000", user=office)
    services.deposit_draw(
        deposit=deposit,
        order=make_order(first),
        amount=Decimal("1000"),
        on=datetime.date(2026, 3, 1),
        user=office,
    )
    amount, _reasons, proposed = required_deposit(project=second, on=ON)
    assert amount == Decimal("60000.00")  # 2% × 1.5
    assert proposed is False


def test_blacklisted_contractor_pays_double(township_a, department, monkeypatch):
    project = make_project(township_a, department)
    monkeypatch.setattr(selectors, "listed_enterprise_ids", lambda *, on: [project.contractor_id])
    assert required_deposit(project=project, on=ON)[0] == Decimal("200000.00")


def _positions_queries(n, township, department, django_assert_num_queries):
    for i in range(n):
        project = make_project(township, department)
        deposit = make_deposit(project, cash="1000")
        if i % 2:
            services.guarantee_register(
                deposit=deposit,
                issuer_kind="bank",
                issuer_name="农行",
                number=f"BH{i}",
                amount=Decimal("20000"),
                valid_from=datetime.date(2026, 1, 1),
                valid_to=datetime.date(2027, 12, 31),
                user=None,
                on=ON,
            )
    # 1 projects with deposit columns, 2 cases arrears 2y, 3 cases arrears 1y, 4 deposit draws 2y,
    # 5 blacklist on the day, 6 guarantees in force summed per project
    with django_assert_num_queries(6):
        positions = selectors.deposit_positions(projects_qs=Project.objects.all(), on=ON)
    return positions


@pytest.mark.parametrize("n", [2, 50])
def test_deposit_positions_fixed_queries(n, township_a, department, django_assert_num_queries):
    positions = _positions_queries(n, township_a, department, django_assert_num_queries)
    assert len(positions) == n
    one = next(iter(positions.values()))
    assert set(vars(one)) == {"required", "cash_balance", "guarantee_amount", "guarantee_valid_to", "exempt"}
    assert one.cash_balance == Decimal("1000.00")
    with_letter = [p for p in positions.values() if p.guarantee_amount]
    assert with_letter and with_letter[0].guarantee_valid_to == datetime.date(2027, 12, 31)


def _letter(deposit, amount, valid_to, *, released_on=None):
    from deposits.models import Guarantee

    Guarantee.objects.create(
        deposit=deposit,
        issuer_kind="bank",
        amount=Decimal(amount),
        valid_from=datetime.date(2025, 1, 1),
        valid_to=valid_to,
        released_on=released_on,
    )


@pytest.mark.parametrize("cap", [None, Decimal("120000")])
def test_deposit_risks_agree_with_deposit_positions(cap, rules, township_a, department, office):
    """The sweep's one-statement read keeps every project short or with a letter expiring by the day,
    priced as deposit_positions prices it; on the boundary (held = required) a project is not short."""
    from blacklist.models import BlacklistEntry
    from deposits.models import WageDeposit

    rules["DEPOSIT_CAP"] = cap
    clean, listed, arrears = make_enterprise(), make_enterprise(), make_enterprise()
    BlacklistEntry.objects.create(
        enterprise=listed, basis_kind="criminal", reason="-", status="listed",
        listed_on=datetime.date(2026, 1, 5), expires_on=datetime.date(2029, 1, 5),
    )  # fmt: skip
    make_complaint(
        project=make_project(township_a, department, contractor=arrears),
        status=Complaint.Status.CLOSED,
        closed_on=ON - datetime.timedelta(days=400),
        amount_recovered=Decimal("1000"),
    )
    price = Decimal("5000000")
    cases = {  # contractor, cash (None: no deposit row), exempt, letters (amount, valid to, released on)
        "exact": (clean, "50000", False, []),
        "a fen short": (clean, "49999.99", False, []),
        "arrears": (arrears, "100000", False, []),
        "arrears covered": (arrears, "150000", False, []),
        "listed": (listed, "150000", False, []),
        "listed covered": (listed, "200000", False, []),
        "no deposit": (clean, None, False, []),
        "exempt": (clean, "0", True, []),
        "letter expiring": (clean, "10000", False, [("40000", ON + datetime.timedelta(days=20), None)]),
        "letter later": (clean, "10000", False, [("40000", ON + datetime.timedelta(days=200), None)]),
        "letter expired": (clean, "10000", False, [("40000", ON - datetime.timedelta(days=3), None)]),
        "letter released": (clean, "10000", False, [("40000", ON - datetime.timedelta(days=3), ON)]),
    }
    ids = {}
    for name, (contractor, cash, exempt, letters) in cases.items():
        project = make_project(township_a, department, contractor=contractor, contract_price=price)
        ids[name] = project.pk
        if cash is None:
            continue
        deposit = make_deposit(project)
        reason = "小额工程" if exempt else ""
        WageDeposit.objects.filter(pk=deposit.pk).update(
            balance=Decimal(cash), exempt=exempt, exemption_reason=reason
        )
        for amount, valid_to, released_on in letters:
            _letter(deposit, amount, valid_to, released_on=released_on)
    projects = Project.objects.filter(pk__in=ids.values())
    by = ON + datetime.timedelta(days=30)
    positions = selectors.deposit_positions(projects_qs=projects, on=ON)
    risks = selectors.deposit_risks(projects_qs=projects, on=ON, expiring_by=by)
    assert set(risks) <= set(positions)
    for pk, position in positions.items():
        if position.short or (position.guarantee_valid_to and position.guarantee_valid_to <= by):
            assert risks[pk].position == position
    short = {name for name, pk in ids.items() if pk in risks and risks[pk].position.short}
    expected = {"a fen short", "arrears", "listed", "no deposit", "letter expired", "letter released"}
    if cap is not None:
        expected -= {"listed"}  # 150,000 held, 200,000 capped at 120,000
    assert short == expected
    assert risks[ids["letter expired"]].expired_on == ON - datetime.timedelta(days=3)
    assert ids["letter expiring"] in risks and risks[ids["letter released"]].expired_on is None


def test_deposit_positions_read_the_county_facts_from_the_cache_until_a_record_changes(
    township_a, department, office, django_assert_num_queries
):
    # the project page's deposit panel and the deposits list price positions from the county's arrears and
    # blacklist sets: cached for the day, recomputed after a new case, a draw or a blacklist entry
    project = make_project(township_a, department)
    only = Project.objects.filter(pk=project.pk)
    assert selectors.deposit_positions(projects_qs=only, on=ON, cached=True)[project.pk].required == Decimal(
        "50000.00"
    )
    with django_assert_num_queries(2):  # the project's row and its letters: the facts come from the cache
        selectors.deposit_positions(projects_qs=only, on=ON, cached=True)
    make_complaint(
        project=project,
        status=Complaint.Status.CLOSED,
        closed_on=ON - datetime.timedelta(days=400),
        amount_recovered=Decimal("1000"),
    )
    assert selectors.deposit_positions(projects_qs=only, on=ON, cached=True)[project.pk].required == Decimal(
        "150000.00"
    )
    other = make_project(township_a, department)
    make_deposit(other, cash="100000", user=office)
    services.deposit_draw(
        deposit=other.deposit, order=make_order(other), amount=Decimal("1000"), on=ON, user=office
    )
    drawn = selectors.deposit_positions(projects_qs=Project.objects.filter(pk=other.pk), on=ON, cached=True)
    drawn = drawn[other.pk]
    assert drawn.required == required_deposit(project=other, on=ON)[0] == Decimal("150000.00")
