"""Typical cases (典型案例曝光): a closed case's public summary, published by office staff (DESIGN §9)."""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import MONEY
from wagewatch.accounts.access import CountyQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TITLE_MAX = 100
SUMMARY_MAX = 2000


class TypicalCaseQuerySet(CountyQuerySet):
    """Office staff and admins see them all (inspectors and departments none: they read the public page)."""

    def public_on(self, day: datetime.date) -> "TypicalCaseQuerySet":
        """Shown on the public page that day: published on or before it, not withdrawn by then."""
        return self.filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day), published_on__lte=day)


class TypicalCase(models.Model):
    """A closed case published as a typical case: the text as published, checked for personal data."""

    complaint = models.OneToOneField(
        "complaints.Complaint",
        on_delete=models.PROTECT,
        related_name="typical_case",
        verbose_name=_("案件"),
    )
    title = models.CharField(_("标题"), max_length=TITLE_MAX)
    summary = models.TextField(_("案情摘要"), max_length=SUMMARY_MAX)
    enterprise_name = models.CharField(_("被投诉单位（公开名称）"), max_length=100)
    amount_recovered = models.DecimalField(_("追回金额（元）"), **MONEY, default=0)
    workers_paid = models.PositiveIntegerField(_("兑付人数"), default=0)
    published_on = models.DateField(_("发布日期"), db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人")
    )
    published_at = models.DateTimeField(_("录入时间"), default=timezone.now, editable=False)
    withdrawn_on = models.DateField(_("撤下日期"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("撤下人"),
    )
    withdraw_reason = models.CharField(_("撤下理由"), max_length=200, blank=True)
    history = HistoricalRecords()
    _history_user: "User | None"  # set before a save, read by django-simple-history: who made the change

    objects = TypicalCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        constraints = [
            models.CheckConstraint(condition=Q(amount_recovered__gte=0), name="typical_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("published_on")),
                name="typical_withdrawn_after_published",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_on is not None
