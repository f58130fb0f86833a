"""Each seed rule fires on crafted data and clears when the data is put right."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from blacklist.models import IntegrityGrade
from deposits.models import Guarantee, WageDeposit
from projects.models import Inspection, LabourCostTransfer, Payroll, Project, RiskRule, WageAccount
from risk.rules import GENERAL, REGISTRY, SERIOUS
from risk.services import risk_rules_sync
from risk.sweep import evaluate_rule
from tests.complaints.factories import make_complaint
from wagewatch.lib import law
from wagewatch.lib.periods import months_before

from .factories import healthy_project, latest_payroll

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def finding(code, project):
    """(severity, detail) of rule ``code`` for ``project`` today, or None."""
    risk_rules_sync()
    found, failures = evaluate_rule(RiskRule.objects.get(code=code), Project.objects.active_on(TODAY), TODAY)
    assert not failures
    return found.get(project.pk)


@pytest.fixture
def project(township_a, department):
    return healthy_project(township_a, department)


def test_registry_holds_the_design_table_and_sync_creates_rows():
    assert list(REGISTRY) == [
        "ACCOUNT_MISSING", "TRANSFER_LATE", "PAYROLL_LATE", "PAYROLL_SHORT", "LOW_PAY",
        "DEPOSIT_SHORT", "NOTICE_BOARD", "COMPLAINTS", "BAD_CREDIT",
        # the wage reconciliation rules (projects/risk/wage_rules.py, issue 16)
        "WORKER_UNPAID", "WORKER_SHORT", "CARD_MISMATCH", "OFF_ACCOUNT", "BANK_FAILED",
    ]  # fmt: skip
    assert risk_rules_sync() == 14
    assert risk_rules_sync() == 0
    assert RiskRule.objects.get(code="PAYROLL_LATE").severity == SERIOUS


def test_healthy_project_fires_no_rule(project):
    for code in REGISTRY:
        assert finding(code, project) is None, code


def test_account_missing_fires_and_clears(project):
    WageAccount.objects.filter(project=project).delete()
    assert finding("ACCOUNT_MISSING", project)[0] == GENERAL
    WageAccount.objects.create(project=project, bank="农行", account_number="1", opened_on=TODAY)
    assert finding("ACCOUNT_MISSING", project) is None


def test_transfer_late_general_then_serious_then_clears(project):
    # the cuts as the rule computes them: a fixed number of days back crossed the serious cut on the 6th of
    # a month (the healthy project's transfers fall on the 5th), and the test failed on that day
    general_cut = months_before(TODAY, law.LABOUR_COST_CYCLE_MONTHS())
    serious_cut = months_before(TODAY, 2)
    LabourCostTransfer.objects.filter(project=project, transferred_on__gte=general_cut).delete()
    assert finding("TRANSFER_LATE", project)[0] == GENERAL  # its last transfer is the month before the cut
    LabourCostTransfer.objects.filter(project=project, transferred_on__gte=serious_cut).delete()
    assert finding("TRANSFER_LATE", project)[0] == SERIOUS
    LabourCostTransfer.objects.create(
        project=project, month=TODAY.replace(day=1), amount=1, transferred_on=TODAY
    )
    assert finding("TRANSFER_LATE", project) is None


def test_payroll_late_fires_for_an_unpaid_due_month_and_clears(project):
    row = Payroll.objects.filter(project=project).order_by("month")[1]
    row.paid_on = None
    row.save()
    severity, detail = finding("PAYROLL_LATE", project)
    assert severity == SERIOUS and "1个月" in detail
    row.paid_on = TODAY
    row.save()
    assert finding("PAYROLL_LATE", project) is None


def test_payroll_short_general_serious_and_clear(project):
    row = latest_payroll(project)
    row.paid = 19  # 1 of 20 unpaid: 5 %
    row.save()
    assert finding("PAYROLL_SHORT", project)[0] == GENERAL
    row.paid = 17  # 15 %
    row.save()
    assert finding("PAYROLL_SHORT", project)[0] == SERIOUS
    row.paid = 20
    row.save()
    assert finding("PAYROLL_SHORT", project) is None


def test_low_pay_uses_minimum_wage_setting_and_clears(project, settings):
    row = latest_payroll(project)
    row.gross = Decimal("30000")  # 1,500 a head
    row.save()
    assert finding("LOW_PAY", project)[0] == GENERAL
    settings.WAGEWATCH = {**settings.WAGEWATCH, "MINIMUM_WAGE_MONTHLY": Decimal("1400")}
    assert finding("LOW_PAY", project) is None


def test_deposit_short_general_expiring_and_expired_letter(project):
    deposit = WageDeposit.objects.get(project=project)
    deposit.balance = 0
    deposit.save()
    assert finding("DEPOSIT_SHORT", project)[0] == GENERAL
    letter = Guarantee.objects.create(
        deposit=deposit,
        issuer_kind="bank",
        amount=project.contract_price,
        valid_to=TODAY + datetime.timedelta(days=10),
    )
    severity, detail = finding("DEPOSIT_SHORT", project)
    assert severity == GENERAL and "到期" in detail
    letter.valid_to = TODAY - datetime.timedelta(days=1)
    letter.save()
    assert finding("DEPOSIT_SHORT", project)[0] == SERIOUS
    letter.valid_to = TODAY + datetime.timedelta(days=400)
    letter.save()
    assert finding("DEPOSIT_SHORT", project) is None


def test_notice_board_by_last_inspection_or_project_flag(project):
    Inspection.objects.create(
        project=project, date=TODAY - datetime.timedelta(days=5), check_notice_board=False
    )
    assert finding("NOTICE_BOARD", project)[0] == GENERAL
    Inspection.objects.create(project=project, date=TODAY, check_notice_board=True)
    assert finding("NOTICE_BOARD", project) is None
    Inspection.objects.all().delete()
    Project.objects.filter(pk=project.pk).update(notice_board=False)
    assert finding("NOTICE_BOARD", project)[0] == GENERAL


def test_complaints_general_then_serious_then_clear(project):
    case = make_complaint(project=project, workers_involved=3)
    assert finding("COMPLAINTS", project)[0] == GENERAL
    case.workers_involved = 12
    case.save()
    assert finding("COMPLAINTS", project)[0] == SERIOUS
    case.status, case.closed_on = "closed", TODAY
    case.save()
    assert finding("COMPLAINTS", project) is None


def test_bad_credit_c_grade_fires_and_clears(project):
    grade = IntegrityGrade.objects.create(
        enterprise=project.contractor, year=TODAY.year - 1, computed_grade="C"
    )
    severity, detail = finding("BAD_CREDIT", project)
    assert severity == SERIOUS and "C级" in detail
    grade.override_grade, grade.override_reason = "B", "复核后调整"
    grade.save()
    assert finding("BAD_CREDIT", project) is None


def test_bad_credit_blacklisted_contractor(project, office):
    from tests.blacklist.factories import make_listed

    make_listed(user=office, project=project, listed_on=TODAY - datetime.timedelta(days=3))
    severity, detail = finding("BAD_CREDIT", project)
    assert severity == SERIOUS and "失信" in detail
