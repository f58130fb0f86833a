"""Forms for project pages: the labels and errors come out in Chinese through gettext."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagewatch.accounts.access import townships_for
from wagewatch.accounts.models import Department, Township
from wagewatch.lib.bounds import BoundedForm, BoundedModelForm, NoFormulaMixin, step_order_errors
from wagewatch.lib.cardhash import card_number_input
from wagewatch.lib.formfields import field_of
from wagewatch.lib.validators import validate_mobile, validate_resident_id, validate_uscc
from wagewatch.lib.widgets import DATE

from .models import Enterprise, Inspection, LabourCostTransfer, Payroll, Project, RosterEntry, WageAccount


def _all(choices) -> list:
    return [("", _("全部")), *choices]


class ProjectFilterForm(BoundedForm):
    """The project list's filters (the page draws its own selects; this validates what comes back)."""

    q = forms.CharField(label=_("搜索"), required=False)
    township = forms.ModelChoiceField(label=_("乡镇"), queryset=Township.objects.all(), required=False)
    department = forms.ModelChoiceField(
        label=_("主管部门"), queryset=Department.objects.all(), required=False
    )
    investment_type = forms.ChoiceField(
        label=_("投资类型"), choices=_all(Project.Investment.choices), required=False
    )
    status = forms.ChoiceField(label=_("状态"), choices=_all(Project.Status.choices), required=False)
    risk_grade = forms.ChoiceField(label=_("隐患等级"), choices=_all(Project.Grade.choices), required=False)


