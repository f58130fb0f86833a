"""The admin fails closed: every model admin on the site shows a user what ``visible_to`` lets him see, and
of a model without ``visible_to`` nothing unless he is an admin (wagewatch/accounts/access.py)."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from wagewatch.lib.bounds import BoundedAdminForm

from .access import visible_or_nothing

if TYPE_CHECKING:  # the mixins below are mixed into a ModelAdmin
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class FailClosedMixin(_AdminBase):
    """List, change, delete, history and autocomplete pages read ``get_queryset``: scope it."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return visible_or_nothing(super().get_queryset(request), request.user)


class FailClosedAdminSite(admin.AdminSite):
    """The project's admin site (``admin.site``): a model admin registered without the mixin, ours or a
    library's (auth, authtoken, axes), gets it, so a new registration cannot show a scoped user everything."""

    def register(
        self,
        model_or_iterable: type[Model] | Iterable[type[Model]],
        admin_class: type[admin.ModelAdmin] | None = None,
        **options: Any,
    ) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, FailClosedMixin):
            attrs = {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__}
            admin_class = type(admin_class.__name__, (FailClosedMixin, admin_class), attrs)
        super().register(model_or_iterable, admin_class, **options)


class ScopedAdminMixin(FailClosedMixin):
    """Admin pages scoped by ``visible_to``; the edit form has the input bounds of every other form
    (wagewatch/lib/bounds.py)."""

    form = BoundedAdminForm


class ScopedHistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Scoped admin with the audit history view."""
