from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagewatch.accounts.admin_mixins import ScopedAdminMixin, ScopedHistoryAdmin

from .models import CaseEvent, CaseEvidence, Complaint, EnforcementOrder, Interview, TypicalCase
from .selectors import can_see_reporter


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    readonly_fields = ("at", "actor", "action", "note")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ScopedHistoryAdmin):
    list_display = [
        "number",
        "kind",
        "sector",
        "channel",
        "received_at",
        "respondent_name",
        "township",
        "status",
        "deadline_state",
    ]
    list_filter = [
        "status",
        "kind",
        "sector",
        "channel",
        "outcome",
        "deadline_state",
        "group_incident",
        "township",
    ]
    search_fields = ["number", "respondent_name"]
    list_select_related = ["township"]
    raw_id_fields = ["respondent", "project", "handler"]
    inlines = [CaseEventInline]
    # The reporter's identity is confidential and the numbers are encrypted: never shown here.
    exclude = ["complainant_name", "complainant_phone", "complainant_id_number"]
    readonly_fields = ["number", "accept_due", "close_due", "calendar_complete", "deadline_state", "extended"]

    def get_exclude(self, request, obj=None):
        # The description often names the reporter: the same audience as the reporter's identity.
        exclude = list(super().get_exclude(request, obj) or [])
        if obj is not None and not can_see_reporter(request.user, obj):
            exclude.append("description")
        return exclude


@admin.register(EnforcementOrder)
class EnforcementOrderAdmin(ScopedHistoryAdmin):
    list_display = ["__str__", "kind", "enterprise", "issued_on", "deadline", "complied_on", "township"]
    search_fields = ["enterprise__name", "requirement"]
    list_select_related = ["enterprise", "township"]
    list_filter = ["kind", "year", "township"]
    raw_id_fields = ["enterprise", "complaint", "project", "inspection", "hazard", "referred_by"]
    readonly_fields = ["kind", "year", "seq", "township", "referred_on", "referred_by"]


@admin.register(Interview)
class InterviewAdmin(ScopedHistoryAdmin):
    list_display = [
        "__str__",
        "held_on",
        "enterprise",
        "interviewee_name",
        "deadline",
        "fulfilled_on",
        "township",
    ]
    list_filter = ["year", "township"]
    search_fields = ["enterprise__name", "interviewee_name", "agreed"]
    list_select_related = ["enterprise", "township"]
    raw_id_fields = ["enterprise", "complaint", "project", "hazard", "created_by"]
    filter_horizontal = ["interviewers"]
    readonly_fields = ["year", "seq", "township"]


@admin.register(TypicalCase)
class TypicalCaseAdmin(ScopedHistoryAdmin):
    list_display = ["title", "complaint", "enterprise_name", "published_on", "withdrawn_on"]
    list_filter = ["published_on", "withdrawn_on"]
    search_fields = ["title", "enterprise_name", "complaint__number"]
    list_select_related = ["complaint"]
    # Published and withdrawn through the office pages, where the text is checked for personal data:
    # the admin reads (and keeps the history), it does not edit the public text.
    readonly_fields = [
        "complaint", "title", "summary", "enterprise_name", "amount_recovered", "workers_paid",
        "published_on", "published_by", "published_at", "withdrawn_on", "withdrawn_by", "withdraw_reason",
    ]  # fmt: skip

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CaseEvidence)
class CaseEvidenceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Photos of evidence are sent by the public form and go with their case: read here, never added, changed
    or deleted; the photo opens through the scoped view."""

    list_display = ["__str__", "complaint", "content_type", "size", "uploaded_at"]
    list_select_related = ["complaint"]
    search_fields = ["complaint__number"]
    fields = ("complaint", "photo", "content_type", "size", "uploaded_at")
    readonly_fields = fields

    @admin.display(description=_("照片"))
    def photo(self, obj: CaseEvidence) -> str:
        return format_html('<a href="{}">{}</a>', reverse("complaints:evidence", args=[obj.pk]), obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
