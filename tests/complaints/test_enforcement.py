"""Interviews (约谈询问笔录) and the follow-up of enforcement orders: services, selectors, notifications."""

import datetime
import io
import threading

import pytest
from django.contrib import admin as django_admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from complaints import enforcement, selectors, services, tasks
from complaints.admin import EnforcementOrderAdmin, InterviewAdmin
from complaints.models import CaseEvent, Complaint, EnforcementOrder, Interview
from projects.models import Hazard, RiskRule
from wagewatch.accounts.models import Notification

from .factories import make_complaint, make_project

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def project_a(township_a, department):
    return make_project(township=township_a, department=department)


@pytest.fixture
def project_b(township_b, department):
    return make_project(township=township_b, department=department)


def make_order(user, where, *, deadline=TODAY + 30 * DAY, kind="rectify", **extra):
    """An order on project ``where`` (pass project=None and a case/hazard to link those instead)."""
    values = {"project": where, "kind": kind, "deadline": deadline, "user": user}
    values.update(extra)
    return services.order_create(enterprise=where.contractor, requirement="设置维权信息告示牌", **values)


def make_interview(user, where, **extra):
    values = {
        "user": user,
        "enterprise": where.contractor,
        "interviewee_name": "张经理",
        "reason": "拖欠工资隐患",
        "agreed": "月底前结清",
        "deadline": TODAY + 10 * DAY,
        "project": where,
    }
    values.update(extra)
    return enforcement.interview_create(**values)


def make_hazard(project):
    rule = RiskRule.objects.get_or_create(code="TEST_RULE", defaults={"name": "测试规则", "severity": 2})[0]
    return Hazard.objects.create(
        project=project, rule=rule, severity=2, department=project.department, deadline=TODAY + 5 * DAY
    )


# ---- numbering and creation ----------------------------------------------------------------------


@pytest.mark.django_db
def test_interviews_numbered_per_year_apart_from_orders(office, project_a):
    first, second = make_interview(office, project_a), make_interview(office, project_a)
    order = make_order(office, project_a)
    assert (first.seq, second.seq, order.seq) == (1, 2, 1)
    assert second.number == f"示人社监谈〔{TODAY.year}〕2号"
    assert order.number == f"示人社监改〔{TODAY.year}〕1号"
    assert first.township_id == project_a.township_id
    assert list(first.interviewers.all()) == [office]  # the author when nobody else is named
    assert first.history.get().history_user == office


@pytest.mark.django_db
def test_interview_takes_township_from_case_or_hazard(inspector_a, project_a):
    case = make_complaint(project=project_a)
    hazard = make_hazard(project_a)
    on_case = make_interview(inspector_a, project_a, project=None, complaint=case)
    on_hazard = make_interview(inspector_a, project_a, project=None, hazard=hazard)
    assert on_case.township_id == on_hazard.township_id == project_a.township_id


@pytest.mark.django_db
def test_inspector_cannot_write_documents_in_other_township(inspector_b, dept_user, project_a):
    with pytest.raises(PermissionDenied):
        make_interview(inspector_b, project_a)
    with pytest.raises(PermissionDenied):
        make_interview(dept_user, project_a)
    with pytest.raises(PermissionDenied):
        make_order(inspector_b, project_a, hazard=make_hazard(project_a), project=None)


@pytest.mark.django_db
def test_order_from_hazard_links_it_and_takes_its_township(inspector_a, project_a):
    hazard = make_hazard(project_a)
    order = make_order(inspector_a, project_a, project=None, hazard=hazard)
    assert order.hazard == hazard and order.township_id == project_a.township_id


