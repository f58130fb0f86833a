"""A holiday year is complete only when an admin marks it so (or chinese-calendar covers it); marking it
recomputes every stored deadline computed without it, and the ledger and the desk flag such deadlines."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blacklist import services as blacklist_services
from blacklist.models import BlacklistEntry
from complaints import services as complaint_services
from complaints.models import Complaint
from deposits import services as deposit_services
from deposits.models import WageDeposit
from projects.models import Hazard, SweepRun
from risk.services import sweep_run
from tests.blacklist.factories import make_proposed
from tests.complaints.factories import make_complaint
from tests.deposits.factories import make_deposit
from tests.projects.factories import make_enterprise, make_project
from wagewatch.accounts.models import Holiday, HolidayYear
from wagewatch.accounts.services import holiday_year_mark_complete
from wagewatch.lib import workdays

pytestmark = pytest.mark.django_db
D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FLAG = "未含节假日数据"
# chinese-calendar 1.11 has no data for 2027; these tests are about a year the package does not cover.
YEAR = 2027
NEW_YEAR = D(YEAR, 1, 1)  # a Friday: a working day to a weekends-only calendar


@pytest.fixture(autouse=True)
def _fresh_calendar():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture(autouse=True)
def _package_lacks_the_year():
    if workdays._package_year(YEAR)[1]:
        pytest.skip(f"chinese-calendar now covers {YEAR}: move YEAR on")


def _travel(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def project(township_a, department):
    return make_project(township_a, department, builder=make_enterprise(kind="builder"))


def _receive(user, project, day):
    return complaint_services.complaint_receive(
        user=user,
        channel=Complaint.Channel.HOTLINE_12333,
        complainant_name="王小二",
        complainant_phone="13912345678",
        description="拖欠工资",
        respondent_name="某劳务公司",
        project=project,
        received_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
    )


def _deadlines(office, project):
    """One stored deadline of each kind, all running over 1 January 2027, computed without its holidays."""
    with _travel(D(2026, 12, 24)):
        sweep_run(run=SweepRun.objects.create(), today=D(2026, 12, 24))  # hazards due in 10 working days
        entry = make_proposed(user=office, project=project, on=D(2026, 12, 24))
        entry = blacklist_services.blacklist_issue_notice(entry=entry, user=office, on=D(2026, 12, 24))
    with _travel(D(2026, 12, 29)):
        received = _receive(office, project, D(2026, 12, 28))  # acceptance due in 5 working days
        filed = _receive(office, project, D(2026, 12, 28))
        complaint_services.complaint_accept(complaint=filed, user=office, on=D(2026, 12, 28))
        complaint_services.complaint_file(complaint=filed, user=office, on=D(2026, 12, 28))
        deposit = make_deposit(project, cash="10", user=office)
        deposit_services.deposit_return_start(
            deposit=deposit,
            completed_on=D(2026, 11, 20),
            promise_received_on=D(2026, 11, 25),
            notice_from=D(2026, 11, 29),  # 30-day notice ends Mon 28 December
            user=office,
        )
        deposit_services.deposit_review_done(deposit=deposit, on=D(2026, 12, 29), user=office)
    return {"received": received, "filed": filed, "entry": entry, "deposit": deposit}


def _state(rows):
    for row in rows.values():
        row.refresh_from_db()
    hazards = set(Hazard.objects.values_list("deadline", "calendar_complete"))
    r, f, e, d = rows["received"], rows["filed"], rows["entry"], rows["deposit"]
    return {
        "accept_due": (r.accept_due, r.calendar_complete),
        "close_due": (f.close_due, f.calendar_complete),
        "defence_due": (e.defence_due, e.calendar_complete),
        "hazards": hazards,
        "deposit": (d.review_due, d.return_due, d.calendar_complete),
    }


# Weekends only: 1 January 2027 counts as a working day.
WEEKENDS_ONLY = {
    "accept_due": (D(2027, 1, 4), False),  # 29, 30, 31 Dec, 1, 4 Jan
    "close_due": (D(2027, 3, 22), False),  # 60 working days from 28 Dec
    "defence_due": (D(2027, 1, 7), False),  # 25, 28-31 Dec, 1, 4-7 Jan
    "hazards": {(D(2027, 1, 7), False)},
    "deposit": (
        D(2027, 1, 4),
        D(2027, 1, 1),
        False,
    ),  # review: 29-31 Dec, 1, 4 Jan; return: 30, 31 Dec, 1 Jan
}
# With 1 January a holiday, every deadline moves one working day on.
WITH_NEW_YEAR = {
    "accept_due": (D(2027, 1, 5), True),
    "close_due": (D(2027, 3, 23), True),
    "defence_due": (D(2027, 1, 8), True),
    "hazards": {(D(2027, 1, 8), True)},
    "deposit": (D(2027, 1, 5), D(2027, 1, 4), True),
}


def test_one_holiday_row_does_not_make_the_year_complete(office, project):
    Holiday.objects.create(date=NEW_YEAR, name="元旦")
    workdays.clear_cache()
    assert workdays.calendar_complete(YEAR) is False
    with _travel(D(2026, 12, 29)):
        case = _receive(office, project, D(2026, 12, 28))
    assert (case.accept_due, case.calendar_complete) == (
        D(2027, 1, 5),
        False,
    )  # the row counts; still flagged


def test_marking_the_year_complete_recomputes_every_kind_of_stored_deadline(office, admin, project):
    rows = _deadlines(office, project)
    assert _state(rows) == WEEKENDS_ONLY
    Holiday.objects.create(date=NEW_YEAR, name="元旦")
    workdays.clear_cache()
    assert _state(rows) == WEEKENDS_ONLY  # a holiday row alone recomputes nothing
    counts = holiday_year_mark_complete(year=YEAR, user=admin)
    assert _state(rows) == WITH_NEW_YEAR
    assert counts["complaints"] == 2 and counts["blacklist"] == 1 and counts["deposits"] == 1
    assert counts["hazards"] == Hazard.objects.count() > 0
    marked = HolidayYear.objects.get(year=YEAR)
    assert marked.complete and marked.marked_by == admin and marked.marked_at is not None
    assert Complaint.history.filter(id=rows["filed"].pk, close_due=D(2027, 3, 23)).exists()


def test_marking_a_year_leaves_deadlines_that_never_reached_it(office, admin, project):
    with _travel(D(2027, 12, 29)):
        case = _receive(office, project, D(2027, 12, 28))  # runs into 2028 only
    holiday_year_mark_complete(year=2028, user=admin)
    case.refresh_from_db()
    assert case.calendar_complete is False  # 2027 is still unknown
    holiday_year_mark_complete(year=YEAR, user=admin)
    case.refresh_from_db()
    assert case.calendar_complete is True


def _recompute_queries(admin) -> int:
    HolidayYear.objects.filter(year=YEAR).delete()
    for model in (Complaint, Hazard, BlacklistEntry, WageDeposit):
        model.objects.update(calendar_complete=False)
    with CaptureQueriesContext(connection) as ctx:
        counts = holiday_year_mark_complete(year=YEAR, user=admin)
    assert all(counts.values())
    return len(ctx.captured_queries)


def test_recompute_query_count_does_not_grow_with_rows(office, admin, project, township_a, department):
    _deadlines(office, project)
    # 4 savepoints and their releases (8: the deposits' recompute locks its rows in its own transaction);
    # HolidayYear get + insert (2); per app: SELECT flagged rows (deposits: FOR UPDATE), UPDATE, INSERT
    # history (12); Holiday rows of 2026 and of 2027, HolidayYear 2027 complete? (3)
    small = _recompute_queries(admin)
    assert small == 25
    with _travel(D(2026, 12, 29)):
        for _ in range(10):
            _receive(office, project, D(2026, 12, 28))
    with _travel(D(2026, 12, 24)):
        for _ in range(5):
            make_project(township_a, department)
        sweep_run(run=SweepRun.objects.create(), today=D(2026, 12, 24))
    assert _recompute_queries(admin) == small


def test_admin_ticking_the_year_complete_recomputes(admin, office, project, client_for):
    with _travel(D(2026, 12, 29)):
        case = _receive(office, project, D(2026, 12, 28))
    Holiday.objects.create(date=NEW_YEAR, name="元旦")
    response = client_for(admin).post(
        reverse("admin:accounts_holidayyear_add"), {"year": YEAR, "complete": "on"}, follow=True
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.accept_due, case.calendar_complete) == (D(2027, 1, 5), True)
    assert HolidayYear.objects.get(year=YEAR).marked_by == admin


def _flagged_case(project, **extra):
    values = {"accept_due": D(2027, 1, 4), "deadline_state": "soon", "calendar_complete": False}
    return make_complaint(project=project, **{**values, **extra})


def test_ledger_and_desk_flag_deadlines_without_holiday_data(office, project, client_for):
    _flagged_case(project)
    _flagged_case(project, calendar_complete=True)
    with _travel(D(2026, 12, 29)):
        client = client_for(office)
        ledger = client.get(reverse("complaints:list")).content.decode()
        desk = client.get(reverse("reports:dashboard")).content.decode()
    assert ledger.count(FLAG) == 1
    assert desk.count(FLAG) == 1


def test_nightly_recompute_writes_nothing_while_the_year_is_unknown(office, project):
    from wagewatch.accounts import tasks

    rows = _deadlines(office, project)
    histories = Complaint.history.count() + Hazard.history.count()
    assert tasks.recompute_deadlines() == {"complaints": 0, "blacklist": 0, "deposits": 0, "hazards": 0}
    assert tasks.recompute_deadlines() == {"complaints": 0, "blacklist": 0, "deposits": 0, "hazards": 0}
    assert Complaint.history.count() + Hazard.history.count() == histories
    assert _state(rows) == WEEKENDS_ONLY
