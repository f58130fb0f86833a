"""The project-level rules written in SQL (issue 19) find what their ORM versions found (orm_rules.py: the
composition of projects.obligations the reports read): on generated projects with dates and amounts on either
side of every cut, on several days, with default and other thresholds, over every active project and over one
project at a time (a project's sweep, a close-out), on PostgreSQL and SQLite."""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from blacklist.models import BlacklistEntry, IntegrityGrade
from complaints.models import Complaint
from deposits.models import DepositEntry, Guarantee, WageDeposit
from deposits.selectors import FEN, DepositTerms, Record, compute_required, deposit_risks
from projects.models import Inspection, LabourCostTransfer, Payroll, Project, WageAccount
from risk.rules import REGISTRY, paylines
from tests.complaints.factories import make_complaint
from tests.projects.factories import make_enterprise, make_project, make_roster_entry
from tests.wages.factories import CARD
from wages.models import PayLine
from wagewatch.lib import law
from wagewatch.lib.cardhash import card_hash
from wagewatch.lib.periods import month_start, months_before, years_before

from . import orm_paylines
from .orm_rules import ORM_RULES, deposit_risks_orm

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
DAYS = [TODAY, TODAY - 17 * DAY, TODAY - 45 * DAY]  # the days the rules are evaluated on


def _near(day: datetime.date) -> list[datetime.date]:
    return [day - DAY, day, day + DAY]


def generate(township, department, n: int = 36, firms: int = 6) -> list[Project]:
    """Projects whose data sit on and around each rule's cuts (on each of DAYS)."""
    rnd = random.Random(19)
    account_days = law.ACCOUNT_OPEN_DAYS()
    minimum = law.MINIMUM_WAGE_MONTHLY()
    contractors = [make_enterprise(name=f"承包{i}") for i in range(max(firms, 6))]
    year = TODAY.year
    IntegrityGrade.objects.bulk_create(
        [
            IntegrityGrade(enterprise=contractors[0], year=year, computed_grade="C"),
            IntegrityGrade(enterprise=contractors[1], year=year - 1, computed_grade="C", override_grade=""),
            IntegrityGrade(
                enterprise=contractors[2],
                year=year,
                computed_grade="C",
                override_grade="A",
                override_reason="-",
            ),
            IntegrityGrade(
                enterprise=contractors[3],
                year=year - 1,
                computed_grade="A",
                override_grade="C",
                override_reason="-",
            ),
            IntegrityGrade(enterprise=contractors[4], year=year - 2, computed_grade="C"),
        ]
    )
    for i, (listed, expires, removed) in enumerate(
        [
            (TODAY, TODAY + DAY, None),
            (TODAY - 30 * DAY, TODAY, None),
            (TODAY - 60 * DAY, TODAY + 99 * DAY, TODAY),
        ]
    ):
        BlacklistEntry.objects.create(
            enterprise=contractors[(i + 3) % 6], basis_kind="criminal", reason="-", status="listed",
            listed_on=listed, expires_on=expires, removed_on=removed,
        )  # fmt: skip
    cuts = [d - datetime.timedelta(days=account_days) for d in DAYS]
    transfer_cuts = [months_before(d, k) for d in DAYS for k in (1, 2)]
    projects = []
    for i in range(n):
        start = rnd.choice(
            [*_near(rnd.choice(transfer_cuts)), TODAY - 400 * DAY, TODAY - 20 * DAY, TODAY + DAY]
        )
        project = make_project(
            township, department,
            contractor=contractors[i % len(contractors)],
            contract_date=rnd.choice([*_near(rnd.choice(cuts)), start - 30 * DAY]),
            start_date=start,
            completed_on=rnd.choice([None, None, None, TODAY, TODAY - 20 * DAY, TODAY + DAY]),
            notice_board=rnd.random() < 0.5,
        )  # fmt: skip
        projects.append(project)
        if rnd.random() < 0.6:
            opened = rnd.choice([*_near(TODAY), start, TODAY - 30 * DAY])
            closed = rnd.choice([None, None, *_near(TODAY), TODAY - 20 * DAY])
            WageAccount.objects.create(
                project=project,
                bank="农行",
                account_number=f"A{project.pk}",
                opened_on=opened,
                closed_on=closed,
            )
        transfers = rnd.sample(
            [*_near(rnd.choice(transfer_cuts)), TODAY + DAY, start, TODAY - 300 * DAY], k=2
        )
        LabourCostTransfer.objects.bulk_create(
            [
                LabourCostTransfer(
                    project=project, month=month_start(t), amount=Decimal(1000), transferred_on=t
                )
                for t in transfers[: rnd.randrange(0, 3)]
            ]
        )
        payrolls = []
        for k in rnd.sample(range(0, 16), k=rnd.randrange(0, 10)):
            month = month_start(TODAY, -k)
            attended = rnd.choice([0, 1, 10, 20])
            paid = max(attended - rnd.choice([0, 0, 1, 5]), 0)
            gross = paid * minimum + rnd.choice(
                [Decimal("-0.01"), Decimal(0), Decimal("0.01"), Decimal(-500)]
            )
            paid_on = rnd.choice([None, *_near(rnd.choice(DAYS)), month_start(month, 1) + 9 * DAY])
            payrolls.append(
                Payroll(project=project, month=month, attended=attended, paid=paid,
                        gross=max(gross, Decimal(0)), net=Decimal(1000), paid_on=paid_on)
            )  # fmt: skip
        Payroll.objects.bulk_create(payrolls)
        Inspection.objects.bulk_create(
            [
                Inspection(project=project, date=rnd.choice([*_near(rnd.choice(DAYS)), TODAY - 90 * DAY]),
                           check_notice_board=rnd.choice([True, False, None]))
                for _ in range(rnd.randrange(0, 4))
            ]
        )  # fmt: skip
        for _ in range(rnd.randrange(0, 3)):
            since = datetime.datetime.combine(rnd.choice(DAYS) - 90 * DAY, datetime.time.min)
            received = timezone.make_aware(since) + rnd.choice(
                [datetime.timedelta(0), -datetime.timedelta(seconds=1), DAY]
            )
            make_complaint(
                project=project, received_at=received, workers_involved=rnd.randrange(1, 40),
                status=rnd.choice([s.value for s in Complaint.Status]), closed_on=TODAY,
            )  # fmt: skip
    return projects