class InspectionFilterForm(BoundedForm):
    """The inspection list's filters."""

    KINDS = [("", _("全部检查")), ("project", _("项目现场检查")), ("employer", _("无项目用人单位检查"))]

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("检查对象"), choices=KINDS, required=False)
    township = forms.ModelChoiceField(label=_("乡镇"), queryset=Township.objects.all(), required=False)
    enterprise = forms.ModelChoiceField(
        label=_("用人单位"), queryset=Enterprise.objects.all(), required=False, widget=forms.HiddenInput
    )
    date_from = forms.DateField(label=_("检查日期自"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("至"), required=False, widget=DATE)


class RosterFilterForm(BoundedForm):
    """The roster's search box and filters (the page draws its own selects; this validates the answers)."""

    STATES = [("", _("全部")), ("on_site", _("在场")), ("exited", _("已退场"))]
    CONTRACTS = [("", _("全部")), ("yes", _("已签")), ("no", _("未签"))]

    q = forms.CharField(label=_("姓名/身份证号/电话"), required=False, max_length=100)
    team = forms.CharField(label=_("班组"), required=False, max_length=50)
    employer = forms.IntegerField(label=_("用工单位"), required=False, min_value=1, max_value=2**31 - 1)
    state = forms.ChoiceField(label=_("进退场"), choices=STATES, required=False)
    contract = forms.ChoiceField(label=_("劳动合同"), choices=CONTRACTS, required=False)


class WorkerSearchForm(BoundedForm):
    """The worker search: a name (contains), or an ID or phone number (exact); or one worker found by the
    header's search (``worker``: his id, so his numbers stay out of the address)."""

    q = forms.CharField(label=_("姓名/身份证号/电话"), required=False, max_length=100)
    worker = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class ProjectForm(NoFormulaMixin, BoundedModelForm):
    future_dates = ("start_date", "planned_finish")

    class Meta:
        model = Project
        fields = [
            "code", "name", "township", "department", "investment_type", "builder", "contractor", "address",
            "contract_price", "contract_date", "start_date", "planned_finish", "completed_on", "status",
            "labour_share", "payday", "wage_admin", "wage_admin_phone", "notice_board",
        ]  # fmt: skip
        widgets = {f: DATE for f in ("contract_date", "start_date", "planned_finish", "completed_on")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            field_of(self, "township", forms.ModelChoiceField).queryset = townships_for(user)

    def clean(self):
        data = super().clean()
        start, finish = data.get("start_date"), data.get("planned_finish")
        if start and finish and finish < start:
            self.add_error("planned_finish", _("计划竣工日期不能早于开工日期"))
        if data.get("status") == Project.Status.COMPLETED and not data.get("completed_on"):
            self.add_error("completed_on", _("已竣工项目须填写竣工日期"))
        if data.get("builder") and data.get("builder") == data.get("contractor"):
            self.add_error("contractor", _("施工总承包单位不能与建设单位相同"))
        return data


class RosterEntryForm(NoFormulaMixin, BoundedModelForm):
    """A roster entry with its worker's identity. Editing one shows his numbers masked unless ``reveal``:
    the ID number cannot change here, and a phone left as shown (masked) keeps the stored number."""

    future_dates = ("entry_date", "exit_date")  # registered before the worker arrives
    id_number = forms.CharField(label=_("公民身份号码"), max_length=30)
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    card_number = forms.CharField(
        label=_("工资卡号"),
        max_length=40,
        required=False,
        help_text=_("只保存脱敏号码和用于核对代发卡号的密钥哈希；留空或保持显示的脱敏号码则不变"),
    )

    class Meta:
        model = RosterEntry
        fields = [
            "employer_name", "team", "trade", "entry_date", "exit_date", "contract_signed", "pay_method",
            "bank",
        ]  # fmt: skip
        widgets = {"entry_date": DATE, "exit_date": DATE}

    def __init__(self, *args, worker=None, reveal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.worker = worker
        if worker is not None:  # the ID number identifies the worker: it is not changed from here
            self.fields["id_number"].disabled = True
            self.fields["id_number"].required = False
            self.initial["id_number"] = worker.id_number if reveal else worker.masked_id
            self.initial["name"] = worker.name
            self.initial["phone"] = worker.phone if reveal else worker.masked_phone
        if self.instance.pk:
            self.initial["card_number"] = self.instance.card_masked

    def clean_id_number(self):
        if self.worker is not None:
            return self.worker.id_number
        return validate_resident_id(self.cleaned_data["id_number"])

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if self.worker is not None and phone == self.worker.masked_phone:
            return self.worker.phone  # left as shown: unchanged
        return validate_mobile(phone) if phone else ""

    def clean_card_number(self):
        """The card's digits, or '' to keep the stored card (left blank or as shown, masked)."""
        shown = self.instance.card_masked if self.instance.pk else ""
        return card_number_input(self.cleaned_data.get("card_number"), shown=shown)

    def clean(self):
        data = super().clean()
        entry, exit_ = data.get("entry_date"), data.get("exit_date")
        if entry and exit_ and exit_ < entry:
            self.add_error("exit_date", _("退场日期不能早于进场日期"))
        return data


class WageAccountForm(NoFormulaMixin, BoundedModelForm):
    class Meta:
        model = WageAccount
        fields = ["bank", "account_number", "opened_on", "agreement_signed", "closed_on"]
        widgets = {"opened_on": DATE, "closed_on": DATE}


class TransferForm(NoFormulaMixin, BoundedModelForm):
    month = forms.DateField(label=_("所属月份"), widget=DATE, help_text=_("任选该月一天"))

    class Meta:
        model = LabourCostTransfer
        fields = ["month", "amount", "transferred_on", "bank_reference"]
        widgets = {"transferred_on": DATE}

    def clean_month(self):
        return self.cleaned_data["month"].replace(day=1)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise ValidationError(_("拨付金额应大于0"))
        return amount


class PayrollForm(BoundedModelForm):
    month = forms.DateField(label=_("工资月份"), widget=DATE, help_text=_("任选该月一天"))

    class Meta:
        model = Payroll
        fields = ["month", "attended", "paid", "gross", "net", "paid_on", "via_account"]
        widgets = {"paid_on": DATE}

    def clean_month(self):
        return self.cleaned_data["month"].replace(day=1)

    def clean(self):
        data = super().clean()
        if (data.get("paid") or 0) > (data.get("attended") or 0):
            self.add_error("paid", _("实发人数不能多于出勤人数"))
        if data.get("net") is not None and data.get("gross") is not None and data["net"] > data["gross"]:
            self.add_error("net", _("实发工资不能多于应发工资"))
        return data


RECOVERED = ["amount_recovered", "workers_involved", "workers_paid"]
RECTIFICATION = ["findings", "rectification_required", "rectification_deadline", "rectified_on"]
INSPECTION_DATES = {"date": DATE, "rectification_deadline": DATE, "rectified_on": DATE}


class _InspectionFormBase(NoFormulaMixin, BoundedModelForm):
    """What every inspection form checks: a deadline with a rectification order, no more workers paid
    than involved; the inspection on its real day (never ahead of today), the rectification not before
    it (DESIGN §9)."""

    future_dates = ("rectification_deadline",)
    date_ranges = (("date", "rectification_deadline"),)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RECOVERED:  # most inspections recover nothing: blank is 0
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        for name in RECOVERED:
            if name in data and data[name] is None:
                data[name] = 0
        if data.get("rectification_required") and not data.get("rectification_deadline"):
            self.add_error("rectification_deadline", _("责令整改时须填写整改期限"))
        if (data.get("workers_paid") or 0) > (data.get("workers_involved") or 0):
            self.add_error("workers_paid", _("兑付人数不能多于涉及人数"))
        steps = [("date", data.get("date")), ("rectified_on", data.get("rectified_on"))]
        for name, message in step_order_errors(steps):
            if name == "rectified_on":  # the inspection's own date is bounded by its field
                self.add_error(name, message)
        return data


class InspectionForm(_InspectionFormBase):
    """A project's site inspection: the seven checks (ticked: passed), findings, rectification, recovered."""

    class Meta:
        model = Inspection
        fields = ["date", *[name for name, _label in Inspection.CHECKS], *RECTIFICATION, *RECOVERED]
        widgets = INSPECTION_DATES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in Inspection.CHECKS:  # a tick box on a site (the column is empty off sites)
            self.fields[name] = forms.BooleanField(label=label, required=False, initial=True)


class EmployerInspectionForm(_InspectionFormBase):
    """An inspection of any employer without a project (a restaurant, a factory) in the user's townships:
    the enterprise from the register, or a new one by name and USCC."""

    new_name = forms.CharField(label=_("新单位名称"), max_length=100, required=False)
    new_uscc = forms.CharField(
        label=_("新单位统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("登记册中没有的单位：填写名称和统一社会信用代码（已登记的代码直接使用该单位）"),
    )

    class Meta:
        model = Inspection
        fields = ["township", "enterprise", "date", *RECTIFICATION, *RECOVERED]
        widgets = INSPECTION_DATES

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        township = field_of(self, "township", forms.ModelChoiceField)
        township.required = True
        township.help_text = ""
        if user is not None:
            township.queryset = townships_for(user)
        enterprise = field_of(self, "enterprise", forms.ModelChoiceField)
        enterprise.help_text = _("从企业登记册中选择；登记册中没有的，在下方填写新单位")

    def clean_new_uscc(self):
        code = self.cleaned_data.get("new_uscc", "").strip()
        return validate_uscc(code) if code else ""

    def clean(self):
        data = super().clean()
        if data.get("enterprise"):
            return data
        if not data.get("new_uscc"):
            if "new_uscc" not in self.errors:
                self.add_error(
                    "enterprise", _("请选择被检查的用人单位，或填写新单位的名称和统一社会信用代码")
                )
        elif not data.get("new_name") and not Enterprise.objects.filter(uscc=data["new_uscc"]).exists():
            self.add_error("new_name", _("请填写单位名称"))
        return data


class ImportFileForm(BoundedForm):
    """An import's upload: an .xlsx or .csv file (its content is checked by the import pipeline)."""

    file = forms.FileField(label=_("文件"), help_text=_("Excel（.xlsx）或 CSV（UTF-8 / GB18030）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("只支持 .xlsx 或 .csv 文件"))
        return upload


class RosterImportForm(ImportFileForm):
    file = forms.FileField(label=_("花名册文件"), help_text=_("Excel（.xlsx）或 CSV（UTF-8 / GB18030）"))


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (``<input type=file multiple>``): cleans to a list of uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class RostersImportForm(BoundedForm):
    """Many rosters at once: several .xlsx / .csv files, or one workbook with a sheet per project."""

    MAX_FILES = 100
    MAX_TOTAL_FILES = 5  # the batch's total size, in single-upload limits (settings.MAX_UPLOAD_BYTES)

    rosters = MultipleFileField(
        label=_("花名册文件（可多选）"),
        help_text=_("Excel（.xlsx）或 CSV，可一次选择多个文件（最多 100 个）"),
    )

    def clean_rosters(self):
        files = self.cleaned_data["rosters"]
        if len(files) > self.MAX_FILES:
            raise ValidationError(_("一次最多上传 %(n)d 个文件") % {"n": self.MAX_FILES})
        bad = [f.name for f in files if not f.name.lower().endswith((".xlsx", ".csv"))]
        if bad:
            raise ValidationError(_("只支持 .xlsx 或 .csv 文件：%(names)s") % {"names": _("、").join(bad)})
        big = [f.name for f in files if f.size > settings.MAX_UPLOAD_BYTES]
        if big:
            mb = settings.MAX_UPLOAD_BYTES // 2**20
            raise ValidationError(
                _("文件过大（超过 %(mb)d MB）：%(names)s") % {"mb": mb, "names": _("、").join(big)}
            )
        limit = settings.MAX_UPLOAD_BYTES * self.MAX_TOTAL_FILES
        if sum(f.size for f in files) > limit:
            raise ValidationError(_("文件合计过大（超过 %(mb)d MB）") % {"mb": limit // 2**20})
        return files
