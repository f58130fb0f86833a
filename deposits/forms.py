"""Forms of the deposits pages (labels Chinese through gettext)."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import EnforcementOrder
from projects.forms import ProjectFilterForm
from projects.models import Project
from wagewatch.lib import law
from wagewatch.lib.bounds import BoundedForm, NoFormulaMixin
from wagewatch.lib.formfields import field_of
from wagewatch.lib.widgets import DATE

from .models import EmergencyAdvance, Guarantee, WageDeposit


def _money(label):
    return forms.DecimalField(label=label, max_digits=16, decimal_places=2, min_value=Decimal("0.01"))


def _day(label, required=True):
    return forms.DateField(label=label, widget=DATE, initial=timezone.localdate, required=required)


class _Form(NoFormulaMixin, BoundedForm):
    """A form of the deposit pages: bounded, no formula text."""


class OpenForm(_Form):
    form = forms.ChoiceField(label=_("缴纳形式"), choices=WageDeposit.Form.choices)


class EntryForm(_Form):
    KINDS = [("paid_in", _("缴存")), ("topped_up", _("补足"))]
    kind = forms.ChoiceField(label=_("类型"), choices=KINDS)
    amount = _money(_("金额（元）"))
    date = _day(_("日期"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class DrawForm(_Form):
    order: "forms.ModelChoiceField[EnforcementOrder]" = forms.ModelChoiceField(
        label=_("依据文书（逾期未履行的责令支付）"), queryset=None
    )
    amount = _money(_("动用金额（元）"))
    date = _day(_("日期"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, orders=None, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "order", forms.ModelChoiceField).queryset = orders


class ReturnStartForm(_Form):
    future_dates = ("notice_from",)
    completed_on = _day(_("完工日期"))
    promise_received_on = _day(_("无拖欠书面承诺收到日期"))
    notice_from = _day(_("公示开始日期"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice_from"].label = _("公示开始日期（公示%(n)s日）") % {"n": law.DEPOSIT_NOTICE_DAYS()}


class DayForm(_Form):
    on = _day(_("日期"))


class GuaranteeForm(_Form):
    future_dates = ("valid_from", "valid_to")
    issuer_kind = forms.ChoiceField(label=_("出具机构类型"), choices=Guarantee.IssuerKind.choices)
    issuer_name = forms.CharField(label=_("出具机构"), max_length=100)
    number = forms.CharField(label=_("保函编号"), max_length=60)
    amount = _money(_("担保金额（元）"))
    valid_from = _day(_("有效期自"))
    valid_to = forms.DateField(label=_("有效期至"), widget=DATE)


class ExemptForm(_Form):
    reason = forms.CharField(label=_("免缴理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class CapitalForm(_Form):
    amount = _money(_("注资金额（元）"))
    date = _day(_("日期"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class AdvanceForm(_Form):
    project = forms.ModelChoiceField(label=_("项目"), queryset=Project.objects.none())
    amount = _money(_("垫付金额（元）"))
    workers = forms.IntegerField(label=_("垫付人数"), min_value=1, max_value=EmergencyAdvance.MAX_WORKERS)
    date = _day(_("垫付日期"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "project", forms.ModelChoiceField).queryset = (
            projects if projects is not None else Project.objects.none()
        )


class RecoverForm(_Form):
    amount = _money(_("追回金额（元）"))
    date = _day(_("日期"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class ImportForm(BoundedForm):
    file = forms.FileField(label=_("在建工程项目清单（.xlsx）"))


class DepositFilterForm(ProjectFilterForm):
    """The ledger's filters: its project's township and department, the deposit's form and status."""

    # Django's way to drop an inherited declared field; the stubs type the attribute as the field only
    investment_type = None  # type: ignore[assignment]
    risk_grade = None  # type: ignore[assignment]
    form = forms.ChoiceField(
        label=_("缴纳形式"), choices=[("", _("全部")), *WageDeposit.Form.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *WageDeposit.Status.choices], required=False
    )
