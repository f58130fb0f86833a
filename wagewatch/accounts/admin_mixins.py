from simple_history.admin import SimpleHistoryAdmin


class ScopedAdminMixin:
    """Admin list, change and delete pages show only what ``visible_to`` lets the user see."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        visible_to = getattr(qs, "visible_to", None)
        return visible_to(request.user) if visible_to else qs


class ScopedHistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Scoped admin with the audit history view."""
