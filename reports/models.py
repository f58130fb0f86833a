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


# Campaigns (专项行动) --------------------------------------------------------------------------------------


class CampaignQuerySet(ScopedQuerySet):
    # As report runs: office and admins all; inspectors their townships' campaigns; department users theirs.
    township_lookup = "township"
    department_lookup = "department"


class Campaign(models.Model):
    """A campaign (专项行动, e.g. 冬季攻坚行动): a period of its own, with a scope and the office's targets;
    its report gives the position on the first and the last day and the work in between (DESIGN §9)."""

    class Scope(models.TextChoices):
        COUNTY = "county", _("全县")
        TOWNSHIP = "township", _("乡镇")
        DEPARTMENT = "department", _("行业主管部门")

    name = models.CharField(_("行动名称"), max_length=100)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    scope = models.CharField(_("范围"), max_length=10, choices=Scope.choices, default=Scope.COUNTY)
    township = models.ForeignKey(
        Township, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇")
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    description = models.TextField(_("工作要求"), blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    history = HistoricalRecords()
    _history_user: "User | None"

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-pk"]
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="campaign_range_order"),
            models.CheckConstraint(
                condition=Q(scope="county", township__isnull=True, department__isnull=True)
                | Q(scope="township", township__isnull=False, department__isnull=True)
                | Q(scope="department", township__isnull=True, department__isnull=False),
                name="campaign_scope_matches_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_label(self) -> str:
        if self.scope == self.Scope.TOWNSHIP:
            return str(self.township)
        if self.scope == self.Scope.DEPARTMENT:
            return str(self.department)
        return config.COUNTY_NAME()


class CampaignTarget(models.Model):
    """One of the office's targets for a campaign: a figure of its report and the value aimed at."""

    class Figure(models.TextChoices):
        # each a flow of the report (DESIGN §3) counted over the campaign's days: reports/campaigns.py
        HAZARDS_FOUND = "hazards_found", _("排查发现欠薪隐患（条）")
        HAZARDS_CLOSED = "hazards_closed", _("欠薪隐患销号（条）")
        CASES_RECEIVED = "cases_received", _("受理投诉举报（件）")
        CASES_CLOSED = "cases_closed", _("办结案件（件）")
        RECOVERED = "recovered", _("追回工资（万元）")
        WORKERS = "workers", _("帮助农民工（人）")
        PROJECTS_INSPECTED = "projects_inspected", _("检查在建项目（个）")
        EMPLOYERS_INSPECTED = "employers_inspected", _("检查用人单位（家）")
        ORDERS = "orders", _("下达执法文书（份）")
        INTERVIEWS = "interviews", _("约谈用人单位（次）")
        BLACKLIST_NOTICES = "blacklist_notices", _("送达失信事先告知书（家）")
        BLACKLIST_ADDED = "blacklist_added", _("列入失信名单（家）")
        CRIMINAL = "criminal", _("移送公安机关（件）")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    figure = models.CharField(_("指标"), max_length=30, choices=Figure.choices)
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2)
    history = HistoricalRecords()
    _history_user: "User | None"

    class Meta:
        ordering = ["campaign_id", "pk"]
        verbose_name = _("行动目标")
        verbose_name_plural = _("行动目标")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "figure"], name="campaigntarget_once"),
            models.CheckConstraint(condition=Q(target__gt=0), name="campaigntarget_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_figure_display()} {self.target}"


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
        CAMPAIGN = "campaign", _("专项行动总结")

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
    # a campaign's report (kind CAMPAIGN): one row per campaign, its scope and days copied from the campaign
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="runs",
        verbose_name=_("专项行动"),
    )
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
            models.UniqueConstraint(
                fields=["kind", "scope_key", "start", "end"],
                condition=Q(campaign__isnull=True),
                name="reportrun_once",
            ),
            models.UniqueConstraint(
                fields=["campaign"], condition=Q(campaign__isnull=False), name="reportrun_campaign_once"
            ),
            models.CheckConstraint(
                condition=Q(kind="campaign", campaign__isnull=False)
                | (~Q(kind="campaign") & Q(campaign__isnull=True)),
                name="reportrun_campaign_iff_kind",
            ),
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
