"""Bulk writes with PostgreSQL COPY (≈ 2–3× bulk_create: no model instances, no per-value field calls).

Callers pass values already in database form (encrypted text, dates, bools, numbers). On other databases
``copy_rows`` falls back to an executemany INSERT, so tests on SQLite take the same code path.
"""

import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES)
    if kind is int or kind is Decimal:  # the common cells need no escaping (a bool is not an int here)
        return str(value)
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def _str(value: str) -> str:
    # most text holds none of the four: a search each is cheaper than a translate that changes nothing
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


def _none(value: None) -> str:
    return "\\N"


def _bool(value: bool) -> str:
    return "t" if value else "f"


# the text of a value by its exact type (``_text`` for any other: subclasses, times, UUIDs…)
_BY_TYPE: dict[type, Callable[[Any], str]] = {
    str: _str,
    int: str,
    Decimal: str,
    type(None): _none,
    bool: _bool,
    datetime.date: datetime.date.isoformat,
}


def _column(values: tuple) -> Sequence[str]:
    """The COPY text of a column's values (``_text`` of each): a column of one type at once, text without
    \\, tab or newline as it is, one datetime (a batch's ``now``) formatted once."""
    kinds = set(map(type, values))
    kind = kinds.pop() if len(kinds) == 1 else None
    if kind is str:
        joined = "".join(values)
        if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
            return list(map(_str, values))
        return values
    if kind is datetime.datetime and len(set(map(id, values))) == 1:
        return [values[0].isoformat()] * len(values)
    if kind is not None and kind in _BY_TYPE:
        return list(map(_BY_TYPE[kind], values))
    by_type = _BY_TYPE.get
    return [by_type(type(value), _text)(value) for value in values]


def _lines(rows: list[Sequence[Any]]) -> str:
    """COPY text of ``rows`` (``_text`` of each value), built a column at a time."""
    lengths = {len(row) for row in rows}
    if len(lengths) != 1 or 0 in lengths:  # (rows of different lengths: a fault COPY will report)
        return "".join("\t".join(map(_text, row)) + "\n" for row in rows)
    columns = [_column(values) for values in zip(*rows, strict=True)]
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` into ``table`` in one statement; returns how many."""
    rows = list(rows)
    if not rows:
        return 0
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buf = io.StringIO(_lines(rows))
            cursor.cursor.copy_expert(
                f"COPY {connection.ops.quote_name(table)} ({cols}) FROM STDIN", buf, size=1 << 20
            )
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(table)} ({cols}) VALUES ({marks})", rows
            )
    return len(rows)


def update_rows(table: str, key: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Set ``columns`` of the rows of ``table`` whose ``key`` is each row's first value to its other values
    (in database form, as for ``copy_rows``); returns how many rows were given. Its cost is linear in the
    rows: on PostgreSQL they are COPYed into a temporary table of the same column types and written by one
    UPDATE … FROM it; elsewhere an executemany UPDATE by key. (Django's bulk_update builds a CASE of one
    branch a row for each column: 1,000 entries of 12 columns took a second of Python a statement.)"""
    rows = list(rows)
    if not rows:
        return 0
    quote = connection.ops.quote_name
    target, sets = quote(table), ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = quote(f"{table}_update")
            names = ", ".join(quote(c) for c in [key, *columns])
            cursor.execute(f"CREATE TEMP TABLE {staging} AS SELECT {names} FROM {target} WITH NO DATA")
            copy_rows(f"{table}_update", [key, *columns], rows)
            cursor.execute(
                f"UPDATE {target} t SET {sets} FROM {staging} s WHERE t.{quote(key)} = s.{quote(key)}"
            )
            cursor.execute(f"DROP TABLE {staging}")
        else:
            assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
            cursor.executemany(
                f"UPDATE {target} SET {assignments} WHERE {quote(key)} = %s",
                [[*row[1:], row[0]] for row in rows],
            )
    return len(rows)


LOADED = 10_000  # rows written by a bulk load after which its tables' statistics are refreshed


def analyze_after_load(tables: dict[str, Sequence[str]], rows: int) -> None:
    """After a load of ``rows`` (``LOADED`` or more), ANALYZE the columns each table is looked up by
    (PostgreSQL; in the transaction, which it counts the rows of) from a small sample. A new county's tables
    were analyzed empty, or not at all, and autovacuum comes a minute or more later: until then the planner
    took a project's 50,000 new entries for 75 and re-read them all for each batch of a re-import's lookups
    (162 ms a batch, 1.7 ms after). The sample (statistics target 10: 3,000 rows) keeps it to milliseconds;
    the default 30,000 rows cost a 50,000-row load 0.7 s."""
    if connection.vendor != "postgresql" or rows < LOADED:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL default_statistics_target = 10")
        for table, columns in tables.items():
            cursor.execute(f"ANALYZE {quote(table)} ({', '.join(map(quote, columns))})")
        cursor.execute("RESET default_statistics_target")


def new_ids(table: str, count: int, column: str = "id") -> list[int] | None:
    """``count`` values of ``table``'s id sequence (PostgreSQL), for rows a COPY then writes with their ids
    (no query by another key to learn them); None on other databases: the caller looks its rows up."""
    if connection.vendor != "postgresql" or count <= 0:
        return None
    with connection.cursor() as cursor:
        # the sequence's name found once (MATERIALIZED), not once a row: that took 9 in 10 of the time
        cursor.execute(
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq)"
            " SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        return [row[0] for row in cursor.fetchall()]
