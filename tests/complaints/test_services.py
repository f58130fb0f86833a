import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from complaints import services
from complaints.models import CaseEvent, Complaint
from wagewatch.accounts.models import Notification
from wagewatch.lib import workdays

from .factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def _at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def receive(user, project=None, **extra):
    values = {
        "user": user,
        "channel": Complaint.Channel.HOTLINE_12333,
        "complainant_name": "王小二",
        "complainant_phone": "13912345678",
        "description": "拖欠三个月工资",
        "respondent_name": "某劳务公司",
        "project": project,
    }
    values.update(extra)
    return services.complaint_receive(**values)


@pytest.fixture
def project(township_a, department):
    return make_project(township=township_a, department=department)


NOV_24 = datetime.datetime(2026, 11, 24, 9, tzinfo=datetime.UTC)  # a Tuesday


@time_machine.travel(datetime.datetime(2027, 1, 10, 9, tzinfo=datetime.UTC))
def test_numbers_are_sequential_per_year(office, project):
    a = receive(office, project, received_at=_at(datetime.date(2026, 3, 2)))
    b = receive(office, project, received_at=_at(datetime.date(2026, 3, 3)))
    c = receive(office, project, received_at=_at(datetime.date(2027, 1, 4)))
    assert (a.number, b.number, c.number) == ("TS2026-000001", "TS2026-000002", "TS2027-000001")
    assert a.township_id == project.township_id
    assert list(a.events.values_list("action", flat=True)) == ["received"]


def test_accept_deadline_over_spring_festival_2026(office, project):
    # Received Fri 13 Feb 2026: workdays 14 (adjusted Sat), 24, 25, 26, 27 Feb.
    case = receive(office, project, received_at=_at(datetime.date(2026, 2, 13)))
    assert case.accept_due == datetime.date(2026, 2, 27)
    assert case.calendar_complete


def test_close_deadline_over_national_day_2026(office, project):
    case = receive(office, project, received_at=_at(datetime.date(2026, 9, 28)))
    # accept_due: 29, 30 Sep, 8, 9, 10 (adjusted Sat) Oct
    assert case.accept_due == datetime.date(2026, 10, 10)
    services.complaint_accept(complaint=case, user=office, on=datetime.date(2026, 9, 29))
    services.complaint_file(complaint=case, user=office, on=datetime.date(2026, 9, 30))
    expected = workdays.add_workdays(datetime.date(2026, 9, 30), 60)
    assert case.close_due == expected
    assert workdays.workdays_between(datetime.date(2026, 9, 30), case.close_due) == 60
    # 60 working days after 30 Sep skips 1-7 Oct but counts Sat 10 Oct
    assert workdays.add_workdays(datetime.date(2026, 9, 30), 3) == datetime.date(2026, 10, 10)


def test_extension_only_by_approver_and_only_once(office, office_clerk, inspector_a, project):
    case = receive(inspector_a, project, received_at=_at(datetime.date(2026, 9, 28)))
    services.complaint_accept(complaint=case, user=inspector_a, on=datetime.date(2026, 9, 29))
    services.complaint_file(complaint=case, user=inspector_a, on=datetime.date(2026, 9, 30))
    due = case.close_due
    for user in (inspector_a, office_clerk):
        with pytest.raises(PermissionDenied):
            services.complaint_extend(complaint=case, user=user, reason="案情复杂")
    with pytest.raises(ValidationError):
        services.complaint_extend(complaint=case, user=office, reason=" ")
    services.complaint_extend(complaint=case, user=office, reason="案情复杂")
    case.refresh_from_db()
    assert case.extended
    assert case.close_due == workdays.add_workdays(due, 30)
    event = case.events.get(action="extended")
    assert event.actor == office and "案情复杂" in event.note
    with pytest.raises(ValidationError):
        services.complaint_extend(complaint=case, user=office, reason="再延")


def test_full_lifecycle_records_every_step(inspector_a, project):
    case = receive(inspector_a, project, workers_involved=12, group_incident=True)
    assert case.group_incident and case.handler == inspector_a
    services.complaint_accept(complaint=case, user=inspector_a)
    services.complaint_file(complaint=case, user=inspector_a)
    services.complaint_close(
        complaint=case, user=inspector_a, outcome="mediated", amount_recovered="8800.50", workers_paid=12
    )
    case.refresh_from_db()
    assert case.status == "closed" and case.amount_recovered == Decimal("8800.50")
    assert list(CaseEvent.objects.filter(complaint=case).values_list("action", flat=True)) == [
        "received",
        "accepted",
        "filed",
        "closed",
    ]
    assert case.history.count() == 4


def test_steps_out_of_order_are_refused(office, project):
    case = receive(office, project)
    with pytest.raises(ValidationError):
        services.complaint_file(complaint=case, user=office)
    with pytest.raises(ValidationError):
        services.complaint_close(complaint=case, user=office, outcome="mediated")
    services.complaint_refuse(complaint=case, user=office, reason="不属于管辖范围")
    with pytest.raises(ValidationError):
        services.complaint_accept(complaint=case, user=office)


def test_refusal_needs_a_reason(office, project):
    case = receive(office, project)
    with pytest.raises(ValidationError):
        services.complaint_refuse(complaint=case, user=office, reason="  ")


