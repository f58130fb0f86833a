"""The filters of the case ledger and of the order and interview lists (forms in forms.py)."""

from django.db.models import Q
from django_filters import Filter

from wagewatch.lib.filters import ListFilter

from . import forms
from .deadlines import due_q

# an order's state on a day, as the list filters it and the dashboard counts it
ORDER_STATUS = {
    "open": lambda today: Q(complied_on__isnull=True, deadline__gte=today),
    "overdue": lambda today: Q(complied_on__isnull=True, deadline__lt=today),
    "complied": lambda today: Q(complied_on__isnull=False),
}
INTERVIEW_STATUS = {
    "fulfilled": lambda today: Q(fulfilled_on__isnull=False),
    "overdue": lambda today: Q(fulfilled_on__isnull=True, deadline__lt=today),
    "pending": lambda today: Q(fulfilled_on__isnull=True),
}


class ComplaintFilter(ListFilter):
    search_fields = ("number", "respondent_name", "project__name")

    status = Filter()
    channel = Filter()
    kind = Filter()
    sector = Filter()
    group_incident = Filter(method="by_group_incident")
    outcome = Filter()
    township = Filter()
    deadline = Filter(method="by_deadline")
    date_from = Filter(field_name="received_at", lookup_expr="date__gte")
    date_to = Filter(field_name="received_at", lookup_expr="date__lte")
    closed_from = Filter(field_name="closed_on", lookup_expr="gte")
    closed_to = Filter(field_name="closed_on", lookup_expr="lte")

    class Meta:
        form = forms.FilterForm

    def by_deadline(self, queryset, _name, value):
        """overdue / soon on the filter's day, from the running deadlines (not the nightly mark)."""
        overdue, soon = due_q(self.today)
        return (
            queryset.filter({"overdue": overdue, "soon": soon}[value])
            if value in ("overdue", "soon")
            else queryset
        )

    def by_group_incident(self, queryset, _name, value):
        """yes / no; anything else does not filter."""
        if value in ("yes", "no"):
            return queryset.filter(group_incident=value == "yes")
        return queryset


class OrderFilter(ListFilter):
    search_fields: tuple[str, ...] = ("enterprise__name", "requirement")
    statuses = ORDER_STATUS

    kind = Filter()
    status = Filter(method="by_status")
    township = Filter()
    year = Filter()
    open = Filter(method="only_open")

    class Meta:
        form = forms.DocumentFilterForm

    def by_status(self, queryset, _name, value):
        """An unknown status (e.g. an order's status sent to the interviews) does not filter."""
        return queryset.filter(self.statuses[value](self.today)) if value in self.statuses else queryset

    def only_open(self, queryset, _name, value):
        return queryset.filter(complied_on__isnull=True) if value else queryset


class InterviewFilter(OrderFilter):
    search_fields = ("enterprise__name", "interviewee_name", "agreed")
    statuses = INTERVIEW_STATUS
    form_kwargs = {"interviews": True}

    kind = None
    open = None


TYPICAL_STATUS = {
    "public": Q(withdrawn_on__isnull=True),
    "withdrawn": Q(withdrawn_on__isnull=False),
}


class TypicalCaseFilter(ListFilter):
    """The office's list of typical cases: by publication date (the report's flow), state and township."""

    search_fields = ("title", "enterprise_name", "complaint__number")

    status = Filter(method="by_status")
    township = Filter(field_name="complaint__township")
    date_from = Filter(field_name="published_on", lookup_expr="gte")
    date_to = Filter(field_name="published_on", lookup_expr="lte")

    class Meta:
        form = forms.TypicalFilterForm

    def by_status(self, queryset, _name, value):
        return queryset.filter(TYPICAL_STATUS[value]) if value in TYPICAL_STATUS else queryset
