"""The pay-line form (one worker's month entered by hand), and the uploads of a pay sheet and attendance."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.forms import ImportFileForm
from projects.models import Project, RosterEntry
from wagewatch.lib.bounds import BoundedModelForm
from wagewatch.lib.cardhash import card_number_input
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.formfields import field_of
from wagewatch.lib.validators import validate_resident_id
from wagewatch.lib.widgets import DATE, MONTH

from .models import PayLine


class PayLineForm(BoundedModelForm):
    """A new line names its worker by ID number, found on this project's roster; an edited line keeps its
    worker. The card is typed in full and kept only masked and hashed."""

    id_number = forms.CharField(label=_("公民身份号码"), max_length=30)
    card_number = forms.CharField(
        label=_("收款卡号"),
        max_length=40,
        required=False,
        help_text=_("只保存脱敏号码和密钥哈希；留空或保持显示的脱敏号码则不变"),
    )

    class Meta:
        model = PayLine
        fields = ["month", "days", "due", "deductions", "net", "paid_on", "via_account", "bank_status"]
        fields += ["bank_reason", "signed"]
        widgets = {"month": MONTH, "paid_on": DATE}
        help_texts = {"net": _("实际支付给工人的金额；未支付留空")}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        field_of(self, "month", forms.DateField).input_formats = ["%Y-%m", "%Y-%m-%d"]
        if self.instance.pk:  # the worker of a line does not change
            self.fields["id_number"].disabled = True
            self.fields["id_number"].required = False
            self.initial["id_number"] = self.instance.entry.worker.masked_id
            self.initial["card_number"] = self.instance.card_masked

    def clean_month(self) -> datetime.date:
        return self.cleaned_data["month"].replace(day=1)

    def clean_id_number(self) -> str:
        if self.instance.pk:
            return ""
        number = validate_resident_id(self.cleaned_data["id_number"])
        entry = RosterEntry.objects.filter(
            project=self.project, worker__id_number_hash=keyed_hash(number)
        ).first()
        if entry is None:
            raise ValidationError(_("该工人未在本项目实名制花名册中登记"))
        self.entry = entry
        return number

    def clean_card_number(self) -> str:
        shown = self.instance.card_masked if self.instance.pk else ""
        return card_number_input(self.cleaned_data.get("card_number"), shown=shown)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        due, deductions = data.get("due"), data.get("deductions")
        if due is not None and deductions is not None and deductions > due:
            self.add_error("deductions", _("扣款不能多于应发工资"))
        if (
            data.get("bank_status") == PayLine.BankStatus.FAILED
            and not (data.get("bank_reason") or "").strip()
        ):
            self.add_error("bank_reason", _("处理结果为失败时须填写失败原因"))
        return data

    def _post_clean(self) -> None:
        # the line's worker-month is checked by the service (the entry is not a form field)
        if not self.instance.pk and hasattr(self, "entry"):
            self.instance.entry = self.entry
            self.instance.project = self.project
        super()._post_clean()  # type: ignore[misc]  # a Django ModelForm hook the stubs do not declare


class WageImportForm(ImportFileForm):
    """A wage file's upload: the file and the month its lines are for."""

    month = forms.DateField(label=_("工资月份"), widget=MONTH, input_formats=["%Y-%m", "%Y-%m-%d"])

    def clean_month(self) -> datetime.date:
        return self.cleaned_data["month"].replace(day=1)


class PaySheetImportForm(WageImportForm):
    file = forms.FileField(label=_("工资支付表文件"), help_text=_("Excel（.xlsx）或 CSV（UTF-8 / GB18030）"))
    pay_date = forms.DateField(
        label=_("发放日期"),
        required=False,
        widget=DATE,
        help_text=_("文件中没有“发放日期”列或某行未填写时，用此日期"),
    )


class AttendanceImportForm(WageImportForm):
    file = forms.FileField(
        label=_("考勤文件"),
        help_text=_("Excel（.xlsx）或 CSV：每人每月一行（出勤天数），或闸机导出的每人每天一行（考勤日期）"),
    )
