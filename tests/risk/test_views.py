"""Pages: hazard list (scope, filters, queries, export), close-out, tab, dashboard, runs."""

import io

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from projects.models import Hazard, Project, SweepRun
from risk.services import sweep_run
from tests.projects.factories import make_enterprise

from .factories import healthy_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def sweep():
    return sweep_run(run=SweepRun.objects.create(), today=TODAY)


def board_missing(township, department, n=1):
    """Projects whose only finding is NOTICE_BOARD (one general hazard each)."""
    builder, contractor = make_enterprise(kind="builder"), make_enterprise()
    projects = [
        healthy_project(township, department, builder=builder, contractor=contractor) for _ in range(n)
    ]
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(notice_board=False)
    return projects


@pytest.fixture
def hazard_a(township_a, department):
    board_missing(township_a, department)
    sweep()
    return Hazard.objects.get()


def test_hazard_list_query_count_is_constant(
    client_for, office, township_a, department, django_assert_num_queries
):
    board_missing(township_a, department, 2)
    sweep()
    client = client_for(office)
    url = reverse("risk:hazards")
    # savepoint pair (2), user, profile (role), COUNT, unread badge, townships/departments/rules
    # of the filter form (3), page rows
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    Hazard.objects.all().delete()
    board_missing(township_a, department, 48)
    sweep()
    assert Hazard.objects.count() == 50
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 50


def test_inspector_b_cannot_see_township_a_hazards(client_for, inspector_b, hazard_a):
    client = client_for(inspector_b)
    assert hazard_a.project.name not in client.get(reverse("risk:hazards")).content.decode()
    assert client.get(reverse("risk:detail", args=[hazard_a.pk])).status_code == 404
    assert client.post(reverse("risk:close", args=[hazard_a.pk]), {"note": "x"}).status_code == 404
    book = load_workbook(io.BytesIO(client.get(reverse("risk:export")).content))
    assert book.active.max_row == 1  # headers only
    request = RequestFactory().get("/admin/projects/hazard/")
    request.user = inspector_b
    assert not site._registry[Hazard].get_queryset(request).exists()


def test_inspector_a_sees_exports_and_filters(client_for, inspector_a, hazard_a):
    client = client_for(inspector_a)
    assert hazard_a.project.name in client.get(reverse("risk:hazards")).content.decode()
    book = load_workbook(io.BytesIO(client.get(reverse("risk:export")).content))
    assert book.active.max_row == 2
    response = client.get(reverse("risk:hazards"), {"status": "closed"})
    assert len(response.context["page"].object_list) == 0
    response = client.get(reverse("risk:hazards"), {"severity": "1", "rule": hazard_a.rule_id})
    assert len(response.context["page"].object_list) == 1


def test_department_user_sees_and_closes_only_his_department(
    client_for, dept_user, township_a, department, other_department
):
    board_missing(township_a, department)
    board_missing(township_a, other_department)
    sweep()
    mine = Hazard.objects.get(department=department)
    other = Hazard.objects.get(department=other_department)
    client = client_for(dept_user)
    rows = client.get(reverse("risk:hazards")).context["page"].object_list
    assert [h.pk for h in rows] == [mine.pk]
    assert client.get(reverse("risk:detail", args=[other.pk])).status_code == 404
    Project.objects.filter(pk=mine.project_id).update(notice_board=True)
    response = client.post(reverse("risk:close", args=[mine.pk]), {"note": "已设置告示牌，现场核实"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "closed" and not mine.auto_closed and mine.closed_by == dept_user


def test_manual_close_refused_while_rule_still_fires(client_for, office, hazard_a):
    client = client_for(office)
    response = client.post(reverse("risk:close", args=[hazard_a.pk]), {"note": "已整改"})
    assert response.status_code == 400
    assert "仍然存在" in response.content.decode()
    hazard_a.refresh_from_db()
    assert hazard_a.status == "open"


def test_close_needs_a_note_then_closes_with_history(client_for, office, hazard_a):
    client = client_for(office)
    Project.objects.filter(pk=hazard_a.project_id).update(notice_board=True)
    assert client.post(reverse("risk:close", args=[hazard_a.pk]), {"note": " "}).status_code == 400
    assert client.post(reverse("risk:close", args=[hazard_a.pk]), {"note": "已整改"}).status_code == 302
    hazard_a.refresh_from_db()
    assert hazard_a.status == "closed" and hazard_a.close_note == "已整改"
    assert hazard_a.history.first().history_user == office
    assert Project.objects.get(pk=hazard_a.project_id).risk_grade == 0
    page = client.get(reverse("risk:detail", args=[hazard_a.pk])).content.decode()
    assert "已整改" in page


def test_inspector_b_may_not_close_even_if_asked_through_service(inspector_b, hazard_a):
    from django.core.exceptions import PermissionDenied

    from risk.services import hazard_close

    with pytest.raises(PermissionDenied):
        hazard_close(hazard=hazard_a, user=inspector_b, note="x")


def test_project_tab_and_dashboard(client_for, office, hazard_a):
    client = client_for(office)
    response = client.get(reverse("risk:project_tab", args=[hazard_a.project_id]))
    assert response.status_code == 200 and response.context["active_tab"] == "hazards"
    assert hazard_a.rule.name in response.content.decode()
    response = client.get(reverse("risk:dashboard"))
    assert response.status_code == 200
    grades = {g["grade"]: g["n"] for g in response.context["grades"]}
    assert grades[1] == 1
    trend = response.context["trend"]
    assert len(trend) == 12 and trend[-1]["opened"] == 1 and trend[-1]["open"] == 1
    assert "<svg" in response.content.decode()


def test_trend_counts_from_timestamps(office, hazard_a):
    from datetime import timedelta

    from risk.selectors import hazard_trend

    Hazard.objects.filter(pk=hazard_a.pk).update(
        opened_at=timezone.now() - timedelta(weeks=3),
        closed_at=timezone.now() - timedelta(weeks=1),
        status="closed",
    )
    trend = hazard_trend(user=office, today=TODAY)
    assert sum(w["opened"] for w in trend) == 1 and sum(w["closed"] for w in trend) == 1
    assert trend[-1]["open"] == 0 and trend[-3]["open"] == 1


def test_run_now_button_for_office_only(client_for, office, inspector_a, township_a, department):
    board_missing(township_a, department)
    assert client_for(inspector_a).post(reverse("risk:sweep_now")).status_code == 403
    client = client_for(office)
    response = client.post(reverse("risk:sweep_now"))
    assert response.status_code == 302
    run = SweepRun.objects.get()
    assert run.trigger == "manual" and run.created_by == office
    page = client.get(reverse("risk:sweeps"))
    assert page.status_code == 200 and page.context["may_run"]


def test_sweep_list_shows_county_figures_to_office_only(
    client_for, office, inspector_a, township_a, department
):
    board_missing(township_a, department)
    run = SweepRun.objects.create(status="done", projects_checked=987, hazards_opened=654, hazards_closed=321)
    run.errors = [{"rule": "LOW_PAY", "project": 424242, "error": "boom"}]
    run.save()
    assert "987" in client_for(office).get(reverse("risk:sweeps")).content.decode()
    page = client_for(inspector_a).get(reverse("risk:sweeps")).content.decode()
    assert str(run.get_status_display()) in page
    for figure in ("987", "654", "321", "424242"):
        assert figure not in page
