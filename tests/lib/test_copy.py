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
