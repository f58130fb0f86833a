"""The project list's and the inspection list's filters (forms in forms.py)."""

from django.db.models import Q
from django_filters import Filter

from wagewatch.lib.filters import ListFilter

from .forms import InspectionFilterForm, ProjectFilterForm, RosterFilterForm, WorkerSearchForm
from .search import worker_match


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


class InspectionFilter(ListFilter):
    search_fields = ("enterprise__name", "project__name", "project__contractor__name", "findings")

    kind = Filter(method="by_kind")
    township = Filter(method="by_township")
    enterprise = Filter(method="by_enterprise")
    date_from = Filter(field_name="date", lookup_expr="gte")
    date_to = Filter(field_name="date", lookup_expr="lte")

    class Meta:
        form = InspectionFilterForm

    def by_kind(self, queryset, _name, value):
        if value == "project":
            return queryset.filter(project__isnull=False)
        if value == "employer":
            return queryset.filter(project__isnull=True)
        return queryset

    def by_township(self, queryset, _name, value):
        """A site inspection is in its project's township, an employer inspection in its own."""
        return queryset.filter(Q(project__township=value) | Q(project__isnull=True, township=value))

    def by_enterprise(self, queryset, _name, value):
        """The employer inspected: the one recorded, or the project's general contractor when none is."""
        return queryset.filter(Q(enterprise=value) | Q(enterprise__isnull=True, project__contractor=value))


class RosterFilter(ListFilter):
    """A project's roster: a worker by name, ID or phone number; team, employer, on site or not, contract."""

    team = Filter(field_name="team")
    employer = Filter(field_name="employer_id")
    state = Filter(method="by_state")
    contract = Filter(method="by_contract")

    class Meta:
        form = RosterFilterForm

    def search(self, queryset, _name, value):
        text = (value or "").strip()
        return queryset.filter(worker_match(text, prefix="worker__")) if text else queryset

    def by_state(self, queryset, _name, value):
        """On site: not exited, or exiting after today; exited: left on or before today."""
        left = Q(exit_date__lte=self.today)
        if value == "on_site":
            return queryset.exclude(left)
        return queryset.filter(left) if value == "exited" else queryset

    def by_contract(self, queryset, _name, value):
        return queryset.filter(contract_signed=value == "yes") if value in ("yes", "no") else queryset


class WorkerSearchFilter(ListFilter):
    """The worker search's one box (its selector matches the text: projects.search.worker_match)."""

    class Meta:
        form = WorkerSearchForm
