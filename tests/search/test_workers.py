"""Issue 18 item 3: find a worker across the projects of the user's scope (name, ID number, phone)."""

import pytest
from django.urls import reverse

from tests.projects.factories import make_project, make_roster_entry, make_worker


@pytest.fixture
def project_a(township_a, department):
    return make_project(township_a, department, name="甲镇安置房")


@pytest.fixture
def project_a2(township_a, department):
    return make_project(township_a, department, name="甲镇学校")


@pytest.fixture
def project_b(township_b, department):
    return make_project(township_b, department, name="乙镇污水管网")


def _search(client, **params):
    r = client.get(reverse("projects:worker_search"), params)
    assert r.status_code == 200
    return r


def test_worker_found_by_name_across_projects_with_masked_numbers(client_for, inspector_a, project_a,
                                                                  project_a2):  # fmt: skip
    worker = make_worker(name="张铁柱", phone="13712345678")
    make_roster_entry(project_a, worker=worker)
    make_roster_entry(project_a2, worker=worker)
    r = _search(client_for(inspector_a), q="铁柱")
    rows = r.context["rows"]
    assert [w.name for w in rows] == ["张铁柱"]
    body = r.content.decode()
    assert worker.id_number not in body and worker.masked_id in body
    assert "13712345678" not in body and worker.masked_phone in body
    assert "甲镇安置房" in body and "甲镇学校" in body
    assert reverse("projects:roster", args=[project_a.pk]) in body


def test_worker_found_by_id_number_exactly(client_for, office, project_a):
    worker = make_worker(name="张铁柱")
    make_roster_entry(project_a, worker=worker)
    make_roster_entry(project_a, worker=make_worker(name="李大山"))
    c = client_for(office)
    assert [w.name for w in _search(c, q=worker.id_number).context["rows"]] == ["张铁柱"]
    assert list(_search(c, q=worker.id_number[:-1]).context["rows"]) == []


def test_worker_found_by_phone_exactly(client_for, office, project_a):
    make_roster_entry(project_a, worker=make_worker(name="张铁柱", phone="13712345678"))
    c = client_for(office)
    assert [w.name for w in _search(c, q="+86 137 1234 5678").context["rows"]] == ["张铁柱"]


def test_inspector_does_not_find_workers_of_other_townships(client_for, inspector_a, project_a, project_b):
    here, there = make_worker(name="张甲"), make_worker(name="张乙")
    make_roster_entry(project_a, worker=here)
    make_roster_entry(project_b, worker=there)
    c = client_for(inspector_a)
    assert [w.name for w in _search(c, q="张").context["rows"]] == ["张甲"]
    assert list(_search(c, q=there.id_number).context["rows"]) == []


def test_worker_on_both_townships_shows_only_the_inspectors_project(client_for, inspector_a, project_a,
                                                                   project_b):  # fmt: skip
    worker = make_worker(name="张铁柱")
    make_roster_entry(project_a, worker=worker)
    make_roster_entry(project_b, worker=worker)
    body = _search(client_for(inspector_a), q="张铁柱").content.decode()
    assert "甲镇安置房" in body and "乙镇污水管网" not in body


def test_worker_search_keyset_pages(client_for, office, project_a):
    for i in range(55):
        make_roster_entry(project_a, worker=make_worker(name=f"王{i:02d}"))
    c = client_for(office)
    first = _search(c, q="王").context
    names1 = [w.name for w in first["rows"]]
    assert len(names1) == 50 and first["keyset"].next_after
    second = _search(c, q="王", after=first["keyset"].next_after).context
    names2 = [w.name for w in second["rows"]]
    assert len(names2) == 5 and not set(names1) & set(names2)


@pytest.mark.parametrize("rows", [2, 30])
def test_worker_search_query_count_is_constant(client_for, office, project_a, project_a2, rows,
                                               django_assert_num_queries):  # fmt: skip
    for _ in range(rows):
        entry = make_roster_entry(project_a)
        make_roster_entry(project_a2, worker=entry.worker)
    c = client_for(office)
    # SAVEPOINT, user, profile (role), unread badge, the page of workers, their roster entries
    # with projects (prefetch), RELEASE SAVEPOINT
    with django_assert_num_queries(7):
        c.get(reverse("projects:worker_search"), {"q": "工人"})


def test_worker_search_without_text_lists_nothing_and_bad_after_is_ignored(client_for, office, project_a):
    make_roster_entry(project_a)
    c = client_for(office)
    assert list(_search(c).context["rows"]) == []
    assert _search(c, q="工人", after="x'").status_code == 200


def test_anonymous_is_sent_to_login(db, anonymous):
    assert anonymous.get(reverse("projects:worker_search"), {"q": "张"}).status_code == 302
