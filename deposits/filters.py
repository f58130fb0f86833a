"""The deposit ledger's filters (form in forms.py)."""

from django_filters import Filter

from wagewatch.lib.filters import ListFilter

from .forms import DepositFilterForm


class DepositFilter(ListFilter):
    search_fields = ("project__name", "project__code")

    township = Filter(field_name="project__township")
    department = Filter(field_name="project__department")
    form = Filter()
    status = Filter()

    class Meta:
        form = DepositFilterForm