THRESHOLDS = {  # besides each rule's defaults
    "ACCOUNT_MISSING": [{"days": 0}, {"days": 45}],
    "TRANSFER_LATE": [{"general_months": 2, "serious_months": 3}, {"general_months": 0, "serious_months": 1}],
    "PAYROLL_LATE": [{"lookback_months": 3}, {"lookback_months": 1}],
    "PAYROLL_SHORT": [{"serious_share": "0.5"}],
    "LOW_PAY": [{"minimum_wage": "2500.00"}],
    "NOTICE_BOARD": [],
    "COMPLAINTS": [{"days": 30, "serious_workers": 5}],
    "BAD_CREDIT": [],
}


def test_the_sql_rules_find_what_the_orm_rules_found(township_a, department):
    projects = generate(township_a, department)
    assert set(ORM_RULES) == set(THRESHOLDS)
    fired = dict.fromkeys(ORM_RULES, 0)
    for day in DAYS:
        active = Project.objects.active_on(day).order_by()
        assert 5 < active.count() < len(projects)
        for code, orm_rule in ORM_RULES.items():
            spec = REGISTRY[code]
            assert spec.func is not None
            for extra in [{}, *THRESHOLDS[code]]:
                thresholds = {**spec.thresholds, **extra}
                expected = orm_rule(active, thresholds, day)
                assert spec.func(active, thresholds, day) == expected, (code, day, extra)
                fired[code] += len(expected)
                for project in projects[:12]:  # one project at a time: its params come after the rule's own
                    one = Project.objects.active_on(day).filter(pk=project.pk).order_by()
                    assert spec.func(one, thresholds, day) == orm_rule(one, thresholds, day), (
                        code,
                        project.pk,
                    )
    assert all(fired.values()), fired  # every rule fired somewhere (and cleared elsewhere: count < all)


def _deposits(projects: list[Project], rnd: random.Random) -> None:
    """Deposits on and around their required amounts, letters on and around the days, and the contractors'
    records (closed cases, draws) on and around the 1- and 2-year look-backs."""
    terms = DepositTerms.read()
    for i, project in enumerate(projects):
        if i % 7 == 6:
            continue  # no deposit row
        required, _reasons, _exempt = compute_required(
            project.contract_price, Record(False, False, False), terms
        )
        balance = max(required * rnd.choice([0, 1, 2, 3]) + rnd.choice([-FEN, 0, FEN]), Decimal(0))
        exempt = rnd.random() < 0.1
        deposit = WageDeposit.objects.create(
            project=project, balance=balance, exempt=exempt, exemption_reason="小额工程" if exempt else ""
        )
        for _ in range(rnd.randrange(0, 3)):
            to = rnd.choice([*_near(rnd.choice(DAYS)), TODAY + 30 * DAY, TODAY + 200 * DAY, None])
            released = rnd.choice([None, None, TODAY - 20 * DAY])
            amount = max(required * rnd.choice([Decimal(1), Decimal("0.5")]), Decimal(1))
            since = rnd.choice([None, TODAY - 400 * DAY, min(TODAY - 16 * DAY, to)]) if to else None
            Guarantee.objects.create(
                deposit=deposit, issuer_kind="bank", amount=amount, valid_from=since, valid_to=to,
                released_on=released,
            )  # fmt: skip
        # the contractor's record (one contractor a project here) on a look-back's first day or the day before
        kind, years, before = i % 6, 1 + i // 6 % 2, DAY * (i // 12 % 2)
        first = years_before(DAYS[i % 3], years) - before
        if kind in (1, 2, 3):
            make_complaint(
                project=project, status=Complaint.Status.CLOSED, closed_on=first,
                amount_recovered=Decimal(1000 if kind == 1 else 0),
                outcome=Complaint.Outcome.INVESTIGATED if kind == 2 else Complaint.Outcome.MEDIATED,
            )  # fmt: skip
        elif kind == 4:
            DepositEntry.objects.create(
                deposit=deposit, kind=DepositEntry.Kind.DRAWN, amount=Decimal(100), opening=True, date=first
            )


