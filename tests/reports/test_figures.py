"""Report figures: constant query count, and every figure equal to the rows of the list it summarises."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from blacklist.selectors import entry_list
from complaints.models import Complaint
from complaints.selectors import complaint_list, order_list
from deposits.models import DepositEntry
from projects.models import Inspection
from projects.selectors import project_list
from reports.figures import Scope, report_data
from reports.figures.common import pct
from tests.complaints.factories import make_complaint
from tests.projects.factories import make_project
from tests.reports.factories import END, START, at, county

pytestmark = pytest.mark.django_db


def _queries(scope):
    with CaptureQueriesContext(connection) as ctx:
        report_data(scope=scope, start=START, end=END)
    return len(ctx.captured_queries)


def test_report_data_queries_do_not_grow_with_data(
    township_a, township_b, department, django_assert_num_queries
):
    county(2, [township_a, township_b], department)
    small = _queries(Scope())
    # 41: 2 unit names; known-from (first sweep, go-live day for hazards, go-live day for the other
    # stocks); project rows + coverage rows; deposit_positions (4); complaints (2: typical cases published
    # counted in the case aggregate through its one-to-one join); hazards (flows + 2 levels); roster
    # workers; projects by grade (start, end); arrears (4); inspections, orders, interviews; deposits (2);
    # fund (flows and stocks in one); blacklist (grades + 5 counts: notices, added, removed, in force,
    # certificates); trend (3); rankings (hazards, cases by unit).
    assert small == 41
    with django_assert_num_queries(small):
        report_data(scope=Scope(), start=START, end=END)
    county(198, [township_a, township_b], department, offset=2)
    assert _queries(Scope()) == small
    assert _queries(Scope("township", township_a.pk, None, "甲镇")) == small


def _sheet_rows(response):
    book = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return rows[0], rows[1:]


def _in(value, lo, hi):
    if value is None:
        return False
    day = value.date() if isinstance(value, datetime.datetime) else value
    return lo <= day <= hi


@pytest.mark.parametrize("scoped", [False, True])
def test_every_figure_equals_the_rows_of_its_list(
    scoped, township_a, township_b, department, office, client_for
):
    county(6, [township_a, township_b], department)
    scope = Scope("township", township_a.pk, None, "甲镇") if scoped else Scope()
    filters = {"township": township_a.pk} if scoped else {}
    data = report_data(scope=scope, start=START, end=END)
    client = client_for(office)

    # 在建项目: the project list, active on the last day
    assert data["projects"]["active"] == project_list(user=office, filters=filters).active_on(END).count()

    # 案件台账 export: received / filed / closed by the date of each step; the closure rate
    headers, rows = _sheet_rows(client.get(reverse("complaints:export"), filters))
    col = {h: i for i, h in enumerate(headers)}
    filed = [r for r in rows if _in(r[col["立案日期"]], START, END)]
    closed = [r for r in rows if _in(r[col["结案日期"]], START, END)]
    c = data["complaints"]
    assert (
        c["received"]
        == complaint_list(user=office, filters={**filters, "date_from": START, "date_to": END}).count()
    )
    assert c["received"] == sum(1 for r in rows if _in(r[col["登记日期"]], START, END))
    assert c["filed"] == len(filed)
    assert c["closed"] == len(closed)
    assert c["filed_closed"] == sum(1 for r in filed if _in(r[col["结案日期"]], START, END))
    assert c["recovered_yuan"] == sum(Decimal(str(r[col["追回金额（元）"]])) for r in closed)
    assert c["workers"] == sum(r[col["兑付人数"]] for r in closed)
    assert c["group_incidents"] == sum(
        1 for r in rows if r[col["群体性"]] and _in(r[col["登记日期"]], START, END)
    )

    # 欠薪隐患清单 export: opened / closed in range, open at the end
    headers, rows = _sheet_rows(client.get(reverse("risk:export"), filters))
    col = {h: i for i, h in enumerate(headers)}
    h = data["hazards"]
    assert h["opened"] == sum(1 for r in rows if _in(r[col["发现时间"]], START, END))
    assert h["closed"] == sum(1 for r in rows if _in(r[col["销号时间"]], START, END))
    open_end = [
        r
        for r in rows
        if r[col["发现时间"]].date() <= END and not _in(r[col["销号时间"]], START, datetime.date(2099, 1, 1))
    ]
    assert h["open_end"] == len(open_end)

    # deposit ledger rows
    entries = DepositEntry.objects.visible_to(office).filter(date__range=(START, END))
    if scoped:
        entries = entries.filter(deposit__project__township=township_a)
    paid = entries.filter(kind=DepositEntry.Kind.PAID_IN)
    drawn = entries.filter(kind=DepositEntry.Kind.DRAWN)
    d = data["deposits"]
    assert d["paid_n"] == paid.values("deposit").distinct().count()
    assert d["paid"] == Decimal(len(paid)) * 10  # 100,000 yuan each = 10.00 万元
    assert d["drawn_n"] == drawn.count()

    # orders and inspections
    orders = [o for o in order_list(user=office, filters={}) if START <= o.issued_on <= END]
    if scoped:
        orders = [o for o in orders if o.township_id == township_a.pk]
    assert data["enforcement"]["orders"] == len(orders)
    inspections = Inspection.objects.visible_to(office).filter(date__range=(START, END))
    if scoped:
        inspections = inspections.filter(project__township=township_a)
    assert data["enforcement"]["inspections"] == inspections.count()

    # blacklist in force (county scope only: the list is county-wide)
    if not scoped:
        assert data["blacklist"]["in_force"] == entry_list(user=office, status="in_force", on=END).count()


def test_closure_rate_of_the_seeds_40_filed_39_closed(township_a, department):
    project = make_project(township_a, department)
    for i in range(40):
        day = START + datetime.timedelta(days=i)
        closed = {"status": Complaint.Status.CLOSED, "closed_on": END, "outcome": "mediated"} if i else {}
        make_complaint(project=project, received_at=at(day), accepted_on=day, filed_on=day, **closed)
    c = report_data(scope=Scope(), start=START, end=END)["complaints"]
    assert (c["filed"], c["filed_closed"]) == (40, 39)
    assert c["closure_rate"] == Decimal("97.5")
    assert pct(c["closure_rate"]) == "97.5%"


def test_closure_rate_counts_only_cases_filed_in_the_range(township_a, department, office, client_for):
    """结案率 = filed in the range and closed by its end ÷ filed in the range (DESIGN §3)."""
    project = make_project(township_a, department)
    closed = {"status": Complaint.Status.CLOSED, "outcome": "mediated"}
    for i in range(5):  # filed in range: 3 closed in range, 1 closed after the end, 1 still open
        day = START + datetime.timedelta(days=i)
        done = (
            {**closed, "closed_on": END}
            if i < 3
            else {**closed, "closed_on": END + datetime.timedelta(days=1)}
        )
        make_complaint(project=project, received_at=at(day), filed_on=day, **(done if i < 4 else {}))
    before = START - datetime.timedelta(days=20)
    for _ in range(2):  # filed before the range, closed in it: closed in range but not filed in range
        make_complaint(project=project, received_at=at(before), filed_on=before, closed_on=START, **closed)
    c = report_data(scope=Scope(), start=START, end=END)["complaints"]

    _headers, rows = _sheet_rows(client_for(office).get(reverse("complaints:export")))
    col = {h: i for i, h in enumerate(_headers)}
    filed = [r for r in rows if _in(r[col["立案日期"]], START, END)]
    filed_closed = [r for r in filed if _in(r[col["结案日期"]], START, END)]
    assert (len(filed), len(filed_closed), c["closed"]) == (5, 3, 5)  # closed ÷ filed would be 100%
    assert c["closure_rate"] == Decimal(len(filed_closed) * 100 / len(filed)).quantize(Decimal("0.1"))
    assert pct(c["closure_rate"]) == "60.0%"
