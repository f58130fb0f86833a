"""The workers a case claims wages for (its claimants), their numbers encrypted (PIPL)."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import MONEY
from wagewatch.accounts.access import ScopedQuerySet
from wagewatch.lib.fields import EncryptedCharField
from wagewatch.lib.masking import mask_id, mask_phone

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ClaimantQuerySet(ScopedQuerySet):
    township_lookup = "complaint__township"


class Claimant(models.Model):
    """A worker a case claims wages for: who, which months, how much (numbers encrypted, PIPL).

    The ID number is found again on the rosters through ``id_number_hash`` (the same keyed hash as
    projects.Worker's), so the case page can show what the pay records say about each claimant.
    """

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="claimants")
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedCharField(_("公民身份号码"))
    id_number_hash = models.CharField(max_length=64, db_index=True, editable=False)
    phone = EncryptedCharField(_("联系电话"), blank=True)
    month_from = models.DateField(_("欠薪起始月份"), help_text=_("该月第一天"))
    month_to = models.DateField(_("欠薪截止月份"), help_text=_("该月第一天"))
    amount_claimed = models.DecimalField(_("反映欠薪金额（元）"), **MONEY, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["id_number", "phone"])
    _history_user: "User | None"  # set before a save, read by django-simple-history: who made the change

    objects = ClaimantQuerySet.as_manager()

    class Meta:
        ordering = ["complaint", "id"]
        verbose_name = _("投诉涉及工人")
        verbose_name_plural = _("投诉涉及工人")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "id_number_hash"], name="claimant_once_per_case"),
            models.CheckConstraint(
                condition=Q(month_from__day=1) & Q(month_to__day=1) & Q(month_to__gte=models.F("month_from")),
                name="claimant_months_in_order",
            ),
            models.CheckConstraint(condition=Q(amount_claimed__gte=0), name="claimant_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.name} {self.masked_id}"

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
