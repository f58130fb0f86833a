from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Township(models.Model):
    """乡镇/街道: the unit of an inspector's jurisdiction."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("乡镇（街道）")
        verbose_name_plural = _("乡镇（街道）")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """联席会议成员单位 / 行业主管部门."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry", _("行业主管部门")
        MEMBER = "member", _("联席会议成员单位")

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.INDUSTRY)
    contact = models.CharField(_("联系人"), max_length=30, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    OFFICE = "office", _("治欠办工作人员")
    INSPECTOR = "inspector", _("劳动保障监察员")
    DEPARTMENT = "department", _("行业主管部门用户")


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    townships = models.ManyToManyField(Township, blank=True, related_name="profiles", verbose_name=_("辖区"))
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="profiles",
        verbose_name=_("所属部门"),
    )
    is_approver = models.BooleanField(
        _("审批权限"), default=False, help_text=_("可批准延期、查看完整身份证号码、决定黑名单")
    )
    phone = models.CharField(_("办公电话"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("用户档案")
        verbose_name_plural = _("用户档案")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="department") | models.Q(department__isnull=False),
                name="profile_department_user_has_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"


class Holiday(models.Model):
    """One day that differs from the Mon–Fri rule: a public holiday, or a weekend made a working day."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(
        _("调休上班"), default=False, help_text=_("勾选表示周末调休上班；不勾选表示法定节假日")
    )
    name = models.CharField(_("名称"), max_length=30, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class HolidayYear(models.Model):
    """A year whose holiday rows an admin has finished entering: only then do its deadlines count as exact."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    complete = models.BooleanField(
        _("节假日已录全"), default=False, help_text=_("勾选后，期限按该年节假日重新计算")
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("确认人"),
    )
    marked_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")

    def __str__(self) -> str:
        return str(self.year)


class RevealLog(models.Model):
    """Every time a user sees a full personal number (PIPL)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    object_label = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    field = models.CharField(max_length=40)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("查看个人信息记录")
        verbose_name_plural = _("查看个人信息记录")


class WorkerHeartbeat(models.Model):
    """Written by a Celery task: the ops page shows when a worker last ran a job."""

    hostname = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("后台任务心跳")
        verbose_name_plural = _("后台任务心跳")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """Abstract base of every background job: first a row, then (best effort) a Celery message."""

    status = models.CharField(
        _("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now)
    # when its Celery message was handed to the broker; null: not sent yet (broker down) — jobs.py
    sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True


class Notification(models.Model):
    """An in-app message; one per (user, event) so a re-run job never sends twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event_key = models.CharField(max_length=120)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        constraints = [
            models.UniqueConstraint(fields=["user", "event_key"], name="notification_once_per_event")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class NumberCounter(models.Model):
    """Last number issued per (sequence, year): case numbers, document numbers, certificate serials."""

    name = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("编号计数器")
        verbose_name_plural = _("编号计数器")
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="number_counter_unique_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.value}"


class FormToken(models.Model):
    """A one-time form token, claimed in the transaction of the write it guards (see accounts/once.py)."""

    token = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    result_url = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("表单令牌")
        verbose_name_plural = _("表单令牌")

    def __str__(self) -> str:
        return self.token
