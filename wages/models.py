"""Wages worker by worker (DESIGN §8): one pay line per roster entry and month.

A line says what the worker was due for the month and what reached him: days attended (考勤), wage due
(应发), deductions (扣款), net paid (实发), the day and the card it went to (masked, plus a keyed hash to
compare with the card registered on the roster), whether it came from the dedicated wage account, and
the bank's result (成功 / 失败). Owed money and the arrears stock are computed from these lines in
wages/selectors.py.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import ApiClient, Project, RosterEntry
from wagewatch.accounts.scoping import ScopedQuerySet

WAGE = {"max_digits": 12, "decimal_places": 2}


class PayLineQuerySet(ScopedQuerySet):
    """A pay line takes its project's scope, as the roster entry it belongs to does."""

    township_lookup = "project__township"
    department_lookup = "project__department"


class PayLine(models.Model):
    """One worker's wages for one month on one project (工资支付表 / 银行代发明细 / 考勤)."""

    class BankStatus(models.TextChoices):
        NONE = "", _("未知/无")
        OK = "ok", _("成功")
        FAILED = "failed", _("失败")

    class Source(models.TextChoices):
        SHEET = "sheet", _("工资支付表")
        BANK = "bank", _("银行代发")
        ATTENDANCE = "attendance", _("考勤")
        ENTRY = "entry", _("手工录入")

    entry = models.ForeignKey(
        RosterEntry, on_delete=models.CASCADE, related_name="pay_lines", verbose_name=_("花名册记录")
    )
    # = entry.project, kept on the line so that project and county sums need no join through the roster
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="pay_lines", verbose_name=_("项目")
    )
    month = models.DateField(_("工资月份"), help_text=_("该月第一天"))
    days = models.DecimalField(_("出勤天数"), max_digits=5, decimal_places=1, null=True, blank=True)
    due = models.DecimalField(_("应发工资（元）"), **WAGE, null=True, blank=True)
    deductions = models.DecimalField(_("扣款（元）"), **WAGE, default=0)
    # the amount actually paid; empty = nothing paid
    net = models.DecimalField(_("实发工资（元）"), **WAGE, null=True, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    # True: from the dedicated wage account; False: cash or another account; empty: not known
    via_account = models.BooleanField(_("通过专用账户代发"), null=True, blank=True)
    card_masked = models.CharField(_("收款卡号（脱敏）"), max_length=30, blank=True)
    card_hash = models.CharField(max_length=64, blank=True, editable=False)
    bank_reference = models.CharField(_("银行流水号"), max_length=64, null=True, blank=True)
    bank_status = models.CharField(
        _("银行处理结果"), max_length=6, choices=BankStatus.choices, blank=True, default=BankStatus.NONE
    )
    bank_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    signed = models.BooleanField(_("工人已签字"), default=False)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.ENTRY)
    # A bank numbers its own transactions: a reference is unique per reporting client, not across banks.
    api_client = models.ForeignKey(
        ApiClient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报送方"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = PayLineQuerySet.as_manager()

    class Meta:
        ordering = ["project", "month", "entry"]
        verbose_name = _("工资明细")
        verbose_name_plural = _("工资明细")
        indexes = [models.Index(fields=["project", "month"], name="payline_project_month")]
        constraints = [
            models.UniqueConstraint(fields=["entry", "month"], name="payline_once_per_entry_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="payline_month_first_day"),
            models.CheckConstraint(
                condition=(Q(days__isnull=True) | Q(days__gte=0))
                & (Q(due__isnull=True) | Q(due__gte=0))
                & Q(deductions__gte=0)
                & (Q(net__isnull=True) | Q(net__gte=0)),
                name="payline_amounts_not_negative",
            ),
            models.UniqueConstraint(
                fields=["api_client", "bank_reference"], name="payline_reference_unique_per_client"
            ),
            models.UniqueConstraint(
                fields=["bank_reference"],
                condition=Q(api_client__isnull=True),
                name="payline_reference_unique_without_client",
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} #{self.entry_id}"

    @property
    def card_matches(self) -> bool | None:
        """Paid to the card registered on the roster (None when either card is not known).
        Reads ``entry``: select it with the line."""
        if not self.card_hash or not self.entry.card_hash:
            return None
        return self.card_hash == self.entry.card_hash

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("工资月份应为该月第一天")})
        if self.entry_id and self.project_id and self.entry.project_id != self.project_id:
            raise ValidationError({"entry": _("花名册记录不属于该项目")})
