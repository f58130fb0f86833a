"""Admin of the go-live records: read-only (the go-live import writes them), with their history."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wagewatch.accounts.admin_mixins import ScopedHistoryAdmin

from .models import GoLive


@admin.register(GoLive)
class GoLiveAdmin(ScopedHistoryAdmin):
    list_display = ["as_of", "note", "loaded_by", "loaded_at"]
    list_select_related = ["loaded_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
