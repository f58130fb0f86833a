"""Forms of the key-task pages: list filters, create/edit, progress report, review."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagewatch.accounts import roles
from wagewatch.accounts.access import townships_for
from wagewatch.accounts.models import Department, Township
from wagewatch.lib.bounds import BoundedForm, BoundedModelForm
from wagewatch.lib.formfields import field_of
from wagewatch.lib.widgets import DATE

from .models import KeyTask

ATTACHMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "wps", "txt", "zip"]


def unit_choices(user) -> list[tuple[Any, Any]]:
    """Units the user may filter by: all for the office, his townships for an inspector, none otherwise."""
    if roles.is_office(user):
        depts = [(f"d{d.pk}", d.name) for d in Department.objects.only("pk", "name")]
        towns = [(f"t{t.pk}", t.name) for t in Township.objects.only("pk", "name")]
        return [("", _("全部")), (_("部门"), depts), (_("乡镇"), towns)]
    if roles.is_inspector(user):
        own = townships_for(user).only("pk", "name")
        return [("", _("全部")), *((f"t{t.pk}", t.name) for t in own)]
    return []


class TaskFilterForm(BoundedForm):
    q = forms.CharField(
        label=_("搜索"), required=False, widget=forms.TextInput(attrs={"placeholder": _("任务/负责人")})
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *KeyTask.Status.choices], required=False
    )
    unit = forms.ChoiceField(label=_("责任单位"), required=False)
    overdue = forms.BooleanField(label=_("仅看超期"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = unit_choices(user)
        if choices:
            field_of(self, "unit", forms.ChoiceField).choices = choices
        else:
            del self.fields["unit"]


class TaskForm(BoundedModelForm):
    future_dates = ("deadline",)

    departments = forms.ModelMultipleChoiceField(
        label=_("责任部门"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    townships = forms.ModelMultipleChoiceField(
        label=_("责任乡镇"),
        queryset=Township.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = KeyTask
        fields = ["title", "source", "deadline", "lead_person", "description"]
        widgets = {"deadline": DATE, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            units = list(self.instance.assignments.all())
            self.initial["departments"] = [a.department_id for a in units if a.department_id]
            self.initial["townships"] = [a.township_id for a in units if a.township_id]

    def clean(self):
        data = super().clean()
        if not data.get("departments") and not data.get("townships"):
            raise forms.ValidationError(_("请至少选择一个责任部门或乡镇"))
        return data

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


def _max_size(file) -> None:
    if file.size > settings.MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("附件过大（超过 %(mb)d MB）") % {"mb": settings.MAX_UPLOAD_BYTES // 2**20}
        )


class ProgressForm(BoundedForm):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label=_("报送日期"), widget=DATE)
    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS), _max_size],
        help_text=_("可选：PDF、图片、Word、Excel 等"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ReviewForm(BoundedForm):
    note = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