@pytest.mark.django_db
def test_serve_comply_and_fulfil_are_recorded_once_with_history(inspector_a, project_a):
    order = make_order(inspector_a, project_a)
    enforcement.order_serve(order=order, on=TODAY, user=inspector_a)
    with pytest.raises(ValidationError):
        enforcement.order_serve(order=order, on=TODAY, user=inspector_a)
    services.order_comply(order=order, on=TODAY, user=inspector_a)
    order.refresh_from_db()
    assert (order.served_on, order.complied_on) == (TODAY, TODAY)
    assert [h.history_user for h in order.history.all()] == [inspector_a] * 3
    interview = make_interview(inspector_a, project_a)
    enforcement.interview_fulfil(interview=interview, on=TODAY, user=inspector_a)
    with pytest.raises(ValidationError):
        enforcement.interview_fulfil(interview=interview, on=TODAY, user=inspector_a)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_document_numbers_gap_free_under_concurrent_creation(office, township_a, department):
    project = make_project(township=township_a, department=department)
    errors, barrier = [], threading.Barrier(9)

    def issue(kind):
        try:
            barrier.wait()
            for _ in range(5):
                if kind == "interview":
                    make_interview(office, project)
                else:
                    make_order(office, project, kind=kind)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(k,)) for k in ["interview", "rectify", "pay"] * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for kind in ("rectify", "pay"):
        seqs = sorted(EnforcementOrder.objects.filter(kind=kind).values_list("seq", flat=True))
        assert seqs == list(range(1, 16))
    assert sorted(Interview.objects.values_list("seq", flat=True)) == list(range(1, 16))
    numbers = [i.number for i in Interview.objects.all()] + [o.number for o in EnforcementOrder.objects.all()]
    assert len(set(numbers)) == 45


# ---- overdue, referral ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_overdue_orders_are_flagged_and_filtered(office, inspector_b, project_a):
    overdue = make_order(office, project_a, deadline=TODAY - DAY)
    open_ = make_order(office, project_a, deadline=TODAY)
    complied = make_order(office, project_a, deadline=TODAY - 5 * DAY)
    services.order_comply(order=complied, on=TODAY - 6 * DAY, user=office)
    assert overdue.status_on(TODAY) == "overdue" and open_.status_on(TODAY) == "open"

    def ids(status):
        return set(selectors.order_list(user=office, filters={"status": status}).values_list("pk", flat=True))

    assert (ids("overdue"), ids("open"), ids("complied")) == ({overdue.pk}, {open_.pk}, {complied.pk})
    assert [o.pk for o in selectors.orders_overdue(office)] == [overdue.pk]
    assert selectors.orders_overdue(inspector_b) == []


@pytest.mark.django_db
def test_referral_of_filed_case_closes_it_as_criminal(inspector_a, project_a):
    case = make_complaint(project=project_a, status=Complaint.Status.FILED, filed_on=TODAY - 30 * DAY)
    order = make_order(inspector_a, project_a, kind="pay", complaint=case, deadline=TODAY - DAY)
    enforcement.order_refer(order=order, user=inspector_a, note="涉嫌拒不支付劳动报酬罪")
    order.refresh_from_db()
    case.refresh_from_db()
    assert (order.referred_on, order.referred_by) == (TODAY, inspector_a)
    assert (case.status, case.outcome, case.closed_on) == ("closed", "criminal", TODAY)
    assert case.events.filter(action="closed", note__contains=order.number).exists()
    with pytest.raises(ValidationError):
        enforcement.order_refer(order=order, user=inspector_a)


@pytest.mark.django_db
def test_referral_of_unfiled_case_is_recorded_on_its_timeline(inspector_a, project_a):
    case = make_complaint(
        project=project_a, status=Complaint.Status.CLOSED, closed_on=TODAY, outcome="mediated"
    )
    order = make_order(inspector_a, project_a, complaint=case, deadline=TODAY - DAY)
    enforcement.order_refer(order=order, user=inspector_a)
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("closed", "mediated")
    assert case.events.get(action=CaseEvent.Action.REFERRED).actor == inspector_a


@pytest.mark.django_db
def test_only_an_overdue_order_can_be_referred_by_its_township(inspector_a, inspector_b, project_a):
    order = make_order(inspector_a, project_a, deadline=TODAY)
    with pytest.raises(ValidationError):
        enforcement.order_refer(order=order, user=inspector_a)
    late = make_order(inspector_a, project_a, deadline=TODAY - DAY)
    with pytest.raises(PermissionDenied):
        enforcement.order_refer(order=late, user=inspector_b)


# ---- counts for the reports ----------------------------------------------------------------------


