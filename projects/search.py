"""Finding a worker by what staff type: an ID number or a phone number matches exactly through its keyed
hash (the numbers are stored encrypted, DESIGN.md §5), anything else is a name (contains)."""

import re

from django.core.exceptions import ValidationError
from django.db.models import Q

from wagewatch.accounts.access import NOTHING
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.validators import validate_mobile, validate_resident_id

_NUMBERISH = re.compile(r"[\d\s\-+()xX]+")


def is_number(text: str) -> bool:
    """The text is a whole ID or phone number (it names one worker at most), not a name."""
    text = text.strip()
    return bool(_valid(validate_resident_id, text) or _valid(validate_mobile, text))


def worker_match(text: str, *, prefix: str = "") -> Q:
    """Workers (reached by ``prefix``, e.g. ``worker__``) matching the text: an ID number or a phone number
    exactly, else a name containing it; a number that is neither (a part of one) matches nobody."""
    text = text.strip()
    if number := _valid(validate_resident_id, text):
        return Q(**{f"{prefix}id_number_hash": keyed_hash(number)})
    if phone := _valid(validate_mobile, text):
        return Q(**{f"{prefix}phone_hash": keyed_hash(phone)})
    if _NUMBERISH.fullmatch(text):
        return NOTHING
    return Q(**{f"{prefix}name__icontains": text})


def _valid(validate, text: str) -> str:
    try:
        return validate(text)
    except ValidationError:
        return ""
