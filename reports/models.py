"""Models of the office's desk: key tasks (重点工作任务清单); report models follow below."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wagewatch.accounts.access import ScopedQuerySet
from wagewatch.accounts.models import Department, Job, Township
from wagewatch.accounts.roles import is_office
from wagewatch.lib import config

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Key tasks ------------------------------------------------------------------------------------------------


class KeyTaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Office and admins: all; others: tasks with an assignment to one of their units (no duplicates)."""
        if is_office(user):
            return self.all()
        return self.filter(pk__in=TaskAssignment.objects.visible_to(user).values("task_id"))


class KeyTask(models.Model):
    """重点工作任务: assigned by the joint-meeting office to member units and/or townships."""

    class Source(models.TextChoices):
        JOINT_MEETING = "joint_meeting", _("县联席会议")
        SUPERIOR = "superior", _("上级交办")
        LEADER = "leader", _("领导批示")
        OFFICE = "office", _("治欠办部署")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        DONE = "done", _("已办结")
        RETURNED = "returned", _("退回整改")

    title = models.CharField(_("任务名称"), max_length=200)
    description = models.TextField(_("任务内容"), blank=True)
    source = models.CharField(
        _("任务来源"), max_length=20, choices=Source.choices, default=Source.JOINT_MEETING
    )
    deadline = models.DateField(_("完成时限"), db_index=True)
    lead_person = models.CharField(_("牵头负责人"), max_length=50, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    history = HistoricalRecords()
    _history_user: "User | None"  # set before a save, read by django-simple-history: who made the change

    objects = KeyTaskQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("重点工作任务")
        verbose_name_plural = _("重点工作任务")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False)
                | (~Q(status="done") & Q(done_at__isnull=True)),
                name="keytask_done_at_iff_done",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status != self.Status.DONE and self.deadline < timezone.localdate()


class TaskAssignmentQuerySet(ScopedQuerySet):
    township_lookup = "township"
    department_lookup = "department"


class TaskAssignment(models.Model):
    """One responsible unit of a task: exactly one department or one township."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待报送")
        REPORTED = "reported", _("已报送")
        ACCEPTED = "accepted", _("已办结")
        RETURNED = "returned", _("已退回")

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    township = models.ForeignKey(
        Township, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    review_note = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    history = HistoricalRecords()
    _history_user: "User | None"  # set before a save, read by django-simple-history: who made the change

    objects = TaskAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["task_id", "department__sort", "township__sort", "pk"]
        verbose_name = _("任务责任单位")
        verbose_name_plural = _("任务责任单位")
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False, township__isnull=True)
                | Q(department__isnull=True, township__isnull=False),
                name="taskassignment_one_unit",
            ),
            models.UniqueConstraint(
                fields=["task", "department"],
                condition=Q(department__isnull=False),
                name="taskassignment_dept_once",
            ),
            models.UniqueConstraint(
                fields=["task", "township"],
                condition=Q(township__isnull=False),
                name="taskassignment_town_once",
            ),
        ]

    def __str__(self):
        return f"{self.task_id} · {self.unit}"

    @property
    def unit(self):
        return self.department or self.township


class TaskProgressQuerySet(ScopedQuerySet):
    township_lookup = "assignment__township"
    department_lookup = "assignment__department"


class TaskProgress(models.Model):
    """A unit's progress report; the attachment is served only through a scoped view."""

    assignment = models.ForeignKey(TaskAssignment, on_delete=models.CASCADE, related_name="progress")
    text = models.TextField(_("进展情况"))
    on = models.DateField(_("报送日期"))
    attachment = models.FileField(_("附件"), upload_to="tasks/%Y/%m/", blank=True, max_length=200)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("报送人"),
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    history = HistoricalRecords()
    _history_user: "User | None"  # set before a save, read by django-simple-history: who made the change

    objects = TaskProgressQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-created_at", "-pk"]
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")

    def __str__(self):
        return f"{self.on} {self.text[:30]}"


# Report runs ----------------------------------------------------------------------------------------------


class ReportRunQuerySet(ScopedQuerySet):
    # Office and admins: every run; inspectors: runs of their townships; department users: theirs (a run
    # has a township only when its scope is a township, a department only when it is a department).
    township_lookup = "township"
    department_lookup = "department"


class ReportRun(Job):
    """One report (PDF + Excel) for a kind, a scope and a date range; asked again, the row is reused."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("季度工作总结")
        WEEKLY = "weekly", _("周调度")
        MONTHLY = "monthly", _("月通报")
        CUSTOM = "custom", _("自定义期间工作总结")

    class Scope(models.TextChoices):
        COUNTY = "county", _("全县")
        TOWNSHIP = "township", _("乡镇")
        DEPARTMENT = "department", _("行业主管部门")

    kind = models.CharField(_("报表类型"), max_length=10, choices=Kind.choices)
    scope = models.CharField(_("范围"), max_length=10, choices=Scope.choices, default=Scope.COUNTY)
    township = models.ForeignKey(
        Township, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇")
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    # "county", "t<id>" or "d<id>": one column for the unique key (NULLs never collide in SQL).
    scope_key = models.CharField(max_length=20, editable=False)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("截止日期"))
    plan = models.TextField(_("下一步工作打算"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/%m/", blank=True, max_length=200)
    xlsx = models.FileField(_("Excel"), upload_to="reports/%Y/%m/", blank=True, max_length=200)
    pages = models.PositiveIntegerField(_("页数"), default=0)
    pdf_size = models.PositiveIntegerField(_("PDF大小（字节）"), default=0)
    xlsx_size = models.PositiveIntegerField(_("Excel大小（字节）"), default=0)
    seconds = models.DecimalField(_("耗时（秒）"), max_digits=8, decimal_places=2, default=0)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("统计报表")
        verbose_name_plural = _("统计报表")
        constraints = [
            models.UniqueConstraint(fields=["kind", "scope_key", "start", "end"], name="reportrun_once"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="reportrun_range_order"),
            models.CheckConstraint(
                condition=Q(scope="county", township__isnull=True, department__isnull=True)
                | Q(scope="township", township__isnull=False, department__isnull=True)
                | Q(scope="department", township__isnull=True, department__isnull=False),
                name="reportrun_scope_matches_unit",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.scope_label} {self.start}—{self.end}"

    @property
    def scope_label(self) -> str:
        if self.scope == self.Scope.TOWNSHIP:
            return str(self.township)
        if self.scope == self.Scope.DEPARTMENT:
            return str(self.department)
        return config.COUNTY_NAME()
