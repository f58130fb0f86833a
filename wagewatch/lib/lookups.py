"""``field__any=values``: ``field__in`` as ONE array parameter on PostgreSQL (``field = ANY(%s)``).

An ``__in`` of 1,000 values costs Django a parameter each (prepared, resolved, a ``%s`` in the SQL) and
PostgreSQL a statement of 1,000 parameters to parse; the imports look up a batch of keyed hashes or ids
that way. ``__any`` gives the same rows: the values (None left out: it matches nothing, as in ``IN``)
are prepared by the field as ``__in`` prepares them and sent as one list, which psycopg sends as an array.
A subquery, expressions, a multi-column relation, or another database (SQLite, where the tests also run):
``__in`` itself. Installed on every field and foreign key by ``install()`` (the accounts app's ``ready()``).
"""

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject
from django.db.models.expressions import ColPairs
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In

_PLAIN = (list, tuple, set, frozenset)


def _direct(values: object) -> bool:
    """Plain values (not a subquery, no expression among them)."""
    return isinstance(values, _PLAIN) and not any(hasattr(v, "resolve_expression") for v in values)


class _Array(In):
    def as_postgresql(self, compiler: Any, connection: Any) -> Any:
        if isinstance(self.lhs, ColPairs) or not _direct(self.rhs):
            return self.as_sql(compiler, connection)
        field = self.lhs.output_field
        # the values as __in sends them: prepared (get_prep_lookup), then in database form, None dropped
        values = [
            field.get_db_prep_value(v, connection, prepared=True)
            for v in dict.fromkeys(self.rhs)
            if v is not None
        ]
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, values)


class AnyOf(_Array):
    lookup_name = "any"

    def get_prep_lookup(self) -> Any:
        if self.prepare_rhs and _direct(self.rhs):  # __in's preparation of each value, without its checks
            prep = self.lhs.output_field.get_prep_value
            return [prep(v) for v in self.rhs if v is not None]
        return super().get_prep_lookup()


class RelatedAnyOf(RelatedIn, _Array):
    """``fk__any``: the values are ids (or instances, as for ``fk__in``)."""

    lookup_name = "any"


def install() -> None:
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(RelatedAnyOf)
