"""The desk's figures are cached per scope and day and follow the writes under them (reports/deskcache.py):
the second load costs a few queries, a write in the township shows on the very next load, a write in another
township leaves the entry alone."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Hazard
from tests.complaints.factories import make_complaint
from tests.conftest import make_user
from tests.pages import page_text
from tests.reports.factories import county
from wagewatch.accounts.models import Role

pytestmark = pytest.mark.django_db
DESK = reverse("reports:dashboard")
# 8 (was 45): the request's own (atomic request's savepoint and release, user, profile), his
# townships, due cases, overdue orders, unread notifications; report_data's 39 come from the cache
CACHED_QUERIES = 8


def _received(response) -> int:
    return response.context["data"]["complaints"]["received"]


def test_the_second_load_of_the_desk_reads_its_figures_from_the_cache(
    client_for, inspector_a, township_a, township_b, department, django_assert_num_queries
):
    county(3, [township_a, township_b], department)
    client = client_for(inspector_a)
    first = client.get(DESK)
    with django_assert_num_queries(CACHED_QUERIES):
        second = client.get(DESK)
    assert second.status_code == 200
    assert second.context["data"]["projects"]["active"] == first.context["data"]["projects"]["active"] == 2
    assert second.content.decode().count("<canvas") == first.content.decode().count("<canvas")


def test_a_new_case_in_the_township_shows_on_the_next_load(client_for, inspector_a, township_a, department):
    (project,) = county(1, [township_a], department)
    client = client_for(inspector_a)
    before = _received(client.get(DESK))
    make_complaint(project=project, received_at=timezone.now())
    assert _received(client.get(DESK)) == before + 1


def test_a_closed_hazard_shows_on_the_next_load(client_for, office, township_a, department):
    county(2, [township_a], department)
    client = client_for(office)
    before = client.get(DESK).context["data"]["hazards"]["open_end"]
    hazard = Hazard.objects.filter(status=Hazard.Status.OPEN).first()
    hazard.status, hazard.closed_at = Hazard.Status.CLOSED, timezone.now()
    hazard.save()
    assert client.get(DESK).context["data"]["hazards"]["open_end"] == before - 1


def test_the_township_filter_has_its_own_entry(client_for, office, township_a, township_b, department):
    (_, project_b) = county(2, [township_a, township_b], department)
    client = client_for(office)
    whole, narrowed = client.get(DESK), client.get(DESK, {"township": township_b.pk})
    assert whole.context["data"]["projects"]["active"] == 2
    assert narrowed.context["data"]["projects"]["active"] == 1
    make_complaint(project=project_b, received_at=timezone.now())
    assert _received(client.get(DESK)) == _received(whole) + 1
    assert _received(client.get(DESK, {"township": township_b.pk})) == _received(narrowed) + 1


def test_a_write_in_another_township_keeps_this_desks_entry(
    client_for, inspector_a, township_a, township_b, department, django_assert_num_queries
):
    projects = county(2, [township_a, township_b], department)
    client = client_for(inspector_a)
    before = _received(client.get(DESK))
    make_complaint(project=projects[1], received_at=timezone.now())  # township B
    with django_assert_num_queries(CACHED_QUERIES):
        assert _received(client.get(DESK)) == before


def test_the_desk_of_an_inspector_with_two_townships_follows_both(
    client_for, township_a, township_b, department
):
    projects = county(2, [township_a, township_b], department)
    client = client_for(make_user("inspector_ab", Role.INSPECTOR, townships=[township_a, township_b]))
    before = _received(client.get(DESK))
    make_complaint(project=projects[1], received_at=timezone.now())
    assert _received(client.get(DESK)) == before + 1


def test_the_cached_desk_speaks_the_language_of_whoever_loads_it(client_for, office, township_a, department):
    # the figures hold texts translated when they were computed (the problems found, the charts' labels)
    county(3, [township_a], department)
    chinese, english = client_for(office), client_for(office)
    english.post(reverse("set_language"), {"language": "en", "next": "/"})
    chinese.get(DESK)  # computed and cached in Chinese
    cached = page_text(english.get(DESK))
    from wagewatch.accounts.generations import forget_all

    forget_all()
    fresh = page_text(english.get(DESK))  # computed in English
    assert cached == fresh
