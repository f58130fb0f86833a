"""One URL per row of a list without a ``reverse`` per row.

``{% url 'projects:roster_edit' project.pk e.pk %}`` in a row reverses the pattern 50 times a page; the
URLs differ only in the row's id. ``row_url`` reverses once with a stand-in id and writes each row's URL
by putting the id in its place: the same text as ``reverse`` for an ``<int:…>`` last argument.
"""

from collections.abc import Callable

from django.urls import reverse

_STAND_IN = 2_147_483_647  # an id no row has, written where the row's id goes


def row_url(viewname: str, *args: object) -> Callable[[int], str]:
    """``pk -> reverse(viewname, args=[*args, pk])``, reversed once."""
    head, _stand_in, tail = reverse(viewname, args=[*args, _STAND_IN]).rpartition(str(_STAND_IN))
    return lambda pk: f"{head}{int(pk)}{tail}"
