"""field__any (wagewatch/lib/lookups.py): the rows of field__in, as one array parameter on PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import RosterEntry, Worker
from tests.projects.factories import make_enterprise, make_project, make_roster_entry, make_worker
from wagewatch.accounts.models import Township


@pytest.fixture
def towns(db):
    return [Township.objects.create(code=f"T{n:03d}", name=f"镇{n}") for n in range(12)]


def _same(model, **lookup):
    """The pks found by ``field__any`` and by ``field__in`` (filter and exclude), asserted equal."""
    ((name, values),) = lookup.items()
    queryset = model.objects.order_by("pk").values_list("pk", flat=True)
    found = list(queryset.filter(**{f"{name}__any": values}))
    assert found == list(queryset.filter(**{f"{name}__in": values}))
    left = list(queryset.exclude(**{f"{name}__any": values}))
    assert left == list(queryset.exclude(**{f"{name}__in": values}))
    return found


@pytest.mark.parametrize(
    "codes",
    [
        ["T001", "T003", "T999"],
        ("T001", "T001", "T002"),  # repeated
        {"T004", "T005"},
        ["T006", None],  # None matches nothing, as in IN
        [None],
        [],
    ],
)
def test_any_finds_what_in_finds(towns, codes):
    expected = sorted(t.pk for t in towns if t.code in set(codes))
    assert _same(Township, code=codes) == expected


def test_any_of_ids_and_of_a_subquery(towns):
    ids = [towns[2].pk, towns[5].pk, 10**9]
    assert _same(Township, pk=ids) == ids[:2]
    assert _same(Township, pk=Township.objects.filter(code__in=["T007", "T008"]).values("pk")) == [
        towns[7].pk,
        towns[8].pk,
    ]


def test_any_over_a_nullable_column_and_a_join(db, township_a, department):
    project = make_project(township_a, department, start_date=datetime.date(2024, 3, 1))
    employer = make_enterprise()
    with_employer = make_roster_entry(project, employer=employer)
    without = make_roster_entry(project)
    other = make_worker()
    # exclude keeps the NULL employer as __in's exclude does
    assert _same(RosterEntry, employer_id=[employer.pk]) == [with_employer.pk]
    hashes = [without.worker.id_number_hash, other.id_number_hash]
    assert _same(RosterEntry, worker__id_number_hash=hashes) == [without.pk]
    assert _same(Worker, id_number_hash=hashes) == sorted([without.worker.pk, other.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array parameter is PostgreSQL's")
def test_one_parameter_on_postgresql(towns):
    codes = [f"T{n:03d}" for n in range(1000)]
    with CaptureQueriesContext(connection) as queries:
        assert Township.objects.filter(code__any=codes).count() == len(towns)
    (query,) = queries.captured_queries
    assert '"code" = ANY(ARRAY[' in query["sql"]  # psycopg sent the list as an array
    sql, params = Township.objects.filter(code__any=codes).query.sql_with_params()
    assert sql.count("%s") == 1 and '"code" = ANY(%s)' in sql and params == (codes,)
