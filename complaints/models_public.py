"""The public pages' own rows: captcha challenges and the attempts that rate-limit a client address (and,
for a worker's wage check, an ID number's keyed hash)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Captcha(models.Model):
    """A server-side challenge for the public form: single use, short-lived."""

    key = models.CharField(max_length=40, unique=True)
    answer = models.CharField(max_length=10)
    # who asked for it: live challenges are capped per address (complaints/public.py)
    address = models.GenericIPAddressField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("验证码")
        verbose_name_plural = _("验证码")


class PublicHit(models.Model):
    """One public-form attempt past the captcha by a client address (rate limit kept in the database);
    a wage check also keeps the ID number's keyed hash, so it is limited per ID as well."""

    class Kind(models.TextChoices):
        SUBMIT = "submit", _("投诉提交")
        LOOKUP = "lookup", _("进度查询")
        WAGECHECK = "wagecheck", _("工资查询")

    address = models.GenericIPAddressField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SUBMIT)
    at = models.DateTimeField(default=timezone.now)
    # the worker's own wage check: the keyed hash of the ID number typed (never the number itself)
    id_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("公众提交记录")
        verbose_name_plural = _("公众提交记录")
        indexes = [
            models.Index(fields=["address", "kind", "at"]),
            models.Index(fields=["id_hash", "kind", "at"], name="publichit_id_hash_kind_at"),
        ]
