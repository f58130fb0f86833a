"""销号 on its real day (DESIGN §9): not in the future, not before the day the hazard was found; the entry
time and the user stay in the history; the report's flow of closed hazards follows the real day."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Hazard, Project, SweepRun
from risk.services import sweep_run

from .factories import healthy_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def hazard_a(township_a, department):
    """A hazard found ten days ago whose signal has since cleared (so it may be closed by hand)."""
    project = healthy_project(township_a, department)
    Project.objects.filter(pk=project.pk).update(notice_board=False)
    sweep_run(run=SweepRun.objects.create(), today=timezone.localdate())
    hazard = Hazard.objects.get()
    found = timezone.now() - datetime.timedelta(days=10)
    Hazard.objects.filter(pk=hazard.pk).update(opened_at=found)
    Project.objects.filter(pk=project.pk).update(notice_board=True)
    hazard.refresh_from_db()
    return hazard


def _close(client, hazard, day):
    return client.post(reverse("risk:close", args=[hazard.pk]), {"note": "已整改", "on": day.isoformat()})


def test_hazard_closed_on_its_real_day_keeps_the_entry_time_in_history(client_for, office, hazard_a):
    day = timezone.localdate() - datetime.timedelta(days=3)
    assert _close(client_for(office), hazard_a, day).status_code == 302
    hazard_a.refresh_from_db()
    assert hazard_a.status == "closed" and timezone.localdate(hazard_a.closed_at) == day
    record = hazard_a.history.order_by("-history_date").first()
    assert record.history_user == office
    assert timezone.localdate(record.history_date) == timezone.localdate()  # typed in today
    # the flow of hazards closed, by the day of 销号: last three days' list has it
    closed_in = Hazard.objects.filter(closed_at__date__gte=day, closed_at__date__lte=day)
    assert list(closed_in) == [hazard_a]


@pytest.mark.parametrize(("days", "message"), [(-1, "不能晚于今天"), (11, "不能早于上一步骤的日期")])
def test_close_date_in_future_or_before_found_is_a_form_error(days, message, client_for, office, hazard_a):
    day = timezone.localdate() - datetime.timedelta(days=days)
    response = _close(client_for(office), hazard_a, day)
    assert response.status_code == 400
    assert message in str(response.context["form"].errors["on"])
    hazard_a.refresh_from_db()
    assert hazard_a.status == "open" and hazard_a.closed_at is None
    assert hazard_a.history.count() == 1  # the sweep's row only (the fixture's update() writes none)


def test_service_refuses_a_close_before_the_found_day(office, hazard_a):
    from django.core.exceptions import ValidationError

    from risk.services import hazard_close

    with pytest.raises(ValidationError) as refused:
        hazard_close(hazard=hazard_a, user=office, note="x", on=timezone.localdate() - datetime.timedelta(11))
    assert "on" in refused.value.error_dict


def test_hazard_found_last_week_counts_its_deadline_from_that_day(
    office, inspector_b, township_a, department
):
    from django.core.exceptions import PermissionDenied, ValidationError

    from projects.models import RiskRule
    from risk.services import hazard_open, risk_rules_sync
    from wagewatch.lib import law, workdays

    risk_rules_sync()
    project, rule = healthy_project(township_a, department), RiskRule.objects.get(code="NOTICE_BOARD")
    found = timezone.localdate() - datetime.timedelta(days=7)
    hazard = hazard_open(project=project, rule=rule, user=office, found_on=found, detail="检查发现未设告示牌")
    assert timezone.localdate(hazard.opened_at) == found
    assert hazard.deadline == workdays.add_workdays(found, law.HAZARD_RECTIFY_WORKDAYS())
    record = hazard.history.get()
    assert record.history_user == office and timezone.localdate(record.history_date) == timezone.localdate()
    assert Project.objects.get(pk=project.pk).risk_grade == rule.severity
    with pytest.raises(ValidationError):  # one open hazard per (project, rule)
        hazard_open(project=project, rule=rule, user=office, found_on=found)
    other = healthy_project(township_a, department)
    with pytest.raises(ValidationError):
        hazard_open(
            project=other, rule=rule, user=office, found_on=timezone.localdate() + datetime.timedelta(1)
        )
    with pytest.raises(PermissionDenied):
        hazard_open(project=other, rule=rule, user=inspector_b, found_on=found)
    assert Hazard.objects.count() == 1
