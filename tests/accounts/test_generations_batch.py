"""Writes in one transaction replace each generation once when it commits (one callback), and now only when
a page read the cache since (wagewatch/accounts/generations.py): a delete cascading over hundreds of
watched rows replaced them twice a row, a cache call each."""

import pytest
from django.db import transaction

from projects.models import RosterEntry
from tests.projects.factories import make_project, make_roster_entry
from wagewatch.accounts import generations
from wagewatch.accounts.generations import stamp

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: the callbacks run as they do


def _ours(callbacks) -> list:
    return [
        cb
        for cb in callbacks
        if generations.__name__ in (getattr(cb, "__module__", None), type(cb).__module__)
    ]


@pytest.fixture
def bumps(monkeypatch):
    """Every replacement of generations, as it happens (the real one still runs)."""
    seen: list[set[str]] = []
    real = generations._bump

    def bump(keys):
        seen.append(set(keys))
        real(keys)

    monkeypatch.setattr(generations, "_bump", bump)
    return seen


def test_a_delete_cascading_over_many_entries_replaces_each_generation_once(township_a, department, bumps):
    project = make_project(township_a, department)
    for _i in range(60):
        make_roster_entry(project)
    bumps.clear()
    with transaction.atomic():
        project.delete()
        # the entries' township is not loaded in a cascade: the shared generation, once; the project's own
        assert len(bumps) <= 2  # was 61: one a row
        inside = len(bumps)
    assert not RosterEntry.objects.filter(project_id=project.pk).exists()
    assert len(bumps) == inside + 1  # and all of them once on commit; was 122 in all
    assert {"gen:all", "gen:shared", f"gen:t{township_a.pk}"} == bumps[-1]


def test_a_write_after_a_read_in_the_same_transaction_is_seen_by_the_next_read(township_a, department):
    project = make_project(township_a, department)
    with transaction.atomic():
        project.name = "第一次"
        project.save()
        first = stamp([township_a.pk])
        project.name = "第二次"
        project.save()
        assert stamp([township_a.pk]) != first


def test_the_generation_is_replaced_again_when_the_transaction_commits(township_a, department):
    project = make_project(township_a, department)
    with transaction.atomic():
        project.save()
        inside = stamp([township_a.pk])  # a page loaded before the commit, from the data before it
    assert stamp([township_a.pk]) != inside


class Boom(Exception):
    pass


def test_a_write_after_a_rolled_back_savepoint_still_replaces_on_commit(township_a, township_b, department):
    a, b = make_project(township_a, department), make_project(township_b, department)
    with transaction.atomic():
        with pytest.raises(Boom), transaction.atomic():
            a.save()  # the transaction's first write: its commit callback is made in this savepoint
            raise Boom
        b.save()
        inside = stamp([township_b.pk])
    assert stamp([township_b.pk]) != inside


def test_a_write_after_a_read_and_a_write_elsewhere_is_seen(township_a, township_b, department):
    """(found by review) A generation replaced before a read is replaced again by the next write under it,
    even when a write elsewhere came in between."""
    a, b = make_project(township_a, department), make_project(township_b, department)
    with transaction.atomic():
        a.name = "一"
        a.save()
        first = stamp([township_a.pk])  # a page of A read (and cached) under it
        b.name = "二"
        b.save()  # a read since: B's generation and the county-wide one replaced
        a.name = "三"
        a.save()  # A's must be replaced too: the page above was read before this write
        assert stamp([township_a.pk]) != first
