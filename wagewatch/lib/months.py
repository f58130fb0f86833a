"""Month arithmetic on dates, shared by the obligations, the risk sweep and the reports."""

import calendar
import datetime


def months_before(day: datetime.date, n: int) -> datetime.date:
    """The same day ``n`` months earlier (clipped to the month's last day)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - n, 12)
    return datetime.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def month_start(day: datetime.date, shift: int = 0) -> datetime.date:
    """First day of the month ``shift`` months from ``day``'s month."""
    return months_before(day.replace(day=1), -shift)


def months_between(first: datetime.date, last: datetime.date) -> int:
    """Number of months first..last inclusive (both firsts of months); 0 if last is before first."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)
