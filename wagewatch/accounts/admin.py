from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import User
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from wagewatch.lib import workdays

from .models import Department, Holiday, HolidayYear, Profile, RevealLog, Township, WorkerHeartbeat
from .services import holiday_year_mark_complete

admin.site.site_header = _("WageWatch 根治欠薪监管平台")
admin.site.site_title = _("WageWatch 管理")
admin.site.index_title = _("系统管理")


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "contact", "phone"]
    search_fields = ["name", "code"]
    list_filter = ["kind"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    filter_horizontal = ["townships"]


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "last_name", "first_name", "email", "role", "is_active"]
    list_select_related = ["profile"]

    @admin.display(description=_("角色"))
    def role(self, obj: User) -> str:
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else "—"


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "department", "is_approver"]
    list_filter = ["role", "department"]
    filter_horizontal = ["townships"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: Holiday, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        workdays.clear_cache()

    def delete_model(self, request: HttpRequest, obj: Holiday) -> None:
        super().delete_model(request, obj)
        workdays.clear_cache()


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    """Ticking "complete" once a year's holidays are all entered recomputes deadlines stored without them."""

    list_display = ["year", "complete", "marked_by", "marked_at"]
    readonly_fields = ["marked_by", "marked_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: HolidayYear | None = None) -> list[str]:
        return [*self.readonly_fields, "year"] if obj else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: HolidayYear, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        workdays.clear_cache()
        if obj.complete and "complete" in form.changed_data:
            assert request.user.is_authenticated  # the admin site lets in signed-in staff only
            counts = holiday_year_mark_complete(year=obj.year, user=request.user)
            obj.refresh_from_db()
            self.message_user(
                request,
                _("已按 %(year)s 年节假日重新计算期限：%(n)s 条")
                % {"year": obj.year, "n": sum(counts.values())},
            )


@admin.register(RevealLog)
class RevealLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "object_label", "object_id", "field", "ip_address"]
    list_filter = ["object_label"]
    readonly_fields = [f.name for f in RevealLog._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RevealLog | None = None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "seen_at", "task_id"]
