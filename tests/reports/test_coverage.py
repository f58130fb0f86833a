"""The reports' obligation coverage and the risk sweep read each shared obligation the same way: a project
misses an obligation in the report exactly when the sweep raises its rule (projects.obligations,
deposits.selectors.DepositPosition)."""

import datetime

import pytest
from django.utils import timezone

from deposits.models import WageDeposit
from projects.models import Inspection, LabourCostTransfer, Project, RiskRule, WageAccount
from reports.figures import Scope
from reports.figures.projects import project_figures
from risk.services import risk_rules_sync
from risk.sweep import evaluate_rule
from tests.projects.factories import make_project
from tests.risk.factories import healthy_project
from wagewatch.lib import law
from wagewatch.lib.periods import month_start

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def checks(project) -> dict[str, bool]:
    """The report's obligation checks of ``project`` for a quarter ending today."""
    rows = project_figures(Scope(), TODAY - 90 * DAY, TODAY)["rows"]
    return next(r["checks"] for r in rows if r["pk"] == project.pk)


def fires(code, project) -> bool:
    risk_rules_sync()
    rule = RiskRule.objects.get(code=code)
    found, failures = evaluate_rule(rule, Project.objects.active_on(TODAY), TODAY)
    assert not failures
    return project.pk in found


def agree(project, code, key) -> bool:
    """The report and the sweep agree; returns whether the obligation is missed."""
    missed = fires(code, project)
    assert checks(project)[key] is not missed, (code, key)
    return missed


SHARED = [
    ("ACCOUNT_MISSING", "account"),
    ("TRANSFER_LATE", "transfer"),
    ("DEPOSIT_SHORT", "deposit"),
    ("NOTICE_BOARD", "board"),
]


@pytest.fixture
def project(township_a, department):
    return healthy_project(township_a, department)


def test_a_healthy_project_meets_every_shared_obligation(project):
    for code, key in SHARED:
        assert not agree(project, code, key)


def test_board_missing_at_the_last_inspection_is_missing_in_the_report(project):
    Inspection.objects.create(project=project, date=TODAY - 5 * DAY, check_notice_board=False)
    assert agree(project, "NOTICE_BOARD", "board")
    Project.objects.filter(pk=project.pk).update(notice_board=False)
    Inspection.objects.create(project=project, date=TODAY, check_notice_board=True)
    assert not agree(project, "NOTICE_BOARD", "board")


def test_the_account_is_missing_the_day_after_its_deadline_not_on_it(township_a, department):
    days = law.ACCOUNT_OPEN_DAYS()
    project = healthy_project(township_a, department, contract_date=TODAY - days * DAY)
    WageAccount.objects.filter(project=project).delete()
    assert not agree(project, "ACCOUNT_MISSING", "account")
    Project.objects.filter(pk=project.pk).update(contract_date=TODAY - (days + 1) * DAY)
    assert agree(project, "ACCOUNT_MISSING", "account")


def test_a_transfer_before_the_start_leaves_a_new_project_on_time(township_a, department):
    project = make_project(
        township_a, department, contract_date=TODAY - 60 * DAY, start_date=TODAY - 10 * DAY
    )
    early = TODAY - 50 * DAY
    LabourCostTransfer.objects.create(
        project=project, month=month_start(early), amount=1, transferred_on=early
    )
    assert not agree(project, "TRANSFER_LATE", "transfer")
    Project.objects.filter(pk=project.pk).update(start_date=TODAY - 45 * DAY)
    assert agree(project, "TRANSFER_LATE", "transfer")


def test_a_deposit_short_of_required_is_short_in_both_until_exempt(project):
    WageDeposit.objects.filter(project=project).update(balance=0)
    assert agree(project, "DEPOSIT_SHORT", "deposit")
    WageDeposit.objects.filter(project=project).update(
        exempt=True, exemption_reason="合同价款低于300万元且近1年无拖欠"
    )
    assert not agree(project, "DEPOSIT_SHORT", "deposit")
