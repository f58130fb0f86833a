"""The one reader of ``settings.WAGEWATCH``, and the operational values read through it.

Every domain value is a declared object; calling it reads it: ``law.DEPOSIT_RATE()``,
``config.PUBLIC_FORM_RATE_LIMIT()``. A read happens at call time (so ``override_settings`` and the pytest
``settings`` fixture work), parses the value to its type, holds it to its bounds and refuses it with
``ImproperlyConfigured`` naming the key. The system check in ``wagewatch/lib/checks.py`` reads every
declared value once at start-up (``manage.py check``, ``migrate``, ``runserver``).

- Legal numbers are declared, each with its default and its source, in ``wagewatch/lib/law.py``; an entry
  in ``settings.WAGEWATCH`` overrides one.
- Operational values (rate limits, numbering prefixes, reminders, the county's name) are defined in
  ``settings.WAGEWATCH`` in ``wagewatch/settings.py`` and declared at the end of this module with their type
  and bounds.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T", int, Decimal, str)

# the check ids a fault carries (wagewatch/lib/checks.py reports them)
BAD_VALUE, OUT_OF_BOUNDS, NOT_DEFINED = "wagewatch.E101", "wagewatch.E102", "wagewatch.E103"

_DECLARED: dict[str, "Declared[Any]"] = {}


class ValueFault(ImproperlyConfigured):
    """A declared value missing, not parsing or out of its bounds; ``check_id`` says which."""

    def __init__(self, key: str, problem: str, check_id: str):
        super().__init__(f'settings.WAGEWATCH["{key}"] {problem}')
        self.key, self.check_id = key, check_id


def _decimal(raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise TypeError(raw)
    value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())  # text, as Excel floats need
    if not value.is_finite():
        raise ValueError(raw)
    return value


def _int(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise TypeError(raw)
    return int(raw)


def _str(raw: object) -> str:
    if not isinstance(raw, str):
        raise TypeError(raw)
    return raw


_PARSE = {Decimal: _decimal, int: _int, str: _str}


@dataclass(frozen=True)
class Declared(Generic[T]):
    """One key of ``settings.WAGEWATCH``: its type, default (None: the settings must define it), bounds
    (a number or another declared value) and source (a legal number's article or document; an operational
    value's purpose)."""

    key: str
    kind: type[T]
    default: T | None = None
    low: "T | Declared[T] | None" = None
    high: "T | Declared[T] | None" = None
    source: str = ""
    optional: ClassVar[bool] = False  # None is a value: the rule it sets is off

    def __post_init__(self) -> None:
        if self.key in _DECLARED:
            raise ImproperlyConfigured(f"{self.key} 重复定义 (is declared twice: a value has one definition)")
        _DECLARED[self.key] = self

    def read(self) -> T | None:
        """The value now, parsed and checked; a fault raises ``ValueFault``."""
        wagewatch = settings.WAGEWATCH
        if self.key not in wagewatch and self.default is None and not self.optional:
            raise ValueFault(self.key, "未定义 (is not defined)", NOT_DEFINED)
        raw = wagewatch.get(self.key, self.default)
        if raw is None and self.optional:
            return None
        try:
            value = cast(T, _PARSE[self.kind](raw))
        except (TypeError, ValueError, ArithmeticError):
            problem = f"的值无效，应为 {self.kind.__name__} (not a valid {self.kind.__name__}): {raw!r}"
            raise ValueFault(self.key, problem, BAD_VALUE) from None
        self._hold(value)
        return value

    def _hold(self, value: T) -> None:
        low = self.low.read() if isinstance(self.low, Declared) else self.low
        high = self.high.read() if isinstance(self.high, Declared) else self.high
        if (low is not None and value < low) or (high is not None and value > high):
            span = f"{'' if low is None else low} … {'' if high is None else high}"
            problem = f"超出范围 {span} (out of bounds {span}): {value}"
            raise ValueFault(self.key, problem, OUT_OF_BOUNDS)


class Value(Declared[T]):
    """A value that always has one."""

    def __call__(self) -> T:
        return cast(T, self.read())


class MaybeValue(Declared[T]):
    """A value that may be None (the rule it sets is then off)."""

    optional: ClassVar[bool] = True

    def __call__(self) -> T | None:
        return self.read()


def declared() -> list[Declared[Any]]:
    """Every declared value: the operational ones below and, once imported, the legal numbers."""
    return list(_DECLARED.values())


# ---- operational values: defined in settings.WAGEWATCH (wagewatch/settings.py) -----------------------------

COUNTY_NAME = Value("COUNTY_NAME", str, source="the county's name on documents, reports and notice boards")
COUNTY_COMPLAINT_PHONE = Value("COUNTY_COMPLAINT_PHONE", str, source="complaint hotline on notice boards")
ARBITRATION_PHONE = Value("ARBITRATION_PHONE", str, source="labour arbitration phone on notice boards")
DOCUMENT_PREFIX = Value("DOCUMENT_PREFIX", str, source="enforcement document numbers (示人社监…)")
COMPLAINT_NUMBER_PREFIX = Value("COMPLAINT_NUMBER_PREFIX", str, source="complaint case numbers")
CERTIFICATE_PREFIX = Value("CERTIFICATE_PREFIX", str, source="no-arrears certificate serials")
COMPLAINT_DUE_SOON_WORKDAYS = Value(
    "COMPLAINT_DUE_SOON_WORKDAYS", int, low=0, source="a case deadline this near is marked 'soon'"
)
HAZARD_DUE_SOON_WORKDAYS = Value(
    "HAZARD_DUE_SOON_WORKDAYS", int, low=0, source="a hazard's rectification deadline this near shows amber"
)
ORDER_DUE_SOON_DAYS = Value("ORDER_DUE_SOON_DAYS", int, low=0, source="order deadline reminders, days ahead")
TASK_DUE_SOON_DAYS = Value("TASK_DUE_SOON_DAYS", int, low=0, source="key-task deadline reminders, days ahead")
PUBLIC_FORM_RATE_LIMIT = Value("PUBLIC_FORM_RATE_LIMIT", int, low=1, source="public complaints per address")
PUBLIC_LOOKUP_RATE_LIMIT = Value("PUBLIC_LOOKUP_RATE_LIMIT", int, low=1, source="public lookups per address")
PUBLIC_FORM_RATE_WINDOW_MINUTES = Value(
    "PUBLIC_FORM_RATE_WINDOW_MINUTES", int, low=1, source="the window of the two limits above"
)
WORKER_CHECK_RATE_LIMIT = Value(
    "WORKER_CHECK_RATE_LIMIT", int, low=1, source="a worker's wage checks per address and per ID number"
)
PUBLIC_CAPTCHA_PER_ADDRESS = Value(
    "PUBLIC_CAPTCHA_PER_ADDRESS", int, low=1, source="live captchas per address"
)
PUBLIC_CAPTCHA_MAX = Value("PUBLIC_CAPTCHA_MAX", int, low=1, source="live captchas in all")
IMPORT_SYNC_MAX_ROWS = Value(
    "IMPORT_SYNC_MAX_ROWS", int, low=0, source="a roster import with more rows runs on Celery with progress"
)
WORKER_UNPAID_DAYS = Value(
    "WORKER_UNPAID_DAYS", int, low=0, source="days after payday + grace before an unpaid worker is a hazard"
)
BANK_FAILED_REPAY_DAYS = Value(
    "BANK_FAILED_REPAY_DAYS", int, low=0, source="days to re-pay a failed bank pay line before it is a hazard"
)
DATE_MIN_YEAR = Value("DATE_MIN_YEAR", int, source="earliest year a form accepts (env, checked in settings)")
DATE_MAX_YEARS_AHEAD = Value("DATE_MAX_YEARS_AHEAD", int, source="latest year a form accepts, years ahead")
TEXT_MAX_LENGTH = Value("TEXT_MAX_LENGTH", int, source="longest text a form accepts")
PUBLIC_EVIDENCE_MAX_FILES = Value(
    "PUBLIC_EVIDENCE_MAX_FILES",
    int,
    low=0,
    high=20,
    source="photos of evidence one public complaint may carry",
)
PUBLIC_EVIDENCE_MAX_BYTES = Value(
    "PUBLIC_EVIDENCE_MAX_BYTES", int, low=1, source="largest photo of evidence, in bytes, as uploaded"
)
PUBLIC_EVIDENCE_MAX_PIXELS = Value(
    "PUBLIC_EVIDENCE_MAX_PIXELS",
    int,
    low=1,
    high=89_478_485,  # Pillow's own decompression-bomb warning starts above this
    source="largest photo of evidence, in pixels (width × height), decoded",
)
