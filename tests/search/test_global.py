"""Issue 18 item 3: the header's search box (project, case, enterprise, worker), scoped to the user."""

import pytest
from django.urls import reverse

from tests.complaints.factories import make_complaint
from tests.projects.factories import make_enterprise, make_project, make_roster_entry, make_worker

URL = "reports:search"


@pytest.fixture
def project_a(township_a, department):
    return make_project(township_a, department, name="甲镇安置房", code="XM-A-001")


@pytest.fixture
def project_b(township_b, department):
    return make_project(township_b, department, name="乙镇污水管网", code="XM-B-001")


def _get(client, q):
    return client.get(reverse(URL), {"q": q})


def test_header_has_the_search_box_for_staff(client_for, inspector_a):
    body = client_for(inspector_a).get(reverse("projects:list")).content.decode()
    assert f'action="{reverse(URL)}"' in body


def test_one_project_by_code_redirects_to_it(client_for, inspector_a, project_a):
    r = _get(client_for(inspector_a), "xm-a-001")
    assert r.status_code == 302 and r.url == reverse("projects:detail", args=[project_a.pk])


def test_one_case_by_number_redirects_to_it(client_for, inspector_a, project_a):
    case = make_complaint(project=project_a, number="TS2026-00042")
    r = _get(client_for(inspector_a), "ts2026-00042")
    assert r.status_code == 302 and r.url == reverse("complaints:detail", args=[case.pk])


def test_worker_by_id_number_redirects_to_the_worker_search(client_for, inspector_a, project_a):
    worker = make_worker(name="张铁柱")
    make_roster_entry(project_a, worker=worker)
    r = _get(client_for(inspector_a), worker.id_number)
    assert r.status_code == 302
    assert r.url.startswith(reverse("projects:worker_search")) and worker.id_number not in r.url


def test_enterprise_by_uscc_redirects_to_it(client_for, office, project_a):
    r = _get(client_for(office), project_a.contractor.uscc)
    assert r.status_code == 302 and r.url == reverse("wages:enterprise", args=[project_a.contractor.pk])


def test_several_hits_show_a_grouped_page(client_for, office, project_a, project_b):
    make_complaint(project=project_a, respondent_name="镇安建筑公司")
    make_enterprise(name="镇安劳务公司")
    r = _get(client_for(office), "镇")
    assert r.status_code == 200
    groups = r.context["groups"]
    assert {p.name for p in groups["projects"]} == {"甲镇安置房", "乙镇污水管网"}
    assert "镇安劳务公司" in {e.name for e in groups["enterprises"]}
    body = r.content.decode()
    assert reverse("projects:detail", args=[project_b.pk]) in body


def test_inspector_of_b_never_sees_township_a(client_for, inspector_b, project_a, project_b):
    case = make_complaint(project=project_a, number="TS2026-00077")
    worker = make_worker(name="张铁柱")
    make_roster_entry(project_a, worker=worker)
    c = client_for(inspector_b)
    for q in ("XM-A-001", "甲镇安置房", case.number, worker.id_number, "张铁柱"):
        r = _get(c, q)
        assert r.status_code == 200, q
        assert not r.context["found"], q
        body = r.content.decode().replace(q, "")  # the search box shows what he typed
        assert "甲镇安置房" not in body and case.number not in body and "张铁柱" not in body
        assert reverse("projects:detail", args=[project_a.pk]) not in body
        assert reverse("complaints:detail", args=[case.pk]) not in body
    assert _get(c, "乙镇").status_code == 302  # his own project, alone: straight to it


def test_empty_and_overlong_queries_do_not_fail(client_for, office):
    c = client_for(office)
    assert _get(c, "").status_code == 200
    assert _get(c, "x" * 500).status_code == 200


def test_search_needs_login(db, anonymous):
    assert anonymous.get(reverse(URL), {"q": "XM"}).status_code == 302


@pytest.mark.parametrize("rows", [2, 25])
def test_grouped_page_query_count_is_constant(client_for, office, township_a, department, rows,
                                              django_assert_num_queries):  # fmt: skip
    for i in range(rows):
        p = make_project(township_a, department, name=f"公路工程{i}")
        make_complaint(project=p, respondent_name=f"公路公司{i}")
    c = client_for(office)
    # SAVEPOINT, user, profile (role), unread badge, projects, cases, enterprises, workers,
    # RELEASE SAVEPOINT
    with django_assert_num_queries(9):
        r = _get(c, "公路")
    assert r.status_code == 200 and len(r.context["groups"]["projects"]) == min(rows, 20)
    assert r.context["more"]["projects"] == (rows > 20)
