"""List filters: one django-filter FilterSet a list; its page validates the form, its selector applies it.

A FilterSet names its app's filter form (``Meta.form``, in forms.py: labels, widgets, bounds) and declares
what each clean value does to the queryset. The page binds it to the query string (``page_filters``): the
form to show and the clean values, or, for a bad parameter, no filtering and a Chinese message (never an
error page). The selector narrows its scoped queryset with the same FilterSet from those values
(``ListFilter.apply``), so a report or a test may call it with a plain dict; nothing is validated twice.
"""

import datetime
from typing import Any, TypeVar

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

_QS = TypeVar("_QS", bound=QuerySet)


class ListFilter(django_filters.FilterSet):
    """Base of the list filters. ``search_fields``: where the text box ``q`` looks; ``today``: the day the
    date-dependent filters (overdue, open) are computed for; ``form_kwargs``: what the form is built with."""

    search_fields: tuple[str, ...] = ()
    form_kwargs: dict[str, Any] = {}

    q = django_filters.CharFilter(method="search")

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet | None = None,
        *,
        today: datetime.date | None = None,
        form_kwargs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, QuerySet() if queryset is None else queryset)  # the page needs only the form
        self.today = today or timezone.localdate()
        self.form_kwargs = {**self.form_kwargs, **(form_kwargs or {})}

    @property
    def form(self) -> forms.Form:
        """The app's filter form itself (not one generated from the filters)."""
        if not hasattr(self, "_form"):
            self._form = self._meta.form(self.data if self.is_bound else None, **self.form_kwargs)
        return self._form

    def search(self, queryset: QuerySet, _name: str, value: str | None) -> QuerySet:
        """Rows where any of ``search_fields`` contains the text (case-insensitive)."""
        text = (value or "").strip()
        if not text:
            return queryset
        found = Q()
        for field in self.search_fields:
            found |= Q(**{f"{field}__icontains": text})
        return queryset.filter(found)

    @classmethod
    def apply(cls, queryset: _QS, values: dict[str, Any], **kwargs: Any) -> _QS:
        """``queryset`` narrowed by each filter named in ``values`` (clean values, as the form gives them;
        a name without a filter is ignored)."""
        filterset = cls(queryset=queryset, **kwargs)
        for name, value in values.items():
            if name in filterset.filters:
                queryset = filterset.filters[name].filter(queryset, value)
        return queryset


def page_query(request: HttpRequest) -> str:
    """The list's query string without its page number (the pagination links and the export keep it)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def page_filters(
    filterset_class: type[ListFilter], request: HttpRequest, **form_kwargs: Any
) -> tuple[Any, dict[str, Any]]:
    """(form, clean values) of a list page's filters from its query string (the form: the FilterSet's
    ``Meta.form``); a bad parameter leaves the list unfiltered and is told in a Chinese message naming the
    field."""
    form = filterset_class(request.GET or None, form_kwargs=form_kwargs).form
    if not form.is_bound:
        return form, {}
    if form.is_valid():
        return form, form.cleaned_data
    problems = [
        _("%(label)s：%(errors)s")
        % {"label": form.fields[name].label, "errors": _("；").join(map(str, errors))}
        if name in form.fields
        else _("；").join(map(str, errors))
        for name, errors in form.errors.items()
    ]
    messages.error(
        request, _("筛选条件有误，未按条件筛选：%(problems)s") % {"problems": _("；").join(problems)}
    )
    return form, {}
