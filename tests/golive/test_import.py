"""The go-live workbook: every subject loads with its original dates, all or nothing, for office staff only,
and the year's reports count the opening entries by those dates."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from blacklist.models import BlacklistEntry
from complaints.models import CaseEvent, Complaint
from deposits.models import DepositEntry, EmergencyFund, FundEntry, Guarantee, WageDeposit
from golive.models import GoLive
from projects.models import Hazard, ImportJob, Project, RiskRule
from reports.figures import Scope, report_data
from tests.projects.factories import make_enterprise, make_project
from wagewatch.lib import config

from .workbook import (
    BLACKLIST_HEADERS,
    CASE_HEADERS,
    DEPOSIT_HEADERS,
    FUND_HEADERS,
    GUARANTEE_HEADERS,
    HAZARD_HEADERS,
    case,
    workbook,
)

pytestmark = pytest.mark.django_db
AS_OF = "2026-10-08"


@pytest.fixture(autouse=True)
def _october():
    """The county goes live in October 2026: today is 20 October."""
    with time_machine.travel(datetime.datetime(2026, 10, 20, 4, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def county(township_a, department):
    project = make_project(township_a, department)
    other = make_project(township_a, department)
    rule = RiskRule.objects.get_or_create(code="PAYROLL_LATE", defaults={"name": "工资未按月发放"})[0]
    listed = make_enterprise()
    return {"project": project, "other": other, "rule": rule, "listed": listed}


def _sheets(c) -> dict:
    code, other = c["project"].code, c["other"].code
    return {
        "案件": (
            CASE_HEADERS,
            [
                case(
                    案件编号="示人社投2026-000017",
                    项目编号=code,
                    被投诉单位统一社会信用代码=c["project"].contractor.uscc,
                ),
                case(
                    状态="已受理",
                    登记日期="2026-09-01",
                    受理日期="2026-09-03",
                    立案日期="",
                    结案日期="",
                    处理结果="",
                    追回金额="",
                    兑付人数="",
                    所属乡镇="甲镇",
                ),
                case(
                    状态="不予受理",
                    登记日期="2026-04-02",
                    受理日期="",
                    不予受理日期="2026-04-05",
                    不予受理理由="不属于劳动保障监察范围",
                    立案日期="",
                    结案日期="",
                    处理结果="",
                    追回金额="",
                    兑付人数="",
                ),
            ],
        ),
        "保证金": (
            DEPOSIT_HEADERS,
            [
                [code, 200000, "2026-06-10", 50000, "2026-08-01", "", ""],
                [other, 80000, "2026-02-01", "", "", 80000, "2026-09-15"],
            ],
        ),
        "保函": (
            GUARANTEE_HEADERS,
            [[other, "银行保函", "农行县支行", "BH-001", 300000, "2026-02-01", "2027-12-31"]],
        ),
        "失信名单": (
            BLACKLIST_HEADERS,
            [
                [c["listed"].uscc, c["listed"].name, "", "拒不支付劳动报酬", "2025-11-01", "", "", ""],
            ],
        ),
        "应急周转金": (FUND_HEADERS, [[1000000, "2026-01-15", "县财政注资"]]),
        "隐患": (HAZARD_HEADERS, [[code, "PAYROLL_LATE", "严重", "2026-07-20", "", "7月工资未发"]]),
    }


def _upload(client, data: bytes, as_of: str = AS_OF):
    upload = SimpleUploadedFile("golive.xlsx", data)
    return client.post(reverse("golive:upload"), {"file": upload, "as_of": as_of})


def _load(client, data: bytes) -> ImportJob:
    response = _upload(client, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get(kind=ImportJob.Kind.GOLIVE)
    assert job.errors == []
    client.post(reverse("golive:confirm", args=[job.pk]))
    job.refresh_from_db()
    return job


def test_a_clean_workbook_loads_every_subject_with_its_original_dates(county, office, client_for):
    job = _load(client_for(office), workbook(_sheets(county)))
    assert job.status == "done", job.error

    closed = Complaint.objects.get(number="示人社投2026-000017")
    assert (closed.status, closed.closed_on, closed.filed_on) == (
        "closed",
        datetime.date(2026, 5, 15),
        datetime.date(2026, 3, 20),
    )
    assert timezone.localdate(closed.received_at) == datetime.date(2026, 3, 10)
    assert closed.respondent == county["project"].contractor and closed.amount_recovered == Decimal(30000)
    days = {e.action: timezone.localdate(e.at) for e in CaseEvent.objects.filter(complaint=closed)}
    assert days == {
        "received": datetime.date(2026, 3, 10),
        "accepted": datetime.date(2026, 3, 12),
        "filed": datetime.date(2026, 3, 20),
        "closed": datetime.date(2026, 5, 15),
    }
    assert closed.history.first().history_user == office
    numbered = Complaint.objects.exclude(pk=closed.pk)
    assert {c.status for c in numbered} == {"accepted", "refused"}
    prefix = config.COMPLAINT_NUMBER_PREFIX()
    assert all(c.number.startswith(f"{prefix}2026-") for c in numbered)  # numbered the app's way

    entries = DepositEntry.objects.filter(deposit__project=county["project"])
    assert [(e.kind, e.date, e.amount) for e in entries] == [
        ("paid_in", datetime.date(2026, 6, 10), Decimal(200000)),
        ("drawn", datetime.date(2026, 8, 1), Decimal(50000)),
    ]
    assert county["project"].deposit.balance == Decimal(150000)
    returned = WageDeposit.objects.get(project=county["other"])
    assert (returned.status, returned.returned_on, returned.balance) == (
        "returned",
        datetime.date(2026, 9, 15),
        0,
    )
    letter = Guarantee.objects.get(deposit__project=county["other"])
    assert (letter.issuer_name, letter.valid_to) == ("农行县支行", datetime.date(2027, 12, 31))

    entry = BlacklistEntry.objects.get(enterprise=county["listed"])
    assert (entry.status, entry.listed_on, entry.expires_on) == (
        "listed",
        datetime.date(2025, 11, 1),
        datetime.date(2028, 11, 1),
    )
    assert FundEntry.objects.get().date == datetime.date(2026, 1, 15)
    assert EmergencyFund.objects.get().balance == Decimal(1000000)

    hazard = Hazard.objects.get(project=county["project"])
    assert (hazard.severity, timezone.localdate(hazard.opened_at)) == (2, datetime.date(2026, 7, 20))
    county["project"].refresh_from_db()
    assert county["project"].risk_grade == Project.Grade.SERIOUS

    golive = GoLive.objects.get()
    assert (golive.as_of, golive.loaded_by) == (datetime.date(2026, 10, 8), office)


def test_one_bad_row_changes_nothing_and_every_bad_row_is_listed(county, office, office_clerk, client_for):
    sheets = _sheets(county)
    sheets["案件"][1].append(
        case(状态="已结案", 结案日期="", 处理结果="协调处理")
    )  # row 5: closed without a date
    sheets["案件"][1].append(case(受理日期="2026-03-01"))  # row 6: accepted before it was received
    sheets["保证金"][1].append(["NO-SUCH", 1000, "2026-05-01", "", "", "", ""])  # row 4: unknown project
    sheets["隐患"][1].append(
        [county["project"].code, "PAYROLL_LATE", "一般", "2026-08-01", "", ""]
    )  # row 3: twice
    sheets["应急周转金"][1].append([-5, "2026-02-01", ""])  # row 3: a negative amount
    client = client_for(office)
    response = _upload(client, workbook(sheets))
    assert response.status_code == 302
    job = ImportJob.objects.get(kind=ImportJob.Kind.GOLIVE)
    where = {(e["sheet"], e["row"], e["column"]) for e in job.errors}
    assert where == {
        ("案件", 5, "结案日期"),
        ("案件", 6, "受理日期"),
        ("保证金", 4, "项目编号"),
        ("隐患", 3, "规则代码"),
        ("应急周转金", 3, "注资金额（元）"),
    }
    page = client.get(reverse("golive:preview", args=[job.pk])).content.decode()
    assert "该项目已有此规则的未销号隐患" in page
    assert client.post(reverse("golive:confirm", args=[job.pk])).status_code == 302
    assert (
        not Complaint.objects.exists() and not DepositEntry.objects.exists() and not Hazard.objects.exists()
    )
    assert (
        not GoLive.objects.exists() and not FundEntry.objects.exists() and not BlacklistEntry.objects.exists()
    )

    download = client_for(office_clerk).get(reverse("golive:errors", args=[job.pk]))  # a clerk may not reveal
    sheet = load_workbook(io.BytesIO(download.content))
    assert set(sheet.sheetnames) == {"案件", "保证金", "隐患", "应急周转金"}
    cells = [c for row in sheet["案件"].iter_rows(values_only=True) for c in row]
    assert "13912345678" not in cells and "139****5678" in cells  # phone numbers masked


def test_a_go_live_day_in_the_future_is_refused(county, office, client_for):
    response = _upload(client_for(office), workbook(_sheets(county)), as_of="2026-12-01")
    assert response.status_code == 200 and not ImportJob.objects.exists()


def test_an_inspector_cannot_use_the_go_live_import(county, inspector_a, office, client_for):
    client = client_for(inspector_a)
    assert client.get(reverse("golive:upload")).status_code == 403
    assert _upload(client, workbook(_sheets(county))).status_code == 403
    job = ImportJob.objects.create(kind=ImportJob.Kind.GOLIVE, created_by=office, filename="x.xlsx")
    assert client.post(reverse("golive:confirm", args=[job.pk])).status_code == 403
    assert not Complaint.objects.exists()


def test_q2_report_counts_the_cases_received_and_closed_in_q2(county, office, client_for):
    sheets = _sheets(county)
    sheets["案件"][1].append(
        case(登记日期="2026-06-30", 受理日期="2026-07-01", 立案日期="", 结案日期="2026-07-02")
    )
    _load(client_for(office), workbook(sheets))
    start, end = datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)
    data = report_data(scope=Scope(), start=start, end=end)["complaints"]
    cases = Complaint.objects.all()
    received = [c for c in cases if start <= timezone.localdate(c.received_at) <= end]
    closed = [c for c in cases if c.status == "closed" and start <= c.closed_on <= end]
    assert (len(received), len(closed)) == (2, 1)  # April's refused case and June 30's; May's closure
    assert (data["received"], data["closed"]) == (len(received), len(closed))


def test_a_deposit_balance_loaded_at_go_live_stands_from_that_day_and_is_unknown_before_it(
    county, office, client_for
):
    # The entries keep their June dates (the deposits' flows count in June), but the balance on a day
    # before the go-live day is not known (DESIGN §9: deposits returned before go-live were never loaded),
    # so it prints "—", never a partial sum.
    _load(client_for(office), workbook({"保证金": _sheets(county)["保证金"]}))
    june = DepositEntry.objects.filter(
        deposit__project=county["project"], date__lte=datetime.date(2026, 6, 30)
    )
    assert [(e.kind, e.amount) for e in june] == [("paid_in", Decimal(200000))]
    at_go_live = report_data(scope=Scope(), start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 8))
    before = report_data(scope=Scope(), start=datetime.date(2026, 4, 1), end=datetime.date(2026, 6, 30))
    on_day = DepositEntry.objects.filter(date__lte=datetime.date(2026, 10, 8))
    balance = sum(-e.amount if e.kind in DepositEntry.OUTFLOWS else e.amount for e in on_day)
    assert at_go_live["deposits"]["balance_yuan"] == balance
    assert before["deposits"]["balance_yuan"] is None


def test_a_workbook_without_any_known_sheet_is_refused_on_the_form(office, client_for):
    data = workbook({"Sheet1": (["项目编号"], [["X"]])})
    response = _upload(client_for(office), data)
    assert response.status_code == 200 and "工作簿中没有可导入的工作表" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_preview_lists_each_sheet_with_phone_numbers_masked(county, office, client_for):
    client = client_for(office)
    _upload(client, workbook(_sheets(county)))
    job = ImportJob.objects.get(kind=ImportJob.Kind.GOLIVE)
    page = client.get(reverse("golive:preview", args=[job.pk])).content.decode()
    assert all(
        f"<h2>{name}（" in page for name in ("案件", "保证金", "保函", "失信名单", "应急周转金", "隐患")
    )
    assert "139****5678" in page and "13912345678" not in page


def test_admin_lists_the_go_live_records_read_only(admin, client_for):
    GoLive.objects.create(as_of=datetime.date(2026, 10, 8), loaded_by=admin)
    client = client_for(admin)
    assert client.get(reverse("admin:golive_golive_changelist")).status_code == 200
    assert client.get(reverse("admin:golive_golive_add")).status_code == 403


def test_a_blacklist_entry_listed_before_the_system_shows_on_its_pages(county, office, client_for):
    _load(client_for(office), workbook({"失信名单": _sheets(county)["失信名单"]}))
    entry = BlacklistEntry.objects.get()
    assert entry.basis_order is None  # its order is on paper
    client = client_for(office)
    for url in (
        reverse("blacklist:list"),
        reverse("blacklist:export"),
        reverse("blacklist:detail", args=[entry.pk]),
        reverse("blacklist:public"),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("blacklist:notice_pdf", args=[entry.pk])).status_code == 404


def test_a_formula_cell_on_a_later_sheet_is_refused(county, office, client_for):
    book = load_workbook(io.BytesIO(workbook(_sheets(county))))
    book["应急周转金"]["A2"] = "=1000000*2"  # the fifth sheet: its own formula cells are found
    buffer = io.BytesIO()
    book.save(buffer)
    _upload(client_for(office), buffer.getvalue())
    job = ImportJob.objects.get(kind=ImportJob.Kind.GOLIVE)
    assert [(e["sheet"], e["row"], e["column"]) for e in job.errors] == [("应急周转金", 2, "注资金额（元）")]
    assert "公式" in job.errors[0]["message"]


def test_cases_carry_kind_sector_channel_and_the_ledgers_group_incident(county, office, client_for):
    """Old ledgers' 网络 / 电话 read as 网上信访 / 12333; a blank sector is suggested from the project; a
    group incident is what the ledger says (a blank cell is 否, whatever the size)."""
    headers = [*CASE_HEADERS, "案件类别", "所属领域", "群体性事件"]
    code = county["project"].code
    rows = [
        [*case(投诉渠道="网络", 项目编号=code, 涉及人数=12), "", "", ""],
        [*case(投诉渠道="电话", 所属乡镇="甲镇", 涉及人数=3), "信访", "非建设领域", "是"],
    ]
    _load(client_for(office), workbook({"案件": (headers, rows)}))
    found = sorted(
        Complaint.objects.values_list("workers_involved", "channel", "kind", "sector", "group_incident")
    )
    assert found == [
        (3, "12333", "petition", "other", True),
        (12, "online", "complaint", "construction", False),
    ]
