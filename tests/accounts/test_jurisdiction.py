"""``access.jurisdiction``: the key part of a cached page names exactly what its rows are filtered by, even
when the user's jurisdiction changes during the request (a cached page must never hold rows its key's
other users may not see)."""

from projects.models import Project
from tests.projects.factories import make_project
from wagewatch.accounts.access import jurisdiction


def test_an_inspector_s_rows_follow_the_townships_his_key_names(
    inspector_a, township_a, township_b, department
):
    a, b = make_project(township_a, department), make_project(township_b, department)
    key, towns = jurisdiction(inspector_a)
    assert (key, towns) == (f"t{township_a.pk}", (township_a.pk,))
    inspector_a.profile.townships.add(township_b)  # meanwhile, in another request
    assert list(Project.objects.visible_to(inspector_a)) == [a]  # this request: what its key names
    from django.contrib.auth.models import User

    fresh = User.objects.get(pk=inspector_a.pk)  # the next request sees both
    assert set(Project.objects.visible_to(fresh)) == {a, b}


def test_a_department_user_s_rows_follow_the_department_his_key_names(dept_user, department, other_department,
                                                                      township_a):  # fmt: skip
    ours, theirs = make_project(township_a, department), make_project(township_a, other_department)
    assert jurisdiction(dept_user) == (f"d{department.pk}", None)
    dept_user.profile.department = other_department
    dept_user.profile.save()
    assert list(Project.objects.visible_to(dept_user)) == [ours] != [theirs]


def test_nobody_without_a_jurisdiction_gets_a_key(client_for, db):
    from django.contrib.auth.models import AnonymousUser

    from tests.conftest import make_user
    from wagewatch.accounts.models import Role

    assert jurisdiction(AnonymousUser()) is None
    assert jurisdiction(make_user("nowhere", Role.INSPECTOR)) is None
