"""The project list's table is cached per jurisdiction, parameters and language, and follows the writes
under it (projects/views.py ``_list_table``, wagewatch/accounts/generations.py)."""

import pytest
from django.urls import reverse

from projects.models import Project
from tests.pages import page_text
from tests.projects.factories import make_project
from tests.risk.factories import healthy_project

LIST = reverse("projects:list")


def _names(response) -> str:
    return response.content.decode()


def test_second_load_reads_the_table_from_the_cache(client_for, office, township_a, department,
                                                    django_assert_num_queries):  # fmt: skip
    for _ in range(3):
        make_project(township_a, department)
    c = client_for(office)
    first = c.get(LIST)
    # SAVEPOINT, user, profile, unread badge, townships, departments, RELEASE: no COUNT, no page of rows
    with django_assert_num_queries(7):
        second = c.get(LIST)
    assert page_text(second) == page_text(first)


def test_a_saved_project_shows_on_the_next_load(client_for, office, township_a, department):
    project = make_project(township_a, department)
    c = client_for(office)
    assert project.name in _names(c.get(LIST))
    project.name = "改名后的工程"
    project.save()
    assert "改名后的工程" in _names(c.get(LIST))


def test_a_renamed_contractor_and_township_show(client_for, inspector_a, township_a, department):
    project = make_project(township_a, department)
    c = client_for(inspector_a)
    c.get(LIST)
    project.contractor.name = "新名字建筑公司"
    project.contractor.save()
    assert "新名字建筑公司" in _names(c.get(LIST))
    township_a.name = "新甲镇"
    township_a.save()
    assert "新甲镇" in _names(c.get(LIST))


def test_jurisdictions_never_share_a_table(
    client_for, office, inspector_a, inspector_b, township_a, township_b, department
):
    a = make_project(township_a, department, name="甲镇的工程")
    b = make_project(township_b, department, name="乙镇的工程")
    both = _names(client_for(office).get(LIST))
    assert a.name in both and b.name in both
    seen_a = _names(client_for(inspector_a).get(LIST))
    seen_b = _names(client_for(inspector_b).get(LIST))
    assert a.name in seen_a and b.name not in seen_a
    assert b.name in seen_b and a.name not in seen_b


def test_a_write_in_another_township_keeps_the_cached_table(
    client_for, inspector_a, township_a, township_b, department, django_assert_num_queries
):
    make_project(township_a, department)
    other = make_project(township_b, department)
    c = client_for(inspector_a)
    c.get(LIST)
    other.name = "乙镇改名的工程"
    other.save()
    # SAVEPOINT, user, profile, his townships, unread badge, townships, departments, RELEASE
    with django_assert_num_queries(8):
        c.get(LIST)


def test_filters_pages_and_language_are_part_of_the_key(client_for, office, township_a, department):
    make_project(township_a, department, name="在建的工程", status=Project.Status.BUILDING)
    make_project(township_a, department, name="停工的工程", status=Project.Status.SUSPENDED)
    c = client_for(office)
    assert "停工的工程" in _names(c.get(LIST))
    building = _names(c.get(LIST, {"status": Project.Status.BUILDING}))
    assert "在建的工程" in building and "停工的工程" not in building
    c.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = _names(c.get(LIST))
    assert "<td>Suspended</td>" in english


@pytest.mark.django_db
def test_a_project_sweep_shows_the_new_grade(client_for, office, township_a, department):
    from risk.services import risk_rules_sync, sweep_project

    risk_rules_sync()
    project = healthy_project(township_a, department)
    c = client_for(office)
    before = _names(c.get(LIST))
    assert "grade-general" not in before and "grade-serious" not in before
    Project.objects.filter(pk=project.pk).update(notice_board=False)  # a bulk write: no signal
    sweep_project(project=project, user=office)
    body = _names(c.get(LIST))
    assert "grade-general" in body or "grade-serious" in body


def test_a_project_moved_to_another_township_leaves_the_old_townships_list(
    client_for, inspector_b, township_a, township_b, department
):
    project = make_project(township_b, department, name="划错乡镇的工程")
    c = client_for(inspector_b)
    assert project.name in _names(c.get(LIST))
    moved = Project.objects.get(pk=project.pk)  # loaded afresh, as the edit form's instance is
    moved.township = township_a
    moved.save()
    assert project.name not in _names(c.get(LIST))


def test_a_county_sweep_job_shows_the_new_grades(client_for, office, township_a, department):
    # the sweep writes hazards and grades in bulk (no signal): its job's end replaces the generations
    from projects.models import SweepRun
    from risk import tasks
    from risk.services import risk_rules_sync

    risk_rules_sync()
    project = healthy_project(township_a, department)
    c = client_for(office)
    before = page_text(c.get(LIST))
    assert "grade-general" not in before and "grade-serious" not in before
    Project.objects.filter(pk=project.pk).update(notice_board=False)  # a bulk write: no signal
    run = SweepRun.objects.create()
    assert tasks.sweep(run.pk) != "skipped"
    body = page_text(c.get(LIST))
    assert "grade-general" in body or "grade-serious" in body
