"""Deposits, complaints, hazards and the blacklist through the API: scoping, hidden reporter, public list."""

import pytest

from tests.api.factories import make_project_records, token_client
from tests.blacklist.factories import make_listed

API = "/api/v1"
PATHS = {"deposit": "deposits", "complaint": "complaints", "hazard": "hazards"}


@pytest.fixture
def records_a(project_a):
    return make_project_records(project_a)


@pytest.fixture
def records_b(project_b):
    return make_project_records(project_b)


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("kind", PATHS)
def test_inspector_cannot_reach_other_township(inspector_a, records_a, records_b, kind):
    c = token_client(inspector_a)
    assert _ids(c.get(f"{API}/{PATHS[kind]}/")) == {records_a[kind].pk}
    assert c.get(f"{API}/{PATHS[kind]}/{records_b[kind].pk}/").status_code == 404
    assert c.get(f"{API}/{PATHS[kind]}/{records_a[kind].pk}/").status_code == 200


def test_department_user_sees_department_records_but_no_cases(dept_user, records_a, records_b):
    c = token_client(dept_user)
    assert _ids(c.get(f"{API}/deposits/")) == {records_a["deposit"].pk}
    assert _ids(c.get(f"{API}/hazards/")) == {records_a["hazard"].pk}
    assert _ids(c.get(f"{API}/complaints/")) == set()


def test_reporter_never_in_the_api(admin, records_a):
    body = token_client(admin).get(f"{API}/complaints/{records_a['complaint'].pk}/").content.decode()
    for secret in ("王小二", "13912345678", "110101199003074514", "拖欠工资"):
        assert secret not in body


def test_bank_reads_no_deposits_cases_or_hazards(bank, records_a):
    c = token_client(bank.user)
    for path in PATHS.values():
        assert c.get(f"{API}/{path}/").status_code == 403


def test_platform_reads_all_townships(platform, records_a, records_b):
    c = token_client(platform.user)
    for kind, path in PATHS.items():
        assert _ids(c.get(f"{API}/{path}/")) == {records_a[kind].pk, records_b[kind].pk}


@pytest.mark.parametrize("who", ["inspector_a", "dept_user", "bank"])
def test_blacklist_shows_public_fields_to_every_caller(request, office, project_a, who):
    entry = make_listed(user=office, project=project_a)
    caller = request.getfixturevalue(who)
    row = token_client(getattr(caller, "user", caller)).get(f"{API}/blacklist/").json()["results"][0]
    assert row["id"] == entry.pk and row["uscc"] == project_a.contractor.uscc
    assert set(row) == {
        "id",
        "enterprise_name",
        "uscc",
        "legal_representative",
        "reason",
        "listed_on",
        "expires_on",
    }


def test_docs_page_served_without_cdn(client_for, office):
    body = client_for(office).get(f"{API}/docs/").content.decode()
    assert "swagger-ui" in body and "cdn" not in body.lower() and "//unpkg" not in body


def _rows_of(kind, project, n):
    import datetime

    from projects.models import Hazard, LabourCostTransfer, RiskRule
    from tests.complaints.factories import make_complaint
    from tests.deposits.factories import make_deposit
    from tests.projects.factories import make_project, make_roster_entry

    for i in range(n):
        if kind == "transfers":
            LabourCostTransfer.objects.create(
                project=project,
                month=datetime.date(2026, 1, 1),
                amount=1,
                transferred_on=datetime.date(2026, 1, 2),
            )
        elif kind == "roster":
            make_roster_entry(project)
        elif kind == "complaints":
            make_complaint(project=project)
        elif kind == "hazards":
            rule = RiskRule.objects.create(code=f"R{i}", name=f"规则{i}")
            Hazard.objects.create(
                project=project,
                rule=rule,
                severity=1,
                department=project.department,
                deadline=datetime.date(2026, 12, 1),
            )
        elif kind == "deposits":
            make_deposit(make_project(project.township, project.department), cash="10.00")


# SAVEPOINT, token+user, api-client lookup, profile (role), COUNT, page SELECT (joins), RELEASE SAVEPOINT;
# roster adds the project lookup (404 check); deposits add the prefetch of guarantee letters.
LIST_QUERIES = {"transfers": 7, "complaints": 7, "hazards": 7, "roster": 8, "deposits": 8}


@pytest.mark.parametrize("n", [2, 50])
@pytest.mark.parametrize("kind", LIST_QUERIES)
def test_list_query_count_does_not_grow(django_assert_num_queries, inspector_a, project_a, kind, n):
    _rows_of(kind, project_a, n)
    path = f"projects/{project_a.pk}/roster" if kind == "roster" else kind
    c = token_client(inspector_a)
    with django_assert_num_queries(LIST_QUERIES[kind]):
        r = c.get(f"{API}/{path}/")
    assert r.json()["count"] == n


@pytest.mark.parametrize("who", ["admin", "inspector_a"])
def test_case_description_never_in_the_api(request, who, records_a):
    body = token_client(request.getfixturevalue(who)).get(f"{API}/complaints/").content.decode()
    assert records_a["complaint"].number in body and records_a["complaint"].description not in body
