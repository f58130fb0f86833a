"""Inspections of any employer (issue 17 item 5): a restaurant or a factory without a project, in the user's
townships, with money and workers recovered; site inspections keep their seven checks."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from complaints.documents import document_township
from projects import services
from projects.models import Enterprise, Inspection
from projects.models.inspections import SITE_CHECKS
from tests.once import with_token
from tests.projects.factories import make_enterprise, make_project, valid_uscc

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 10, 12)


@pytest.fixture
def restaurant():
    return make_enterprise(name="甲镇老街饭店", kind=Enterprise.Kind.OTHER)


def _employer_inspection(user, township, enterprise, **fields):
    return services.employer_inspection_save(
        user=user, township=township, enterprise=enterprise, date=DAY, **fields
    )


def _form(township, **extra):
    data = {"township": township.pk, "date": DAY.isoformat(), "findings": "拖欠服务员工资"}
    data.update(amount_recovered="42600.00", workers_involved="6", workers_paid="5")
    return {**data, **extra}


def test_inspector_records_an_employer_inspection_with_a_new_enterprise(client_for, inspector_a, township_a):
    uscc = valid_uscc()
    data = _form(township_a, new_uscc=uscc, new_name="甲镇食品加工厂")
    r = client_for(inspector_a).post(
        reverse("projects:employer_inspection_add"), with_token(data, inspector_a)
    )
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    inspection = Inspection.objects.get()
    assert inspection.project is None and inspection.township == township_a
    assert inspection.enterprise.uscc == uscc and inspection.enterprise.kind == Enterprise.Kind.OTHER
    assert inspection.amount_recovered == Decimal("42600.00") and inspection.workers_paid == 5
    assert all(getattr(inspection, name) is None for name in SITE_CHECKS)  # no site checks off a site
    assert list(inspection.inspectors.all()) == [inspector_a]


def test_an_existing_uscc_uses_the_registered_enterprise(client_for, inspector_a, township_a, restaurant):
    data = _form(township_a, new_uscc=restaurant.uscc)
    r = client_for(inspector_a).post(
        reverse("projects:employer_inspection_add"), with_token(data, inspector_a)
    )
    assert r.status_code == 302
    assert Inspection.objects.get().enterprise == restaurant and Enterprise.objects.count() == 1


def test_inspection_without_project_and_enterprise_is_a_form_error(client_for, inspector_a, township_a):
    data = _form(township_a)
    r = client_for(inspector_a).post(
        reverse("projects:employer_inspection_add"), with_token(data, inspector_a)
    )
    assert r.status_code == 200 and "enterprise" in r.context["form"].errors
    assert "请选择被检查的用人单位" in r.content.decode()
    assert not Inspection.objects.exists()


def test_the_service_refuses_an_inspection_without_project_and_enterprise(inspector_a, township_a):
    with pytest.raises(Exception, match="请选择被检查的用人单位"):
        services.inspection_save(user=inspector_a, township=township_a, date=DAY)
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("amount_recovered", "-1"), ("amount_recovered", "1" * 20), ("workers_involved", "99999999999"),
     ("workers_paid", "7"), ("date", "2099-01-01"), ("new_uscc", "12345")],
)  # fmt: skip
def test_bad_input_is_a_form_error_not_a_500(client_for, inspector_a, township_a, restaurant, field, value):
    data = _form(township_a, enterprise=restaurant.pk, **{field: value})
    r = client_for(inspector_a).post(
        reverse("projects:employer_inspection_add"), with_token(data, inspector_a)
    )
    assert r.status_code == 200 and field in r.context["form"].errors
    assert not Inspection.objects.exists()


def test_inspector_b_cannot_record_an_inspection_of_a_township_a_employer(
    client_for, inspector_b, township_a, restaurant
):
    data = _form(township_a, enterprise=restaurant.pk)
    r = client_for(inspector_b).post(
        reverse("projects:employer_inspection_add"), with_token(data, inspector_b)
    )
    assert r.status_code == 200 and "township" in r.context["form"].errors
    with pytest.raises(PermissionDenied):
        _employer_inspection(inspector_b, township_a, restaurant)
    assert not Inspection.objects.exists()


def test_inspector_b_cannot_see_an_inspection_of_a_township_a_employer(
    client_for, inspector_a, inspector_b, township_a, restaurant
):
    inspection = _employer_inspection(inspector_a, township_a, restaurant, findings="甲镇饭店欠薪")
    b = client_for(inspector_b)
    assert inspection not in b.get(reverse("projects:inspection_list")).context["page"].object_list
    assert b.get(reverse("projects:employer_inspection_edit", args=[inspection.pk])).status_code == 404
    assert b.get("/api/v1/inspections/").json()["results"] == []
    assert b.get(f"/api/v1/inspections/{inspection.pk}/").status_code == 404
    assert "甲镇饭店欠薪" not in b.get(reverse("wages:enterprise", args=[restaurant.pk])).content.decode()
    a = client_for(inspector_a)
    assert inspection in a.get(reverse("projects:inspection_list")).context["page"].object_list
    assert a.get("/api/v1/inspections/").json()["results"][0]["township"] == township_a.pk


def test_the_enterprise_page_shows_its_inspections(client_for, inspector_a, township_a, restaurant):
    _employer_inspection(inspector_a, township_a, restaurant, findings="甲镇饭店欠薪")
    body = client_for(inspector_a).get(reverse("wages:enterprise", args=[restaurant.pk])).content.decode()
    assert "甲镇饭店欠薪" in body


def test_inspector_edits_his_employer_inspection(client_for, inspector_a, township_a, restaurant):
    inspection = _employer_inspection(inspector_a, township_a, restaurant)
    data = _form(township_a, enterprise=restaurant.pk, amount_recovered="100.00", workers_involved="2")
    url = reverse("projects:employer_inspection_edit", args=[inspection.pk])
    page = client_for(inspector_a).get(url).content.decode()
    assert f'<option value="{restaurant.pk}" selected>' in page
    r = client_for(inspector_a).post(url, {**data, "workers_paid": "2"})
    assert r.status_code == 302, r.context["form"].errors
    inspection.refresh_from_db()
    assert inspection.amount_recovered == Decimal("100.00") and inspection.enterprise == restaurant


def test_project_inspection_form_records_recovered_and_names_the_contractor(
    client_for, inspector_a, township_a, department
):
    project = make_project(township_a, department)
    data = {"date": DAY.isoformat(), "check_contracts": "on", "amount_recovered": "8000",
            "workers_involved": "3", "workers_paid": "3"}  # fmt: skip
    r = client_for(inspector_a).post(
        reverse("projects:inspection_add", args=[project.pk]), with_token(data, inspector_a)
    )
    assert r.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.enterprise == project.contractor and inspection.township is None
    assert inspection.check_contracts is True and inspection.check_notice_board is False
    assert inspection.amount_recovered == Decimal("8000") and inspection.workers_paid == 3
    assert inspection.jurisdiction == township_a


def test_project_inspection_double_click_records_one_inspection(
    client_for, inspector_a, township_a, department
):
    """An inspection records money recovered: the add form carries a one-time token, and a second POST of the
    same form (a double click) goes to the first result; a POST without a token is refused."""
    project = make_project(township_a, department)
    client = client_for(inspector_a)
    url = reverse("projects:inspection_add", args=[project.pk])
    data = with_token({"date": DAY.isoformat(), "amount_recovered": "8000"}, inspector_a)
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Inspection.objects.count() == 1
    bare = client.post(url, {"date": DAY.isoformat(), "amount_recovered": "8000"})
    assert bare.status_code == 200 and Inspection.objects.count() == 1


def test_project_tab_lists_only_its_own_inspections(
    client_for, inspector_a, township_a, department, restaurant
):
    project = make_project(township_a, department)
    services.inspection_save(user=inspector_a, project=project, date=DAY, findings="项目检查")
    _employer_inspection(inspector_a, township_a, restaurant, findings="饭店检查")
    r = client_for(inspector_a).get(reverse("projects:inspections", args=[project.pk]))
    body = r.content.decode()
    assert "项目检查" in body and "饭店检查" not in body


def test_department_user_sees_his_projects_inspections_not_employers(
    client_for, inspector_a, dept_user, township_a, department, restaurant
):
    project = make_project(township_a, department)
    site = services.inspection_save(user=inspector_a, project=project, date=DAY)
    _employer_inspection(inspector_a, township_a, restaurant)
    rows = client_for(dept_user).get(reverse("projects:inspection_list")).context["page"].object_list
    assert list(rows) == [site]


def test_an_order_from_an_employer_inspection_is_in_its_township(inspector_a, township_a, restaurant):
    inspection = _employer_inspection(inspector_a, township_a, restaurant)
    assert document_township(inspection=inspection) == township_a.pk


def test_order_form_prefilled_from_an_employer_inspection(client_for, inspector_a, township_a, restaurant):
    inspection = _employer_inspection(inspector_a, township_a, restaurant, findings="拖欠工资")
    r = client_for(inspector_a).get(reverse("complaints:order_create"), {"inspection": inspection.pk})
    assert r.status_code == 200 and restaurant.name in r.content.decode()


@pytest.mark.parametrize("n", [2, 50])
def test_inspection_list_queries_do_not_grow(
    client_for, office, township_a, department, restaurant, n, django_assert_num_queries
):
    for i in range(n):
        if i % 2:
            project = make_project(township_a, department)
            services.inspection_save(user=office, project=project, date=DAY)
        else:
            _employer_inspection(office, township_a, restaurant)
    client = client_for(office)
    # savepoint; user, role; count; unread notifications (menu); townships (filter); the page with
    # project, townships, contractor, enterprise; inspectors (prefetch); release savepoint
    with django_assert_num_queries(9):
        r = client.get(reverse("projects:inspection_list"))
    assert len(r.context["page"].object_list) == min(n, 50)
