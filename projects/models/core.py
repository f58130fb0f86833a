"""Enterprises and projects: the records every other part of WageWatch hangs on."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wagewatch.accounts.access import ScopedQuerySet, SharedQuerySet
from wagewatch.accounts.models import Department, Township
from wagewatch.lib import law
from wagewatch.lib.bounds import MONEY


class Enterprise(models.Model):
    class Kind(models.TextChoices):
        BUILDER = "builder", _("建设单位")
        CONTRACTOR = "contractor", _("施工总承包单位")
        SUBCONTRACTOR = "subcontractor", _("分包单位")
        LABOUR = "labour", _("劳务企业")
        OTHER = "other", _("其他")

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("单位名称"), max_length=100, db_index=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    kind = models.CharField(_("单位类型"), max_length=14, choices=Kind.choices, default=Kind.CONTRACTOR)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = SharedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self):
        return self.name


class ProjectQuerySet(ScopedQuerySet):
    township_lookup = "township"
    department_lookup = "department"

    def active_on(self, day):
        """Projects under way on ``day``: started, not yet completed (在建、停工、完工待验收)."""
        return self.filter(start_date__lte=day).filter(Q(completed_on__isnull=True) | Q(completed_on__gt=day))


class Project(models.Model):
    class Investment(models.TextChoices):
        GOVERNMENT = "government", _("政府投资")
        STATE = "state", _("国有企业投资")
        PRIVATE = "private", _("社会投资")
        PPP = "ppp", _("PPP")

    class Status(models.TextChoices):
        BUILDING = "building", _("在建")
        SUSPENDED = "suspended", _("停工")
        AWAITING = "awaiting", _("完工待验收")
        COMPLETED = "completed", _("已竣工")

    class Grade(models.IntegerChoices):
        NONE = 0, _("无隐患")
        GENERAL = 1, _("一般隐患")
        SERIOUS = 2, _("严重隐患")

    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=150, db_index=True)
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="projects", verbose_name=_("所在乡镇")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="projects", verbose_name=_("行业主管部门")
    )
    investment_type = models.CharField(_("投资类型"), max_length=12, choices=Investment.choices)
    builder = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="built_projects", verbose_name=_("建设单位")
    )
    contractor = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="contracted_projects",
        verbose_name=_("施工总承包单位"),
    )
    address = models.CharField(_("项目地址"), max_length=200, blank=True)
    contract_price = models.DecimalField(
        _("合同价款（元）"), **MONEY, validators=[MinValueValidator(Decimal(0))]
    )
    contract_date = models.DateField(_("合同签订日期"))
    start_date = models.DateField(_("开工日期"))
    planned_finish = models.DateField(_("计划竣工日期"))
    completed_on = models.DateField(_("竣工日期"), null=True, blank=True)
    status = models.CharField(
        _("项目状态"), max_length=10, choices=Status.choices, default=Status.BUILDING, db_index=True
    )
    labour_share = models.DecimalField(
        _("人工费用比例"),
        max_digits=5,
        decimal_places=4,
        default=law.labour_share_default,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    payday = models.PositiveSmallIntegerField(
        _("工资支付日"), default=15, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    wage_admin = models.CharField(_("劳资专管员"), max_length=30, blank=True)
    wage_admin_phone = models.CharField(_("劳资专管员电话"), max_length=30, blank=True)
    notice_board = models.BooleanField(_("已设维权信息告示牌"), default=False)
    risk_grade = models.PositiveSmallIntegerField(
        _("隐患等级"), choices=Grade.choices, default=Grade.NONE, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("在建项目")
        verbose_name_plural = _("在建项目")
        indexes = [
            # the project list's default order (projects.selectors.project_list): a page is read in index
            # order instead of joining and sorting every project (bench/load.py)
            models.Index(F("start_date").desc(), "code", "id", name="project_list_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(contract_price__gte=0), name="project_price_not_negative"),
            models.CheckConstraint(
                condition=Q(labour_share__gte=0) & Q(labour_share__lte=1), name="project_labour_share_0_1"
            ),
        ]

    def __str__(self):
        return gettext("%(name)s（%(code)s）") % {"name": self.name, "code": self.code}

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("projects:detail", args=[self.pk])


class ProjectChildQuerySet(ScopedQuerySet):
    """Records that belong to one project take its scope."""

    township_lookup = "project__township"
    department_lookup = "project__department"


class Subcontract(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="subcontracts")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="subcontracts", verbose_name=_("分包单位")
    )
    scope = models.CharField(_("分包内容"), max_length=100, blank=True)
    amount = models.DecimalField(_("分包合同价款（元）"), **MONEY, null=True, blank=True)
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("分包合同")
        verbose_name_plural = _("分包合同")
        constraints = [models.UniqueConstraint(fields=["project", "enterprise"], name="subcontract_unique")]
