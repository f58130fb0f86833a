"""Forms of the complaints app: ledger filters, staff intake, case steps, orders and the public form."""

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Enterprise, Hazard, Inspection, Project
from projects.selectors import active_projects_by_township
from wagewatch.accounts.access import townships_for
from wagewatch.accounts.models import Role, Township
from wagewatch.lib import config, law
from wagewatch.lib.bounds import BoundedForm, BoundedModelForm, step_order_errors
from wagewatch.lib.formfields import field_of
from wagewatch.lib.validators import validate_mobile, validate_resident_id
from wagewatch.lib.widgets import DATE, MONTH

from . import evidence
from .claimants import MAX_MONTHS
from .models import Claimant, Complaint, EnforcementOrder, Interview, TypicalCase
from .services import case_step_dates, suggest_sector

if TYPE_CHECKING:  # PersonMixin is mixed into a form
    from django_stubs_ext import StrOrPromise

    _FormBase = forms.Form
else:
    _FormBase = object

DEADLINE_CHOICES = [("", _("全部")), ("soon", _("即将到期")), ("overdue", _("已超期"))]
YES_NO_CHOICES = [("", _("全部")), ("yes", _("是")), ("no", _("否"))]


def _blank(choices):
    return [("", _("全部")), *choices]


class FilterForm(BoundedForm):
    future_dates = ("date_from", "date_to", "closed_from", "closed_to")
    q = forms.CharField(
        label=_("搜索"), required=False, widget=forms.TextInput(attrs={"placeholder": _("编号/单位/项目")})
    )
    status = forms.ChoiceField(label=_("状态"), choices=_blank(Complaint.Status.choices), required=False)
    channel = forms.ChoiceField(label=_("渠道"), choices=_blank(Complaint.Channel.choices), required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=_blank(Complaint.Kind.choices), required=False)
    sector = forms.ChoiceField(label=_("领域"), choices=_blank(Complaint.Sector.choices), required=False)
    group_incident = forms.ChoiceField(label=_("群体性事件"), choices=YES_NO_CHOICES, required=False)
    outcome = forms.ChoiceField(
        label=_("处理结果"), choices=_blank(Complaint.Outcome.choices), required=False
    )
    township = forms.ModelChoiceField(label=_("乡镇"), queryset=Township.objects.all(), required=False)
    deadline = forms.ChoiceField(label=_("期限"), choices=DEADLINE_CHOICES, required=False)
    date_from = forms.DateField(label=_("登记自"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("至"), required=False, widget=DATE)
    closed_from = forms.DateField(label=_("结案自"), required=False, widget=DATE)
    closed_to = forms.DateField(label=_("至"), required=False, widget=DATE)


def find_enterprise(text: str) -> Enterprise | None:
    """An enterprise by exact USCC or name, else None (the name is then kept as typed)."""
    text = (text or "").strip()
    if not text:
        return None
    return Enterprise.objects.filter(Q(uscc=text.upper()) | Q(name=text)).order_by("pk").first()


class PersonMixin(_FormBase):
    """Normalise the complainant's mobile number and (optional) ID number."""

    def clean_complainant_phone(self):
        return validate_mobile(self.cleaned_data["complainant_phone"])

    def clean_complainant_id_number(self):
        value = self.cleaned_data.get("complainant_id_number", "")
        return validate_resident_id(value) if value else ""


def group_incident_help() -> str:
    return _("涉及%(n)s人及以上的，建议认定为群体性事件；是否认定由承办人决定") % {
        "n": law.GROUP_INCIDENT_WORKERS()
    }


class IntakeForm(PersonMixin, BoundedForm):
    bounds_model = Complaint
    channel = forms.ChoiceField(label=_("投诉渠道"), choices=Complaint.Channel.choices)
    kind = forms.ChoiceField(
        label=_("案件类别"), choices=Complaint.Kind.choices, initial=Complaint.Kind.COMPLAINT, required=False
    )
    sector = forms.ChoiceField(
        label=_("所属领域"),
        choices=[("", _("按涉及项目或单位判断")), *Complaint.Sector.choices],
        required=False,
        help_text=_("有涉及项目的为建设领域；无项目且库中无该单位的，请选择"),
    )
    complainant_name = forms.CharField(label=_("投诉人姓名"), max_length=50)
    complainant_phone = forms.CharField(label=_("投诉人电话"), max_length=20)
    complainant_id_number = forms.CharField(label=_("投诉人身份证号"), max_length=18, required=False)
    respondent = forms.CharField(
        label=_("被投诉单位"),
        max_length=100,
        help_text=_("输入单位全称或统一社会信用代码；库中没有的单位按输入登记"),
    )
    project = forms.ModelChoiceField(label=_("涉及项目"), queryset=Project.objects.none(), required=False)
    township = forms.ModelChoiceField(
        label=_("所属乡镇"),
        queryset=Township.objects.none(),
        required=False,
        help_text=_("无项目时填写；留空由治欠办分派"),
    )
    workers_involved = forms.IntegerField(label=_("涉及人数"), min_value=1, initial=1)
    group_incident = forms.BooleanField(label=_("群体性事件"), required=False)
    amount_claimed = forms.DecimalField(
        label=_("反映欠薪金额（元）"), min_value=0, decimal_places=2, initial=0
    )
    arrears_from = forms.DateField(label=_("欠薪起始月份"), required=False, widget=DATE)
    arrears_to = forms.DateField(label=_("欠薪截止月份"), required=False, widget=DATE)
    description = forms.CharField(label=_("投诉内容"), widget=forms.Textarea(attrs={"rows": 4}))
    received_on = forms.DateField(
        label=_("登记日期"), required=False, widget=DATE, help_text=_("实际收到投诉的日期，默认今天")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "project", forms.ModelChoiceField).queryset = Project.objects.visible_to(user).only(
            "pk", "name", "code"
        )
        field_of(self, "township", forms.ModelChoiceField).queryset = townships_for(user)
        group = self.fields["group_incident"]
        group.help_text = group_incident_help()
        # forms.js ticks the box when the number typed reaches the size, until the user sets it himself
        group.widget.attrs["data-suggest-from"] = "id_workers_involved"
        group.widget.attrs["data-suggest-at"] = str(law.GROUP_INCIDENT_WORKERS())

        self.fields["received_on"].initial = timezone.localdate

    def clean_kind(self):
        return self.cleaned_data.get("kind") or Complaint.Kind.COMPLAINT

    def clean(self):
        data = super().clean()
        if not data.get("sector") and "respondent" in data:
            respondent = find_enterprise(data["respondent"])
            data["sector"] = suggest_sector(project=data.get("project"), respondent=respondent)
            if not data["sector"]:
                self.add_error("sector", _("无涉及项目，且库中没有该单位：请选择所属领域"))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        text = data.pop("respondent")
        data["respondent"] = find_enterprise(text)
        data["respondent_name"] = text
        return data


class ClassifyForm(BoundedForm):
    """What the case is: kind, sector, channel and whether it is a group incident (the handler decides)."""

    kind = forms.ChoiceField(label=_("案件类别"), choices=Complaint.Kind.choices)
    # a blank first choice: a case whose sector is not known is not made 建设领域 by saving another field
    sector = forms.ChoiceField(label=_("所属领域"), choices=[("", _("请选择")), *Complaint.Sector.choices])
    channel = forms.ChoiceField(label=_("投诉渠道"), choices=Complaint.Channel.choices)
    group_incident = forms.BooleanField(label=_("群体性事件"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group_incident"].help_text = group_incident_help()


class TriageForm(BoundedForm):
    township = forms.ModelChoiceField(label=_("所属乡镇"), queryset=Township.objects.all())


class StepDateForm(BoundedForm):
    """A case step's form with the step's real day ``on`` (default today): not in the future, not before
    the case's last step (DESIGN §9); the error lands on the date field."""

    on_label = _("办理日期")
    on = forms.DateField(
        label=_("办理日期"), required=False, widget=DATE, help_text=_("实际办理日期，默认今天")
    )

    def __init__(self, *args, complaint: Complaint | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        self.fields["on"].label = self.on_label
        self.fields["on"].initial = timezone.localdate

    def clean(self):
        data = super().clean()
        if "on" in self.errors:
            return data
        data["on"] = data.get("on") or timezone.localdate()
        if self.complaint is not None:
            steps = [*case_step_dates(self.complaint), ("on", data["on"])]
            for name, message in step_order_errors(steps):
                if name == "on":
                    self.add_error("on", message)
        return data


class AcceptForm(StepDateForm):
    on_label = _("受理日期")


class FileForm(StepDateForm):
    on_label = _("立案日期")


CONFIRM_REQUIRED = _("此步骤不可撤销：请勾选确认后再提交。")


def _confirm(label: "StrOrPromise") -> forms.BooleanField:
    """The tick an irreversible step asks for (不予受理, 延期, 结案): the server refuses the step
    without it."""
    return forms.BooleanField(label=label, required=True, error_messages={"required": CONFIRM_REQUIRED})


class RefuseForm(StepDateForm):
    on_label = _("不予受理日期")
    reason = forms.CharField(label=_("不予受理理由"), widget=forms.Textarea(attrs={"rows": 2}))
    confirm = _confirm(_("确认不予受理（不可撤销）"))


class ExtendForm(StepDateForm):
    on_label = _("批准延期日期")
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))
    confirm = _confirm(_("确认批准延期（仅限一次，不可撤销）"))


class CloseForm(StepDateForm):
    bounds_model = Complaint
    on_label = _("结案日期")
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[c for c in Complaint.Outcome.choices if c[0] != Complaint.Outcome.REFUSED],
    )
    amount_recovered = forms.DecimalField(label=_("追回金额（元）"), min_value=0, decimal_places=2, initial=0)
    workers_paid = forms.IntegerField(label=_("兑付人数"), min_value=0, initial=0)
    note = forms.CharField(label=_("说明"), required=False)
    confirm = _confirm(_("已核对未结事项，确认结案（不可撤销）"))


class FlagsForm(BoundedForm):
    supervised = forms.BooleanField(label=_("挂牌督办"), required=False)
    leader = forms.CharField(label=_("包案领导"), max_length=50, required=False)


class _DocumentForm(BoundedForm):
    """An enforcement document's links: the enterprise and case typed in, the user's projects and hazards."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        field_of(self, "project", forms.ModelChoiceField).queryset = Project.objects.visible_to(user).only(
            "pk", "name", "code"
        )
        field_of(self, "hazard", forms.ModelChoiceField).queryset = Hazard.objects.visible_to(user)

    def clean_enterprise(self):
        enterprise = find_enterprise(self.cleaned_data["enterprise"])
        if enterprise is None:
            raise forms.ValidationError(_("库中没有该单位，请输入全称或统一社会信用代码"))
        return enterprise

    def clean_complaint(self):
        number = self.cleaned_data["complaint"].strip()
        if not number:
            return None
        case = Complaint.objects.visible_to(self.user).filter(number=number).first()
        if case is None:
            raise forms.ValidationError(_("找不到该案件"))
        return case


class OrderForm(_DocumentForm):
    bounds_model = EnforcementOrder
    future_dates = ("deadline",)
    kind = forms.ChoiceField(label=_("文书类型"), choices=EnforcementOrder.Kind.choices)
    enterprise = forms.CharField(
        label=_("当事单位"), max_length=100, help_text=_("单位全称或统一社会信用代码")
    )
    project = forms.ModelChoiceField(label=_("关联项目"), queryset=Project.objects.none(), required=False)
    complaint = forms.CharField(label=_("关联案件编号"), max_length=30, required=False)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, decimal_places=2, initial=0)
    legal_basis = forms.CharField(
        label=_("法律依据"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    requirement = forms.CharField(label=_("整改/支付事项"), widget=forms.Textarea(attrs={"rows": 2}))
    issued_on = forms.DateField(
        label=_("签发日期"), required=False, widget=DATE, help_text=_("默认今天；补录时填实际签发日")
    )
    deadline = forms.DateField(label=_("履行期限"), widget=DATE)
    served_on = forms.DateField(label=_("送达日期"), required=False, widget=DATE)

    inspection = forms.ModelChoiceField(
        queryset=Inspection.objects.none(), required=False, widget=forms.HiddenInput
    )
    hazard = forms.ModelChoiceField(queryset=Hazard.objects.none(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        field_of(self, "inspection", forms.ModelChoiceField).queryset = Inspection.objects.visible_to(user)
        self.fields["issued_on"].initial = timezone.localdate

    def clean(self):
        data = super().clean()
        issued = data.get("issued_on")
        for name, message in (
            ("served_on", _("送达日期不能早于签发日期")),
            ("deadline", _("履行期限不能早于签发日期")),
        ):
            if issued and data.get(name) and data[name] < issued:
                self.add_error(name, message)
        return data


class ComplyForm(BoundedForm):
    on = forms.DateField(label=_("履行日期"), widget=DATE)


class ReferForm(BoundedForm):
    on = forms.DateField(label=_("移送公安日期"), required=False, widget=DATE, help_text=_("默认今天"))
    note = forms.CharField(label=_("移送说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate


ORDER_STATUS_CHOICES = [
    ("", _("全部")),
    ("open", _("未到期")),
    ("overdue", _("逾期未履行")),
    ("complied", _("已履行")),
]
INTERVIEW_STATUS_CHOICES = [
    ("", _("全部")),
    ("pending", _("未落实")),
    ("overdue", _("逾期未落实")),
    ("fulfilled", _("已落实")),
]


class DocumentFilterForm(BoundedForm):
    """Filters of the order and interview lists (the township choices are one query)."""

    q = forms.CharField(label=_("搜索"), required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=_blank(EnforcementOrder.Kind.choices), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=ORDER_STATUS_CHOICES, required=False)
    township = forms.ModelChoiceField(label=_("乡镇"), queryset=Township.objects.all(), required=False)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    open = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, interviews: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if interviews:
            del self.fields["kind"]
            field_of(self, "status", forms.ChoiceField).choices = INTERVIEW_STATUS_CHOICES


def _staff_users():
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__role__in=[Role.INSPECTOR, Role.OFFICE, Role.ADMIN])
        .order_by("last_name", "username")
    )


class InterviewForm(_DocumentForm):
    bounds_model = Interview
    future_dates = ("deadline",)
    enterprise = forms.CharField(
        label=_("被约谈单位"), max_length=100, help_text=_("单位全称或统一社会信用代码")
    )
    interviewee_name = forms.CharField(label=_("被约谈人"), max_length=50)
    interviewee_position = forms.CharField(label=_("职务"), max_length=50, required=False)
    held_on = forms.DateField(label=_("约谈日期"), widget=DATE)
    place = forms.CharField(label=_("约谈地点"), max_length=100, required=False)
    interviewers = forms.ModelMultipleChoiceField(
        label=_("约谈人"), queryset=get_user_model().objects.none(), required=False
    )
    project = forms.ModelChoiceField(label=_("关联项目"), queryset=Project.objects.none(), required=False)
    complaint = forms.CharField(label=_("关联案件编号"), max_length=30, required=False)
    hazard = forms.ModelChoiceField(queryset=Hazard.objects.none(), required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("约谈事由"), widget=forms.Textarea(attrs={"rows": 2}))
    agreed = forms.CharField(label=_("约谈议定事项"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("落实期限"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        field_of(self, "interviewers", forms.ModelChoiceField).queryset = _staff_users()


class PhotoInput(forms.FileInput):
    """Several photos in one input; a phone offers its camera and gallery (``accept``)."""

    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Photos of evidence: each decoded and re-encoded without metadata (``complaints.evidence``); the
    cleaned value is the list of ``evidence.Photo`` to store."""

    widget = PhotoInput(attrs={"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        files = [super(PhotosField, self).clean(f, initial) for f in uploads]  # empty or nameless: refused
        return evidence.evidence_check(files)


class PublicComplaintForm(PersonMixin, BoundedForm):
    """The public form. Reached by a site's QR code (``project``) it asks nothing about the place; the
    generic form (/c/) asks the township and, if the worker knows it, the site, one of the township's."""

    bounds_model = Complaint
    complainant_name = forms.CharField(label=_("您的姓名"), max_length=50)
    complainant_phone = forms.CharField(label=_("手机号码"), max_length=20, help_text=_("用于查询办理进度"))
    township = forms.ModelChoiceField(
        label=_("工作地所在乡镇（街道）"), queryset=Township.objects.all(), empty_label=_("请选择")
    )
    project = forms.TypedChoiceField(
        label=_("工地（项目）"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("不清楚可不选；列表只有所选乡镇的在建项目"),
        error_messages={"invalid_choice": _("请从列表中选择在建项目，或不选")},
    )
    respondent_name = forms.CharField(label=_("欠薪单位（老板/公司名称）"), max_length=100)
    workers_involved = forms.IntegerField(label=_("被欠薪人数"), min_value=1, max_value=10000, initial=1)
    amount_claimed = forms.DecimalField(
        label=_("欠薪金额（元）"), min_value=0, max_value=10**9, decimal_places=2, required=False
    )
    arrears_from = forms.DateField(label=_("欠薪开始时间"), required=False, widget=DATE)
    arrears_to = forms.DateField(label=_("欠薪结束时间"), required=False, widget=DATE)
    description = forms.CharField(
        label=_("情况说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    photos = PhotosField(label=_("证据照片（可不传）"), required=False)

    def __init__(self, *args, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:  # the QR code names the site, and so its township
            del self.fields["township"], self.fields["project"]
        else:
            sites = active_projects_by_township(day=timezone.localdate())
            field_of(self, "project", forms.ChoiceField).choices = [("", _("不清楚/不在列表中")), *sites]
            # forms.js keeps only the chosen township's group of sites (without it all groups are shown)
            self.fields["project"].widget.attrs["data-group-from"] = "id_township"
        limits = {
            "n": config.PUBLIC_EVIDENCE_MAX_FILES(),
            "mb": evidence.megabytes(config.PUBLIC_EVIDENCE_MAX_BYTES()),
        }
        self.fields["photos"].help_text = (
            _(
                "工资条、欠条、考勤表、聊天记录截图等，最多%(n)s张，每张不超过%(mb)s MB；"
                "照片中的位置等信息会被去除"
            )
            % limits
        )

    def clean(self):
        data = super().clean()
        if data.get("project") is not None:
            data["project"] = self._site(data["project"], data.get("township"))
        return data

    def _site(self, pk: int, township: Township | None) -> Project | None:
        """The site picked, when it is under way in the township picked; else None and an error."""
        site = Project.objects.active_on(timezone.localdate()).filter(pk=pk).first()
        if site is None:
            self.add_error("project", _("请从列表中选择在建项目，或不选"))
        elif township is not None and site.township_id != township.pk:
            self.add_error("project", _("所选工地不在所选乡镇，请重新选择乡镇或工地"))
        elif township is not None:
            return site
        return None

    def case_kwargs(self) -> dict:
        """What ``services.complaint_receive`` takes (the photos are stored apart)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "photos"}


class LookupForm(BoundedForm):
    number = forms.CharField(label=_("案件编号"), max_length=30)
    phone = forms.CharField(label=_("登记时的手机号码"), max_length=20)


MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d", "%Y/%m"]


class ClaimantForm(BoundedModelForm):
    """A worker the case claims for, entered on the case page (numbers checked, stored encrypted)."""

    class Meta:
        model = Claimant
        fields = ["name", "id_number", "phone", "month_from", "month_to", "amount_claimed"]
        widgets = {"month_from": MONTH, "month_to": MONTH}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "id_number", forms.CharField).max_length = 18
        self.fields["id_number"].widget.attrs.update(maxlength=18, autocomplete="off")
        self.fields["phone"].widget.attrs.update(maxlength=20, inputmode="tel")
        self.fields["amount_claimed"].required = False  # often not known per worker: 0
        for name in ("month_from", "month_to"):
            field_of(self, name, forms.DateField).input_formats = MONTH_FORMATS
            self.fields[name].help_text = _("年-月，如 2026-03")

    def clean_id_number(self):
        return validate_resident_id(self.cleaned_data["id_number"])

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        return validate_mobile(value) if value else ""

    def clean_month_from(self):
        return self.cleaned_data["month_from"].replace(day=1)

    def clean_month_to(self):
        return self.cleaned_data["month_to"].replace(day=1)

    def clean(self):
        data = super().clean()
        first, last = data.get("month_from"), data.get("month_to")
        if first and last and (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
            self.add_error("month_to", _("一次最多登记%(n)s个月") % {"n": MAX_MONTHS})
        return data


class WageCheckForm(BoundedForm):
    """A worker's own wage check: the three things the roster holds about him."""

    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=24,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "autocapitalize": "characters"}
        ),
    )
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        help_text=_("登记在本项目花名册上的手机号码"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_id_number(self):
        return validate_resident_id(self.cleaned_data["id_number"])

    def clean_phone(self):
        return validate_mobile(self.cleaned_data["phone"])


TYPICAL_STATUS_CHOICES = [("", _("全部")), ("public", _("公开中")), ("withdrawn", _("已撤下"))]


class TypicalFilterForm(BoundedForm):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("标题/单位/案件编号")}),
    )
    status = forms.ChoiceField(label=_("状态"), choices=TYPICAL_STATUS_CHOICES, required=False)
    township = forms.ModelChoiceField(label=_("乡镇"), queryset=Township.objects.all(), required=False)
    date_from = forms.DateField(label=_("发布日期自"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("至"), required=False, widget=DATE)


class TypicalCaseForm(BoundedModelForm):
    """A typical case's public text (checked for personal data by the service) and figures as published."""

    class Meta:
        model = TypicalCase
        fields = ["title", "summary", "enterprise_name", "amount_recovered", "workers_paid", "published_on"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 10}), "published_on": DATE}
        help_texts = {
            "summary": _("将在公开页面发布：不得含有身份证号码、电话号码或投诉人、工人的姓名（可写“王某”）"),
        }


class WithdrawTypicalForm(BoundedForm):
    bounds_model = TypicalCase
    withdrawn_on = forms.DateField(label=_("撤下日期"), widget=DATE)
    withdraw_reason = forms.CharField(label=_("撤下理由"), max_length=200, required=False)
