"""Issue 17, done when: a county loaded through the go-live import and the ordinary pages produces a campaign
report and an annual report carrying everything the issue asked for, on PostgreSQL.

The year 2026 of a small county: it goes live on 8 October from its workbook (cases received and closed
earlier in the year with their days, an open case, deposit balances, a guarantee, a blacklist entry, the
fund's capital, hazards found in September); in November its staff work through the ordinary pages (a case
typed in with its real days, an inspection of a restaurant, a typical case, a prior notice, a winter
campaign); in January the annual report and the campaign's report are asked for on the report pages and
rendered by the task. Every expected figure is counted from the model rows by the DESIGN §3 definition (or
from a list export), never from the report's own selector.
"""

import datetime
import io
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from blacklist.models import BlacklistEntry
from blacklist.selectors import grade_list
from complaints.models import Complaint, TypicalCase
from deposits.models import DepositEntry, FundEntry, Guarantee
from projects.models import Enterprise, Hazard, ImportJob, Inspection, Project, RiskRule
from reports import tasks
from reports.models import Campaign, ReportRun
from tests.blacklist.factories import make_proposed
from tests.golive.workbook import (
    BLACKLIST_HEADERS,
    CASE_HEADERS,
    DEPOSIT_HEADERS,
    FUND_HEADERS,
    GUARANTEE_HEADERS,
    HAZARD_HEADERS,
    case,
    workbook,
)
from tests.once import with_token
from tests.projects.factories import make_enterprise, make_project, make_roster_entry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

YEAR_START, YEAR_END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
GO_LIVE = datetime.date(2026, 10, 8)
CAMPAIGN_START, CAMPAIGN_END = datetime.date(2026, 11, 15), datetime.date(2026, 12, 20)


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(4), tzinfo=datetime.UTC)  # noon in Shanghai


