import datetime
from datetime import date

import chinese_calendar
import pytest

from wagewatch.accounts.models import Holiday, HolidayYear
from wagewatch.lib import workdays
from wagewatch.lib.workdays import (
    add_workdays,
    add_workdays_info,
    calendar_complete,
    is_workday,
    workdays_between,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def _package_has(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


# Spring Festival 2026 (chinese_calendar data): off Sun 15 Feb - Mon 23 Feb; worked Sat 14 Feb and Sat 28 Feb.
def test_spring_festival_2026():
    assert is_workday(date(2026, 2, 13))
    assert is_workday(date(2026, 2, 14))  # Saturday, adjusted working day
    assert not any(is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert is_workday(date(2026, 2, 24))
    assert is_workday(date(2026, 2, 28))  # Saturday, adjusted working day
    assert not is_workday(date(2026, 3, 1))
    assert add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_workdays(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert add_workdays_info(date(2026, 2, 13), 2) == (date(2026, 2, 24), True)
    assert workdays_between(date(2026, 2, 13), date(2026, 2, 28)) == 6  # 14, 24, 25, 26, 27, 28


# National Day 2026: off Thu 1 Oct - Wed 7 Oct; worked Sun 20 Sep and Sat 10 Oct.
def test_national_day_2026():
    assert is_workday(date(2026, 9, 20))  # Sunday, adjusted working day
    assert not any(is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_workdays(date(2026, 9, 30), 3) == date(2026, 10, 10)  # Saturday, adjusted working day
    assert add_workdays(date(2026, 9, 30), 4) == date(2026, 10, 12)
    assert workdays_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert workdays_between(date(2026, 10, 10), date(2026, 9, 30)) == -3
    assert add_workdays(date(2026, 10, 8), -1) == date(2026, 9, 30)


def test_start_is_not_counted_and_zero_returns_start():
    saturday = date(2026, 3, 7)
    assert add_workdays(saturday, 0) == saturday
    assert add_workdays_info(saturday, 0) == (saturday, True)
    assert add_workdays(saturday, 1) == date(2026, 3, 9)
    assert workdays_between(saturday, saturday) == 0


def test_datetimes_are_taken_as_local_dates():
    # 2026-10-07 20:00 UTC is 2026-10-08 04:00 in Shanghai, a working day.
    assert is_workday(datetime.datetime(2026, 10, 7, 20, tzinfo=datetime.UTC))
    assert not is_workday(datetime.datetime(2026, 10, 7, 20))  # noqa: DTZ001 - naive means the date as given


def test_year_without_data_falls_back_to_weekends_and_says_so():
    assert calendar_complete(2030) is False
    assert is_workday(date(2030, 1, 1))  # New Year's Day, unknown without data
    assert not is_workday(date(2030, 1, 5))  # Saturday
    assert add_workdays_info(date(2030, 1, 4), 1) == (date(2030, 1, 7), False)
    assert workdays_between(date(2030, 1, 1), date(2030, 1, 31)) == 22  # weekdays 2-31 January


def test_deadline_running_into_next_year_does_not_crash():
    result, complete = add_workdays_info(date(2026, 12, 24), 15)
    assert result.year == 2027
    assert complete is _package_has(2027)
    assert calendar_complete(2027) is _package_has(2027)
    assert workdays_between(date(2026, 12, 1), date(2027, 2, 1)) > 30


@pytest.mark.parametrize("year", [1, 1900, 2003, 2099, 9998])
def test_any_year_works(year):
    assert isinstance(is_workday(date(year, 5, 1)), bool)
    assert add_workdays(date(year, 5, 1), 10) > date(year, 5, 1)


def test_holiday_table_fills_a_year_without_package_data_once_marked_complete():
    Holiday.objects.create(date=date(2030, 1, 1), is_workday=False, name="元旦")
    Holiday.objects.create(date=date(2030, 1, 5), is_workday=True, name="调休上班")
    assert calendar_complete(2030) is False  # rows alone: the admin may not have entered them all
    HolidayYear.objects.create(year=2030, complete=True)
    workdays.clear_cache()
    assert calendar_complete(2030) is True
    assert not is_workday(date(2030, 1, 1))
    assert is_workday(date(2030, 1, 5))
    assert add_workdays_info(date(2029, 12, 31), 1) == (date(2030, 1, 2), True)
    assert add_workdays_info(date(2030, 1, 4), 1) == (date(2030, 1, 5), True)


def test_holiday_table_row_overrides_the_package():
    Holiday.objects.create(date=date(2026, 2, 14), is_workday=False, name="春节（本县不调休）")
    Holiday.objects.create(date=date(2026, 3, 2), is_workday=False, name="县级临时放假")
    assert not is_workday(date(2026, 2, 14))
    assert not is_workday(date(2026, 3, 2))
    assert is_workday(date(2026, 2, 28))  # the rest of the package's year still applies
    assert add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 24)


def test_year_is_loaded_once_until_cache_cleared(django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT the year's Holiday rows
        workdays_between(date(2026, 1, 1), date(2026, 12, 31))
    Holiday.objects.create(date=date(2026, 3, 2), is_workday=False, name="临时放假")
    with django_assert_num_queries(0):
        assert is_workday(date(2026, 3, 2))  # cached
    workdays.clear_cache()
    with django_assert_num_queries(1):
        assert not is_workday(date(2026, 3, 2))


def test_one_holiday_row_does_not_make_a_year_complete():
    # Issue 14 #19: one row for 2027 made the whole year count as known; only an admin's mark does.
    Holiday.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    assert calendar_complete(2027) is _package_has(2027)
    assert not is_workday(date(2027, 1, 1))  # the row itself still counts
    assert add_workdays_info(date(2026, 12, 31), 1) == (date(2027, 1, 4), _package_has(2027))


def test_workdays_between_counts_what_a_day_by_day_walk_counts():
    # the count is arithmetic plus each year's exceptions: it must agree with is_workday day by day, over
    # package years, a year only the table knows (with a weekend made a working day), spans across years,
    # both directions, and datetimes
    import random

    Holiday.objects.create(date=date(2031, 10, 1), is_workday=False, name="国庆节")
    Holiday.objects.create(date=date(2031, 9, 27), is_workday=True, name="调休上班")  # a Saturday
    Holiday.objects.create(date=date(2026, 3, 2), is_workday=True, name="与规则相同的一行")  # a Monday
    workdays.clear_cache()

    def walked(a: date, b: date) -> int:
        if b < a:
            return -walked(b, a)
        return sum(is_workday(a + datetime.timedelta(days=i)) for i in range(1, (b - a).days + 1))

    rnd = random.Random(19)
    spans = [(date(2026, 2, 13), date(2026, 2, 24)), (date(2031, 9, 26), date(2031, 10, 8)),
             (date(2025, 12, 30), date(2026, 1, 5)), (date(2026, 1, 1), date(2026, 1, 1))]  # fmt: skip
    for _ in range(300):
        a = date(2024, 1, 1) + datetime.timedelta(days=rnd.randrange(0, 365 * 8))
        spans.append((a, a + datetime.timedelta(days=rnd.randrange(-400, 400))))
    for a, b in spans:
        assert workdays_between(a, b) == walked(a, b), (a, b)
    noon = datetime.datetime(2026, 2, 13, 12, tzinfo=datetime.UTC)
    assert workdays_between(noon, date(2026, 2, 24)) == walked(date(2026, 2, 13), date(2026, 2, 24))
