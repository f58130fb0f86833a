"""The hazard tables' indexes: the sweep writes thousands of hazards and history rows at a time, so only
what the code reads by is indexed (issue 19)."""

import pytest
from django.db import connection

from projects.models import Hazard

pytestmark = pytest.mark.django_db


def indexed_columns(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {name: c["columns"] for name, c in found.items() if c["index"] or c["primary_key"]}


def test_hazard_history_is_indexed_by_what_it_is_read_by():
    # by hazard in time order (the hazard page, the admin, reports' levels_at); history_user is the FK
    # simple_history adds itself (a deleted user's rows are set to NULL through it)
    columns = sorted(tuple(c) for c in indexed_columns(Hazard.history.model._meta.db_table).values())
    assert columns == [("history_date",), ("history_id",), ("history_user_id",), ("id",)]


@pytest.mark.postgres
def test_hazard_status_has_no_like_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [Hazard._meta.db_table, "%pattern_ops%"],
        )
        assert cursor.fetchall() == []
    assert ["status"] in indexed_columns(Hazard._meta.db_table).values()
