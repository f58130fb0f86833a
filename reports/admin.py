from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagewatch.accounts.admin_mixins import ScopedHistoryAdmin

from .models import KeyTask, TaskAssignment, TaskProgress

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
