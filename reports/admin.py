from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagewatch.accounts.admin_mixins import ScopedAdminMixin, ScopedHistoryAdmin

from .models import Campaign, CampaignTarget, KeyTask, ReportRun, TaskAssignment, TaskProgress

# Key tasks


class TaskAssignmentInline(admin.TabularInline):
    model = TaskAssignment
    extra = 0
    fields = ["department", "township", "status", "review_note", "reviewed_by", "reviewed_at"]
    readonly_fields = ["reviewed_by", "reviewed_at"]


@admin.register(KeyTask)
class KeyTaskAdmin(ScopedHistoryAdmin):
    list_display = ["title", "source", "deadline", "lead_person", "status", "done_at"]
    list_filter = ["status", "source"]
    search_fields = ["title", "lead_person"]
    date_hierarchy = "deadline"
    readonly_fields = ["created_by", "created_at", "done_at"]
    inlines = [TaskAssignmentInline]


@admin.register(TaskProgress)
class TaskProgressAdmin(ScopedHistoryAdmin):
    list_display = ["on", "assignment", "reported_by", "created_at"]
    list_select_related = ["assignment__department", "assignment__township", "reported_by"]
    search_fields = ["text", "assignment__task__title"]
    raw_id_fields = ["assignment", "reported_by"]
    # Files are private: link to the scoped download view, never to a media URL.
    exclude = ["attachment"]
    readonly_fields = ["attachment_link"]

    @admin.display(description=_("附件"))
    def attachment_link(self, obj):
        if not obj.attachment:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("reports:task_attachment", args=[obj.pk]), _("下载")
        )


# Campaigns


class CampaignTargetInline(admin.TabularInline):
    model = CampaignTarget
    extra = 0
    fields = ["figure", "target"]


@admin.register(Campaign)
class CampaignAdmin(ScopedHistoryAdmin):
    list_display = ["name", "scope", "township", "department", "start", "end"]
    list_filter = ["scope"]
    search_fields = ["name"]
    date_hierarchy = "start"
    readonly_fields = ["created_by", "created_at"]
    inlines = [CampaignTargetInline]


# Report runs


@admin.register(ReportRun)
class ReportRunAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "kind",
        "scope",
        "township",
        "department",
        "start",
        "end",
        "status",
        "pages",
        "created_at",
    ]
    list_filter = ["kind", "scope", "status"]
    # Files are scoped: link to the download view, never to a media URL.
    exclude = ["pdf", "xlsx"]
    readonly_fields = [
        "campaign",
        "scope_key",
        "status",
        "progress",
        "error",
        "pages",
        "pdf_size",
        "xlsx_size",
        "files",
    ]

    @admin.display(description=_("文件"))
    def files(self, obj):
        if obj.status != "done":
            return "—"
        return format_html(
            '<a href="{}">PDF</a> · <a href="{}">Excel</a>',
            reverse("reports:download", args=[obj.pk, "pdf"]),
            reverse("reports:download", args=[obj.pk, "xlsx"]),
        )
