"""The roster, labour-contract, prior-notice, grade and emergency-fund figures, each counted against the rows
of its list or export (or the model rows by the DESIGN §3 definition), never through the report's selector."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from blacklist import services as blacklist_services
from blacklist.selectors import entry_list, grade_list
from deposits import services as deposit_services
from deposits.models import EmergencyAdvance, FundEntry
from reports.figures import Scope, report_data
from tests.blacklist.factories import make_proposed
from tests.projects.factories import make_project, make_roster_entry
from tests.reports.factories import END, START

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _export_rows(client, project):
    response = client.get(reverse("projects:roster_export", args=[project.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    col = {h: i for i, h in enumerate(rows[0])}
    return col, rows[1:]


def _on_roster(col, row) -> bool:
    entered, left = row[col["进场日期"]].date(), row[col["退场日期"]]
    return entered <= END and (left is None or left.date() >= END)


@pytest.mark.parametrize("scoped", [False, True])
def test_roster_workers_and_contract_rate_equal_the_roster_exports(
    scoped, township_a, township_b, department, office, client_for
):
    start = datetime.date(2026, 1, 1)
    a = make_project(township_a, department, start_date=start)
    b = make_project(township_b, department, start_date=start)
    for project in (a, b):
        make_roster_entry(project)  # on the roster, signed
        make_roster_entry(project, contract_signed=False)  # on the roster, no contract
        make_roster_entry(project, exit_date=END)  # leaves on the last day: still on it that day
        make_roster_entry(project, exit_date=END - DAY)  # left before the day
        make_roster_entry(project, entry_date=END + DAY)  # entered after the day
    make_roster_entry(a, contract_signed=False, exit_date=END + DAY * 10)
    scope = Scope("township", township_a.pk, None, "甲镇") if scoped else Scope()
    r = report_data(scope=scope, start=START, end=END)["roster"]

    client, on_roster, signed = client_for(office), 0, 0
    for project in [a] if scoped else [a, b]:
        col, rows = _export_rows(client, project)
        on = [row for row in rows if _on_roster(col, row)]
        on_roster += len(on)
        signed += sum(1 for row in on if row[col["是否签订劳动合同"]] == "是")
    assert (r["workers"], r["signed"]) == (on_roster, signed) == ((4, 2) if scoped else (7, 4))
    assert r["rate"] == (Decimal(signed * 100) / on_roster).quantize(Decimal("0.1"))


def test_prior_notices_are_counted_by_the_notice_date(township_a, department, office):
    for day in (START - DAY, START, END, END + DAY):
        entry = make_proposed(user=office, project=make_project(township_a, department), on=START - DAY * 30)
        blacklist_services.blacklist_issue_notice(entry=entry, user=office, on=day)
    make_proposed(user=office, project=make_project(township_a, department))  # proposed, no notice yet
    b = report_data(scope=Scope(), start=START, end=END)["blacklist"]
    rows = entry_list(user=office)
    assert b["noticed"] == sum(1 for e in rows if e.notice_date and START <= e.notice_date <= END) == 2


def test_grades_of_the_whole_register_equal_the_grade_list(township_a, department, office):
    from tests.blacklist.factories import make_closed_complaint, make_enterprise

    for _ in range(3):
        make_enterprise()  # in the register, party to no project
    once = make_project(township_a, department)
    make_closed_complaint(user=office, project=once, outcome="investigated", on=datetime.date(2026, 5, 1))
    blacklist_services.grade_compute_year(year=END.year)
    blacklist_services.grade_override(
        enterprise=once.builder, year=END.year, grade="C", reason="阻挠劳动保障监察", user=office
    )
    b = report_data(scope=Scope(), start=START, end=END)["blacklist"]
    counts = {g["grade"]: g["n"] for g in b["grades"]}
    assert counts == {g: grade_list(year=END.year, grade=g).count() for g in "ABC"}
    assert counts["B"] == counts["C"] == 1
    assert b["graded"] == grade_list(year=END.year).count() >= 5


@pytest.fixture
def fund(township_a, township_b, department, office):
    a = make_project(township_a, department, start_date=datetime.date(2026, 1, 1))
    b = make_project(township_b, department, start_date=datetime.date(2026, 1, 1))
    pay = deposit_services.advance_pay
    deposit_services.fund_capital_in(amount=Decimal("500000"), on=START - DAY * 60, user=office)
    early = pay(
        enterprise=a.contractor, project=a, amount=Decimal("30000"), workers=5, on=START - DAY, user=office
    )
    pay(enterprise=a.contractor, project=a, amount=Decimal("40000"), workers=7, on=START, user=office)
    pay(enterprise=b.contractor, project=b, amount=Decimal("25000"), workers=4, on=END, user=office)
    pay(enterprise=b.contractor, project=b, amount=Decimal("10000"), workers=2, on=END + DAY, user=office)
    deposit_services.advance_recover(advance=early, amount=Decimal("12000"), on=END - DAY, user=office)
    deposit_services.fund_capital_in(amount=Decimal("100000"), on=END + DAY, user=office)


def test_fund_capital_balance_and_workers_helped(fund, township_a, office):
    f = report_data(scope=Scope(), start=START, end=END)["fund"]
    entries = list(FundEntry.objects.filter(date__lte=END))
    capital = sum(e.amount for e in entries if e.kind == "capital")
    assert f["capital"] == (capital / 10000).quantize(Decimal("0.01")) == Decimal("50.00")
    balance = sum(e.signed_amount for e in entries)
    assert f["balance"] == (balance / 10000).quantize(Decimal("0.01")) == Decimal("41.70")
    advances = [a for a in EmergencyAdvance.objects.visible_to(office) if START <= a.paid_on <= END]
    assert f["workers"] == sum(a.workers for a in advances) == 11

    mine = report_data(scope=Scope("township", township_a.pk, None, "甲镇"), start=START, end=END)["fund"]
    assert mine["workers"] == sum(a.workers for a in advances if a.township_id == township_a.pk) == 7
    assert mine["capital"] is None and mine["balance"] is None  # the county's fund, not a township's


def test_advance_workers_are_bounded_in_the_form_and_the_service(township_a, department, office):
    from django.core.exceptions import ValidationError

    from deposits.forms import AdvanceForm
    from projects.models import Project

    project = make_project(township_a, department)
    deposit_services.fund_capital_in(amount=Decimal("500000"), on=START, user=office)
    for workers in (0, EmergencyAdvance.MAX_WORKERS + 1):
        data = {"project": project.pk, "amount": "1000", "workers": workers, "date": START.isoformat()}
        form = AdvanceForm(data, projects=Project.objects.all())
        assert not form.is_valid() and list(form.errors) == ["workers"]
        with pytest.raises(ValidationError, match="垫付人数"):
            deposit_services.advance_pay(
                enterprise=project.contractor, project=project, amount=Decimal("1000"), workers=workers,
                on=START, user=office,
            )  # fmt: skip
    assert not EmergencyAdvance.objects.exists()


def test_the_desk_shows_the_contract_line_of_its_scope(township_a, department, office, client_for):
    project = make_project(township_a, department, start_date=datetime.date(2020, 1, 1))
    make_roster_entry(project, entry_date=datetime.date(2020, 1, 1))
    make_roster_entry(project, entry_date=datetime.date(2020, 1, 1), contract_signed=False)
    page = client_for(office).get(reverse("reports:dashboard")).content.decode()
    row = page[page.index("劳动合同签订（按在册农民工，人）") :].split("</tr>")[0]
    assert '<td class="num">1</td>' in row and "50.0%" in row
