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
    # 39: 2 unit names; known-from (go-live day, read once for every stock; first sweep); project rows +
    # coverage rows; deposit_positions (4); complaints (1: every count, the breakdowns by channel, kind,
    # sector and outcome, and typical cases published through its one-to-one join, in one aggregate);
    # hazards (flows + 2 levels); roster workers; projects by grade (start, end); arrears (4); inspections,
    # orders, interviews; deposits (2); fund (flows and stocks in one); blacklist (grades + 5 counts:
    # notices, added, removed, in force, certificates); trend (3); rankings (hazards, cases by unit).
    assert small == 39
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


def _case_mix(project, township):
    """Cases in and out of the range across channels, kinds, sectors, outcomes and group incidents."""
    channels, kinds = Complaint.Channel.values, Complaint.Kind.values
    outcomes = [o for o in Complaint.Outcome.values if o != "refused"]
    for i in range(17):
        day = START + datetime.timedelta(days=3 * i)
        on_project = i % 4 != 3  # every fourth case: an employer outside construction, no project
        values = {
            "received_at": at(day), "channel": channels[i % (len(channels) - 1)], "kind": kinds[i % 3],
            "sector": "construction" if on_project else ("other" if i % 8 == 3 else ""),
            "workers_involved": 3 + i, "group_incident": i % 5 == 0,  # a 12-worker case (i=9) unticked
        }  # fmt: skip
        if i % 3 == 1:
            values.update(
                status="closed", accepted_on=day, closed_on=day, outcome=outcomes[i % len(outcomes)]
            )
        if i % 6 == 2:
            values.update(status="refused", outcome="refused")
        make_complaint(project=project if on_project else None, township=township, **values)
    before = START - datetime.timedelta(days=40)  # received before the range, closed in it
    make_complaint(
        project=project, received_at=at(before), channel="letter", group_incident=True, workers_involved=30,
        status="closed", closed_on=START, outcome="criminal", sector="construction",
    )  # fmt: skip
    make_complaint(project=project, received_at=at(END + datetime.timedelta(days=1)), channel="12345")


def test_case_breakdowns_equal_the_ledger_rows_with_those_filters(township_a, department, office, client_for):
    """By channel / kind / sector (received) and outcome (closed in the range), group incidents: each
    figure is the number of ledger rows with the matching filters (DESIGN §3)."""
    _case_mix(make_project(township_a, department), township_a)
    c = report_data(scope=Scope(), start=START, end=END)["complaints"]
    received = {"date_from": START, "date_to": END}

    def ledger(**filters):
        return complaint_list(user=office, filters={**filters}).count()

    assert [r["key"] for r in c["channels"]] == Complaint.Channel.values  # every channel, zeros included
    assert any(r["n"] == 0 for r in c["channels"])
    for r in c["channels"]:
        assert r["n"] == ledger(**received, channel=r["key"]), r
    for r in c["kinds"]:
        assert r["n"] == ledger(**received, kind=r["key"]), r
    for r in c["sectors"]:
        assert r["n"] == ledger(**received, sector=r["key"]), r
    construction = ledger(**received, sector="construction")
    assert c["construction_rate"] == Decimal(construction * 100 / c["received"]).quantize(Decimal("0.1"))
    assert c["sector_unknown"] == c["received"] - construction - ledger(**received, sector="other") > 0
    closed = {"status": "closed", "closed_from": START, "closed_to": END}
    outcomes = {r["key"]: r["n"] for r in c["outcomes"]}
    assert list(outcomes) == [*[o for o in Complaint.Outcome.values if o != "refused"], "refused"]
    for key, n in outcomes.items():
        expected = ledger(**received, status="refused") if key == "refused" else ledger(**closed, outcome=key)
        assert n == expected, key
    assert outcomes["criminal"] == c["criminal"] >= 1 and sum(outcomes.values()) > c["closed"]

    # group incidents: the ledger export's rows with the filter, and their workers involved
    query = {"date_from": START.isoformat(), "date_to": END.isoformat(), "group_incident": "yes"}
    headers, rows = _sheet_rows(client_for(office).get(reverse("complaints:export"), query))
    col = {h: i for i, h in enumerate(headers)}
    assert c["group_incidents"] == len(rows) == 4  # i = 0, 5, 10, 15; the 12-worker case i=9 unticked
    assert c["group_workers"] == sum(r[col["涉及人数"]] for r in rows)
    assert c["group_rate"] == Decimal(len(rows) * 100 / c["received"]).quantize(Decimal("0.1"))


def test_report_rows_list_every_channel_kind_sector_and_outcome(township_a, department):
    from reports.figures import figure_rows

    data = report_data(scope=Scope(), start=START, end=END)
    names = [name for _section, name, _value, _unit in figure_rows(data)]
    labels = ["渠道：网上咨询", "渠道：全国根治欠薪线索反映平台", "类别：信访", "领域：非建设领域"]
    labels += ["建设领域占比", "处理结果：转行业主管部门", "处理结果：不予受理", "群体性事件涉及人数"]
    assert set(labels) <= set(names)
