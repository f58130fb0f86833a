"""How the pages write money and ratios, in one place: Decimal throughout, never float.

The rule (issue 18 item 7): a record's money is written in 元 with thousands separators and two decimals
("40,000,000.00 元"); lists and summaries over many projects (the project list, the desk, reports) in 万元
with two decimals ("4,000.00 万元"); ratios as percent with one decimal ("20.0%"). Every figure carries its
unit, either after it or in its column header. A missing figure is "—", never "?" or "None".
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MISSING = "—"
CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)
HUNDRED = Decimal(100)


def to_decimal(value: object) -> Decimal | None:
    """``value`` as a Decimal (from its text, so a float's noise stays out); None when it is not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def grouped(value: Decimal, places: int = 2) -> str:
    """``value`` rounded half up to ``places`` decimals, with thousands separators: "40,000,000.00"."""
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


def yuan_text(value: object) -> str:
    """An amount in yuan as "40,000,000.00" (no unit), or "—"."""
    number = to_decimal(value)
    return MISSING if number is None else grouped(number)


def wan_text(value: object) -> str:
    """An amount in yuan written in 万元 as "4,000.00" (no unit), or "—"."""
    number = to_decimal(value)
    return MISSING if number is None else grouped(number / TEN_THOUSAND)


def pct_text(value: object, places: int = 1) -> str:
    """A ratio (0.2) as a percent "20.0%", or "—"."""
    number = to_decimal(value)
    return MISSING if number is None else f"{grouped(number * HUNDRED, places)}%"


def count_text(value: object) -> str:
    """A whole number with thousands separators ("12,345"), or "—"."""
    number = to_decimal(value)
    return MISSING if number is None else grouped(number, 0)
