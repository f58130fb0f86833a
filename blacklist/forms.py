"""Forms of the blacklist pages: they validate input; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import EnforcementOrder
from projects.models import Enterprise
from wagewatch.lib.bounds import BoundedForm
from wagewatch.lib.formfields import field_of
from wagewatch.lib.validators import validate_uscc
from wagewatch.lib.widgets import DATE

from .models import BlacklistEntry, Grade, ResponsiblePerson


class FilterForm(BoundedForm):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("in_force", _("公示中")), *BlacklistEntry.Status.choices],
    )
    q = forms.CharField(label=_("企业名称/信用代码"), required=False, max_length=50)


class _OrderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: EnforcementOrder) -> str:
        return _("%(number)s %(enterprise)s（%(amount)s元）") % {
            "number": obj.number,
            "enterprise": obj.enterprise.name,
            "amount": obj.amount,
        }


class ProposeForm(BoundedForm):
    order = _OrderChoiceField(label=_("逾期未履行的责令支付文书"), queryset=None)
    basis_kind = forms.ChoiceField(label=_("列入情形"), choices=BlacklistEntry.BasisKind.choices)
    reason = forms.CharField(label=_("列入事由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)

    def __init__(self, *args, orders, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "order", forms.ModelChoiceField).queryset = orders


class OnForm(BoundedForm):
    on = forms.DateField(label=_("日期"), required=False, widget=DATE)

    def clean_on(self):
        return self.cleaned_data["on"] or timezone.localdate()


class StatementForm(OnForm):
    statement = forms.CharField(
        label=_("陈述申辩意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class DecideForm(OnForm):
    to_list = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("1", _("列入失信联合惩戒名单")), ("0", _("不予列入"))],
        coerce=lambda v: v == "1",
    )
    reasons = forms.CharField(label=_("决定理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class RemoveForm(OnForm):
    arrears_paid_on = forms.DateField(label=_("欠薪清偿日期"), required=False, widget=DATE)
    commitment_filed_on = forms.DateField(label=_("信用承诺提交日期"), required=False, widget=DATE)
    reason = forms.CharField(label=_("移出说明"), required=False, max_length=2000)


class PersonForm(BoundedForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.ChoiceField(label=_("身份"), choices=ResponsiblePerson.Role.choices)
    id_number = forms.CharField(label=_("公民身份号码"), required=False, max_length=20)


class EnterpriseField(forms.CharField):
    """An enterprise picked by its unified social credit code."""

    def clean(self, value):
        value = super().clean(value)
        code = validate_uscc(value)  # raises ValidationError with the reason
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("库中没有该统一社会信用代码的企业"))
        return enterprise


class GradeOverrideForm(BoundedForm):
    enterprise = EnterpriseField(label=_("统一社会信用代码"), max_length=18)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    grade = forms.ChoiceField(
        label=_("调整为"), choices=[("", _("取消调整")), *Grade.choices], required=False
    )
    reason = forms.CharField(label=_("调整理由"), required=False, max_length=2000)


class CertificateForm(BoundedForm):
    enterprise = EnterpriseField(label=_("统一社会信用代码"), max_length=18)
    purpose = forms.CharField(label=_("用途"), max_length=200, initial=_("参加工程建设项目投标"))
