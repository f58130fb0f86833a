"""The key-task list's filters (form in forms_tasks.py)."""

from django_filters import Filter

from wagewatch.lib.filters import ListFilter

from .forms_tasks import TaskFilterForm
from .models import KeyTask, TaskAssignment


class TaskFilter(ListFilter):
    search_fields = ("title", "lead_person")

    status = Filter()
    overdue = Filter(method="only_overdue")
    unit = Filter(method="of_unit")

    class Meta:
        form = TaskFilterForm

    def only_overdue(self, queryset, _name, value):
        if not value:
            return queryset
        return queryset.filter(deadline__lt=self.today).exclude(status=KeyTask.Status.DONE)

    def of_unit(self, queryset, _name, value):
        """'d<id>': the tasks of a department, 't<id>': of a township; anything else: none."""
        kind, pk = value[:1], value[1:]
        if not pk.isdigit() or kind not in ("d", "t"):
            units = TaskAssignment.objects.none()
        else:
            units = TaskAssignment.objects.filter(
                **{"department_id" if kind == "d" else "township_id": int(pk)}
            )
        return queryset.filter(pk__in=units.values("task_id"))
