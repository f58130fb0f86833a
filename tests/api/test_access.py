"""Scoping and permissions of the projects / roster / feed endpoints, per role and machine client."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from projects.models import LabourCostTransfer, Payroll
from tests.api.factories import token_client
from tests.projects.factories import make_project, make_roster_entry, make_worker

API = "/api/v1"


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _transfer(project, ref=None):
    return LabourCostTransfer.objects.create(
        project=project,
        month=datetime.date(2026, 3, 1),
        amount=Decimal(1000),
        transferred_on=datetime.date(2026, 3, 5),
        bank_reference=ref,
    )


def _payroll(project):
    return Payroll.objects.create(
        project=project, month=datetime.date(2026, 3, 1), attended=3, paid=3, gross=10, net=9
    )


@pytest.fixture
def records_b(project_b):
    entry = make_roster_entry(project_b)
    return {
        f"projects/{project_b.pk}/": None,
        f"projects/{project_b.pk}/roster/": None,
        f"projects/{project_b.pk}/roster/{entry.pk}/": None,
        f"transfers/{_transfer(project_b).pk}/": None,
        f"payrolls/{_payroll(project_b).pk}/": None,
    }


def test_inspector_lists_only_his_township(inspector_a, project_a, project_b):
    _transfer(project_a), _transfer(project_b)
    c = token_client(inspector_a)
    assert _ids(c.get(f"{API}/projects/")) == {project_a.pk}
    assert {t["project"] for t in c.get(f"{API}/transfers/").json()["results"]} == {project_a.pk}


def test_inspector_cannot_open_other_township_records(client_for, inspector_a, records_b):
    for c in (token_client(inspector_a), client_for(inspector_a)):  # token and session
        for path in records_b:
            assert c.get(f"{API}/{path}").status_code == 404, path


def test_department_user_reads_only_his_department(dept_user, project_a, project_b):
    c = token_client(dept_user)
    assert _ids(c.get(f"{API}/projects/")) == {project_a.pk}
    assert c.get(f"{API}/projects/{project_b.pk}/roster/").status_code == 404


def test_office_reads_whole_county(office, project_a, project_b):
    assert _ids(token_client(office).get(f"{API}/projects/")) == {project_a.pk, project_b.pk}


def test_bank_reaches_only_projects_of_its_accounts(bank, project_a, project_b, account_b):
    _transfer(project_a), _transfer(project_b)
    c = token_client(bank.user)
    assert _ids(c.get(f"{API}/projects/")) == {project_a.pk}
    assert c.get(f"{API}/projects/{project_b.pk}/").status_code == 404
    assert {t["project"] for t in c.get(f"{API}/transfers/").json()["results"]} == {project_a.pk}


def test_bank_gets_no_roster(bank, project_a):
    assert token_client(bank.user).get(f"{API}/projects/{project_a.pk}/roster/").status_code == 403


def test_inactive_bank_is_refused(bank):
    bank.active = False
    bank.save()
    assert token_client(bank.user).get(f"{API}/projects/").status_code == 403


def test_platform_reads_everything_but_writes_nothing(platform, project_a, project_b):
    c = token_client(platform.user)
    assert _ids(c.get(f"{API}/projects/")) == {project_a.pk, project_b.pk}
    assert c.get(f"{API}/projects/{project_b.pk}/roster/").status_code == 200
    assert c.post(f"{API}/transfers/", [], format="json").status_code == 403


@pytest.mark.parametrize("who", ["inspector_a", "dept_user"])
def test_only_banks_and_office_push_feeds(request, who, project_a):
    c = token_client(request.getfixturevalue(who))
    assert c.post(f"{API}/transfers/", [], format="json").status_code == 403
    assert c.post(f"{API}/payrolls/", [], format="json").status_code == 403


def test_anonymous_and_roleless_users_are_refused(anonymous, project_a):
    assert anonymous.get(f"{API}/projects/").status_code in (401, 403)
    roleless = User.objects.create_user(username="nobody", password=None)
    assert token_client(roleless).get(f"{API}/projects/").status_code == 403


def test_project_filters_and_search(office, township_a, department, project_a, project_b):
    c = token_client(office)
    assert _ids(c.get(f"{API}/projects/", {"township": township_a.pk})) == {project_a.pk}
    assert _ids(c.get(f"{API}/projects/", {"search": "污水"})) == {project_b.pk}
    assert _ids(c.get(f"{API}/projects/", {"status": "completed"})) == set()


def test_roster_numbers_always_masked(admin, project_a):
    worker = make_worker(id_number="341122198506150011", phone="13912345678")
    make_roster_entry(project_a, worker=worker)
    body = token_client(admin).get(f"{API}/projects/{project_a.pk}/roster/").content.decode()
    assert "341122198506150011" not in body and "13912345678" not in body
    row = token_client(admin).get(f"{API}/projects/{project_a.pk}/roster/").json()["results"][0]
    assert row["id_number_masked"] == "341***********0011" and row["phone_masked"] == "139****5678"


def _project_list_queries(django_assert_num_queries, user, n, township, department):
    for _i in range(n):
        make_project(township, department)
    c = token_client(user)
    # SAVEPOINT, token+user, api-client lookup, profile (role), COUNT, page SELECT (select_related), RELEASE
    with django_assert_num_queries(7):
        r = c.get(f"{API}/projects/")
    assert r.json()["count"] == n


@pytest.mark.parametrize("n", [2, 50])
def test_project_list_query_count_constant(django_assert_num_queries, inspector_a, township_a, department, n):
    _project_list_queries(django_assert_num_queries, inspector_a, n, township_a, department)
