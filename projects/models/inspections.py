"""Site inspections (现场检查)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .core import Project, ProjectChildQuerySet


class Inspection(models.Model):
    """A site inspection with the seven checks of 条例 art. 39."""

    CHECKS = [
        ("check_contracts", _("劳动合同签订")),
        ("check_wage_payment", _("工资按月足额支付")),
        ("check_real_name", _("实名制管理")),
        ("check_account", _("工资专用账户")),
        ("check_contractor_payroll", _("总包代发工资")),
        ("check_deposit", _("工资保证金")),
        ("check_notice_board", _("维权信息告示牌")),
    ]

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="inspections")
    date = models.DateField(_("检查日期"), default=timezone.localdate)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="inspections", verbose_name=_("检查人员")
    )
    check_contracts = models.BooleanField(_("劳动合同签订"), default=True)
    check_wage_payment = models.BooleanField(_("工资按月足额支付"), default=True)
    check_real_name = models.BooleanField(_("实名制管理"), default=True)
    check_account = models.BooleanField(_("工资专用账户"), default=True)
    check_contractor_payroll = models.BooleanField(_("总包代发工资"), default=True)
    check_deposit = models.BooleanField(_("工资保证金"), default=True)
    check_notice_board = models.BooleanField(_("维权信息告示牌"), default=True)
    findings = models.TextField(_("检查发现的问题"), blank=True)
    rectification_required = models.BooleanField(_("责令整改"), default=False)
    rectification_deadline = models.DateField(_("整改期限"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(m2m_fields=[])

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")
        constraints = [
            models.CheckConstraint(
                condition=Q(rectification_required=False) | Q(rectification_deadline__isnull=False),
                name="inspection_rectification_has_deadline",
            ),
        ]

    @property
    def all_passed(self) -> bool:
        return all(getattr(self, name) for name, _label in self.CHECKS)
