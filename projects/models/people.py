"""Workers (one record per person in the county) and the real-name rosters of projects."""

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wagewatch.lib.fields import EncryptedCharField
from wagewatch.lib.masking import mask_id, mask_phone

from .core import Enterprise, Project, ProjectChildQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import User


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
    # unique by a constraint in Meta, not unique=True: that would add a varchar_pattern_ops twin index on
    # PostgreSQL (for LIKE, which nothing runs on a hash) that each import row writes, and index the column
    # in the history table (simple_history indexes a unique field's copy), which nothing filters by
    id_number_hash = models.CharField(max_length=64, editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    phone = EncryptedCharField(_("联系电话"), blank=True)
    # keyed hash of the normalised phone (11 digits), for exact search (indexed in Meta, without the LIKE
    # twin db_index=True adds); '' without a phone (also in the database, so a COPY that names no such
    # column — the benches — still loads)
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # an identity change records old and new values (phone masked) in its reason, which may pass 100 chars
    history = HistoricalRecords(
        excluded_fields=["id_number", "phone", "phone_hash"],
        history_change_reason_field=models.TextField(null=True),
    )
    # set before a save, read by django-simple-history: who made the change and why
    _history_user: "User | None"
    _change_reason: str

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("工人")
        verbose_name_plural = _("工人")
        constraints = [
            models.UniqueConstraint(fields=["id_number_hash"], name="worker_id_number_hash_unique"),
        ]
        indexes = [models.Index(fields=["phone_hash"], name="worker_phone_hash")]

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

    # no index of its own: roster_worker_once_per_project (project, worker) serves lookups by project
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roster", db_index=False)
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
    # keyed hash of the registered card (wagewatch/lib/cardhash.py): the number itself is never stored
    card_hash = models.CharField(max_length=64, blank=True, editable=False)
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
