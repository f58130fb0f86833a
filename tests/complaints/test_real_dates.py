"""Real dates entered after the fact (DESIGN §9): a case's steps carry the day they happened, never in the
future nor before the step they follow; who typed them in and when stays in the history."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import CaseEvent, Complaint
from reports.figures.cases import complaint_figures
from reports.figures.scope import Scope
from tests.once import with_token
from wagewatch.accounts.generations import forget_all
from wagewatch.lib import workdays

from .factories import make_project

pytestmark = pytest.mark.django_db
FRIDAY = datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.UTC)  # 18:00 in Shanghai
TODAY = datetime.date(2026, 11, 27)
FIVE_WORKDAYS_AGO = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _friday():
    workdays.clear_cache()
    with time_machine.travel(FRIDAY, tick=False):
        yield
    workdays.clear_cache()


@pytest.fixture
def project_a(township_a, department):
    return make_project(township=township_a, department=department)


def _intake(project, **extra):
    return {
        "channel": "visit",
        "complainant_name": "李四",
        "complainant_phone": "13800138000",
        "respondent": project.contractor.uscc,
        "project": project.pk,
        "workers_involved": 3,
        "amount_claimed": "9000",
        "description": "欠薪",
        **extra,
    }


def _receive(user, project, on: datetime.date) -> Complaint:
    return services.complaint_receive(
        user=user,
        channel="visit",
        complainant_name="李四",
        complainant_phone="13800138000",
        description="欠薪",
        project=project,
        received_on=on,
    )


def _step(client, case, step, user, **data):
    if step in ("close", "refuse", "extend"):
        data.setdefault("confirm", "on")  # an irreversible step is confirmed
    return client.post(reverse("complaints:step", args=[case.pk, step]), with_token(data, user))


def test_case_received_five_working_days_ago_counts_its_deadline_from_that_day(
    client_for, inspector_a, project_a
):
    response = client_for(inspector_a).post(
        reverse("complaints:create"),
        with_token(_intake(project_a, received_on=FIVE_WORKDAYS_AGO.isoformat()), inspector_a),
    )
    assert response.status_code == 302
    case = Complaint.objects.get()
    assert timezone.localdate(case.received_at) == FIVE_WORKDAYS_AGO
    assert case.accept_due == workdays.add_workdays(FIVE_WORKDAYS_AGO, 5) == TODAY
    assert case.accept_due != workdays.add_workdays(TODAY, 5)
    assert case.deadline_state == "soon"  # due today: on the dashboard at once, not after the nightly job
    event = case.events.get()
    assert timezone.localdate(event.at) == FIVE_WORKDAYS_AGO and event.entered_at == timezone.now()
    # who typed it in, and when, beside the real date
    record = case.history.get()
    assert record.history_user == inspector_a and record.history_date == timezone.now()
    assert timezone.localdate(record.received_at) == FIVE_WORKDAYS_AGO


def test_intake_without_a_date_is_received_now(client_for, inspector_a, project_a):
    client_for(inspector_a).post(reverse("complaints:create"), with_token(_intake(project_a), inspector_a))
    assert Complaint.objects.get().received_at == timezone.now()


@pytest.mark.parametrize("day", ["2026-11-28", "1989-12-31"])
def test_future_or_implausible_received_date_is_a_form_error(day, client_for, inspector_a, project_a):
    response = client_for(inspector_a).post(
        reverse("complaints:create"), with_token(_intake(project_a, received_on=day), inspector_a)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["received_on"]
    assert not Complaint.objects.exists()


def test_a_case_typed_in_long_after_is_overdue_at_once(inspector_a, project_a):
    case = _receive(inspector_a, project_a, datetime.date(2026, 11, 2))
    assert case.deadline_state == "overdue"
    services.complaint_accept(complaint=case, user=inspector_a, on=datetime.date(2026, 11, 3))
    filed_on = datetime.date(2026, 8, 3)
    with pytest.raises(ValidationError) as refused:  # before acceptance
        services.complaint_file(complaint=case, user=inspector_a, on=filed_on)
    assert "on" in refused.value.error_dict


def test_steps_carry_their_real_dates_and_deadlines(client_for, inspector_a, project_a):
    case = _receive(inspector_a, project_a, datetime.date(2026, 8, 3))
    client = client_for(inspector_a)
    assert _step(client, case, "accept", inspector_a, on="2026-08-05").status_code == 302
    assert _step(client, case, "file", inspector_a, on="2026-08-06").status_code == 302
    case.refresh_from_db()
    assert case.accepted_on == datetime.date(2026, 8, 5) and case.filed_on == datetime.date(2026, 8, 6)
    assert case.close_due == workdays.add_workdays(datetime.date(2026, 8, 6), 60)
    assert case.deadline_state == "overdue"  # 60 working days from 6 August ran out in early November
    data = {"outcome": "mediated", "amount_recovered": "100", "workers_paid": 1, "on": "2026-11-20"}
    assert _step(client, case, "close", inspector_a, **data).status_code == 302
    case.refresh_from_db()
    assert case.closed_on == datetime.date(2026, 11, 20) and case.deadline_state == ""
    days = [(e.action, timezone.localdate(e.at)) for e in case.events.order_by("at", "id")]
    assert days == [
        ("received", datetime.date(2026, 8, 3)),
        ("accepted", datetime.date(2026, 8, 5)),
        ("filed", datetime.date(2026, 8, 6)),
        ("closed", datetime.date(2026, 11, 20)),
    ]
    assert {e.entered_at for e in case.events.all()} == {timezone.now()}
    assert all(h.history_user == inspector_a for h in case.history.all())


@pytest.mark.parametrize(
    ("step", "day", "message"),
    [
        ("accept", "2026-11-28", "不能晚于今天"),
        ("accept", "2026-11-19", "不能早于上一步骤的日期（2026-11-20）"),
        ("refuse", "2026-11-19", "不能早于上一步骤的日期（2026-11-20）"),
    ],
)
def test_step_date_in_future_or_before_the_last_step_is_refused_on_its_field(
    step, day, message, client_for, inspector_a, project_a
):
    case = _receive(inspector_a, project_a, FIVE_WORKDAYS_AGO)
    response = _step(client_for(inspector_a), case, step, inspector_a, on=day, reason="不属于管辖")
    assert response.status_code == 400
    assert message in str(response.context[f"{step}_form"].errors["on"])
    case.refresh_from_db()
    assert case.status == "received" and case.accepted_on is None
    assert list(case.events.values_list("action", flat=True)) == ["received"]
    assert case.history.count() == 1


def test_close_and_extend_dates_follow_filing(client_for, office, inspector_a, project_a):
    case = _receive(inspector_a, project_a, datetime.date(2026, 10, 9))
    services.complaint_accept(complaint=case, user=inspector_a, on=datetime.date(2026, 10, 12))
    services.complaint_file(complaint=case, user=inspector_a, on=datetime.date(2026, 10, 13))
    response = _step(client_for(office), case, "extend", office, on="2026-10-12", reason="复杂")
    assert response.status_code == 400 and not Complaint.objects.get(pk=case.pk).extended
    services.complaint_extend(complaint=case, user=office, reason="复杂", on=datetime.date(2026, 11, 2))
    data = {"outcome": "mediated", "amount_recovered": "0", "workers_paid": 0, "on": "2026-10-30"}
    response = _step(client_for(inspector_a), case, "close", inspector_a, **data)
    assert response.status_code == 400 and Complaint.objects.get(pk=case.pk).status == "filed"
    event = case.events.get(action="extended")
    assert timezone.localdate(event.at) == datetime.date(2026, 11, 2)


def test_apply_step_is_the_one_entry_for_a_dated_step(inspector_a, project_a):
    case = _receive(inspector_a, project_a, datetime.date(2026, 11, 2))
    with pytest.raises(ValidationError):
        services.complaint_apply_step(
            complaint=case, user=inspector_a, step="accept", on=datetime.date(2026, 10, 30)
        )
    services.complaint_apply_step(
        complaint=case, user=inspector_a, step="accept", on=datetime.date(2026, 11, 4)
    )
    services.complaint_apply_step(
        complaint=case, user=inspector_a, step="close", on=datetime.date(2026, 11, 6), outcome="mediated"
    )
    case.refresh_from_db()
    assert (case.accepted_on, case.closed_on) == (datetime.date(2026, 11, 4), datetime.date(2026, 11, 6))
    with pytest.raises(ValidationError):
        services.complaint_apply_step(complaint=case, user=inspector_a, step="reopen", on=TODAY)


def test_last_weeks_report_counts_the_case_received_last_week(client_for, office, inspector_a, project_a):
    last_week = (datetime.date(2026, 11, 16), datetime.date(2026, 11, 22))
    this_week = (datetime.date(2026, 11, 23), TODAY)
    case = _receive(inspector_a, project_a, datetime.date(2026, 11, 18))
    services.complaint_accept(complaint=case, user=inspector_a, on=datetime.date(2026, 11, 19))

    def ledger_rows(start, end) -> int:
        query = {"date_from": start.isoformat(), "date_to": end.isoformat()}
        forget_all()  # the ledger's table is cached: computed afresh, its page is in the context
        return client_for(office).get(reverse("complaints:list"), query).context["page"].paginator.count

    def accepted_rows(start, end) -> int:  # the model rows by the definition: accepted_on in the range
        return Complaint.objects.filter(accepted_on__range=(start, end)).count()

    for start, end in (last_week, this_week):
        figures = complaint_figures(Scope(), start, end)
        assert figures["received"] == ledger_rows(start, end)
        assert figures["accepted"] == accepted_rows(start, end)
    assert ledger_rows(*last_week) == 1 and ledger_rows(*this_week) == 0
    assert accepted_rows(*last_week) == 1 and accepted_rows(*this_week) == 0
    assert CaseEvent.objects.filter(at__date__lte=last_week[1]).count() == 2
