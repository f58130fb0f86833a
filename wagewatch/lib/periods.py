"""Month and period arithmetic, in one place: calendar months, years back, month and quarter ranges.

A day moved by whole months keeps its day of the month, or takes the month's last day when the month is
shorter (31 January + 1 month → 28/29 February; 29 February − 1 year → 28 February). Working days are in
``wagewatch/lib/workdays.py``.
"""

import calendar
import datetime

ONE_DAY = datetime.timedelta(days=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (earlier when negative), clipped to the month's last day."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier (clipped to the month's last day)."""
    return add_months(day, -months)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` earlier (29 February → 28 February)."""
    return add_months(day, -12 * years)


def month_start(day: datetime.date, shift: int = 0) -> datetime.date:
    """First day of the month ``shift`` months from ``day``'s month."""
    return add_months(day.replace(day=1), shift)


def month_end(day: datetime.date) -> datetime.date:
    """Last day of ``day``'s month."""
    return month_start(day, 1) - ONE_DAY


def quarter_start(day: datetime.date) -> datetime.date:
    """First day of ``day``'s calendar quarter."""
    return month_start(day, -((day.month - 1) % 3))


def months_between(first: datetime.date, last: datetime.date) -> int:
    """Number of months first..last inclusive (both firsts of months); 0 if last is before first."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first day of every month from ``first``'s month to ``last``'s, in order."""
    return [month_start(first, i) for i in range(months_between(month_start(first), last))]


def month_bounds(end: datetime.date, months: int) -> list[tuple[datetime.date, datetime.date]]:
    """(first day, last day) of the ``months`` months ending with ``end``'s month; the last is cut at end."""
    firsts = [month_start(end, -i) for i in range(months - 1, -1, -1)]
    return [(first, min(month_end(first), end)) for first in firsts]
