"""The admin fails closed: every model admin on the site shows a user what ``visible_to`` lets him see, and
of a model without ``visible_to`` nothing unless he is an admin (wagewatch/accounts/access.py)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from wagewatch.lib.bounds import BoundedAdminForm

from .access import visible_or_nothing


class FailClosedMixin:
    """List, change, delete, history and autocomplete pages read ``get_queryset``: scope it."""

    def get_queryset(self, request):
        return visible_or_nothing(super().get_queryset(request), request.user)


class FailClosedAdminSite(admin.AdminSite):
    """The project's admin site (``admin.site``): a model admin registered without the mixin, ours or a
    library's (auth, authtoken, axes), gets it, so a new registration cannot show a scoped user everything."""

    def register(self, model_or_iterable, admin_class=None, **options):
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
