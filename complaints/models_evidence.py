"""Photos of evidence a worker attaches to his complaint on the public form: decoded and re-encoded (no EXIF,
no GPS position) before they are stored under MEDIA_ROOT, which is never served by URL; staff in scope see
them through ``complaints:evidence``."""

from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagewatch.accounts.access import ScopedQuerySet


class EvidenceQuerySet(ScopedQuerySet):
    township_lookup = "complaint__township"  # a case's other records: its township only, no department


class CaseEvidence(models.Model):
    """One photo of evidence of a case, as re-encoded by ``complaints.evidence``."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="evidence", verbose_name=_("投诉案件")
    )
    # a random name under evidence/, never the name the phone sent (it may carry a name or a place)
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    content_type = models.CharField(_("文件类型"), max_length=30)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("证据照片")
        verbose_name_plural = _("证据照片")

    def __str__(self):
        return (self.file.name or "").rsplit("/", 1)[-1]


@receiver(post_delete, sender=CaseEvidence)
def _file_goes_with_its_row(sender, instance: CaseEvidence, using: str, **kwargs) -> None:
    """Remove the photo's file once its row's deletion is committed. A signal, because a case deleted (or
    purged) deletes its photos by cascade, which calls no ``delete()`` of theirs."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name), using=using)
