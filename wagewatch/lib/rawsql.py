"""Hand-written statements run through Django's connection, portable to SQLite: parameters adapted as the
ORM adapts them, and values read back as the ORM's converters would return them (SQLite gives dates as ISO
text and decimals as floats). For reads whose ORM querysets cost more to build and compile than to run (the
risk sweep, issue 19); each such statement is tested against the ORM query it restates."""

import datetime
import decimal
from collections.abc import Sequence
from typing import Any, overload

from django.db import connection


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def no_jit() -> None:
    """Turn PostgreSQL's JIT off for the rest of the transaction (nothing elsewhere). Large generated
    statements are estimated above ``jit_above_cost`` and compiled for longer than they run: the sweep's
    correlated subqueries over every project (0.3–0.6 s each to compile, 0.05–0.2 s to run), a bulk
    update's CASE of a thousand branches a field."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def day_param(value: datetime.date) -> Any:
    """A date as a statement's parameter (SQLite keeps dates as ISO text)."""
    return connection.ops.adapt_datefield_value(value)


def moment_param(value: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def as_day(value: Any) -> datetime.date | None:
    """A date column as read (SQLite returns ISO text for a computed one)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


_FLOATS = decimal.Context(prec=15)


@overload
def as_decimal(value: None, places: int | None = None) -> None: ...
@overload
def as_decimal(value: decimal.Decimal | float | int | str, places: int | None = None) -> decimal.Decimal: ...
def as_decimal(value: Any, places: int | None = None) -> decimal.Decimal | None:
    """A numeric value as read, as Django's converters make it: SQLite's floats through 15 digits, and a
    column of a DecimalField (``places``) quantized to its places (an aggregate is not)."""
    if value is None:
        return None
    if isinstance(value, decimal.Decimal):
        return value
    number = _FLOATS.create_decimal_from_float(value) if isinstance(value, float) else decimal.Decimal(value)
    return number if places is None else number.quantize(decimal.Decimal(1).scaleb(-places))
