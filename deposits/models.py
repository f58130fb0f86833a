"""Wage deposits (工资保证金), guarantee letters (保函), their ledger and the emergency revolving fund."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from complaints.models import EnforcementOrder
from projects.models import Enterprise, Project
from wagewatch.accounts.access import CountyQuerySet, ScopedQuerySet
from wagewatch.accounts.models import Township
from wagewatch.lib.bounds import MONEY

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ZERO = Decimal("0.00")


class DepositQuerySet(ScopedQuerySet):
    township_lookup = "project__township"
    department_lookup = "project__department"


class WageDeposit(models.Model):
    """One project's wage deposit: the cash balance (kept equal to its entries) and the return workflow."""

    class Form(models.TextChoices):
        CASH = "cash", _("现金")
        GUARANTEE = "guarantee", _("保函")

    class Status(models.TextChoices):
        HELD = "held", _("在缴")
        RETURNING = "returning", _("退还中")
        RETURNED = "returned", _("已退还")
        EXEMPT = "exempt", _("免缴")

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="deposit")
    form = models.CharField(_("缴纳形式"), max_length=10, choices=Form.choices, default=Form.CASH)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.HELD, db_index=True
    )
    balance = models.DecimalField(_("现金余额（元）"), **MONEY, default=ZERO)
    exempt = models.BooleanField(_("免缴"), default=False)
    exemption_reason = models.TextField(_("免缴理由"), blank=True)
    exempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exempted_on = models.DateField(_("免缴决定日期"), null=True, blank=True)
    # Return workflow (DESIGN §2.4): completion + promise → 30-day notice → review (5 wd) → return (3 wd).
    work_completed_on = models.DateField(_("完工日期"), null=True, blank=True)
    promise_received_on = models.DateField(_("无拖欠书面承诺收到日期"), null=True, blank=True)
    notice_from = models.DateField(_("公示开始"), null=True, blank=True)
    notice_to = models.DateField(_("公示结束"), null=True, blank=True)
    review_due = models.DateField(_("审核期限"), null=True, blank=True)
    review_done_on = models.DateField(_("审核完成日期"), null=True, blank=True)
    return_due = models.DateField(_("退还期限"), null=True, blank=True)
    returned_on = models.DateField(_("退还日期"), null=True, blank=True)
    calendar_complete = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()
    _history_user: "User | None"  # set before a save, read by django-simple-history: who made the change

    objects = DepositQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("工资保证金")
        verbose_name_plural = _("工资保证金")
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="deposit_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(exempt=False) | ~Q(exemption_reason=""), name="deposit_exemption_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(notice_to__isnull=True) | Q(notice_to__gte=F("notice_from")),
                name="deposit_notice_in_order",
            ),
        ]

    def __str__(self):
        return str(self.project)

    def review_overdue(self, today) -> bool:
        return bool(self.review_due and not self.review_done_on and today > self.review_due)

    def return_overdue(self, today) -> bool:
        return bool(self.return_due and not self.returned_on and today > self.return_due)


