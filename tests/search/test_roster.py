"""Issue 18 item 3: the roster's search (name, ID number, phone), filters and keyset pagination."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.projects.factories import make_enterprise, make_project, make_roster_entry, make_worker

ROSTER_PAGE = 50


@pytest.fixture
def project_a(township_a, department):
    return make_project(township_a, department, name="甲镇安置房")


def _rows(client, project, **params):
    r = client.get(reverse("projects:roster", args=[project.pk]), params)
    assert r.status_code == 200
    return [e.worker.name for e in r.context["rows"]]


def test_roster_search_by_name_contains(client_for, inspector_a, project_a):
    make_roster_entry(project_a, worker=make_worker(name="张铁柱"))
    make_roster_entry(project_a, worker=make_worker(name="李大山"))
    assert _rows(client_for(inspector_a), project_a, q="铁") == ["张铁柱"]


def test_roster_search_by_id_number_is_exact_through_the_hash(client_for, inspector_a, project_a):
    worker = make_worker(name="张铁柱")
    make_roster_entry(project_a, worker=worker)
    make_roster_entry(project_a, worker=make_worker(name="李大山"))
    c = client_for(inspector_a)
    assert _rows(c, project_a, q=worker.id_number.lower()) == ["张铁柱"]
    assert _rows(c, project_a, q=worker.id_number[:10]) == []  # no partial match on a number


def test_roster_search_by_phone_is_exact(client_for, inspector_a, project_a):
    make_roster_entry(project_a, worker=make_worker(name="张铁柱", phone="13712345678"))
    make_roster_entry(project_a, worker=make_worker(name="李大山", phone="13812345678"))
    c = client_for(inspector_a)
    assert _rows(c, project_a, q="137-1234-5678") == ["张铁柱"]
    assert _rows(c, project_a, q="1371234") == []


def test_roster_filters_team_employer_state_contract(client_for, inspector_a, project_a):
    labour = make_enterprise(name="甲劳务公司")
    today = timezone.localdate()
    make_roster_entry(project_a, worker=make_worker(name="甲"), team="木工班组", employer=labour)
    make_roster_entry(project_a, worker=make_worker(name="乙"), team="钢筋班组", contract_signed=False)
    gone = today - datetime.timedelta(days=1)
    make_roster_entry(project_a, worker=make_worker(name="丙"), team="钢筋班组", exit_date=gone)
    c = client_for(inspector_a)
    assert _rows(c, project_a, team="木工班组") == ["甲"]
    assert _rows(c, project_a, employer=labour.pk) == ["甲"]
    assert sorted(_rows(c, project_a, state="on_site")) == ["乙", "甲"]
    assert _rows(c, project_a, state="exited") == ["丙"]
    assert _rows(c, project_a, contract="no") == ["乙"]
    assert sorted(_rows(c, project_a, contract="yes", team="钢筋班组")) == ["丙"]


def test_roster_page_offers_the_project_teams_and_employers(client_for, inspector_a, project_a):
    labour = make_enterprise(name="甲劳务公司")
    make_roster_entry(project_a, team="木工班组", employer=labour)
    body = client_for(inspector_a).get(reverse("projects:roster", args=[project_a.pk])).content.decode()
    assert "木工班组" in body and "甲劳务公司" in body and 'name="q"' in body


def test_roster_bad_filter_is_told_not_500(client_for, inspector_a, project_a):
    make_roster_entry(project_a)
    c = client_for(inspector_a)
    for params in ({"employer": "abc"}, {"state": "x"}, {"after": "abc"}, {"after": "-5"}, {"contract": "1"}):
        r = c.get(reverse("projects:roster", args=[project_a.pk]), params)
        assert r.status_code == 200


def test_roster_keyset_page_two_starts_after_page_one(client_for, office, project_a):
    for i in range(ROSTER_PAGE + 5):
        make_roster_entry(project_a, team=f"班组{i % 3}")
    c = client_for(office)
    url = reverse("projects:roster", args=[project_a.pk])
    first = c.get(url).context
    ids1 = [e.pk for e in first["rows"]]
    assert len(ids1) == ROSTER_PAGE and first["keyset"].next_after == ids1[-1]
    second = c.get(url, {"after": first["keyset"].next_after}).context
    ids2 = [e.pk for e in second["rows"]]
    assert len(ids2) == 5 and not set(ids1) & set(ids2) and second["keyset"].next_after is None
    assert len(set(ids1 + ids2)) == ROSTER_PAGE + 5


def test_roster_keyset_keeps_the_filters(client_for, office, project_a):
    for _ in range(ROSTER_PAGE + 2):
        make_roster_entry(project_a, team="木工班组")
    make_roster_entry(project_a, team="钢筋班组")
    c = client_for(office)
    body = c.get(reverse("projects:roster", args=[project_a.pk]), {"team": "木工班组"}).content.decode()
    assert "team=%E6%9C%A8%E5%B7%A5%E7%8F%AD%E7%BB%84&amp;after=" in body


def test_roster_query_has_no_offset(client_for, office, project_a):
    entries = [make_roster_entry(project_a) for _ in range(3)]
    c = client_for(office)
    with CaptureQueriesContext(connection) as ctx:
        c.get(reverse("projects:roster", args=[project_a.pk]), {"after": entries[0].pk})
    assert not [q for q in ctx.captured_queries if "OFFSET" in q["sql"]]


@pytest.mark.parametrize("rows", [2, 60])
def test_roster_query_count_is_constant(client_for, office, project_a, rows, django_assert_num_queries):
    labour = make_enterprise()
    for i in range(rows):
        make_roster_entry(project_a, employer=labour if i % 2 else None, team=f"班组{i % 4}")
    c = client_for(office)
    c.get(reverse("projects:roster", args=[project_a.pk]))  # warm the session
    first = c.get(reverse("projects:roster", args=[project_a.pk])).context["rows"][0]
    # SAVEPOINT, user, profile (role), project with township/department/builder/contractor,
    # unread-messages badge, the project's teams, the project's employers, the page of rows with worker and
    # employer (one more than a page, to know there is a next), COUNT of the filtered rows, RELEASE SAVEPOINT
    with django_assert_num_queries(10):
        c.get(reverse("projects:roster", args=[project_a.pk]), {"q": "工人", "contract": "yes"})
    with django_assert_num_queries(10):
        c.get(reverse("projects:roster", args=[project_a.pk]), {"after": first.pk, "team": "班组1"})