@pytest.mark.parametrize(
    "step", ["accept", "refuse", "file", "close", "extend", "triage", "flags", "classify", "receive"]
)
def test_every_step_refused_to_roles_that_may_not_make_it(
    step, office, inspector_b, dept_user, project, township_a
):
    case = receive(office, project)
    if step in ("file", "close", "extend"):
        services.complaint_accept(complaint=case, user=office)
    if step in ("close", "extend"):
        services.complaint_file(complaint=case, user=office)
    calls = {
        "accept": lambda u: services.complaint_accept(complaint=case, user=u),
        "refuse": lambda u: services.complaint_refuse(complaint=case, user=u, reason="x"),
        "file": lambda u: services.complaint_file(complaint=case, user=u),
        "close": lambda u: services.complaint_close(complaint=case, user=u, outcome="mediated"),
        "extend": lambda u: services.complaint_extend(complaint=case, user=u, reason="x"),
        "triage": lambda u: services.complaint_triage(complaint=case, user=u, township=township_a),
        "flags": lambda u: services.complaint_set_flags(complaint=case, user=u, supervised=True, leader=""),
        "classify": lambda u: services.complaint_classify(
            complaint=case, user=u, kind="report", sector="other", channel="letter", group_incident=True
        ),
        "receive": lambda u: receive(u, project),
    }
    for user in (inspector_b, dept_user):
        with pytest.raises(PermissionDenied):
            calls[step](user)
    case.refresh_from_db()
    assert case.events.exclude(actor=office).count() == 0


def test_out_of_time_flag_and_untriaged_case(office, inspector_a, township_a):
    received = datetime.date(2026, 6, 1)
    old = receive(
        office,
        None,
        received_at=_at(received),
        arrears_from=datetime.date(2023, 1, 1),
        arrears_to=datetime.date(2024, 5, 1),
    )
    fresh = receive(office, None, received_at=_at(received), arrears_to=datetime.date(2024, 6, 2))
    assert old.out_of_time and not fresh.out_of_time
    assert old.township_id is None
    assert not Complaint.objects.visible_to(inspector_a).filter(pk=old.pk).exists()
    services.complaint_triage(complaint=old, user=office, township=township_a, handler=inspector_a)
    assert Complaint.objects.visible_to(inspector_a).filter(pk=old.pk).exists()


def test_inspector_cannot_take_case_outside_jurisdiction(inspector_a, township_b, department):
    other = make_project(township=township_b, department=department)
    with pytest.raises(PermissionDenied):
        receive(inspector_a, other)


@time_machine.travel(NOV_24)
def test_mark_deadlines_is_set_based_and_idempotent(office, project, django_assert_num_queries):
    today = datetime.date(2026, 11, 24)
    overdue = receive(office, project, received_at=_at(datetime.date(2026, 11, 2)))
    soon = receive(office, project, received_at=_at(datetime.date(2026, 11, 23)))
    later = receive(office, project)
    Complaint.objects.filter(pk=later.pk).update(accept_due=datetime.date(2027, 3, 1))
    Complaint.objects.update(deadline_state="")  # as the states stand before the days pass
    first = services.mark_deadlines(today=today)
    assert first == {"overdue": 1, "soon": 1, "cleared": 0}
    # a re-run: SELECT of newly due cases (none), 3 UPDATEs (overdue, soon, cleared); nothing sent again
    with django_assert_num_queries(4):
        assert services.mark_deadlines(today=today) == {"overdue": 0, "soon": 0, "cleared": 0}
    assert Notification.objects.filter(user=office).count() == 0  # office is not an inspector
    assert (
        Notification.objects.count() == 0 or Notification.objects.values("event_key").distinct().count() == 2
    )
    states = dict(Complaint.objects.values_list("pk", "deadline_state"))
    assert states == {overdue.pk: "overdue", soon.pk: "soon", later.pk: ""}
    services.complaint_accept(complaint=Complaint.objects.get(pk=overdue.pk), user=office)
    assert services.mark_deadlines(today=today)["cleared"] == 0  # accept cleared it already
    assert Complaint.objects.get(pk=overdue.pk).deadline_state == ""


@time_machine.travel(NOV_24)
def test_beat_task_runs_twice_with_one_result(office, project):
    from complaints import tasks

    receive(office, project, received_at=_at(datetime.date(2026, 11, 2)))
    Complaint.objects.update(deadline_state="")  # as it stood before the days passed
    assert tasks.mark_case_deadlines("2026-11-24")["overdue"] == 1
    assert tasks.mark_case_deadlines("2026-11-24")["overdue"] == 0
    from django.conf import settings

    scheduled = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "complaints.tasks.mark_case_deadlines" in scheduled


@time_machine.travel(NOV_24)
def test_deadline_notifications_go_to_the_handler_once(inspector_a, project):
    case = receive(inspector_a, project, received_at=_at(datetime.date(2026, 11, 2)))
    services.mark_deadlines(today=datetime.date(2026, 11, 24))
    services.mark_deadlines(today=datetime.date(2026, 11, 24))
    note = Notification.objects.get()
    assert note.user == inspector_a and case.number in note.title