@pytest.mark.parametrize("cap", [None, Decimal("30000")])
def test_deposit_risks_in_sql_find_what_the_orm_statement_found(cap, settings, township_a, department):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "DEPOSIT_CAP": cap}
    rnd = random.Random(4)
    projects = generate(township_a, department, n=40, firms=40)
    for project in projects:
        project.contract_price = Decimal(rnd.choice(["5000000.00", "1234567.89", "5000000.00", "0.00"]))
        project.save(update_fields=["contract_price"])
    _deposits(projects, rnd)
    found = 0
    for day in DAYS:
        for by in [day, day + 30 * DAY]:
            active = Project.objects.active_on(day).order_by()
            expected = deposit_risks_orm(projects_qs=active, on=day, expiring_by=by)
            assert deposit_risks(projects_qs=active, on=day, expiring_by=by) == expected, (day, by)
            found += len(expected)
            for project in projects[:10]:
                one = Project.objects.active_on(day).filter(pk=project.pk).order_by()
                assert deposit_risks(projects_qs=one, on=day, expiring_by=by) == deposit_risks_orm(
                    projects_qs=one, on=day, expiring_by=by
                )
    assert found


def _pay_lines(projects: list[Project], rnd: random.Random) -> None:
    """Lines of every kind the five rules read, on and around their cuts (paydays, grace, repay days)."""
    cards = [card_hash(CARD), card_hash("6222020000000000001"), ""]
    for project in projects[:24]:
        Project.objects.filter(pk=project.pk).update(payday=rnd.choice([1, 5, 15, 28]))
        for _ in range(rnd.randrange(1, 4)):
            entry = make_roster_entry(project, card_hash=rnd.choice(cards))
            for k in rnd.sample(range(0, 5), k=rnd.randrange(1, 4)):
                due = rnd.choice([Decimal("6000.00"), None])
                PayLine.objects.create(
                    entry=entry, project=project, month=month_start(TODAY, -k),
                    days=rnd.choice([Decimal(22), Decimal(0), None]), due=due,
                    deductions=rnd.choice([Decimal(0), Decimal("100.00")]),
                    net=rnd.choice([Decimal("6000.00"), Decimal("4500.00"), Decimal(0), None]),
                    paid_on=rnd.choice([None, *_near(rnd.choice(DAYS) - 5 * DAY), TODAY + DAY]),
                    via_account=rnd.choice([True, False, None]), card_hash=rnd.choice(cards),
                    bank_status=rnd.choice(["ok", "ok", "failed", ""]), source=PayLine.Source.BANK,
                )  # fmt: skip


PAYLINE_THRESHOLDS = [{}, {"days": 3, "lookback_months": 1, "serious_workers": 2}]


@pytest.mark.parametrize("grace", [0, 2])
def test_the_pay_line_statement_in_sql_finds_what_the_orm_one_found(grace, settings, township_a, department):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "WAGE_PAY_GRACE_DAYS": grace}
    rnd = random.Random(16)
    projects = generate(township_a, department, n=28)
    _pay_lines(projects, rnd)
    found = 0
    for day in [*DAYS, TODAY - 5 * DAY]:
        active = Project.objects.active_on(day).order_by()
        for extra in PAYLINE_THRESHOLDS:
            wanted = {code: {**REGISTRY[code].thresholds, **extra} for code in orm_paylines._LINES}
            expected = orm_paylines.evaluate_many(active, wanted, day)
            assert paylines.evaluate_many(active, wanted, day) == expected, (day, extra)
            found += sum(len(findings) for findings, _failed in expected.values())
            for project in projects[:8]:
                one = Project.objects.active_on(day).filter(pk=project.pk).order_by()
                for code, thresholds in wanted.items():
                    func = REGISTRY[code].func
                    assert func is not None
                    assert func(one, thresholds, day) == orm_paylines.worker_findings(
                        orm_paylines._worker_rows([orm_paylines._LINES[code](one, thresholds, day)])[0],
                        thresholds,
                        orm_paylines._LINES[code](one, thresholds, day).summary,
                    ), (code, project.pk)
    assert found
