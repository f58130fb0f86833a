"""The keyed hash of a wage-card number: compares a pay line's card with the worker's registered card.

Card numbers are never stored, only masked (``mask_card``) and hashed here. The key is derived from the
first FIELD_ENCRYPTION_KEY like the ID-number hash (wagewatch/lib/fields.py), under its own label, so a
card hash never equals an ID hash of the same digits. Only the digits count: ``6222 0000-1234`` and
``622200001234`` hash alike.
"""

import re
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .fields import _derive, _hash, _keyed, encryption_keys

_CARD_KEY_LABEL = b"wagewatch:card-hash:v1"
_NOT_DIGITS = re.compile(r"\D")
_SEPARATORS = re.compile(r"[\s\-]")
CARD_DIGITS = (10, 25)  # bank cards have 16-19 digits; passbook accounts and social-security cards vary


@lru_cache(maxsize=8)
def _card_key(key: str) -> bytes:
    return _derive(key, _CARD_KEY_LABEL)


def card_digits(number: object) -> str:
    """The digits of a card number as typed (spaces, dashes and other separators dropped)."""
    return _NOT_DIGITS.sub("", "" if number is None else str(number))


def card_hash(number: object) -> str:
    """HMAC-SHA256 hex of the card number's digits; '' when it has none or is masked (6228 **** 1234)."""
    digits = card_digits(number)
    if not digits or "*" in str(number):
        return ""
    return _hash(_keyed(_card_key(encryption_keys()[0])), digits)


def validate_card_number(value: object) -> str:
    """The digits of a wage-card number typed with spaces or dashes, or a ValidationError in Chinese."""
    text = _SEPARATORS.sub("", "" if value is None else str(value))
    low, high = CARD_DIGITS
    if not text.isascii() or not text.isdigit() or not low <= len(text) <= high:
        raise ValidationError(
            _("工资卡号应为%(low)d至%(high)d位数字"), code="invalid", params={"low": low, "high": high}
        )
    return text


def card_number_input(value: str | None, *, shown: str = "") -> str:
    """A form's card-number field: the digits of a new number, or '' to keep the stored card when the field
    is left blank or as it was shown (``shown``, the stored card masked)."""
    card = (value or "").strip()
    if not card or (shown and card == shown):
        return ""
    return validate_card_number(card)
