from django.contrib import admin

from wagewatch.accounts.admin_mixins import ScopedHistoryAdmin

from .models import BlacklistEntry, BlacklistStep, IntegrityGrade, NoArrearsCertificate, ResponsiblePerson


class StepInline(admin.TabularInline):
    model = BlacklistStep
    extra = 0
    readonly_fields = ("at", "actor", "step", "note")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PersonInline(admin.TabularInline):
    model = ResponsiblePerson
    extra = 0
    # ID numbers are encrypted personal data: shown masked only, changed through the office pages.
    readonly_fields = ("name", "role", "masked_id")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="公民身份号码")
    def masked_id(self, obj):
        return obj.masked_id


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(ScopedHistoryAdmin):
    list_display = [
        "enterprise",
        "basis_kind",
        "status",
        "proposed_on",
        "listed_on",
        "expires_on",
        "removed_on",
    ]
    list_filter = ["status", "basis_kind"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise", "basis_order", "complaint", "proposed_by", "decided_by"]
    inlines = [PersonInline, StepInline]
    # Steps are taken through the services (who/when recorded): the admin reads, it does not drive them.
    readonly_fields = [
        "status", "notice_year", "notice_seq", "notice_date", "defence_due", "calendar_complete",
        "decided_on", "decided_by", "listed_on", "expires_on", "removed_on",
    ]  # fmt: skip


@admin.register(IntegrityGrade)
class IntegrityGradeAdmin(ScopedHistoryAdmin):
    list_display = ["enterprise", "year", "computed_grade", "override_grade", "computed_at"]
    list_filter = ["year", "computed_grade", "override_grade"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise", "overridden_by"]
    readonly_fields = ["computed_grade", "computed_reasons", "computed_at", "overridden_by", "overridden_at"]


@admin.register(NoArrearsCertificate)
class NoArrearsCertificateAdmin(ScopedHistoryAdmin):
    list_display = ["serial", "enterprise", "issued_on", "valid_until", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["serial", "enterprise__name"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise", "issued_by"]
    readonly_fields = ["serial", "enterprise", "issued_on", "valid_until", "code", "issued_by"]
