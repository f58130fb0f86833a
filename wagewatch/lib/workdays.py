"""China's working days: the one place deadlines in working days are computed.

Sources for a year, merged day by day (later wins):
1. the `chinese_calendar` package, which has data up to its release year and raises for later years;
2. the admin-editable `accounts.Holiday` table (a public holiday, or a weekend made a working day 调休).
A year is *complete* when either source has data for it; otherwise only weekends are days off and the
result says so, so a deadline can be stored with `calendar_complete=False` and recomputed later.
"""

import calendar
import datetime
import time

import chinese_calendar
from django.apps import apps
from django.utils import timezone

# year -> (days that differ from the Mon-Fri rule: date -> is_workday, complete, loaded at)
_CACHE: dict[int, tuple[dict[datetime.date, bool], bool, float]] = {}
# Other processes (web workers, Celery) only learn of a Holiday edit when their entry expires.
_CACHE_SECONDS = 600
_ONE_DAY = datetime.timedelta(days=1)


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


def _year(year: int) -> tuple[dict[datetime.date, bool], bool]:
    cached = _CACHE.get(year)
    if cached is None or time.monotonic() - cached[2] > _CACHE_SECONDS:
        exceptions, complete = _package_year(year)
        table = _table_year(year)
        exceptions.update(table)
        cached = _CACHE[year] = (exceptions, complete or bool(table), time.monotonic())
    return cached[0], cached[1]


def _as_date(value: datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def calendar_complete(year: int) -> bool:
    """True when holiday data exists for the year (Holiday table or chinese_calendar)."""
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
    """Working days in (start, end]; negative when end is before start."""
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -workdays_between(end, start)
    count, day = 0, start
    while day < end:
        day += _ONE_DAY
        if is_workday(day):
            count += 1
    return count
