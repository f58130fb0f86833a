"""Inspections (劳动保障监察检查): of a construction site (现场检查, the seven checks) or of any employer
without a project (a restaurant, a factory: 用人单位检查), with the money and workers they recovered."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wagewatch.accounts.access import ScopedQuerySet
from wagewatch.accounts.models import Township
from wagewatch.lib.bounds import MONEY

from .core import Enterprise, Project


class InspectionQuerySet(ScopedQuerySet):
    """A site inspection takes its project's township; an employer inspection has its own. A department
    sees the inspections of its projects (an employer without a project belongs to no department)."""

    township_lookup = ("project__township", "township")
    department_lookup = "project__department"

    def of_projects(self) -> "InspectionQuerySet":
        return self.filter(project__isnull=False)

    def of_employers(self) -> "InspectionQuerySet":
        """Inspections of an employer without a project."""
        return self.filter(project__isnull=True)


# The seven checks of a construction site (条例 art. 39): (field, label)
SITE_CHECK_LABELS = [
    ("check_contracts", _("劳动合同签订")),
    ("check_wage_payment", _("工资按月足额支付")),
    ("check_real_name", _("实名制管理")),
    ("check_account", _("工资专用账户")),
    ("check_contractor_payroll", _("总包代发工资")),
    ("check_deposit", _("工资保证金")),
    ("check_notice_board", _("维权信息告示牌")),
]
SITE_CHECKS = tuple(name for name, _label in SITE_CHECK_LABELS)


class Inspection(models.Model):
    """An inspection: of a project's site with the seven checks of 条例 art. 39, or of an employer without a
    project (the checks then stay empty: they are about construction sites)."""

    CHECKS = SITE_CHECK_LABELS

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="inspections",
        null=True,
        blank=True,
        verbose_name=_("检查项目"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="inspections",
        null=True,
        blank=True,
        verbose_name=_("被检查用人单位"),
        help_text=_("项目检查不填时为施工总承包单位"),
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("所在乡镇"),
        help_text=_("无项目的用人单位检查的管辖乡镇；项目检查以项目所在乡镇为准"),
    )
    date = models.DateField(_("检查日期"), default=timezone.localdate)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="inspections", verbose_name=_("检查人员")
    )
    check_contracts = models.BooleanField(_("劳动合同签订"), null=True, blank=True, default=True)
    check_wage_payment = models.BooleanField(_("工资按月足额支付"), null=True, blank=True, default=True)
    check_real_name = models.BooleanField(_("实名制管理"), null=True, blank=True, default=True)
    check_account = models.BooleanField(_("工资专用账户"), null=True, blank=True, default=True)
    check_contractor_payroll = models.BooleanField(_("总包代发工资"), null=True, blank=True, default=True)
    check_deposit = models.BooleanField(_("工资保证金"), null=True, blank=True, default=True)
    check_notice_board = models.BooleanField(_("维权信息告示牌"), null=True, blank=True, default=True)
    findings = models.TextField(_("检查发现的问题"), blank=True)
    rectification_required = models.BooleanField(_("责令整改"), default=False)
    rectification_deadline = models.DateField(_("整改期限"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    amount_recovered = models.DecimalField(
        _("追回工资金额（元）"), **MONEY, default=0, validators=[MinValueValidator(0)]
    )
    workers_involved = models.PositiveIntegerField(_("涉及农民工人数"), default=0)
    workers_paid = models.PositiveIntegerField(_("兑付农民工人数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(m2m_fields=[])

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(rectification_required=False) | Q(rectification_deadline__isnull=False),
                name="inspection_rectification_has_deadline",
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(enterprise__isnull=False, township__isnull=False),
                name="inspection_project_or_employer",
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=True) | Q(township__isnull=True),
                name="inspection_project_township_from_project",
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(**{f"{name}__isnull": True for name in SITE_CHECKS}),
                name="inspection_site_checks_only_on_projects",
            ),
            models.CheckConstraint(
                condition=Q(amount_recovered__gte=0) & Q(workers_paid__lte=models.F("workers_involved")),
                name="inspection_recovered_in_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.target_name}"

    @property
    def employer(self) -> Enterprise | None:
        """The employer inspected: the one recorded, else the project's general contractor."""
        return self.enterprise if self.enterprise_id else (self.project.contractor if self.project else None)

    @property
    def target_name(self) -> str:
        return self.project.name if self.project else (self.enterprise.name if self.enterprise else "")

    @property
    def jurisdiction(self) -> Township | None:
        """The township the inspection belongs to: its project's, else its own."""
        return self.project.township if self.project else self.township

    @property
    def failed_checks(self) -> list[str]:
        """Labels of the site checks not passed (none for an employer inspection)."""
        return [str(label) for name, label in self.CHECKS if getattr(self, name) is False]

    @property
    def all_passed(self) -> bool | None:
        """All seven site checks passed; None for an employer inspection (no site checks)."""
        if self.project_id is None:
            return None
        return all(getattr(self, name) for name, _label in self.CHECKS)
