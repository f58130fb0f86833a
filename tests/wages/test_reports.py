"""Arrears in the reports and on the desk: stocks at the range's start and end, equal to the rows of the
arrears export; ID and card masked in the exports."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reports.figures import Scope, figure_rows, report_data
from tests.projects.factories import make_project, make_roster_entry
from tests.wages.factories import CARD, make_pay_line
from wages.models import PayLine

D = datetime.date
START, END = D(2026, 4, 1), D(2026, 6, 30)


@pytest.fixture
def county(township_a, township_b, department):
    """Township A: March wages 6,000 unpaid (owed from 16 April, so not at the start) and February wages
    failed at the bank (owed at the start and the end); township B: January wages 4,000 short, paid up on
    10 May (owed at the start, not at the end)."""
    a = make_project(township_a, department, start_date=D(2025, 1, 1), payday=15)
    b = make_project(township_b, department, start_date=D(2025, 1, 1), payday=15)
    return {
        "a_march": make_pay_line(make_roster_entry(a), D(2026, 3, 1), net=None, paid_on=None),
        "a_feb": make_pay_line(
            make_roster_entry(a), D(2026, 2, 1), bank_status="failed", bank_reason="卡已注销"
        ),
        "b_jan": make_pay_line(
            make_roster_entry(b), D(2026, 1, 1), net=Decimal("2000"), paid_on=D(2026, 2, 10)
        ),
        "a": a,
        "b": b,
    }


def _export_rows(client, on):
    response = client.get(reverse("wages:arrears_export"), {"on": on.isoformat()})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return rows[0], rows[1:], response.content


def test_stocks_at_start_and_end_equal_the_export_rows(county, office, client_for):
    # B's January paid in full (6,000) only on 10 May: owed in full at the start, not at the end
    PayLine.objects.filter(pk=county["b_jan"].pk).update(net=Decimal("6000"), paid_on=D(2026, 5, 10))
    data = report_data(scope=Scope(), start=START, end=END)
    client = client_for(office)
    for key, day in (("start", START), ("end", END)):
        headers, rows, _raw = _export_rows(client, day)
        owed = headers.index("欠付（元）")
        stock = data["arrears"][key]
        assert stock["yuan"] == Decimal("12000.00") == sum(Decimal(str(r[owed])) for r in rows)
        assert stock["workers"] == len(rows) == 2  # one line per worker here
        assert stock["yi"] == Decimal("0.0001")
    assert data["arrears"]["start"]["oldest_month"] == D(2026, 1, 1)
    assert data["arrears"]["end"]["oldest_month"] == D(2026, 2, 1)


def test_failed_line_and_later_payment_in_the_stocks(county):
    data = report_data(scope=Scope(), start=START, end=END)
    # start (1 April): A February 6,000 (failed) + B January 4,000 short; end: + A March 6,000
    assert (data["arrears"]["start"]["yuan"], data["arrears"]["end"]["yuan"]) == (
        Decimal("10000.00"),
        Decimal("16000.00"),
    )
    assert data["arrears"]["end"]["wan"] == Decimal("1.60")
    assert any("期末仍有3名农民工被拖欠工资1.60万元，最早欠薪月份为2026-01" in p for p in data["problems"])
    rows = {(r[1], r[3]): r[2] for r in figure_rows(data) if r[0] == "欠薪（工资明细）"}
    assert rows[("期初欠薪金额", "亿元")] == Decimal("0.0001") and rows[("期末被欠薪工人", "人")] == 3
    assert rows[("期末最早欠薪月份", "")] == "2026-01"


def test_township_scope_counts_its_lines_only(county, township_a):
    data = report_data(scope=Scope("township", township_a.pk, None, "甲镇"), start=START, end=END)
    assert data["arrears"]["end"]["yuan"] == Decimal("12000.00")
    assert data["arrears"]["start"]["yuan"] == Decimal("6000.00")


def test_a_day_before_any_line_fell_due_is_unknown_not_zero(township_a, department):
    project = make_project(township_a, department, start_date=D(2025, 1, 1))
    make_pay_line(make_roster_entry(project), D(2026, 6, 1), net=None, paid_on=None)
    data = report_data(scope=Scope(), start=START, end=END)
    assert not data["arrears"]["start"]["known"] and not data["arrears"]["end"]["known"]
    rows = {r[1]: r[2] for r in figure_rows(data) if r[0] == "欠薪（工资明细）"}
    assert rows["期初欠薪金额"] == rows["期末被欠薪工人"] == "—"


def _queries():
    with CaptureQueriesContext(connection) as ctx:
        report_data(scope=Scope(), start=START, end=END)
    return len(ctx.captured_queries)


def test_report_queries_do_not_grow_with_lines(township_a, department):
    project = make_project(township_a, department, start_date=D(2025, 1, 1))
    make_pay_line(make_roster_entry(project), D(2026, 3, 1), net=None, paid_on=None)
    small = _queries()
    for _n in range(30):
        make_pay_line(make_roster_entry(project), D(2026, 3, 1), net=None, paid_on=None)
    assert _queries() == small


def test_exports_mask_id_and_card(county, office, client_for):
    worker = county["a_march"].entry.worker
    _headers, rows, raw = _export_rows(client_for(office), END)
    assert any(worker.masked_id in r for r in rows) and not any(worker.id_number in map(str, r) for r in rows)
    assert CARD.encode() not in raw and worker.id_number.encode() not in raw
    response = client_for(office).get(reverse("wages:project_export", args=[county["a"].pk]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [str(v) for row in sheet.iter_rows(values_only=True) for v in row]
    assert worker.masked_id in values and worker.id_number not in values and CARD not in values
    assert "6228 **** **** *** 1234" in values


def test_arrears_export_is_scoped(county, inspector_b, client_for):
    _headers, rows, _raw = _export_rows(client_for(inspector_b), END)
    assert {r[0] for r in rows} == {county["b"].code}


def test_desk_shows_the_arrears_card(county, inspector_a, client_for):
    body = client_for(inspector_a).get(reverse("dashboard")).content.decode()
    assert reverse("wages:arrears") in body and "欠薪（万元）" in body


def test_payroll_coverage_reads_the_lines_where_a_project_keeps_them(township_a, department):
    from projects.models import Payroll

    day = D(2026, 5, 31)  # the due month: March (M is due by the end of M+1)
    paid = make_project(township_a, department, start_date=D(2025, 1, 1), code="LINES-OK")
    failed = make_project(township_a, department, start_date=D(2025, 1, 1), code="LINES-FAIL")
    reported = make_project(township_a, department, start_date=D(2025, 1, 1), code="REPORTED")
    for _n in range(2):
        make_pay_line(make_roster_entry(paid), D(2026, 3, 1))
        make_pay_line(make_roster_entry(failed), D(2026, 3, 1), via_account=False)
    make_pay_line(make_roster_entry(failed), D(2026, 3, 1), bank_status="failed", bank_reason="卡已注销")
    # a reported total that says all paid: ignored for a project with lines, read for one without
    Payroll.objects.create(
        project=failed, month=D(2026, 3, 1), attended=3, paid=3, gross=1, net=1, paid_on=day
    )
    Payroll.objects.create(
        project=reported, month=D(2026, 3, 1), attended=3, paid=3, gross=1, net=1, paid_on=day
    )
    data = report_data(scope=Scope(), start=START, end=day)
    checks = {
        r["code"]: (r["pay_source"], r["checks"]["payroll"], r["checks"]["wages"])
        for r in data["projects"]["rows"]
    }
    assert checks == {
        "LINES-OK": ("lines", True, True),
        "LINES-FAIL": ("lines", False, False),  # paid in cash (not via the account), one transfer failed
        "REPORTED": ("reported", True, True),
    }
    assert (data["projects"]["payroll_from_lines"], data["projects"]["payroll_reported"]) == (2, 1)