def _wan(yuan) -> Decimal:
    return (Decimal(yuan) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _rate(n, d) -> Decimal:
    return (Decimal(n * 100) / d).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# 1. the county and its go-live workbook ------------------------------------------------------------------


def _county(township, department) -> dict:
    start = datetime.date(2026, 4, 1)
    a = make_project(township, department, start_date=start, contract_date=datetime.date(2026, 3, 1))
    b = make_project(township, department, start_date=start, contract_date=datetime.date(2026, 3, 1))
    for project in (a, b):
        make_roster_entry(project)  # on the roster, signed
        make_roster_entry(project, contract_signed=False)  # on the roster, no contract
    make_roster_entry(a, exit_date=datetime.date(2026, 8, 31))  # left before the year's end
    for code in ("PAYROLL_LATE", "NO_DEDICATED_ACCOUNT"):
        RiskRule.objects.get_or_create(code=code, defaults={"name": code})
    return {"a": a, "b": b, "listed": make_enterprise(name="某失信劳务公司")}


def _golive_sheets(c) -> dict:
    a, b = c["a"].code, c["b"].code
    headers = [*CASE_HEADERS, "案件类别", "所属领域", "群体性事件"]
    cases = [
        [*case(案件编号="示人社投2026-000003", 项目编号=a, 被投诉单位统一社会信用代码=c["a"].contractor.uscc),
         "投诉", "", ""],  # 12333, received 10 March, closed 15 May, 协调处理, 30000 yuan to 3 workers
        [*case(投诉渠道="来访", 登记日期="2026-06-01", 受理日期="2026-06-02", 立案日期="2026-06-05",
               结案日期="2026-07-10", 处理结果="立案查处", 追回金额=150000, 兑付人数=15, 涉及人数=15,
               项目编号=b), "举报", "建设领域", "是"],  # a group incident of 15, closed in July
        [*case(投诉渠道="12345", 状态="已受理", 登记日期="2026-09-01", 受理日期="2026-09-03", 立案日期="",
               结案日期="", 处理结果="", 追回金额="", 兑付人数="", 所属乡镇="甲镇",
               被投诉单位名称="好味道餐馆"),
         "投诉", "非建设领域", ""],  # still open at go-live
    ]  # fmt: skip
    return {
        "案件": (headers, cases),
        "保证金": (DEPOSIT_HEADERS, [[a, 200000, "2026-06-10", 50000, "2026-08-01", "", ""]]),
        "保函": (
            GUARANTEE_HEADERS,
            [[b, "银行保函", "农行县支行", "BH-001", 300000, "2026-04-01", "2027-12-31"]],
        ),
        "失信名单": (
            BLACKLIST_HEADERS,
            [[c["listed"].uscc, c["listed"].name, "", "拒不支付劳动报酬", "2025-11-01", "", "", ""]],
        ),
        "应急周转金": (FUND_HEADERS, [[1000000, "2026-01-15", "县财政注资"]]),
        "隐患": (
            HAZARD_HEADERS,
            [
                [a, "PAYROLL_LATE", "严重", "2026-09-10", "", "8月工资未发"],
                [b, "NO_DEDICATED_ACCOUNT", "一般", "2026-09-20", "", "未开设专户"],
            ],
        ),
    }


def _go_live(client, c) -> None:
    upload = SimpleUploadedFile("golive.xlsx", workbook(_golive_sheets(c)))
    response = client.post(reverse("golive:upload"), {"file": upload, "as_of": GO_LIVE.isoformat()})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get(kind=ImportJob.Kind.GOLIVE)
    assert job.errors == []
    client.post(reverse("golive:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done", job.error


# 2. November on the ordinary pages -----------------------------------------------------------------------


def _step(client, user, case_, step, **data):
    if step in ("close", "refuse", "extend"):
        data.setdefault("confirm", "on")  # an irreversible step is confirmed
    response = client.post(reverse("complaints:step", args=[case_.pk, step]), with_token(data, user))
    assert response.status_code == 302, (step, response.content.decode()[:1500])


def _november(c, office, inspector, client_for) -> None:
    i, o = client_for(inspector), client_for(office)
    intake = {
        "channel": "12345", "kind": "report", "sector": "construction", "complainant_name": "李四",
        "complainant_phone": "13800138000", "respondent": c["a"].contractor.uscc, "project": c["a"].pk,
        "workers_involved": 12, "group_incident": "on", "amount_claimed": "60000",
        "description": "欠薪两个月", "received_on": "2026-11-16",
    }  # fmt: skip
    response = i.post(reverse("complaints:create"), with_token(intake, inspector))
    assert response.status_code == 302, response.content.decode()[:1500]
    new = Complaint.objects.get(received_at__gte=_moment(datetime.date(2026, 11, 1)))
    _step(i, inspector, new, "accept", on="2026-11-17")
    _step(i, inspector, new, "file", on="2026-11-18")
    _step(i, inspector, new, "close", outcome="mediated", amount_recovered="60000", workers_paid=12,
          on="2026-11-19")  # fmt: skip

    restaurant = make_enterprise(name="甲镇老街饭店", kind=Enterprise.Kind.OTHER)
    form = {"township": c["a"].township_id, "date": "2026-11-18", "findings": "拖欠服务员工资",
            "new_uscc": restaurant.uscc, "amount_recovered": "42600.00", "workers_involved": "6",
            "workers_paid": "5"}  # fmt: skip
    response = i.post(reverse("projects:employer_inspection_add"), with_token(form, inspector))
    assert response.status_code == 302, response.content.decode()[:1500]

    typical = {"title": "某建筑公司拖欠农民工工资案",
               "summary": "某建筑公司拖欠农民工12人工资，经协调已全额兑付。",
               "enterprise_name": new.respondent_name, "amount_recovered": "60000", "workers_paid": "12",
               "published_on": "2026-11-20"}  # fmt: skip
    assert o.post(reverse("complaints:typical_create", args=[new.pk]), typical).status_code == 302

    entry = make_proposed(user=office, project=c["b"], on=datetime.date(2026, 11, 10))
    response = o.post(
        reverse("blacklist:step", args=[entry.pk, "notice"]), with_token({"on": "2026-11-20"}, office)
    )
    assert response.status_code == 302

    campaign = {"name": "冬季攻坚行动", "start": CAMPAIGN_START, "end": CAMPAIGN_END, "scope": "county",
                "target_cases_closed": "2", "target_recovered": "10", "target_employers_inspected": "2",
                "target_blacklist_notices": "1"}  # fmt: skip
    assert o.post(reverse("reports:campaign_create"), campaign).status_code == 302


# 3. the reports, asked for in January --------------------------------------------------------------------


def _render(client, response) -> ReportRun:
    assert response.status_code == 302, response.content.decode()[:1500]
    run = ReportRun.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    assert tasks.render_report(run.pk) == "done"  # what the worker runs (the queue is not eager here)
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run


def _download(client, run, fmt) -> bytes:
    response = client.get(reverse("reports:download", args=[run.pk, fmt]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _pdf_text(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is needed to read the report's PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def _figures(book) -> dict[tuple[str, str], object]:
    return {(r[0], r[1]): r[2] for r in book["主要指标"].iter_rows(min_row=2, values_only=True)}


def _num(value) -> Decimal:
    assert isinstance(value, int | float), value
    return Decimal(str(value))


def _received(start, end):
    return [c for c in Complaint.objects.all() if start <= timezone.localdate(c.received_at) <= end]


def _closed(start, end):
    return [c for c in Complaint.objects.filter(status="closed") if start <= c.closed_on <= end]


def _open_hazards(day):
    """Hazards open at the end of ``day``: found on or before it, not closed by then."""
    return [h for h in Hazard.objects.all() if timezone.localdate(h.opened_at) <= day
            and (h.closed_at is None or timezone.localdate(h.closed_at) > day)]  # fmt: skip


def test_a_county_year_from_go_live_to_the_annual_and_campaign_reports(
    township_a, department, office, inspector_a, client_for, tmp_path
):
    with time_machine.travel(_moment(datetime.date(2026, 10, 20)), tick=False):
        c = _county(township_a, department)
        _go_live(client_for(office), c)
    with time_machine.travel(_moment(datetime.date(2026, 11, 20)), tick=False):
        _november(c, office, inspector_a, client_for)
    with time_machine.travel(_moment(datetime.date(2027, 1, 5)), tick=False):
        client = client_for(office)
        graded = client.post(reverse("blacklist:grades_compute"), {"year": "2026"})  # the whole register
        assert graded.status_code == 302
        annual = _render(
            client,
            client.post(
                reverse("reports:index"),
                {
                    "kind": "custom",
                    "scope": "county",
                    "start": YEAR_START,
                    "end": YEAR_END,
                    "plan": "巩固成果",
                },
            ),
        )
        campaign = Campaign.objects.get()
        winter = _render(client, client.post(reverse("reports:campaign_report", args=[campaign.pk]),
                                             {"plan": "春节前清零"}))  # fmt: skip
        book = load_workbook(io.BytesIO(_download(client, annual, "xlsx")))
        text = _pdf_text(_download(client, annual, "pdf"), tmp_path)
        campaign_book = load_workbook(io.BytesIO(_download(client, winter, "xlsx")))
        campaign_text = _pdf_text(_download(client, winter, "pdf"), tmp_path)

    fig = _figures(book)
    S_C, S_H, S_G, S_P = "投诉举报案件", "欠薪隐患", "在建项目隐患等级", "在建项目"
    S_E, S_D, S_B = "监察执法", "工资保证金", "失信惩戒与应急周转金"

    # cases: received by channel, kind and sector; closed by outcome; group incidents (flows by date)
    received, closed = _received(YEAR_START, YEAR_END), _closed(YEAR_START, YEAR_END)
    assert (fig[(S_C, "受理登记")], fig[(S_C, "结案")]) == (len(received), len(closed)) == (4, 3)
    for key, label in Complaint.Channel.choices:
        assert fig[(S_C, f"渠道：{label}")] == sum(1 for x in received if x.channel == key), label
    for key, label in Complaint.Kind.choices:
        assert fig[(S_C, f"类别：{label}")] == sum(1 for x in received if x.kind == key), label
    for key, label in Complaint.Sector.choices:
        assert fig[(S_C, f"领域：{label}")] == sum(1 for x in received if x.sector == key), label
    assert fig[(S_C, "处理结果：协调处理")] == sum(1 for x in closed if x.outcome == "mediated") == 2
    assert fig[(S_C, "处理结果：立案查处")] == sum(1 for x in closed if x.outcome == "investigated") == 1
    groups = [x for x in received if x.group_incident]
    assert fig[(S_C, "群体性事件")] == len(groups) == 2  # the ledger's 是 and November's ticked case
    assert fig[(S_C, "群体性事件涉及人数")] == sum(x.workers_involved for x in groups) == 27
    assert _num(fig[(S_C, "为农民工追回工资")]) == _wan(sum(x.amount_recovered for x in closed))
    assert fig[(S_C, "帮助农民工")] == sum(x.workers_paid for x in closed) == 30
    published = TypicalCase.objects.filter(published_on__range=(YEAR_START, YEAR_END))
    assert fig[(S_C, "典型案例曝光")] == published.count() == 1
    # open cases at the year's start are not known (nothing was recorded before go-live): "—", not 0
    assert fig[(S_C, "期初在办")] == "—"
    note = [r[1] for r in book["主要指标"].iter_rows(min_row=2, values_only=True) if r[0] == "说明"]
    assert note and "“—”表示该日的存量未掌握" in note[0], note
    assert (
        fig[(S_C, "期末在办")]
        == Complaint.objects.filter(status__in=["received", "accepted", "filed"]).count()
    )

    # hazards by level and projects by grade: unknown at the year's start, counted at its end
    end_open = _open_hazards(YEAR_END)
    assert fig[(S_H, "期初未销号隐患")] == "—" and fig[(S_H, "期初一般隐患")] == "—"
    assert fig[(S_H, "期初严重隐患")] == "—"
    assert fig[(S_H, "期末未销号隐患")] == len(end_open) == 2
    assert fig[(S_H, "期末一般隐患")] == sum(1 for h in end_open if h.severity == 1) == 1
    assert fig[(S_H, "期末严重隐患")] == sum(1 for h in end_open if h.severity == 2) == 1
    assert fig[(S_H, "新发现")] == sum(
        1 for h in Hazard.objects.all() if YEAR_START <= timezone.localdate(h.opened_at) <= YEAR_END
    )
    assert fig[(S_G, "期初在建项目")] == "—" and fig[(S_G, "期初无隐患项目")] == "—"
    active = [p for p in Project.objects.all() if p.start_date <= YEAR_END and p.status == "building"]
    worst = {p.pk: max((h.severity for h in end_open if h.project_id == p.pk), default=0) for p in active}
    assert fig[(S_G, "期末在建项目")] == len(active) == 2
    assert fig[(S_G, "期末无隐患项目")] == sum(1 for w in worst.values() if w == 0) == 0
    assert fig[(S_G, "期末一般隐患项目")] == sum(1 for w in worst.values() if w == 1) == 1
    assert fig[(S_G, "期末严重隐患项目")] == sum(1 for w in worst.values() if w == 2) == 1

    # inspections: employers inspected, money and workers recovered by the inspections themselves
    inspections = list(Inspection.objects.filter(date__range=(YEAR_START, YEAR_END)))
    assert (
        fig[(S_E, "其中无在建项目的用人单位检查")] == sum(1 for x in inspections if x.project_id is None) == 1
    )
    assert fig[(S_E, "检查用人单位")] == len(
        {x.enterprise_id or x.project.contractor_id for x in inspections}
    )
    assert (
        _num(fig[(S_E, "检查追回工资")])
        == _wan(sum(x.amount_recovered or 0 for x in inspections))
        == Decimal("4.26")
    )
    assert fig[(S_E, "检查兑付农民工")] == sum(x.workers_paid or 0 for x in inspections) == 5

    # roster workers and the contract line, counted from the roster exports
    on_roster = signed = 0
    for project in (c["a"], c["b"]):
        response = client.get(reverse("projects:roster_export", args=[project.pk]))
        rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
        col = {h: n for n, h in enumerate(rows[0])}
        on = [r for r in rows[1:] if r[col["进场日期"]].date() <= YEAR_END
              and (r[col["退场日期"]] is None or r[col["退场日期"]].date() >= YEAR_END)]  # fmt: skip
        on_roster += len(on)
        signed += sum(1 for r in on if r[col["是否签订劳动合同"]] == "是")
    assert (fig[(S_P, "花名册在册农民工")], fig[(S_P, "签订劳动合同农民工")]) == (on_roster, signed) == (4, 2)
    assert _num(fig[(S_P, "劳动合同签订率")]) == _rate(signed, on_roster)

    # prior notices, the blacklist in force, the fund's capital and balance, deposits and guarantees
    entries = list(BlacklistEntry.objects.all())
    notices_in_year = [e for e in entries if e.notice_date and YEAR_START <= e.notice_date <= YEAR_END]
    assert fig[(S_B, "失信惩戒事先告知")] == len(notices_in_year) == 1
    assert fig[(S_B, "期末在列")] == sum(1 for e in entries if e.status == "listed") == 1
    fund = list(FundEntry.objects.filter(date__lte=YEAR_END))
    assert _num(fig[(S_B, "期末应急周转金本金")]) == _wan(sum(e.amount for e in fund if e.kind == "capital"))
    assert (
        _num(fig[(S_B, "期末应急周转金余额")])
        == _wan(sum(e.signed_amount for e in fund))
        == Decimal("100.00")
    )
    deposits = list(DepositEntry.objects.filter(date__lte=YEAR_END))
    balance = sum(-e.amount if e.kind in DepositEntry.OUTFLOWS else e.amount for e in deposits)
    assert _num(fig[(S_D, "结存余额")]) == _wan(balance) == Decimal("15.00")
    in_force = Guarantee.objects.filter(Q(valid_to__gte=YEAR_END), valid_from__lte=YEAR_END)
    assert fig[(S_D, "在保保函")] == in_force.count() == 1

    grades = {g: grade_list(year=2026, grade=g).count() for g in "ABC"}  # the grade list page's rows
    assert {g: fig[(S_B, f"2026年度{g}级企业")] for g in "ABC"} == grades
    assert fig[(S_B, "2026年度评价企业合计")] == grade_list(year=2026).count() == Enterprise.objects.count()

    # the PDF prints the same: the breakdowns, the unknown stocks as "—" with the footnote, the fund
    flat = re.sub(r"\s+", "", text)  # pdftotext breaks a paragraph's lines anywhere
    kinds = "、".join(
        f"{label}{sum(1 for x in received if x.kind == key)}件" for key, label in Complaint.Kind.choices
    )
    fund_capital = _wan(sum(e.amount for e in fund if e.kind == "capital"))
    printed = [
        f"期内受理登记投诉举报{len(received)}件", f"结案{len(closed)}件", f"发生群体性事件{len(groups)}件",
        f"曝光典型案例{published.count()}件", f"群体性事件{len(groups)}件，涉及农民工27人", kinds,
        f"12345{sum(1 for x in received if x.channel == '12345')}", "协调处理2", "立案查处1",
        f"未销号隐患期初—条、期末{len(end_open)}条", "期初情况未掌握", "“—”表示该日的存量未掌握",
        f"隐患数据自{GO_LIVE:%Y-%m-%d}起掌握", "期末2个项目中无隐患0个、一般隐患1个、严重隐患1个",
        "无在建项目的用人单位检查1次", "通过检查为农民工追回工资4.26万元、兑付5人",
        f"花名册在册农民工{on_roster}人，其中签订劳动合同{signed}人",
        f"劳动合同签订率{_rate(signed, on_roster)}%",
        f"期内送达失信惩戒事先告知书{len(notices_in_year)}家", "期末在列1家",
        f"2026年度守法诚信等级评价企业{sum(grades.values())}家，其中A级{grades['A']}家",
        f"期末应急周转金本金{fund_capital}万元、余额100.00万元", "期末结存余额15.00万元", "在保保函1份",
    ]  # fmt: skip
    missing = [words for words in printed if words not in flat]
    assert not missing, missing

    # the campaign: its position on the first and last day, the work in between, targets beside actuals
    sheets = {ws.title: list(ws.iter_rows(min_row=2, values_only=True)) for ws in campaign_book.worksheets}
    targets = {r[0]: r[1:] for r in sheets["目标完成情况"]}
    in_campaign = _closed(CAMPAIGN_START, CAMPAIGN_END)
    assert targets["办结案件（件）"][:2] == (2, len(in_campaign)) == (2, 1)
    recovered = targets["追回工资（万元）"]
    assert (recovered[0], _num(recovered[1])) == (10, _wan(sum(x.amount_recovered for x in in_campaign)))
    employers = {x.enterprise_id or x.project.contractor_id for x in inspections
                 if CAMPAIGN_START <= x.date <= CAMPAIGN_END}  # fmt: skip
    assert targets["检查用人单位（家）"][:2] == (2, len(employers)) == (2, 1)
    notices = [e for e in entries if e.notice_date and CAMPAIGN_START <= e.notice_date <= CAMPAIGN_END]
    assert targets["送达失信事先告知书（家）"] == (1, len(notices), 100)
    positions = {r[0]: (r[1], r[2]) for r in sheets["期初期末情况"]}
    start_open = _open_hazards(CAMPAIGN_START - datetime.timedelta(days=1))
    assert positions["未销号严重隐患"] == (sum(1 for h in start_open if h.severity == 2), 1)
    assert positions["在办投诉举报案件"][1] == Complaint.objects.filter(status="accepted").count() == 1
    flows = {r[0]: r[1] for r in sheets["行动期间工作"]}
    assert (
        (flows["受理登记投诉举报"], flows["帮助农民工"])
        == (len(_received(CAMPAIGN_START, CAMPAIGN_END)), sum(x.workers_paid for x in in_campaign))
        == (1, 12)
    )
    flat = re.sub(r"\s+", "", campaign_text)
    printed = [
        "开展冬季攻坚行动，为期36天",
        "办结案件（件）2150.0%",
        "追回工资（万元）106.0060.0%",
        "检查用人单位（家）2150.0%",
        "送达失信事先告知书（家）11100.0%",
        "在办投诉举报案件11件",
    ]
    missing = [words for words in printed if words not in flat]
    assert not missing, missing
