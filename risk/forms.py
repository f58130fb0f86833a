"""Forms of the risk pages: hazard list filters and the close-out (销号) note."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Hazard, Project, RiskRule
from wagewatch.accounts.models import Department, Township
from wagewatch.lib.bounds import BoundedForm, step_order_errors
from wagewatch.lib.widgets import DATE


def _blank(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", _("全部")), *choices]


class HazardFilterForm(BoundedForm):
    q = forms.CharField(
        label=_("项目"), required=False, widget=forms.TextInput(attrs={"placeholder": _("项目名称/编号")})
    )
    township = forms.ModelChoiceField(label=_("乡镇"), queryset=Township.objects.all(), required=False)
    department = forms.ModelChoiceField(
        label=_("责任部门"), queryset=Department.objects.all(), required=False
    )
    rule = forms.ModelChoiceField(label=_("规则"), queryset=RiskRule.objects.all(), required=False)
    severity = forms.TypedChoiceField(
        label=_("等级"),
        choices=_blank(Project.Grade.choices[1:]),
        coerce=int,
        required=False,
        empty_value=None,
    )
    status = forms.ChoiceField(label=_("状态"), choices=_blank(Hazard.Status.choices), required=False)
    overdue = forms.BooleanField(label=_("已超整改期限"), required=False)


class HazardCloseForm(BoundedForm):
    """销号: the note and the real day (default today; not before the day the hazard was found)."""

    on = forms.DateField(
        label=_("销号日期"),
        required=False,
        widget=DATE,
        help_text=_("实际整改核实的日期，默认今天"),
    )
    note = forms.CharField(
        label=_("销号说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("写明整改情况和核实方式"),
    )

    def __init__(self, *args: Any, hazard: Hazard | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hazard = hazard
        self.fields["on"].initial = timezone.localdate

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "on" in self.errors:
            return data
        data["on"] = data.get("on") or timezone.localdate()
        if self.hazard is not None:
            steps = [("opened", timezone.localdate(self.hazard.opened_at)), ("on", data["on"])]
            for name, message in step_order_errors(steps):
                if name == "on":
                    self.add_error("on", message)
        return data
