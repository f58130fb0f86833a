"""The campaign form: name, days, scope and unit, requirements, and one optional target per figure."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wagewatch.lib.bounds import BoundedModelForm
from wagewatch.lib.widgets import DATE

from .models import Campaign, CampaignTarget

MAX_DAYS = 366


def _target_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal("0.01"), max_digits=12, decimal_places=2,
        help_text=_("留空表示不设目标"),
    )  # fmt: skip


class CampaignForm(BoundedModelForm):
    future_dates = ("start", "end")

    class Meta:
        model = Campaign
        fields = ["name", "start", "end", "scope", "township", "department", "description"]
        widgets = {"start": DATE, "end": DATE, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        have = {t.figure: t.target for t in self.instance.targets.all()} if self.instance.pk else {}
        for figure, label in CampaignTarget.Figure.choices:
            name = f"target_{figure}"
            self.fields[name] = _target_field(_("目标：%(f)s") % {"f": label})
            self.initial.setdefault(name, have.get(figure))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end, scope = data.get("start"), data.get("end"), data.get("scope")
        if start and end and (end - start).days > MAX_DAYS:
            raise forms.ValidationError(_("专项行动期间不能超过一年"))
        if scope == Campaign.Scope.TOWNSHIP and not data.get("township"):
            self.add_error("township", _("请选择乡镇"))
        if scope == Campaign.Scope.DEPARTMENT and not data.get("department"):
            self.add_error("department", _("请选择部门"))
        if scope != Campaign.Scope.TOWNSHIP:
            data["township"] = None
        if scope != Campaign.Scope.DEPARTMENT:
            data["department"] = None
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in self.Meta.fields}
        targets = {figure: data.get(f"target_{figure}") for figure in CampaignTarget.Figure.values}
        return {"fields": fields, "targets": targets}


class CampaignReportForm(forms.Form):
    plan = forms.CharField(
        label=_("下一步工作打算"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
