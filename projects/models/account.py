"""The dedicated wage account, what flows through it (labour-cost transfers, payroll) and the banks
that report those flows through the API."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .core import MONEY, Project, ProjectChildQuerySet


class WageAccount(models.Model):
    """农民工工资专用账户, opened by the general contractor."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="wage_account")
    bank = models.CharField(_("开户银行"), max_length=60)
    account_number = models.CharField(_("账号"), max_length=40)
    opened_on = models.DateField(_("开户日期"))
    agreement_signed = models.BooleanField(_("已签三方协议"), default=False)
    closed_on = models.DateField(_("销户日期"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("工资专用账户")
        verbose_name_plural = _("工资专用账户")


def reported_constraints(prefix: str) -> list:
    """The month is its first day; a bank numbers its own transactions, so a reference is unique per
    reporting client (and among rows typed in by staff), not across banks."""
    return [
        models.CheckConstraint(condition=Q(month__day=1), name=f"{prefix}_month_first_day"),
        models.UniqueConstraint(
            fields=["api_client", "bank_reference"], name=f"{prefix}_reference_unique_per_client"
        ),
        models.UniqueConstraint(
            fields=["bank_reference"],
            condition=Q(api_client__isnull=True),
            name=f"{prefix}_reference_unique_without_client",
        ),
    ]


class BankReported(models.Model):
    """A monthly flow through the wage account, typed in by staff or reported by a bank (``api_client``)."""

    bank_reference = models.CharField(_("银行流水号"), max_length=64, null=True, blank=True)
    api_client = models.ForeignKey(
        "ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报送方"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["project", "month"]


class LabourCostTransfer(BankReported):
    """建设单位按月拨付的人工费用."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transfers")
    month = models.DateField(_("所属月份"), help_text=_("该月第一天"))
    amount = models.DecimalField(_("拨付金额（元）"), **MONEY)
    transferred_on = models.DateField(_("拨付日期"))

    class Meta(BankReported.Meta):
        verbose_name = _("人工费拨付")
        verbose_name_plural = _("人工费拨付")
        indexes = [models.Index(fields=["project", "month"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            *reported_constraints("transfer"),
        ]


class Payroll(BankReported):
    """One project-month of wages: headcounts and totals (per-worker lines are not needed by any rule)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="payrolls")
    month = models.DateField(_("工资月份"), help_text=_("该月第一天"))
    attended = models.PositiveIntegerField(_("出勤人数"))
    paid = models.PositiveIntegerField(_("实发人数"))
    gross = models.DecimalField(_("应发工资（元）"), **MONEY)
    net = models.DecimalField(_("实发工资（元）"), **MONEY)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    via_account = models.BooleanField(_("通过专用账户代发"), default=True)

    class Meta(BankReported.Meta):
        verbose_name = _("工资发放")
        verbose_name_plural = _("工资发放")
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="payroll_once_per_month"),
            *reported_constraints("payroll"),
            models.CheckConstraint(
                condition=Q(gross__gte=0) & Q(net__gte=0), name="payroll_amounts_not_negative"
            ),
        ]


class ApiClient(models.Model):
    """A machine client of the REST API (a bank or the provincial platform), logging in with a DRF token."""

    class Kind(models.TextChoices):
        BANK = "bank", _("银行")
        PLATFORM = "platform", _("省级平台")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_client", verbose_name=_("用户")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    accounts = models.ManyToManyField(
        WageAccount,
        blank=True,
        related_name="api_clients",
        verbose_name=_("托管的工资专用账户"),
        help_text=_("银行只能读写这些账户所属项目的数据"),
    )
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        ordering = ["name"]
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")

    def __str__(self):
        return self.name
