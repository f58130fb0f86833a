from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wagewatch.accounts.admin_mixins import ScopedAdminMixin, ScopedHistoryAdmin

from .models import (
    ApiClient,
    Enterprise,
    ImportJob,
    Inspection,
    LabourCostTransfer,
    Payroll,
    Project,
    RosterEntry,
    Subcontract,
    WageAccount,
    Worker,
)


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedHistoryAdmin):
    list_display = ["name", "uscc", "kind", "legal_representative"]
    list_filter = ["kind"]
    search_fields = ["name", "uscc"]


class SubcontractInline(admin.TabularInline):
    model = Subcontract
    extra = 0
    autocomplete_fields = ["enterprise"]


@admin.register(Project)
class ProjectAdmin(ScopedHistoryAdmin):
    list_display = ["code", "name", "township", "department", "status", "risk_grade"]
    list_filter = ["status", "investment_type", "risk_grade", "township", "department"]
    search_fields = ["code", "name"]
    list_select_related = ["township", "department"]
    autocomplete_fields = ["builder", "contractor"]
    inlines = [SubcontractInline]


@admin.register(Worker)
class WorkerAdmin(ScopedHistoryAdmin):
    """Numbers shown masked only; the full values are never editable or listed here."""

    list_display = ["name", "masked_id", "masked_phone", "sex", "birth_date"]
    fields = ["name", "masked_id", "masked_phone", "sex", "birth_date"]
    readonly_fields = ["masked_id", "masked_phone", "sex", "birth_date"]
    search_fields = ["name"]

    @admin.display(description=_("公民身份号码"))
    def masked_id(self, obj):
        return obj.masked_id

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj):
        return obj.masked_phone

    def has_add_permission(self, request):
        return False


@admin.register(RosterEntry)
class RosterEntryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["worker_name", "project", "team", "trade", "entry_date", "exit_date"]
    list_select_related = ["worker", "project"]
    raw_id_fields = ["project", "worker", "employer"]
    search_fields = ["project__name", "worker__name"]

    @admin.display(description=_("姓名"))
    def worker_name(self, obj):
        return obj.worker.name


@admin.register(WageAccount)
class WageAccountAdmin(ScopedHistoryAdmin):
    list_display = ["project", "bank", "opened_on", "agreement_signed"]
    raw_id_fields = ["project"]


@admin.register(LabourCostTransfer)
class TransferAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project", "month", "amount", "transferred_on"]
    raw_id_fields = ["project"]


@admin.register(Payroll)
class PayrollAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project", "month", "attended", "paid", "gross", "net", "paid_on"]
    raw_id_fields = ["project"]


@admin.register(Inspection)
class InspectionAdmin(ScopedHistoryAdmin):
    """Site inspections (with a project) and employer inspections (an enterprise and a township, no site
    checks)."""

    list_display = ["date", "project", "enterprise", "township", "rectification_required"]
    list_display += ["amount_recovered", "workers_involved", "workers_paid"]
    list_filter = ["township", ("project", admin.EmptyFieldListFilter)]
    list_select_related = ["project", "enterprise", "township"]
    raw_id_fields = ["project", "enterprise"]
    search_fields = ["project__name", "enterprise__name", "enterprise__uscc"]


@admin.register(ImportJob)
class ImportJobAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["filename", "kind", "stage", "status", "total_rows", "created_count", "updated_count"]
    list_display += ["error_count", "created_by", "created_at"]
    readonly_fields = ["sha256", "errors"]
    raw_id_fields = ["project"]


@admin.register(ApiClient)
class ApiClientAdmin(ScopedHistoryAdmin):
    """Banks and the provincial platform: a user with a token (authtoken admin) and the accounts it holds."""

    list_display = ["name", "kind", "user", "active"]
    list_filter = ["kind", "active"]
    filter_horizontal = ["accounts"]
    autocomplete_fields = ["user"]