@pytest.mark.django_db
def test_enforcement_counts_by_date_and_township(office, project_a, project_b, django_assert_num_queries):
    start, end = TODAY - 30 * DAY, TODAY
    for _ in range(2):
        make_order(office, project_a)
    make_order(office, project_b)
    make_order(office, project_a, kind="pay")
    old = make_order(office, project_a, kind="pay", deadline=TODAY - DAY)
    EnforcementOrder.objects.filter(pk=old.pk).update(
        issued_on=start - DAY
    )  # issued before, referred in range
    enforcement.order_refer(order=old, user=office)
    make_interview(office, project_a)
    make_interview(office, project_b, held_on=start - DAY)
    # one aggregate over the orders, one COUNT of the interviews
    with django_assert_num_queries(2):
        counts = selectors.enforcement_counts(start=start, end=end)
    assert counts == {"interviews": 1, "rectify_orders": 3, "pay_orders": 1, "criminal_referrals": 1}
    only_a = selectors.enforcement_counts(start=start, end=end, township_ids=[project_a.township_id])
    assert only_a == {"interviews": 1, "rectify_orders": 2, "pay_orders": 1, "criminal_referrals": 1}
    # each figure equals the rows of the matching filtered list
    rectify = selectors.order_list(user=office, filters={"kind": "rectify"}).filter(issued_on__gte=start)
    assert rectify.count() == counts["rectify_orders"]


# ---- scoping --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_visible_to_by_township(office, admin, inspector_a, inspector_b, dept_user, project_a):
    interview, order = make_interview(office, project_a), make_order(office, project_a)
    for user, expected in [(office, 1), (admin, 1), (inspector_a, 1), (inspector_b, 0), (dept_user, 0)]:
        assert Interview.objects.visible_to(user).filter(pk=interview.pk).count() == expected
        assert EnforcementOrder.objects.visible_to(user).filter(pk=order.pk).count() == expected


@pytest.mark.django_db
def test_admin_lists_only_visible_documents(office, inspector_b, project_a):
    make_interview(office, project_a)
    make_order(office, project_a)
    request = RequestFactory().get("/")
    for model, admin_class in [(Interview, InterviewAdmin), (EnforcementOrder, EnforcementOrderAdmin)]:
        model_admin = admin_class(model, django_admin.site)
        request.user = office
        assert model_admin.get_queryset(request).count() == 1
        request.user = inspector_b
        assert model_admin.get_queryset(request).count() == 0


# ---- notifications --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_deadline_notifications_sent_once_per_event(office, inspector_a, inspector_b, project_a):
    soon = make_order(office, project_a, deadline=TODAY + 3 * DAY)
    late = make_order(office, project_a, deadline=TODAY - DAY)
    make_order(office, project_a, deadline=TODAY + 4 * DAY)  # not yet near
    done = make_order(office, project_a, deadline=TODAY - DAY)
    services.order_comply(order=done, on=TODAY, user=office)

    assert tasks.notify_order_deadlines() == 4  # two orders × (inspector_a + the issuer)
    assert tasks.notify_order_deadlines() == 0
    keys = set(Notification.objects.filter(user=inspector_a).values_list("event_key", flat=True))
    assert keys == {
        f"order-{soon.pk}-{soon.deadline:%Y%m%d}-soon",
        f"order-{late.pk}-{late.deadline:%Y%m%d}-overdue",
    }
    assert Notification.objects.filter(user=office).count() == 2
    assert not Notification.objects.filter(user=inspector_b).exists()
    # the near order passes its deadline: one new message each, then nothing again
    later = (TODAY + 4 * DAY).isoformat()
    assert tasks.notify_order_deadlines(later) == 2 + 2  # soon → overdue; the 4-day one is due today
    assert tasks.notify_order_deadlines(later) == 0


# ---- demo -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_documents_are_idempotent(office, township_a, department):
    from complaints import demo

    for _ in range(3):
        make_project(township=township_a, department=department)
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    rectify = EnforcementOrder.objects.filter(kind="rectify", requirement__startswith=demo.MARK)
    assert rectify.count() == 6
    assert Interview.objects.filter(agreed__startswith=demo.MARK).count() == 6
    assert len(selectors.orders_overdue(office)) >= 2
