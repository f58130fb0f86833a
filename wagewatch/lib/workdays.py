"""China's working days: the one place deadlines in working days are computed.

Sources for a year, merged day by day (later wins):
1. the `chinese_calendar` package, which has data up to its release year and raises for later years;
2. the admin-editable `accounts.Holiday` table (a public holiday, or a weekend made a working day 调休).
A year is *complete* when the package covers it or an admin has marked it complete (`accounts.HolidayYear`):
one holiday row does not make a year known. Otherwise the rows entered so far and the weekends are the days
off, and the result says so, so a deadline can be stored with `calendar_complete=False`.
Apps register a function that recomputes their stored deadlines (`register_recompute`, called from their
AppConfig.ready(), since the kernel imports no app); marking a year complete runs them all.
"""

import calendar
import datetime
import time
from collections.abc import Callable
from typing import TypeVar

import chinese_calendar
from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

# year -> (days that differ from the Mon-Fri rule: date -> is_workday, complete, loaded at)
_CACHE: dict[int, tuple[dict[datetime.date, bool], bool, float]] = {}
# Other processes (web workers, Celery) only learn of a Holiday edit when their entry expires.
_CACHE_SECONDS = 600
_ONE_DAY = datetime.timedelta(days=1)
# name -> fn(year) recomputing that app's deadlines stored with calendar_complete=False; returns rows changed
_RECOMPUTE: dict[str, Callable[[int | None], int]] = {}
# The history rows of a recomputed deadline say why it moved.
RECOMPUTE_REASON = gettext_lazy("节假日数据补全后重新计算期限")


def clear_cache() -> None:
    """Forget the loaded years; the Holiday admin calls this after every change."""
    _CACHE.clear()


def _package_year(year: int) -> tuple[dict[datetime.date, bool], bool]:
    """The package's exceptions to Mon-Fri for one year, and whether it had data for that year."""
    first = datetime.date(year, 1, 1)
    days = (first + datetime.timedelta(days=i) for i in range(366 if calendar.isleap(year) else 365))
    try:
        return {d: wd for d in days if (wd := chinese_calendar.is_workday(d)) != (d.weekday() < 5)}, True
    except NotImplementedError:  # no data for this year
        return {}, False


def _table_year(year: int) -> dict[datetime.date, bool]:
    holiday = apps.get_model("accounts", "Holiday")
    return dict(holiday.objects.filter(date__year=year).values_list("date", "is_workday"))


def _marked_complete(year: int) -> bool:
    holiday_year = apps.get_model("accounts", "HolidayYear")
    return holiday_year.objects.filter(year=year, complete=True).exists()


def _year(year: int) -> tuple[dict[datetime.date, bool], bool]:
    cached = _CACHE.get(year)
    if cached is None or time.monotonic() - cached[2] > _CACHE_SECONDS:
        exceptions, complete = _package_year(year)
        exceptions.update(_table_year(year))
        complete = complete or _marked_complete(year)  # asked only for years the package lacks
        cached = _CACHE[year] = (exceptions, complete, time.monotonic())
    return cached[0], cached[1]


def _as_date(value: datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def calendar_complete(year: int) -> bool:
    """True when the year's holidays are known (chinese_calendar has it, or an admin marked it complete)."""
    return _year(int(year))[1]


def is_workday(d: datetime.date) -> bool:
    """True when `d` is a working day in mainland China (weekends only where no holiday data exists)."""
    d = _as_date(d)
    exceptions, _complete = _year(d.year)
    return exceptions.get(d, d.weekday() < 5)


def add_workdays_info(start: datetime.date, n: int) -> tuple[datetime.date, bool]:
    """The date `n` working days after `start` (before it if n < 0), and whether holiday data covered it."""
    day = _as_date(start)
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        day += step
        if is_workday(day):
            remaining -= 1
    if n == 0:
        return day, True
    years = sorted(((_as_date(start) + step).year, day.year))
    return day, all(calendar_complete(y) for y in range(years[0], years[1] + 1))


def add_workdays(start: datetime.date, n: int) -> datetime.date:
    """The date `n` working days after `start`; `start` itself is not counted and n=0 returns it."""
    return add_workdays_info(start, n)[0]


def workdays_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]; negative when end is before start. Mon–Fri counted by arithmetic,
    then each year's exceptions in the span added or taken off (the desk shows a count per due case)."""
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -workdays_between(end, start)
    count = _weekdays_through(end) - _weekdays_through(start)
    for year in range(start.year, end.year + 1):
        exceptions, _complete = _year(year)
        for day, workday in exceptions.items():
            if start < day <= end:
                count += int(workday) - int(day.weekday() < 5)
    return count


def _weekdays_through(day: datetime.date) -> int:
    """Mondays to Fridays from 0001-01-01 (a Monday) through ``day``."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def register_recompute(name: str, fn: Callable[[int | None], int]) -> None:
    """An app's function recomputing its deadlines stored without holiday data (``None``: every year)."""
    _RECOMPUTE[name] = fn


def spans_year(year: int | None, *, start: str, dues: tuple[str, ...]) -> Q:
    """Flagged rows whose span (``start`` lookup .. any of ``dues``) touches ``year`` (None: any year)."""
    flagged = Q(calendar_complete=False)
    if year is None:
        return flagged
    reaches = Q()
    for due in dues:
        reaches |= Q(**{f"{due}__gte": datetime.date(year, 1, 1)})
    return flagged & Q(**{f"{start}__lte": datetime.date(year, 12, 31)}) & reaches


_M = TypeVar("_M", bound=Model)


def rewrite_changed(rows: QuerySet[_M], fields: list[str], recompute: Callable[[_M], object]) -> int:
    """Apply ``recompute(row)`` to each row of the queryset ``rows``; write back, with a history row each
    saying why, only the rows whose ``fields`` changed (the nightly run rewrites nothing else)."""
    changed = []
    for row in rows:
        before = [getattr(row, f) for f in fields]
        recompute(row)
        if [getattr(row, f) for f in fields] != before:
            changed.append(row)
    bulk_update_with_history(
        changed, rows.model, fields, batch_size=500, default_change_reason=str(RECOMPUTE_REASON)
    )
    return len(changed)


def recompute_deadlines(year: int | None = None) -> dict[str, int]:
    """Run every registered recompute for deadlines whose span covers ``year``; rows changed per app."""
    clear_cache()
    return {name: fn(year) for name, fn in _RECOMPUTE.items()}
