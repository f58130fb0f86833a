"""Complaint cases (投诉举报) with their legal deadlines, and enforcement documents."""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import MONEY, Enterprise, Hazard, Inspection, Project
from wagewatch.accounts.access import ScopedQuerySet
from wagewatch.accounts.models import Township
from wagewatch.lib import config, law

if TYPE_CHECKING:
    from django.contrib.auth.models import User
from wagewatch.lib.fields import EncryptedCharField
from wagewatch.lib.masking import mask_id, mask_phone


class ComplaintQuerySet(ScopedQuerySet):
    # A case without a township (not yet triaged) is seen by office staff and admins only.
    township_lookup = "township"
    department_lookup = "project__department"  # a department's report counts them; its users read none
    department_reads = False


class Complaint(models.Model):
    class Channel(models.TextChoices):
        # as the office counts them; "online" (was 网络) stays the code of 网上信访: old rows stay valid
        HOTLINE_12333 = "12333", _("12333")  # 12333 电话 (the go-live import also reads 电话)
        NATIONAL = "national", _("全国根治欠薪线索反映平台")
        HOTLINE_12345 = "12345", _("12345")
        VISIT = "visit", _("来访")
        LETTER = "letter", _("信件")
        ONLINE = "online", _("网上信访")
        CONSULT = "consult", _("网上咨询")
        TRANSFER = "transfer", _("转办")

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("投诉")
        REPORT = "report", _("举报")
        PETITION = "petition", _("信访")

    class Sector(models.TextChoices):
        # by the employer's industry; blank until known (a public case without project or known employer)
        CONSTRUCTION = "construction", _("建设领域")
        OTHER = "other", _("非建设领域")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已登记")
        ACCEPTED = "accepted", _("已受理")
        REFUSED = "refused", _("不予受理")
        FILED = "filed", _("已立案")
        CLOSED = "closed", _("已结案")

    class Outcome(models.TextChoices):
        MEDIATED = "mediated", _("协调处理")
        INVESTIGATED = "investigated", _("立案查处")
        CRIMINAL = "criminal", _("移送公安")
        DEPARTMENT = "department", _("转行业主管部门")
        ARBITRATION = "arbitration", _("引导仲裁/诉讼")
        REFUSED = "refused", _("不予受理")

    number = models.CharField(_("案件编号"), max_length=30, unique=True)
    channel = models.CharField(_("投诉渠道"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("案件类别"), max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    sector = models.CharField(_("所属领域"), max_length=12, choices=Sector.choices, blank=True)
    received_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)
    complainant_name = models.CharField(_("投诉人姓名"), max_length=50)
    complainant_phone = EncryptedCharField(_("投诉人电话"))
    complainant_phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    complainant_id_number = EncryptedCharField(_("投诉人身份证号"), blank=True)
    respondent = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("被投诉单位"),
    )
    respondent_name = models.CharField(_("被投诉单位名称"), max_length=100, help_text=_("单位不在库中时填写"))
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("涉及项目"),
    )
    township = models.ForeignKey(
        Township,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("所属乡镇"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_complaints",
        verbose_name=_("承办人"),
    )
    workers_involved = models.PositiveIntegerField(_("涉及人数"), default=1)
    amount_claimed = models.DecimalField(_("反映欠薪金额（元）"), **MONEY, default=0)
    arrears_from = models.DateField(_("欠薪起始月份"), null=True, blank=True)
    arrears_to = models.DateField(_("欠薪截止月份"), null=True, blank=True)
    description = models.TextField(_("投诉内容"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    outcome = models.CharField(_("处理结果"), max_length=12, choices=Outcome.choices, blank=True)
    refusal_reason = models.TextField(_("不予受理理由"), blank=True)
    out_of_time = models.BooleanField(_("超过两年时效"), default=False)
    # decided by the inspector; the size (law.GROUP_INCIDENT_WORKERS) only suggests it
    group_incident = models.BooleanField(_("群体性事件"), default=False)
    supervised = models.BooleanField(_("挂牌督办"), default=False)
    leader = models.CharField(_("包案领导"), max_length=50, blank=True)
    # deadlines (working days), with whether holiday data was complete when computed
    accept_due = models.DateField(_("受理期限"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    filed_on = models.DateField(_("立案日期"), null=True, blank=True)
    close_due = models.DateField(_("结案期限"), null=True, blank=True)
    extended = models.BooleanField(_("已延期"), default=False)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True, db_index=True)
    calendar_complete = models.BooleanField(default=True)
    deadline_state = models.CharField(
        _("期限状态"),
        max_length=8,
        blank=True,
        db_index=True,
        help_text=_("soon / overdue, set by the nightly job"),
    )
    amount_recovered = models.DecimalField(_("追回金额（元）"), **MONEY, default=0)
    workers_paid = models.PositiveIntegerField(_("兑付人数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["complainant_phone", "complainant_id_number"])
    _history_user: "User | None"  # set before a save, read by django-simple-history: who made the change

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("投诉案件")
        verbose_name_plural = _("投诉案件")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_claimed__gte=0) & Q(amount_recovered__gte=0),
                name="complaint_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False), name="complaint_closed_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.respondent_name}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.complainant_phone)

    @property
    def group_size_reached(self) -> bool:
        """Enough workers to suggest a group incident (the inspector decides whether it is one)."""
        return self.workers_involved >= law.GROUP_INCIDENT_WORKERS()

    @property
    def masked_id(self) -> str:
        return mask_id(self.complainant_id_number)

    @property
    def running_due(self) -> datetime.date | None:
        """The deadline that runs now: acceptance while received, closure while filed; else None."""
        if self.status == self.Status.RECEIVED:
            return self.accept_due
        if self.status == self.Status.FILED:
            return self.close_due
        return None


class CaseEventQuerySet(ScopedQuerySet):
    township_lookup = "complaint__township"


class CaseEvent(models.Model):
    """One step of a case's timeline: who did what, on which day, and when it was entered."""

    class Action(models.TextChoices):
        RECEIVED = "received", _("登记")
        TRIAGED = "triaged", _("分派")
        ACCEPTED = "accepted", _("受理")
        REFUSED = "refused", _("不予受理")
        FILED = "filed", _("立案")
        EXTENDED = "extended", _("批准延期")
        CLOSED = "closed", _("结案")
        FLAGS = "flags", _("督办标记")
        ATTACHED = "attached", _("上传附件")
        REFERRED = "referred", _("移送公安")
        CLAIMANT = "claimant", _("投诉工人")
        CLASSIFIED = "classified", _("案件分类")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    # the step's real day (noon of a day entered after the fact) and when it was typed in (DESIGN §9)
    at = models.DateTimeField(_("办理时间"), default=timezone.now)
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    note = models.TextField(_("说明"), blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("案件处理记录")
        verbose_name_plural = _("案件处理记录")


class DocumentQuerySet(ScopedQuerySet):
    # Department users see none: enforcement documents belong to labour inspection.
    township_lookup = "township"
    department_lookup = "project__department"  # for a department's report; its users read no order
    department_reads = False


def _link(model, related_name: str, label) -> models.ForeignKey:
    """An optional link of a document to what it arose from (a case, project, inspection or hazard)."""
    return models.ForeignKey(
        model, null=True, blank=True, on_delete=models.PROTECT, related_name=related_name, verbose_name=label
    )


class NumberedDocument(models.Model):
    """An enforcement document numbered in sequence per year, in the township of what it arose from."""

    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    township = models.ForeignKey(
        Township,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所属乡镇"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    _history_user: "User | None"  # set before a save, read by django-simple-history: who made the change

    objects = DocumentQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-year", "-seq"]

    def __str__(self):
        return self.number

    @property
    def number_word(self) -> str:
        """The word of the document's kind in its number: 令, 改 or 谈."""
        raise NotImplementedError

    @property
    def number(self) -> str:
        return f"{config.DOCUMENT_PREFIX()}{self.number_word}〔{self.year}〕{self.seq}号"


class EnforcementOrder(NumberedDocument):
    """责令限期支付 / 限期整改指令书, numbered in sequence per kind and year."""

    class Kind(models.TextChoices):
        PAY = "pay", _("责令限期支付工资")
        RECTIFY = "rectify", _("限期整改指令书")

    kind = models.CharField(_("文书类型"), max_length=8, choices=Kind.choices)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="orders", verbose_name=_("当事单位")
    )
    complaint = _link(Complaint, "orders", _("关联案件"))
    project = _link(Project, "orders", _("关联项目"))
    inspection = _link(Inspection, "orders", _("关联检查"))
    hazard = _link(Hazard, "orders", _("关联隐患"))
    legal_basis = models.TextField(_("法律依据"), blank=True)
    requirement = models.TextField(_("整改/支付事项"))
    amount = models.DecimalField(_("金额（元）"), **MONEY, default=0)
    issued_on = models.DateField(_("签发日期"), default=timezone.localdate)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    deadline = models.DateField(_("履行期限"))
    complied_on = models.DateField(_("履行日期"), null=True, blank=True)
    referred_on = models.DateField(_("移送公安日期"), null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("移送人"),
    )
    referral_note = models.TextField(_("移送说明"), blank=True)
    history = HistoricalRecords()

    class Meta(NumberedDocument.Meta):
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "seq"], name="order_number_unique_per_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="order_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(referred_by__isnull=True) | Q(referred_on__isnull=False),
                name="order_referral_has_date",
            ),
        ]

    @property
    def number_word(self) -> str:
        return "令" if self.kind == self.Kind.PAY else "改"

    def is_ignored(self, on) -> bool:
        """Past its deadline without compliance: the basis for a draw or a blacklist proposal."""
        return self.complied_on is None and self.deadline < on

    def status_on(self, on) -> str:
        """complied / overdue / open, as the list filters them."""
        if self.complied_on is not None:
            return "complied"
        return "overdue" if self.deadline < on else "open"


class Interview(NumberedDocument):
    """约谈询问笔录: who was interviewed about what, what was agreed and by when; numbered per year."""

    number_word = "谈"

    interviewee_name = models.CharField(_("被约谈人"), max_length=50)
    interviewee_position = models.CharField(_("职务"), max_length=50, blank=True)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("被约谈单位")
    )
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="interviews", blank=True, verbose_name=_("约谈人")
    )
    held_on = models.DateField(_("约谈日期"), default=timezone.localdate, db_index=True)
    place = models.CharField(_("约谈地点"), max_length=100, blank=True)
    project = _link(Project, "interviews", _("关联项目"))
    complaint = _link(Complaint, "interviews", _("关联案件"))
    hazard = _link(Hazard, "interviews", _("关联隐患"))
    reason = models.TextField(_("约谈事由"))
    agreed = models.TextField(_("约谈议定事项"))
    deadline = models.DateField(_("落实期限"), null=True, blank=True)
    fulfilled_on = models.DateField(_("落实日期"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta(NumberedDocument.Meta):
        verbose_name = _("约谈询问笔录")
        verbose_name_plural = _("约谈询问笔录")
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="interview_number_unique_per_year"),
        ]

    def is_overdue(self, on) -> bool:
        return self.fulfilled_on is None and self.deadline is not None and self.deadline < on


class AttachmentQuerySet(ScopedQuerySet):
    township_lookup = "complaint__township"


class ComplaintAttachment(models.Model):
    """A file attached to a case (evidence, letters); served only through a scoped view."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="complaints/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("案件附件")
        verbose_name_plural = _("案件附件")

    def __str__(self):
        return self.name


# claimants, the public form's captcha, rate limit and photos: their own modules, registered with the app here
from .models_claimants import Claimant as Claimant  # noqa: E402
from .models_evidence import CaseEvidence as CaseEvidence  # noqa: E402
from .models_public import Captcha as Captcha  # noqa: E402
from .models_public import PublicHit as PublicHit  # noqa: E402
from .models_typical import TypicalCase as TypicalCase  # noqa: E402