class GuaranteeQuerySet(ScopedQuerySet):
    township_lookup = "deposit__project__township"
    department_lookup = "deposit__project__department"

    def in_force(self, day):
        """Letters valid on ``day`` and not released (unknown dates count as valid: go-live rows)."""
        return self.filter(released_on__isnull=True).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class Guarantee(models.Model):
    """A bank / insurance / guarantee-company letter (保函) replacing cash."""

    class IssuerKind(models.TextChoices):
        BANK = "bank", _("银行保函")
        INSURANCE = "insurance", _("保险保函")
        GUARANTOR = "guarantor", _("工程担保公司保函")

    deposit = models.ForeignKey(WageDeposit, on_delete=models.PROTECT, related_name="guarantees")
    issuer_kind = models.CharField(_("出具机构类型"), max_length=10, choices=IssuerKind.choices)
    issuer_name = models.CharField(_("出具机构"), max_length=100, blank=True)
    number = models.CharField(_("保函编号"), max_length=60, blank=True)
    amount = models.DecimalField(_("担保金额（元）"), **MONEY)
    valid_from = models.DateField(_("有效期自"), null=True, blank=True)
    valid_to = models.DateField(_("有效期至"), null=True, blank=True)
    released_on = models.DateField(_("解除日期"), null=True, blank=True)
    flags = models.JSONField(_("提示"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = GuaranteeQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_to", "-id"]
        verbose_name = _("保函")
        verbose_name_plural = _("保函")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="guarantee_amount_positive"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="guarantee_valid_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.get_issuer_kind_display()} {self.number}".strip()


class EntryQuerySet(ScopedQuerySet):
    township_lookup = "deposit__project__township"
    department_lookup = "deposit__project__department"


class DepositEntry(models.Model):
    """One movement of a deposit's cash; the deposit's balance is the signed sum of these."""

    class Kind(models.TextChoices):
        OPENING = "opening_balance", _("期初余额")
        PAID_IN = "paid_in", _("缴存")
        TOPPED_UP = "topped_up", _("补足")
        DRAWN = "drawn", _("动用")
        RETURNED = "returned", _("退还")

    OUTFLOWS = (Kind.DRAWN, Kind.RETURNED)

    deposit = models.ForeignKey(WageDeposit, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    date = models.DateField(_("日期"), default=timezone.localdate)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # written by the go-live workbook (golive) with its real date: a draw before the system has no order in it
    opening = models.BooleanField(_("上线导入"), default=False)
    order = models.ForeignKey(
        EnforcementOrder,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deposit_draws",
        verbose_name=_("依据文书"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("保证金收支记录")
        verbose_name_plural = _("保证金收支记录")
        indexes = [models.Index(fields=["kind", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_entry_amount_positive"),
            models.CheckConstraint(
                condition=~Q(kind="drawn") | Q(order__isnull=False) | Q(opening=True),
                name="deposit_draw_has_order",
            ),
        ]

    @property
    def signed_amount(self) -> Decimal:
        return -self.amount if self.kind in self.OUTFLOWS else self.amount


class DrawRequest(models.Model):
    """An inspector asks to draw a deposit; office staff approve (the draw entry) or refuse."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("不予批准")

    deposit = models.ForeignKey(WageDeposit, on_delete=models.PROTECT, related_name="draw_requests")
    order = models.ForeignKey(
        EnforcementOrder, on_delete=models.PROTECT, related_name="+", verbose_name=_("依据文书")
    )
    amount = models.DecimalField(_("申请金额（元）"), **MONEY)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    entry = models.OneToOneField(
        DepositEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("动用申请")
        verbose_name_plural = _("动用申请")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="draw_request_amount_positive")]


class EmergencyFund(models.Model):
    """应急周转金: one row for the county; balance = the signed sum of its entries, never negative."""

    key = models.CharField(max_length=20, unique=True, default="county", editable=False)
    name = models.CharField(_("名称"), max_length=60, default=_("应急周转金"))
    balance = models.DecimalField(_("余额（元）"), **MONEY, default=ZERO)
    history = HistoricalRecords()

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("应急周转金")
        verbose_name_plural = _("应急周转金")
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="fund_balance_not_negative"),
            models.CheckConstraint(condition=Q(key="county"), name="fund_single_row"),
        ]

    def __str__(self):
        return str(self.name)


class AdvanceQuerySet(ScopedQuerySet):
    township_lookup = "township"
    department_lookup = "project__department"


class EmergencyAdvance(models.Model):
    """An advance paid to workers when the employer cannot or will not pay (垫付), recovered later."""

    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advances",
        verbose_name=_("项目"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="advances", verbose_name=_("欠薪单位")
    )
    township = models.ForeignKey(
        Township, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇")
    )
    amount = models.DecimalField(_("垫付金额（元）"), **MONEY)
    recovered = models.DecimalField(_("已追回（元）"), **MONEY, default=ZERO)
    workers = models.PositiveIntegerField(_("垫付人数"))
    paid_on = models.DateField(_("垫付日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    objects = AdvanceQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("应急周转金垫付")
        verbose_name_plural = _("应急周转金垫付")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="advance_amount_positive"),
            models.CheckConstraint(
                condition=Q(recovered__gte=0) & Q(recovered__lte=F("amount")),
                name="advance_recovered_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.recovered


class FundEntry(models.Model):
    """One movement of the emergency fund: capital in, an advance out, a recovery in."""

    class Kind(models.TextChoices):
        CAPITAL = "capital", _("注资")
        ADVANCE = "advance", _("垫付")
        RECOVERY = "recovery", _("追回")

    fund = models.ForeignKey(EmergencyFund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    date = models.DateField(_("日期"), default=timezone.localdate)
    advance = models.ForeignKey(
        EmergencyAdvance, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = CountyQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("应急周转金收支")
        verbose_name_plural = _("应急周转金收支")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_entry_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind="capital") | Q(advance__isnull=False), name="fund_entry_advance_linked"
            ),
        ]

    @property
    def signed_amount(self) -> Decimal:
        return -self.amount if self.kind == self.Kind.ADVANCE else self.amount
