"""Projects, enterprises, real-name rosters, the dedicated wage account, payroll and inspections."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wagewatch.accounts.models import Department, Job, Township
from wagewatch.accounts.scoping import ScopedQuerySet
from wagewatch.lib.fields import EncryptedCharField
from wagewatch.lib.masking import mask_id, mask_phone

MONEY = {"max_digits": 16, "decimal_places": 2}


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
        default=Decimal("0.20"),
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
        constraints = [
            models.CheckConstraint(condition=Q(contract_price__gte=0), name="project_price_not_negative"),
            models.CheckConstraint(
                condition=Q(labour_share__gte=0) & Q(labour_share__lte=1), name="project_labour_share_0_1"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

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


class WorkerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Workers on at least one roster the user may see."""
        entries = RosterEntry.objects.visible_to(user).values("worker_id")
        return self.filter(pk__in=entries)


class Worker(models.Model):
    """A person, once in the county, whatever projects he works on. Numbers encrypted (PIPL)."""

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    id_number = EncryptedCharField(_("公民身份号码"))
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    phone = EncryptedCharField(_("联系电话"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # an identity change records old and new values (phone masked) in its reason, which may pass 100 chars
    history = HistoricalRecords(
        excluded_fields=["id_number", "phone"], history_change_reason_field=models.TextField(null=True)
    )

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("工人")
        verbose_name_plural = _("工人")

    def __str__(self):
        return f"{self.name} {self.masked_id}"

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class RosterEntry(models.Model):
    """A worker on a project's real-name roster (实名制花名册)."""

    class PayMethod(models.TextChoices):
        BANK = "bank", _("银行代发")
        CASH = "cash", _("现金")
        OTHER = "other", _("其他")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roster")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="roster_entries")
    employer = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("用工单位"),
    )
    employer_name = models.CharField(_("用工单位名称"), max_length=100, blank=True)
    team = models.CharField(_("班组"), max_length=50, blank=True)
    trade = models.CharField(_("工种"), max_length=50, blank=True)
    entry_date = models.DateField(_("进场日期"))
    exit_date = models.DateField(_("退场日期"), null=True, blank=True)
    contract_signed = models.BooleanField(_("已签劳动合同"), default=False)
    pay_method = models.CharField(
        _("工资发放方式"), max_length=5, choices=PayMethod.choices, default=PayMethod.BANK
    )
    bank = models.CharField(_("开户银行"), max_length=50, blank=True)
    card_masked = models.CharField(_("工资卡号（脱敏）"), max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ["project", "team", "id"]
        verbose_name = _("花名册记录")
        verbose_name_plural = _("花名册")
        constraints = [
            models.UniqueConstraint(fields=["project", "worker"], name="roster_worker_once_per_project"),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=models.F("entry_date")),
                name="roster_exit_after_entry",
            ),
        ]


class WageAccount(models.Model):
    """农民工工资专用账户, opened by the general contractor."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="wage_account")
    bank = models.CharField(_("开户银行"), max_length=60)
    account_number = models.CharField(_("账号"), max_length=40)
    opened_on = models.DateField(_("开户日期"))
    agreement_signed = models.BooleanField(_("已签三方协议"), default=False)
    closed_on = models.DateField(_("销户日期"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("工资专用账户")
        verbose_name_plural = _("工资专用账户")


class LabourCostTransfer(models.Model):
    """建设单位按月拨付的人工费用."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transfers")
    month = models.DateField(_("所属月份"), help_text=_("该月第一天"))
    amount = models.DecimalField(_("拨付金额（元）"), **MONEY)
    transferred_on = models.DateField(_("拨付日期"))
    bank_reference = models.CharField(_("银行流水号"), max_length=64, null=True, blank=True)
    # A bank numbers its own transactions: a reference is unique per reporting client, not across banks.
    api_client = models.ForeignKey(
        "ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报送方"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ["project", "month"]
        verbose_name = _("人工费拨付")
        verbose_name_plural = _("人工费拨付")
        indexes = [models.Index(fields=["project", "month"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(condition=Q(month__day=1), name="transfer_month_first_day"),
            models.UniqueConstraint(
                fields=["api_client", "bank_reference"], name="transfer_reference_unique_per_client"
            ),
            models.UniqueConstraint(
                fields=["bank_reference"],
                condition=Q(api_client__isnull=True),
                name="transfer_reference_unique_without_client",
            ),
        ]


class Payroll(models.Model):
    """One project-month of wages: headcounts and totals (per-worker lines are not needed by any rule)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="payrolls")
    month = models.DateField(_("工资月份"), help_text=_("该月第一天"))
    attended = models.PositiveIntegerField(_("出勤人数"))
    paid = models.PositiveIntegerField(_("实发人数"))
    gross = models.DecimalField(_("应发工资（元）"), **MONEY)
    net = models.DecimalField(_("实发工资（元）"), **MONEY)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    via_account = models.BooleanField(_("通过专用账户代发"), default=True)
    bank_reference = models.CharField(_("银行流水号"), max_length=64, null=True, blank=True)
    # A bank numbers its own transactions: a reference is unique per reporting client, not across banks.
    api_client = models.ForeignKey(
        "ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报送方"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ["project", "month"]
        verbose_name = _("工资发放")
        verbose_name_plural = _("工资发放")
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="payroll_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="payroll_month_first_day"),
            models.UniqueConstraint(
                fields=["api_client", "bank_reference"], name="payroll_reference_unique_per_client"
            ),
            models.UniqueConstraint(
                fields=["bank_reference"],
                condition=Q(api_client__isnull=True),
                name="payroll_reference_unique_without_client",
            ),
            models.CheckConstraint(
                condition=Q(gross__gte=0) & Q(net__gte=0), name="payroll_amounts_not_negative"
            ),
        ]


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


class ImportJob(Job):
    """An Excel import: uploaded, checked (preview), confirmed; large files run in Celery with progress."""

    class Kind(models.TextChoices):
        ROSTER = "roster", _("花名册")
        PROJECTS = "projects", _("在建项目清单")

    class Stage(models.TextChoices):
        PREVIEW = "preview", _("预检")
        CONFIRM = "confirm", _("导入")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    stage = models.CharField(_("阶段"), max_length=8, choices=Stage.choices, default=Stage.PREVIEW)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="imports"
    )
    township = models.ForeignKey(Township, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
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

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")


class RiskRule(models.Model):
    """A registered arrears-risk rule: the code lives in projects/risk/rules.py, its settings here."""

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
        return f"{self.code} {self.name}"


class HazardQuerySet(ScopedQuerySet):
    township_lookup = "project__township"
    department_lookup = "department"


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
    status = models.CharField(
        _("状态"), max_length=6, choices=Status.choices, default=Status.OPEN, db_index=True
    )
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
    history = HistoricalRecords()

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


class ApiClient(models.Model):
    """A machine client of the REST API (a bank or the provincial platform), logging in with a DRF token."""

    class Kind(models.TextChoices):
        BANK = "bank", _("银行")
        PLATFORM = "platform", _("省级平台")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_client", verbose_name=_("用户")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    accounts = models.ManyToManyField(
        WageAccount,
        blank=True,
        related_name="api_clients",
        verbose_name=_("托管的工资专用账户"),
        help_text=_("银行只能读写这些账户所属项目的数据"),
    )
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        ordering = ["name"]
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")

    def __str__(self):
        return self.name
