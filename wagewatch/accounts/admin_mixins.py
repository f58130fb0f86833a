from simple_history.admin import SimpleHistoryAdmin

from wagewatch.lib.bounds import BoundedAdminForm


class ScopedAdminMixin:
    """Admin list, change and delete pages show only what ``visible_to`` lets the user see; the edit form
    has the input bounds of every other form (wagewatch/lib/bounds.py)."""

    form = BoundedAdminForm

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        visible_to = getattr(qs, "visible_to", None)
        return visible_to(request.user) if visible_to else qs


class ScopedHistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Scoped admin with the audit history view."""
