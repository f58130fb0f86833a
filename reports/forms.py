"""The report request form: kind, scope (limited to what the user may ask for), range, plan text."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagewatch.accounts import roles
from wagewatch.accounts.access import departments_for, townships_for
from wagewatch.accounts.models import Department, Township
from wagewatch.lib.bounds import BoundedForm
from wagewatch.lib.formfields import field_of
from wagewatch.lib.periods import month_start, quarter_start
from wagewatch.lib.widgets import DATE

from .figures import COUNTY, DEPARTMENT, TOWNSHIP, Scope, may_use_scope
from .models import ReportRun

MAX_DAYS = 2 * 366


def default_range(kind: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Last full week (Mon–Sun), last full month, or last full quarter before ``today``."""
    if kind == ReportRun.Kind.WEEKLY:
        end = today - datetime.timedelta(days=today.weekday() + 1)
        return end - datetime.timedelta(days=6), end
    if kind == ReportRun.Kind.MONTHLY:
        first = month_start(today, -1)
        return first, month_start(today) - datetime.timedelta(days=1)
    quarter_first = quarter_start(today)
    return month_start(quarter_first, -3), quarter_first - datetime.timedelta(days=1)


class ReportForm(BoundedForm):
    future_dates = ("start", "end")
    # a campaign's report is asked for from its campaign's page (reports/views_campaigns.py)
    kind = forms.ChoiceField(
        label=_("报表类型"), choices=[c for c in ReportRun.Kind.choices if c[0] != ReportRun.Kind.CAMPAIGN]
    )
    scope = forms.ChoiceField(label=_("范围"), choices=ReportRun.Scope.choices)
    township = forms.ModelChoiceField(label=_("乡镇"), queryset=Township.objects.none(), required=False)
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.none(), required=False)
    start = forms.DateField(
        label=_("起始日期"), required=False, widget=DATE, help_text=_("留空按报表类型取上一周期")
    )
    end = forms.DateField(label=_("截止日期"), required=False, widget=DATE)
    plan = forms.CharField(
        label=_("下一步工作打算"), required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not roles.is_office(user):
            allowed = TOWNSHIP if roles.is_inspector(user) else DEPARTMENT
            choices = [c for c in ReportRun.Scope.choices if c[0] == allowed]
            field_of(self, "scope", forms.ChoiceField).choices = choices
        field_of(self, "township", forms.ModelChoiceField).queryset = townships_for(user)
        field_of(self, "department", forms.ModelChoiceField).queryset = departments_for(user)

    def clean(self):
        data = super().clean()
        kind, kind_scope = data.get("kind"), data.get("scope")
        if not kind or not kind_scope:
            return data
        if not (data.get("start") and data.get("end")):
            data["start"], data["end"] = default_range(kind, timezone.localdate())
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期"))
        if (data["end"] - data["start"]).days > MAX_DAYS:
            raise forms.ValidationError(_("统计期间不能超过两年"))
        data["scope_obj"] = self._scope(kind_scope, data)
        return data

    def _scope(self, kind_scope: str, data: dict) -> Scope:
        town, dept = data.get("township"), data.get("department")
        if kind_scope == TOWNSHIP and not town:
            raise forms.ValidationError(_("请选择乡镇"))
        if kind_scope == DEPARTMENT and not dept:
            raise forms.ValidationError(_("请选择部门"))
        scope = Scope(COUNTY)
        if kind_scope == TOWNSHIP and town:
            scope = Scope(TOWNSHIP, town.pk, None, town.name)
        elif kind_scope == DEPARTMENT and dept:
            scope = Scope(DEPARTMENT, None, dept.pk, dept.name)
        if not may_use_scope(self.user, scope):
            raise forms.ValidationError(_("您无权查看该范围的报表"))
        return scope
