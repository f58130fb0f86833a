"""失信联合惩戒名单 (令第45号) with its steps, integrity grades (守法诚信等级), no-arrears certificates."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from complaints.models import Complaint, EnforcementOrder
from projects.models import Enterprise
from wagewatch.accounts.access import CountyQuerySet
from wagewatch.accounts.roles import is_inspector, is_office
from wagewatch.lib import config
from wagewatch.lib.fields import EncryptedCharField
from wagewatch.lib.masking import mask_id

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class BlacklistEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Office staff and admins see every entry, inspectors the ones they proposed, others none."""
        if is_office(user):
            return self
        if is_inspector(user):
            return self.filter(proposed_by_id=user.pk)
        return self.none()

    def listed_on(self, day):
        """Entries in force on ``day``: listed, not yet removed or expired (by date, not by status)."""
        not_removed = Q(removed_on__isnull=True) | Q(removed_on__gt=day)
        return self.filter(not_removed, listed_on__lte=day, expires_on__gt=day)


class BlacklistEntry(models.Model):
    class BasisKind(models.TextChoices):
        CRIMINAL = "criminal", _("拖欠数额达到拒不支付劳动报酬罪追诉标准")
        INCIDENT = "incident", _("引发群体性或极端事件")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("已提请")
        NOTICED = "noticed", _("已事先告知")
        STATED = "stated", _("已陈述申辩")
        DECIDED_LIST = "decided_list", _("决定列入")
        DECIDED_NOT_LIST = "decided_not", _("决定不予列入")
        LISTED = "listed", _("已列入公示")
        REMOVED = "removed", _("提前移出")
        EXPIRED = "expired", _("期满移出")

    CLOSED_STATUSES = ("decided_not", "removed", "expired")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="blacklist_entries", verbose_name=_("失信单位")
    )
    # null only for an entry listed before the system (golive's opening entries): its order is on paper
    basis_order = models.ForeignKey(
        EnforcementOrder,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="blacklist_entries",
        verbose_name=_("未履行的责令支付文书"),
    )
    complaint = models.ForeignKey(
        Complaint,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="blacklist_entries",
        verbose_name=_("关联案件"),
    )
    basis_kind = models.CharField(_("列入情形"), max_length=10, choices=BasisKind.choices)
    reason = models.TextField(_("列入事由"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提请人"),
    )
    proposed_on = models.DateField(_("提请日期"), default=timezone.localdate)
    # 事先告知书
    notice_year = models.PositiveSmallIntegerField(_("告知书年度"), null=True, blank=True)
    notice_seq = models.PositiveIntegerField(_("告知书序号"), null=True, blank=True)
    notice_date = models.DateField(_("告知日期"), null=True, blank=True)
    defence_due = models.DateField(_("陈述申辩期限"), null=True, blank=True)
    calendar_complete = models.BooleanField(default=True)
    # 陈述申辩
    statement = models.TextField(_("陈述申辩意见"), blank=True)
    statement_on = models.DateField(_("陈述申辩日期"), null=True, blank=True)
    # 决定
    decision_reasons = models.TextField(_("决定理由"), blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("决定人"),
    )
    listed_on = models.DateField(_("列入日期"), null=True, blank=True, db_index=True)
    expires_on = models.DateField(_("期满日期"), null=True, blank=True, db_index=True)
    # 提前移出
    arrears_paid_on = models.DateField(_("欠薪清偿日期"), null=True, blank=True)
    commitment_filed_on = models.DateField(_("信用承诺提交日期"), null=True, blank=True)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.TextField(_("移出理由"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()
    _history_user: "User | None"  # set before a save, read by django-simple-history: who made the change

    objects = BlacklistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_on", "-id"]
        verbose_name = _("失信名单记录")
        verbose_name_plural = _("失信名单")
        constraints = [
            models.UniqueConstraint(
                fields=["notice_year", "notice_seq"],
                condition=Q(notice_seq__isnull=False),
                name="blacklist_notice_number_unique",
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=~Q(status__in=["decided_not", "removed", "expired"]),
                name="blacklist_one_open_entry_per_enterprise",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["listed", "removed", "expired"])
                | (Q(listed_on__isnull=False) & Q(expires_on__isnull=False)),
                name="blacklist_listed_has_dates",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("listed_on")),
                name="blacklist_expires_after_listing",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.get_status_display()}"

    @property
    def notice_number(self) -> str:
        """事先告知书 document number, e.g. 示人社监失告〔2026〕3号."""
        if not self.notice_seq:
            return ""
        prefix = config.DOCUMENT_PREFIX()
        return f"{prefix}失告〔{self.notice_year}〕{self.notice_seq}号"


class ResponsiblePerson(models.Model):
    """A person listed with the enterprise (法定代表人、实际控制人…); ID number encrypted, shown masked."""

    class Role(models.TextChoices):
        LEGAL_REP = "legal_rep", _("法定代表人")
        CONTROLLER = "controller", _("实际控制人")
        MANAGER = "manager", _("主要负责人")
        OTHER = "other", _("其他直接责任人员")

    entry = models.ForeignKey(BlacklistEntry, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("身份"), max_length=12, choices=Role.choices)
    id_number = EncryptedCharField(_("公民身份号码"), blank=True)
    id_number_hash = models.CharField(max_length=64, db_index=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["id_number"])
    _history_user: "User | None"  # set before a save, read by django-simple-history: who made the change

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("责任人员")
        verbose_name_plural = _("责任人员")

    def __str__(self):
        return gettext("%(name)s（%(role)s）") % {"name": self.name, "role": self.get_role_display()}

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)


class BlacklistStep(models.Model):
    """One step of an entry's procedure: who, when, what."""

    class Step(models.TextChoices):
        PROPOSE = "propose", _("提请列入")
        NOTICE = "notice", _("送达事先告知书")
        STATEMENT = "statement", _("陈述申辩")
        DECIDE_LIST = "decide_list", _("决定列入")
        DECIDE_NOT_LIST = "decide_not", _("决定不予列入")
        PUBLISH = "publish", _("列入并公示")
        REMOVE = "remove", _("提前移出")
        EXPIRE = "expire", _("期满移出")
        PERSON = "person", _("登记责任人员")

    entry = models.ForeignKey(BlacklistEntry, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step = models.CharField(_("步骤"), max_length=12, choices=Step.choices)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")


class Grade(models.TextChoices):
    A = "A", _("A级（守法诚信）")
    B = "B", _("B级（基本守法诚信）")
    C = "C", _("C级（不守法诚信）")


class IntegrityGrade(models.Model):
    """守法诚信等级 of an enterprise for one year: computed from the records, optionally overridden."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="integrity_grades", verbose_name=_("企业")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    computed_grade = models.CharField(_("计算等级"), max_length=1, choices=Grade.choices)
    computed_reasons = models.CharField(_("计算依据"), max_length=200, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    override_grade = models.CharField(_("调整等级"), max_length=1, choices=Grade.choices, blank=True)
    override_reason = models.TextField(_("调整理由"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()
    _history_user: "User | None"  # set before a save, read by django-simple-history: who made the change

    objects = CountyQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "enterprise"]
        verbose_name = _("守法诚信等级")
        verbose_name_plural = _("守法诚信等级")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="grade_unique_per_year"),
            models.CheckConstraint(
                condition=Q(override_grade="") | ~Q(override_reason=""), name="grade_override_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.year} {self.grade}"

    @property
    def grade(self) -> str:
        return self.override_grade or self.computed_grade


class NoArrearsCertificate(models.Model):
    """无拖欠证明 for bidding, with a serial number and a public verification code."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("企业")
    )
    serial = models.CharField(_("证明编号"), max_length=30, unique=True)
    issued_on = models.DateField(_("出具日期"))
    valid_until = models.DateField(_("有效期至"))
    purpose = models.CharField(_("用途"), max_length=200)
    code = models.CharField(_("校验码"), max_length=64, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked = models.BooleanField(_("已撤销"), default=False)
    revoked_reason = models.TextField(_("撤销理由"), blank=True)
    history = HistoricalRecords()
    _history_user: "User | None"  # set before a save, read by django-simple-history: who made the change

    objects = CountyQuerySet.as_manager()  # an office matter

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("无拖欠证明")
        verbose_name_plural = _("无拖欠证明")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")), name="certificate_valid_after_issue"
            ),
        ]

    def __str__(self):
        return self.serial
