"""The public side's defences, kept in the database so they work when Redis is down:
an offline arithmetic captcha (single use, short-lived) and a per-address rate limit."""

import random
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

from wagewatch.lib.addresses import client_address as client_address  # the public views read it here

from .models import Captcha, PublicHit

CAPTCHA_TTL = timedelta(minutes=10)
_rng = random.SystemRandom()


def captcha_create() -> tuple[str, str]:
    """A new challenge: (key, inline SVG of the sum to solve)."""
    a, b = _rng.randint(2, 19), _rng.randint(2, 9)
    key = secrets.token_urlsafe(24)
    now = timezone.now()
    Captcha.objects.create(key=key, answer=str(a + b), created_at=now, expires_at=now + CAPTCHA_TTL)
    Captcha.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    return key, _svg(f"{a} + {b} = ?")


def captcha_consume(*, key: str, answer: str) -> bool:
    """True when ``answer`` solves the live challenge ``key``; the challenge is spent either way."""
    if not key:
        return False
    claimed = Captcha.objects.filter(key=key, used_at__isnull=True, expires_at__gt=timezone.now()).update(
        used_at=timezone.now()
    )
    if claimed != 1:
        return False
    expected = Captcha.objects.filter(key=key).values_list("answer", flat=True).first()
    return (answer or "").strip() == expected


def _svg(text: str) -> str:
    chars = []
    for i, ch in enumerate(text):
        y, angle = 30 + _rng.randint(-4, 4), _rng.randint(-18, 18)
        x = 12 + i * 16
        chars.append(f'<text x="{x}" y="{y}" transform="rotate({angle} {x} {y})">{escape(ch)}</text>')
    lines = "".join(
        f'<line x1="{_rng.randint(0, 60)}" y1="{_rng.randint(0, 44)}" x2="{_rng.randint(120, 200)}" '
        f'y2="{_rng.randint(0, 44)}" stroke="#94a3b8" stroke-width="1"/>'
        for _ in range(4)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="44" viewBox="0 0 200 44" role="img" '
        'aria-label="captcha"><rect width="200" height="44" fill="#f1f5f9"/>'
        f'{lines}<g font-family="monospace" font-size="24" font-weight="bold" fill="#1e3a8a">'
        f"{''.join(chars)}</g></svg>"
    )


def rate_limit_hit(address: str) -> bool:
    """Record one attempt from ``address``; False when it is past the limit for the window."""
    limit = settings.WAGEWATCH.get("PUBLIC_FORM_RATE_LIMIT", 5)
    window = timedelta(minutes=settings.WAGEWATCH.get("PUBLIC_FORM_RATE_WINDOW_MINUTES", 60))
    now = timezone.now()
    recent = PublicHit.objects.filter(address=address, at__gt=now - window).count()
    if recent >= limit:
        return False
    PublicHit.objects.create(address=address, at=now)
    if _rng.random() < 0.01:
        PublicHit.objects.filter(at__lt=now - timedelta(days=2)).delete()
    return True
