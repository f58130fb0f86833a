"""Column sorting of the ledgers: ``?sort=<column>`` or ``?sort=-<column>`` picks one of a list's whitelisted
columns; anything else keeps the list's own order (user input never reaches ``order_by``)."""

from django.db.models import QuerySet

Columns = dict[str, str | tuple[str, ...]]


def sort_fields(value: object, columns: Columns) -> tuple[str, ...] | None:
    """The order_by fields of a ``sort`` value naming a column (``-`` first: descending); None otherwise."""
    text = str(value or "")
    descending = text.startswith("-")
    fields = columns.get(text[1:] if descending else text)
    if fields is None:
        return None
    fields = (fields,) if isinstance(fields, str) else fields
    return tuple(_flip(f) for f in fields) if descending else fields


def _flip(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def sorted_by(qs: QuerySet, value: object, columns: Columns, *, default: tuple[str, ...]) -> QuerySet:
    """``qs`` in the ``sort`` value's order, the id last so pages never swap rows; else ``default``."""
    fields = sort_fields(value, columns)
    if fields is None:
        return qs.order_by(*default)
    tie = "-pk" if fields[0].startswith("-") else "pk"
    return qs.order_by(*fields, tie)
