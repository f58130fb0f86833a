"""The go-live record: the day a county's opening entries stand for (DESIGN §9)."""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class GoLive(models.Model):
    """One loaded go-live workbook. ``as_of`` is the day its opening entries describe: the stocks on and
    after that day are known (what was open, owed, held), the ones before it are not."""

    as_of = models.DateField(_("初始数据截至日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    loaded_at = models.DateTimeField(_("导入时间"), default=timezone.now, editable=False)
    history = HistoricalRecords()
    _history_user: "User | None"

    class Meta:
        ordering = ["as_of", "pk"]
        verbose_name = _("上线初始化")
        verbose_name_plural = _("上线初始化")

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d}"

    @staticmethod
    def earliest() -> datetime.date | None:
        return GoLive.objects.order_by("as_of").values_list("as_of", flat=True).first()
