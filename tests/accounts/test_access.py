"""The access kernel (wagewatch/accounts/access.py): the jurisdiction rule once, and what is built on it."""

import pathlib
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from complaints.forms import IntakeForm, OrderForm
from complaints.models import CaseEvent, Complaint
from complaints.services import complaint_receive
from projects.forms import ProjectForm
from projects.models import Project
from reports.forms import ReportForm
from tests.projects.factories import make_project
from wagewatch.accounts.access import (
    departments_for,
    get_for_user,
    may_see_department,
    may_work_in,
    scope_q,
    townships_for,
    unit_q,
)
from wagewatch.accounts.models import Profile


@pytest.mark.django_db
def test_scope_q_by_role(admin, office, inspector_a, dept_user, township_a, township_b):
    # Profiles stand in for a scoped model here: filter them by their own townships.
    pa = Profile.objects.get(user=inspector_a)
    assert Profile.objects.filter(scope_q(admin, township="townships")).count() == 4
    assert Profile.objects.filter(scope_q(office, township="townships")).count() == 4
    assert list(Profile.objects.filter(scope_q(inspector_a, township="townships"))) == [pa]
    assert not Profile.objects.filter(scope_q(dept_user, township="townships")).exists()


@pytest.mark.django_db
def test_anonymous_sees_nothing(anonymous, township_a):
    assert not Profile.objects.filter(scope_q(AnonymousUser(), township="townships")).exists()


@pytest.mark.django_db
def test_scope_adds_no_query(inspector_a, django_assert_num_queries):
    inspector_a._ww_profile = Profile.objects.get(user=inspector_a)
    # one query: the filtered profile list with the jurisdiction as a subquery
    with django_assert_num_queries(1):
        list(Profile.objects.filter(scope_q(inspector_a, township="townships")))


@pytest.fixture
def project_a(township_a, township_b, department, other_department):
    make_project(township_b, other_department)
    return make_project(township_a, department)


def _case(user, project) -> Complaint:
    return complaint_receive(
        user=user, channel="visit", complainant_name="张三", complainant_phone="13800000000",
        description="欠薪", project=project,
    )  # fmt: skip


def test_get_for_user_is_404_out_of_sight_and_403_for_a_reader_who_may_not_write(
    project_a, admin, inspector_a, inspector_b, dept_user
):
    for user in (admin, inspector_a, dept_user):
        assert get_for_user(Project.objects, user, project_a.pk) == project_a
    assert get_for_user(Project.objects, inspector_a, project_a.pk, write=True) == project_a
    with pytest.raises(Http404):
        get_for_user(Project.objects, inspector_b, project_a.pk)
    with pytest.raises(Http404):  # out of sight stays 404 for a write too: nothing is given away
        get_for_user(Project.objects, inspector_b, project_a.pk, write=True)
    with pytest.raises(PermissionDenied):
        get_for_user(Project.objects, dept_user, project_a.pk, write=True)


def test_township_and_department_checks_by_role(
    office, inspector_a, dept_user, township_a, township_b, department, other_department
):
    assert may_work_in(office, township_b.pk) and may_work_in(inspector_a, township_a.pk)
    assert not may_work_in(inspector_a, township_b.pk) and not may_work_in(inspector_a, None)
    assert not may_work_in(dept_user, township_a.pk) and not may_work_in(AnonymousUser(), township_a.pk)
    assert may_see_department(office, other_department.pk) and may_see_department(dept_user, department.pk)
    assert not may_see_department(dept_user, other_department.pk)
    assert not may_see_department(inspector_a, department.pk)


def test_form_choices_are_the_users_jurisdiction(
    office, inspector_a, dept_user, township_a, township_b, department
):
    assert set(townships_for(office)) == {township_a, township_b}
    assert list(townships_for(inspector_a)) == [township_a]
    assert not townships_for(dept_user).exists()
    assert list(departments_for(dept_user)) == [department]
    assert not departments_for(inspector_a).exists()


def test_a_unit_filter_reads_the_models_lookups_whoever_asks(project_a, township_a, department, office):
    assert list(Project.objects.filter(unit_q(Project, township_id=township_a.pk))) == [project_a]
    assert list(Project.objects.filter(unit_q(Project, department_id=department.pk))) == [project_a]
    case = _case(office, project_a)
    # a department's report counts its projects' cases, though department users read no case
    assert list(Complaint.objects.filter(unit_q(Complaint, department_id=department.pk))) == [case]
    events = CaseEvent.objects.filter(unit_q(Complaint, township_id=township_a.pk, via="complaint"))
    assert [e.complaint_id for e in events] == [case.pk]


def test_department_users_read_no_case_of_their_department(project_a, office, dept_user):
    _case(office, project_a)
    assert Complaint.objects.visible_to(office).count() == 1
    assert not Complaint.objects.visible_to(dept_user).exists()


def test_the_jurisdiction_rule_is_written_only_in_the_access_module():
    """No app reaches a user's townships or department by itself: it asks wagewatch/accounts/access.py."""
    root = pathlib.Path(__file__).resolve().parents[2]
    rule = re.compile(
        r"user_township_ids|user_department_id|profiles__user|Profile\.townships|_get_project_for_user"
    )
    found = [
        str(path.relative_to(root))
        for app in ("projects", "complaints", "blacklist", "deposits", "reports", "wagewatch")
        for path in (root / app).rglob("*.py")
        if path.name != "access.py" and "migrations" not in path.parts and rule.search(path.read_text())
    ]
    assert found == []


def test_forms_refuse_a_township_or_project_outside_the_users_jurisdiction(
    inspector_a, township_a, township_b, department, other_department
):
    project_b = make_project(township_b, other_department)
    assert "township" in ProjectForm({"township": township_b.pk}, user=inspector_a).errors
    assert "township" not in ProjectForm({"township": township_a.pk}, user=inspector_a).errors
    intake = IntakeForm({"township": township_b.pk, "project": project_b.pk}, user=inspector_a)
    assert {"township", "project"} <= set(intake.errors)
    assert "project" in OrderForm({"project": project_b.pk}, user=inspector_a).errors
    report = ReportForm({"kind": "monthly", "scope": "township", "township": township_b.pk}, user=inspector_a)
    assert "township" in report.errors
