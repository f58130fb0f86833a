"""The arrears-risk sweep's records: its rules, the hazards it opens and its runs."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wagewatch.accounts.access import ScopedQuerySet
from wagewatch.accounts.models import Department, Job

from .core import Project

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class RiskRule(models.Model):
    """A registered arrears-risk rule: the code lives in risk/rules/, its settings here."""

    code = models.CharField(_("规则代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    severity = models.PositiveSmallIntegerField(
        _("默认等级"), choices=Project.Grade.choices[1:], default=Project.Grade.GENERAL
    )
    thresholds = models.JSONField(_("阈值"), default=dict, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("隐患规则")
        verbose_name_plural = _("隐患规则")

    def __str__(self):
        return f"{self.code} {self.label}"

    # The row keeps the registered name and description (risk/rules/, in the catalogue) in the site's
    # language; these read them in the reader's. A name or description the office has changed is not in
    # the catalogue and reads as typed.
    @property
    def label(self) -> str:
        return gettext(self.name)

    @property
    def explanation(self) -> str:
        return gettext(self.description) if self.description else ""


class HazardQuerySet(ScopedQuerySet):
    township_lookup = "project__township"
    department_lookup = "department"


HISTORY_NOT_INDEXED = ["project", "rule", "status", "department", "opened_at", "closed_at", "closed_by"]


class Hazard(models.Model):
    """欠薪隐患: one open per (project, rule); written only by the sweep and by close-out (销号)."""

    class Status(models.TextChoices):
        OPEN = "open", _("未销号")
        CLOSED = "closed", _("已销号")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="hazards")
    rule = models.ForeignKey(
        RiskRule, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("规则")
    )
    severity = models.PositiveSmallIntegerField(_("隐患等级"), choices=Project.Grade.choices[1:])
    # indexed in Meta.indexes: a plain index (db_index=True would add a LIKE one, varchar_pattern_ops)
    status = models.CharField(_("状态"), max_length=6, choices=Status.choices, default=Status.OPEN)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("责任部门")
    )
    detail = models.TextField(_("隐患情况"), blank=True)
    opened_at = models.DateTimeField(_("发现时间"), default=timezone.now, db_index=True)
    deadline = models.DateField(_("整改期限"))
    calendar_complete = models.BooleanField(default=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("销号人"),
    )
    close_note = models.TextField(_("销号说明"), blank=True)
    auto_closed = models.BooleanField(_("自动销号"), default=False)
    # the history is read by hazard (id) in time order (history_date): the hazard page, the admin and the
    # reports' levels at a moment (reports/figures/hazards.py level_at); the sweep writes thousands of rows at
    # a time, so the other columns are not indexed (history_user's FK keeps its own, outside this list)
    history = HistoricalRecords(no_db_index=HISTORY_NOT_INDEXED)
    _history_user: "User | None"  # set before a save, read by django-simple-history: who made the change

    objects = HazardQuerySet.as_manager()

    class Meta:
        ordering = ["-severity", "deadline"]
        verbose_name = _("欠薪隐患")
        verbose_name_plural = _("欠薪隐患")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "rule"],
                condition=Q(status="open"),
                name="hazard_one_open_per_project_rule",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False), name="hazard_closed_has_time"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="hazard_status")]


class SweepRun(Job):
    """One run of the arrears-risk sweep (nightly or on demand)."""

    class Trigger(models.TextChoices):
        BEAT = "beat", _("定时")
        MANUAL = "manual", _("手动")

    trigger = models.CharField(_("触发方式"), max_length=6, choices=Trigger.choices, default=Trigger.BEAT)
    projects_checked = models.PositiveIntegerField(_("检查项目数"), default=0)
    hazards_opened = models.PositiveIntegerField(_("新发现隐患"), default=0)
    hazards_closed = models.PositiveIntegerField(_("自动销号"), default=0)
    hazards_changed = models.PositiveIntegerField(_("等级变化"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("隐患排查运行记录")
        verbose_name_plural = _("隐患排查运行记录")
