"""Number formatting of the reports: money in 万元 with two decimals (arrears also in 亿元), rates in %
with one decimal."""

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
TEN_THOUSAND = Decimal("10000")
HUNDRED_MILLION = Decimal("100000000")


def wan(yuan) -> Decimal:
    """Yuan → 万元, two decimals, half up."""
    return (Decimal(yuan or 0) / TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def yi(yuan) -> Decimal:
    """Yuan → 亿元 with four decimals (to the 万元), half up: a county's arrears are often below 0.01 亿元."""
    return (Decimal(yuan or 0) / HUNDRED_MILLION).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def rate(part: int, whole: int) -> Decimal | None:
    """part ÷ whole in percent with one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"
