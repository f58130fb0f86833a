"""Excel import jobs (roster, project list, pay sheet, attendance)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagewatch.accounts.access import ScopedQuerySet
from wagewatch.accounts.models import Job, Township

from .core import Project


class ImportJob(Job):
    """An Excel import: uploaded, checked (preview), confirmed; large files run in Celery with progress."""

    class Kind(models.TextChoices):
        ROSTER = "roster", _("花名册")
        PROJECTS = "projects", _("在建项目清单")
        PAY_SHEET = "pay_sheet", _("工资支付表")
        ATTENDANCE = "attendance", _("考勤")
        GOLIVE = "golive", _("上线初始化")
        ROSTERS = "rosters", _("多项目花名册")

    class Stage(models.TextChoices):
        PREVIEW = "preview", _("预检")
        CONFIRM = "confirm", _("导入")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    stage = models.CharField(_("阶段"), max_length=8, choices=Stage.choices, default=Stage.PREVIEW)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="imports"
    )
    township = models.ForeignKey(Township, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # the parameters of a wage import (pay sheet, attendance): the month its lines are for (its first day)
    # and the pay date of the lines whose row gives none, both from the upload form
    month = models.DateField(_("工资月份"), null=True, blank=True)
    pay_date = models.DateField(_("发放日期"), null=True, blank=True)
    # the go-live workbook's day (golive): the day its opening entries describe, from the upload form
    as_of = models.DateField(_("初始数据截至日期"), null=True, blank=True)
    # what the preview kept of the upload (wagewatch/imports/pipeline.py); emptied when the import ends
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    error_count = models.PositiveIntegerField(_("错误"), default=0)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    # shown on the preview so nobody confirms without seeing them: identity changes, unread columns
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    ignored_columns = models.JSONField(_("未导入的列"), default=list, blank=True)
    # a batch of rosters (ROSTERS): each file or sheet with its project(s), rows and errors, for the preview
    parts = models.JSONField(_("文件明细"), default=list, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
