"""Photos of evidence a worker sends with the public complaint form.

An upload is an image when Pillow decodes it (its name and the type the browser claims are not trusted). It is
then re-encoded from its pixels alone, so nothing of the phone's metadata survives (EXIF: GPS position, time,
device; XMP; comments), turned upright first as the phone's orientation tag said, and scaled down to a size a
screen shows. The files sit under MEDIA_ROOT, which no URL serves; ``complaints:evidence`` serves them to
staff who see the case. The limits are in ``wagewatch/lib/config.py`` (``PUBLIC_EVIDENCE_*``).
"""

import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from wagewatch.lib import config

from .models import CaseEvent, CaseEvidence, Complaint

MAX_SIDE = 4096  # pixels on the longer side once stored: enough to read a pay slip, small enough to send
JPEG_QUALITY = 85
# what Pillow reads → what is stored (a phone's JPEG may be read as MPO; WebP is stored as JPEG)
STORED = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "JPEG"}
TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


@dataclass(frozen=True)
class Photo:
    """A photo checked and re-encoded, ready to be stored."""

    data: bytes
    content_type: str
    extension: str


def evidence_check(uploads: Sequence[UploadedFile]) -> list[Photo]:
    """The uploads as photos without metadata; a ValidationError (Chinese) names the first one refused."""
    most = config.PUBLIC_EVIDENCE_MAX_FILES()
    if len(uploads) > most:
        chosen = {"n": most, "count": len(uploads)}
        raise ValidationError(_("最多上传%(n)s张照片，您选择了%(count)s张") % chosen)
    return [_photo(upload) for upload in uploads]


def _photo(upload: UploadedFile) -> Photo:
    name = (upload.name or "").rsplit("/", 1)[-1][:100]
    most = config.PUBLIC_EVIDENCE_MAX_BYTES()
    if (upload.size or 0) > most:
        raise ValidationError(
            _("照片“%(name)s”过大：每张不超过 %(mb)s MB") % {"name": name, "mb": megabytes(most)}
        )
    try:
        with Image.open(upload) as image:
            return _reencode(image, name)
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, TypeError, Image.DecompressionBombError) as exc:
        raise _not_an_image(name) from exc


def _reencode(image: Image.Image, name: str) -> Photo:
    """The pixels of ``image`` (read lazily: only its header so far) in a new file with no metadata."""
    stored = STORED.get(image.format or "")
    if stored is None:
        raise _not_an_image(name)
    if image.width * image.height > config.PUBLIC_EVIDENCE_MAX_PIXELS():
        raise ValidationError(_("照片“%(name)s”像素过多，请用手机默认设置拍摄") % {"name": name})
    image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # a JPEG decodes at a smaller scale; other formats ignore it
    upright = ImageOps.exif_transpose(image)  # as the phone showed it, before the orientation tag is dropped
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    if stored == "JPEG" and upright.mode != "RGB":
        upright = upright.convert("RGB")
    elif stored == "PNG" and upright.mode not in ("RGB", "RGBA", "L", "LA"):
        upright = upright.convert("RGBA")
    upright.info = {}  # no EXIF, XMP, comments or ICC profile is carried into the new file
    buffer = io.BytesIO()
    upright.save(buffer, format=stored, **({"quality": JPEG_QUALITY} if stored == "JPEG" else {}))
    content_type, extension = TYPES[stored]
    return Photo(buffer.getvalue(), content_type, extension)


def _not_an_image(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s”不是可识别的图片：只能上传 JPG、PNG 或 WebP 格式的照片") % {"name": name}
    )


def megabytes(size: int) -> str:
    """A byte count in MB as a person reads it (5, 0.5)."""
    return f"{size / 2**20:g}"


def evidence_add(*, complaint: Complaint, photos: Sequence[Photo]) -> list[CaseEvidence]:
    """Store checked photos with their case under random names (the files already written are removed when
    one fails), and note them on the case's timeline."""
    if not photos:
        return []
    rows: list[CaseEvidence] = []
    try:
        for photo in photos:
            row = CaseEvidence(complaint=complaint, content_type=photo.content_type, size=len(photo.data))
            row.file.save(f"{secrets.token_hex(16)}.{photo.extension}", ContentFile(photo.data), save=False)
            rows.append(row)
        CaseEvidence.objects.bulk_create(rows)
    except BaseException:
        for row in rows:
            row.file.delete(save=False)
        raise
    note = _("投诉人上传证据照片%(n)s张") % {"n": len(rows)}
    CaseEvent.objects.create(complaint=complaint, actor=None, action=CaseEvent.Action.ATTACHED, note=note)
    return rows
