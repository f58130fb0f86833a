"""The worker, worker history and roster tables' indexes: an import writes every row of them through each
index (issue 19), so only what the code reads by is indexed, and no LIKE twin of a hash column."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from projects.models import RosterEntry, Worker
from tests.projects.factories import make_worker

pytestmark = pytest.mark.django_db


def indexed_columns(table: str) -> list[tuple[tuple[str, ...], bool]]:
    """(columns, unique) of each index and unique constraint of ``table``, sorted."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return sorted(
        (tuple(c["columns"]), bool(c["unique"] or c["primary_key"]))
        for c in found.values()
        if c["index"] or c["primary_key"] or c["unique"]
    )


def test_worker_tables_are_indexed_by_what_they_are_read_by():
    # by id, by keyed hash of the ID number (unique) and of the phone (the search)
    assert indexed_columns(Worker._meta.db_table) == [
        (("id",), True),
        (("id_number_hash",), True),
        (("phone_hash",), False),
    ]
    # a worker's history by worker in time order; history_user is simple_history's own FK; nothing reads
    # the history by ID hash
    assert indexed_columns(Worker.history.model._meta.db_table) == [
        (("history_date",), False),
        (("history_id",), True),
        (("history_user_id",), False),
        (("id",), False),
    ]
    # by project through (project, worker), which also keeps a worker once per project; by worker and by
    # employer (their deletes are protected, and per-worker pages read by worker)
    assert indexed_columns(RosterEntry._meta.db_table) == [
        (("employer_id",), False),
        (("id",), True),
        (("project_id", "worker_id"), True),
        (("worker_id",), False),
    ]


@pytest.mark.postgres
def test_no_like_index_on_the_write_path():
    tables = [Worker._meta.db_table, Worker.history.model._meta.db_table, RosterEntry._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s",
            [tables, "%pattern_ops%"],
        )
        assert cursor.fetchall() == []


def test_an_id_number_is_still_registered_once():
    worker = make_worker()
    twin = Worker(
        id_number="11010519491231002X", id_number_hash=worker.id_number_hash, name="李四", sex="M",
        birth_date=worker.birth_date,
    )  # fmt: skip
    with pytest.raises(ValidationError) as found:
        twin.validate_constraints()
    # the message unique=True gave (the field is in no form: the services match workers by hash first)
    (error,) = found.value.error_dict["id_number_hash"]
    assert error.code == "unique" and error.messages == ["具有 Id number hash 的 工人 已存在。"]
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
