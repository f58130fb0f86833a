"""Admin of the risk sweep: rules' thresholds, severity and switch (admins), hazards (scoped), run records."""

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from projects.models import Hazard, RiskRule, SweepRun
from wagewatch.accounts import roles
from wagewatch.accounts.admin_mixins import ScopedHistoryAdmin


@admin.register(RiskRule)
class RiskRuleAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "severity", "enabled", "thresholds", "sort"]
    list_editable = ["severity", "enabled"]
    readonly_fields = ["code"]
    fields = ["code", "name", "description", "severity", "thresholds", "enabled", "sort"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a rule is code plus a row: rows come from the registry (risk_rules_sync)

    def has_delete_permission(self, request: HttpRequest, obj: RiskRule | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RiskRule | None = None) -> bool:
        return roles.is_admin(request.user)


@admin.register(Hazard)
class HazardAdmin(ScopedHistoryAdmin):
    list_display = [
        "project",
        "rule",
        "severity",
        "status",
        "department",
        "deadline",
        "opened_at",
        "closed_at",
    ]
    list_filter = ["status", "severity", "rule", "department"]
    search_fields = ["project__name", "project__code"]
    list_select_related = ["project", "rule", "department"]
    readonly_fields = [f.name for f in Hazard._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # hazards are written only by the sweep and by close-out


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "trigger", "status", "projects_checked", "hazards_opened", "hazards_closed"]
    list_filter = ["status", "trigger"]
    readonly_fields = [f.name for f in SweepRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
