"""Admin of deposits: scoped, with audit history. Money moves only through the services (read-only here)."""

from django.contrib import admin
from django.db import transaction

from wagewatch.accounts.admin_mixins import ScopedHistoryAdmin

from .models import (
    DepositEntry,
    DrawRequest,
    EmergencyAdvance,
    EmergencyFund,
    FundEntry,
    Guarantee,
    WageDeposit,
)


class _ReadOnlyMixin:
    """Ledgers are written by the services under a row lock; the admin shows them only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EntryInline(_ReadOnlyMixin, admin.TabularInline):
    model = DepositEntry
    extra = 0
    readonly_fields = ("date", "kind", "amount", "order", "note", "created_by")
    fields = readonly_fields


class GuaranteeInline(admin.TabularInline):
    model = Guarantee
    extra = 0
    readonly_fields = (
        "issuer_kind",
        "issuer_name",
        "number",
        "amount",
        "valid_from",
        "valid_to",
        "released_on",
    )
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WageDeposit)
class WageDepositAdmin(ScopedHistoryAdmin):
    list_display = ["project", "form", "status", "balance", "exempt"]
    list_filter = ["form", "status", "exempt", "project__township"]
    search_fields = ["project__name", "project__code"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "exempted_by"]
    readonly_fields = ["project", "balance", "exempt", "exempted_by", "exempted_on", "calendar_complete"]
    inlines = [GuaranteeInline, EntryInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        """Copy only the changed fields onto the locked row: the form's object may hold a stale balance."""
        fields = [name for name in form.changed_data if name not in self.readonly_fields]
        if not fields:
            return
        with transaction.atomic():
            locked = WageDeposit.objects.select_for_update().get(pk=obj.pk)
            for name in fields:
                setattr(locked, name, getattr(obj, name))
            locked._history_user = request.user
            locked.save(update_fields=fields)


@admin.register(Guarantee)
class GuaranteeAdmin(ScopedHistoryAdmin):
    list_display = ["deposit", "issuer_kind", "issuer_name", "number", "amount", "valid_to", "released_on"]
    list_filter = ["issuer_kind"]
    search_fields = ["number", "issuer_name", "deposit__project__name"]
    list_select_related = ["deposit__project"]
    raw_id_fields = ["deposit", "created_by"]
    readonly_fields = ["flags"]


@admin.register(DepositEntry)
class DepositEntryAdmin(_ReadOnlyMixin, ScopedHistoryAdmin):
    list_display = ["deposit", "date", "kind", "amount", "order"]
    list_filter = ["kind"]
    list_select_related = ["deposit__project", "order"]
    search_fields = ["deposit__project__name", "deposit__project__code"]


@admin.register(DrawRequest)
class DrawRequestAdmin(_ReadOnlyMixin, ScopedHistoryAdmin):
    list_display = ["deposit", "order", "amount", "status", "requested_by", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["deposit__project", "order", "requested_by", "decided_by"]


@admin.register(EmergencyFund)
class EmergencyFundAdmin(_ReadOnlyMixin, ScopedHistoryAdmin):
    list_display = ["name", "balance"]


@admin.register(EmergencyAdvance)
class EmergencyAdvanceAdmin(_ReadOnlyMixin, ScopedHistoryAdmin):
    list_display = ["paid_on", "enterprise", "project", "amount", "recovered", "workers"]
    list_select_related = ["enterprise", "project"]


@admin.register(FundEntry)
class FundEntryAdmin(_ReadOnlyMixin, ScopedHistoryAdmin):
    list_display = ["date", "kind", "amount", "advance"]
    list_filter = ["kind"]
