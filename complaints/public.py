"""The public side's defences, kept in the database so they work when Redis is down:
an offline image captcha (single use, short-lived, rows bounded) and per-address rate limits."""

import base64
import io
import math
import random
import secrets
import unicodedata
from datetime import timedelta

from django.db.models import Count, Q, Subquery
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from wagewatch.lib import config

from .models import Captcha, PublicHit

CAPTCHA_TTL = timedelta(minutes=10)
CAPTCHA_DIGITS = 4
_SIZE = (180, 56)
_rng = random.SystemRandom()


def captcha_create(address: str) -> tuple[str, str]:
    """A new challenge for ``address``: (key, PNG image as a data: URI); old rows are pruned."""
    answer = "".join(_rng.choice("0123456789") for _ in range(CAPTCHA_DIGITS))
    key = secrets.token_urlsafe(24)
    now = timezone.now()
    Captcha.objects.create(
        key=key, answer=answer, address=address, created_at=now, expires_at=now + CAPTCHA_TTL
    )
    _captcha_prune(address, now)
    return key, "data:image/png;base64," + base64.b64encode(_png(answer)).decode()


def _captcha_prune(address: str, now) -> None:
    """Delete expired challenges, then all but the newest per address and overall (anonymous GETs
    must not grow the table: one address, or many, can only churn the oldest live rows)."""
    Captcha.objects.filter(expires_at__lte=now).delete()
    per_address = config.PUBLIC_CAPTCHA_PER_ADDRESS()
    _keep_newest(Captcha.objects.filter(address=address), per_address)
    _keep_newest(Captcha.objects.all(), config.PUBLIC_CAPTCHA_MAX())


def _keep_newest(rows, count: int) -> None:
    oldest_kept = rows.order_by("-pk").values("pk")[count - 1 : count]
    rows.filter(pk__lt=Subquery(oldest_kept)).delete()


def captcha_consume(*, key: str, answer: str) -> bool:
    """True when ``answer`` solves the live challenge ``key``; the challenge is spent either way."""
    if not key:
        return False
    expected = (
        Captcha.objects.filter(key=key, expires_at__gt=timezone.now())
        .values_list("answer", flat=True)
        .first()
    )
    spent, _ = Captcha.objects.filter(key=key).delete()  # only one of two racing posts deletes the row
    typed = unicodedata.normalize("NFKC", answer or "").strip()  # full-width digits from a Chinese IME
    return expected is not None and spent == 1 and typed == expected


def _png(text: str) -> bytes:
    """The digits drawn rotated and jittered over noise, then waved: pixels only, no text to scrape."""
    image = Image.new("RGB", _SIZE, (241, 245, 249))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        points = [(_rng.randint(0, _SIZE[0]), _rng.randint(0, _SIZE[1])) for _ in range(2)]
        draw.line(points, fill=(_rng.randint(90, 160),) * 3, width=_rng.randint(1, 2))
    font = ImageFont.load_default(size=36)
    for i, ch in enumerate(text):
        glyph = Image.new("RGBA", (44, 52), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((8, 4), ch, font=font, fill=(30, 58, _rng.randint(110, 170), 255))
        glyph = glyph.rotate(_rng.uniform(-28, 28), resample=Image.Resampling.BICUBIC)
        image.paste(glyph, (10 + i * 40 + _rng.randint(-4, 4), _rng.randint(-2, 6)), glyph)
    for _ in range(220):
        xy = (_rng.randrange(_SIZE[0]), _rng.randrange(_SIZE[1]))
        draw.point(xy, fill=(_rng.randint(60, 200),) * 3)
    image = _wave(image).filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _wave(image: Image.Image) -> Image.Image:
    """Shift each column up or down along a random sine, so the glyphs are not the font's shapes."""
    amplitude, period, phase = _rng.uniform(2, 4), _rng.uniform(40, 70), _rng.uniform(0, math.tau)
    out = Image.new("RGB", image.size, (241, 245, 249))
    for x in range(image.width):
        dy = round(amplitude * math.sin(x / period * math.tau + phase))
        out.paste(image.crop((x, 0, x + 1, image.height)), (x, dy))
    return out


def rate_limited(address: str, kind: str, *, id_hash: str = "") -> bool:
    """True when ``address`` (or, for a wage check, the ID hash) has used up its attempts of ``kind``
    in the window (reads only)."""
    return _over(_recent(kind), kind, address, id_hash, allowed=_limit(kind) - 1)


def rate_limit_hit(address: str, kind: str, *, id_hash: str = "") -> bool:
    """Count one attempt of ``kind`` (a solved captcha); False, and not counted, when past the limit
    of the address or of the ID hash."""
    hit = PublicHit.objects.create(address=address, kind=kind, at=timezone.now(), id_hash=id_hash)
    # of two racing attempts the earlier row wins: the limit is never passed
    if _over(_recent(kind).filter(pk__lte=hit.pk), kind, address, id_hash, allowed=_limit(kind)):
        hit.delete()
        return False
    if _rng.random() < 0.01:
        PublicHit.objects.filter(at__lt=hit.at - timedelta(days=2)).delete()
    return True


def _recent(kind: str):
    window = timedelta(minutes=config.PUBLIC_FORM_RATE_WINDOW_MINUTES())
    return PublicHit.objects.filter(kind=kind, at__gt=timezone.now() - window)


def _over(hits, kind: str, address: str, id_hash: str, *, allowed: int) -> bool:
    """More than ``allowed`` of ``hits`` came from the address, or carry the ID hash (one query)."""
    if not id_hash:
        return hits.filter(address=address).count() > allowed
    by_address, by_id = Q(address=address), Q(id_hash=id_hash)
    row = hits.filter(by_address | by_id).aggregate(
        by_address=Count("pk", filter=by_address), by_id=Count("pk", filter=by_id)
    )
    return row["by_address"] > allowed or row["by_id"] > allowed


def _limit(kind: str) -> int:
    if kind == PublicHit.Kind.LOOKUP:
        return config.PUBLIC_LOOKUP_RATE_LIMIT()
    if kind == PublicHit.Kind.WAGECHECK:
        return config.WORKER_CHECK_RATE_LIMIT()
    return config.PUBLIC_FORM_RATE_LIMIT()
