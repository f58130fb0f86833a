from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wagewatch.accounts.admin_mixins import ScopedHistoryAdmin

from .models import PayLine


@admin.register(PayLine)
class PayLineAdmin(ScopedHistoryAdmin):
    """Pay lines in the user's scope; the worker's ID number masked, the card only ever stored masked."""

    list_display = ["project", "month", "worker_name", "masked_id", "due", "net", "paid_on"]
    list_display += ["card_masked", "bank_status", "source"]
    list_filter = ["bank_status", "source", "via_account"]
    list_select_related = ["project", "entry__worker"]
    raw_id_fields = ["entry", "project", "api_client"]
    search_fields = ["project__code", "project__name", "entry__worker__name", "bank_reference"]
    readonly_fields = ["card_masked"]
    date_hierarchy = "month"

    @admin.display(description=_("姓名"))
    def worker_name(self, obj: PayLine) -> str:
        return obj.entry.worker.name

    @admin.display(description=_("公民身份号码"))
    def masked_id(self, obj: PayLine) -> str:
        return obj.entry.worker.masked_id
