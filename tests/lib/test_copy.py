"""wagewatch/lib/copy.py: new_ids gives ids of a table's own sequence, which COPY rows then carry."""

import pytest
from django.db import connection

from wagewatch.accounts.models import Township
from wagewatch.lib.copy import copy_rows, new_ids

pytestmark = pytest.mark.django_db


def test_new_ids_are_the_sequences_and_never_given_again():
    table = Township._meta.db_table
    if connection.vendor != "postgresql":
        assert new_ids(table, 3) is None  # the caller looks its rows up
        return
    before = Township.objects.create(code="T0", name="镇0")
    ids = new_ids(table, 3)
    assert ids is not None and len(set(ids)) == 3 and min(ids) > before.pk
    assert new_ids(table, 0) is None
    copy_rows(table, ["id", "code", "name", "sort"], [[n, f"T{n}", f"镇{n}", 0] for n in ids])
    after = Township.objects.create(code="T9", name="镇9")  # the ORM's next id is past them
    assert after.pk > max(ids)
    assert sorted(Township.objects.filter(pk__in=ids).values_list("code", flat=True)) == sorted(
        f"T{n}" for n in ids
    )


def test_update_rows_sets_the_given_columns_of_the_keyed_rows_only():
    from wagewatch.lib.copy import update_rows

    table = Township._meta.db_table
    a, b, c = (Township.objects.create(code=f"U{i}", name=f"镇{i}", sort=i) for i in range(3))
    assert update_rows(table, "id", ["name", "sort"], []) == 0
    assert update_rows(table, "id", ["name", "sort"], [[a.pk, "甲\t镇\\n", 7], [c.pk, "丙镇", 9]]) == 2
    assert (
        update_rows(table, "id", ["sort"], [[a.pk, 8]]) == 1
    )  # again in one transaction: no table left over
    rows = dict(Township.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("pk", "name"))
    assert rows == {a.pk: "甲\t镇\\n", b.pk: "镇1", c.pk: "丙镇"}
    assert list(
        Township.objects.filter(pk__in=[a.pk, b.pk, c.pk]).order_by("pk").values_list("sort", flat=True)
    ) == [8, 1, 9]


def test_a_large_load_refreshes_its_lookup_columns_statistics_in_its_transaction():
    from wagewatch.lib.copy import LOADED, analyze_after_load

    table = Township._meta.db_table
    for i in range(5):
        Township.objects.create(code=f"S{i}", name=f"镇{i}")

    def analyzed() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s AND attname = 'code'", [table])
            return cursor.fetchone()[0] == 1

    if connection.vendor != "postgresql":
        analyze_after_load({table: ["code"]}, LOADED)  # nothing to do elsewhere
        return
    analyze_after_load({table: ["code"]}, LOADED - 1)  # a small load: autovacuum's business
    assert not analyzed()
    analyze_after_load({table: ["code"]}, LOADED)
    assert analyzed()
    with connection.cursor() as cursor:
        cursor.execute("SHOW default_statistics_target")
        assert cursor.fetchone()[0] == "100"  # the small sample was for these columns only
