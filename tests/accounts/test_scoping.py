import pytest

from wagewatch.accounts.models import Profile
from wagewatch.accounts.scoping import scope_q


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
    from django.contrib.auth.models import AnonymousUser

    assert not Profile.objects.filter(scope_q(AnonymousUser(), township="townships")).exists()


@pytest.mark.django_db
def test_scope_adds_no_query(inspector_a, django_assert_num_queries):
    inspector_a._ww_profile = Profile.objects.get(user=inspector_a)
    # one query: the filtered profile list with the jurisdiction as a subquery
    with django_assert_num_queries(1):
        list(Profile.objects.filter(scope_q(inspector_a, township="townships")))
