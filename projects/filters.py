"""The project list's filters (form in forms.py)."""

from django_filters import Filter

from wagewatch.lib.filters import ListFilter

from .forms import ProjectFilterForm


class ProjectFilter(ListFilter):
    search_fields = ("name", "code", "builder__name", "contractor__name", "subcontracts__enterprise__name")

    township = Filter()
    department = Filter()
    investment_type = Filter()
    status = Filter()
    risk_grade = Filter()

    class Meta:
        form = ProjectFilterForm

    def search(self, queryset, name, value):
        found = super().search(queryset, name, value)
        return found if found is queryset else found.distinct()  # a project with two matching subcontracts
