"""Report data (DESIGN §3) for a scope and a date range, assembled in a fixed number of queries.

``report_data`` returns plain dicts and lists (no querysets), so the PDF, the Excel workbook, the
dashboard and the weekly dispatch all print the same numbers.
"""

import datetime

from django.utils.translation import gettext as _

from wagewatch.accounts.models import Department, Township

from . import cases, hazards, money, projects, rankings, trend, wages
from .common import pct
from .scope import COUNTY, DEPARTMENT, TOWNSHIP, Scope, check_scope, may_use_scope, scope_of

__all__ = ["COUNTY", "DEPARTMENT", "TOWNSHIP", "Scope", "check_scope", "may_use_scope", "report_data",
           "scope_of"]  # fmt: skip


def _units(scope: Scope) -> tuple[dict[int, str], dict[int, str]]:
    towns = Township.objects.order_by("sort", "code")
    depts = Department.objects.filter(kind=Department.Kind.INDUSTRY).order_by("sort", "code")
    if scope.kind == TOWNSHIP:
        assert scope.township_id is not None  # a township scope names its township
        towns = towns.filter(pk=scope.township_id)
    if scope.kind == DEPARTMENT:
        assert scope.department_id is not None  # a department scope names its department
        depts = Department.objects.filter(pk=scope.department_id)
    return dict(towns.values_list("pk", "name")), dict(depts.values_list("pk", "name"))


def report_data(*, scope: Scope, start: datetime.date, end: datetime.date, trend_months: bool = True) -> dict:
    """Every figure of the report. Queries: see tests/reports/test_figures.py (constant in data size)."""
    towns, depts = _units(scope)
    p = projects.project_figures(scope, start, end)
    c = cases.complaint_figures(scope, start, end)
    h = hazards.hazard_figures(scope, start, end)
    data = {
        "scope": scope,
        "start": start,
        "end": end,
        "projects": p,
        "by_township": projects.units(p["rows"], "township_id", towns),
        "by_department": projects.units(p["rows"], "department_id", depts),
        "complaints": c,
        "hazards": h,
        "arrears": wages.arrears_figures(scope, start, end),
        "enforcement": cases.enforcement_figures(scope, start, end),
        "deposits": money.deposit_figures(scope, start, end),
        "fund": money.fund_figures(scope, start, end),
        "blacklist": money.blacklist_figures(scope, start, end),
        "trend": trend.trend_figures(scope, end) if trend_months else [],
        "rankings": rankings.rankings(
            projects=p["rows"],
            hazards=hazards.open_by_unit(scope, end),
            cases=cases.overdue_by_unit(scope, end),
            towns=towns,
            depts=depts,
        ),
    }
    data["problems"] = problems(data)
    return data


def problems(data: dict) -> list[str]:
    """存在的问题 drafted from the figures, most serious first."""
    out = []
    c, h = data["complaints"], data["hazards"]
    if c["overdue_end"]:
        out.append(_("%(n)s件案件超期未结") % {"n": c["overdue_end"]})
    if h["serious_end"]:
        out.append(_("%(n)s条严重欠薪隐患尚未销号") % {"n": h["serious_end"]})
    if h["overdue_end"]:
        out.append(_("%(n)s条欠薪隐患超过整改期限未销号") % {"n": h["overdue_end"]})
    owed = data["arrears"]["end"]
    if owed["workers"]:
        out.append(
            _("按工资明细，期末仍有%(n)s名农民工被拖欠工资%(a)s万元，最早欠薪月份为%(m)s")
            % {"n": owed["workers"], "a": owed["wan"], "m": f"{owed['oldest_month']:%Y-%m}"}
        )
    for row in data["projects"]["coverage"]:
        if row["missing"]:
            out.append(row["problem"])
    if c["closure_rate"] is not None and c["filed"] > c["filed_closed"]:
        out.append(
            _("立案案件结案率%(r)s，尚有%(n)s件立案案件未结案")
            % {"r": pct(c["closure_rate"]), "n": c["filed"] - c["filed_closed"]}
        )
    if data["deposits"]["drawn_n"]:
        out.append(_("%(n)s户保证金被动用，需督促补足") % {"n": data["deposits"]["drawn_n"]})
    return out


def figure_rows(data: dict) -> list[tuple[str, str, object, str]]:
    """(section, figure, value, unit) for the 主要指标 sheet and the summary tables."""
    p, c, h = data["projects"], data["complaints"], data["hazards"]
    d, e, b, f = data["deposits"], data["enforcement"], data["blacklist"], data["fund"]
    s_p, s_c, s_h = _("在建项目"), _("投诉举报案件"), _("欠薪隐患")
    s_d, s_e, s_b = _("工资保证金"), _("监察执法"), _("失信惩戒与应急周转金")
    rows = [(s_p, _("在建项目"), p["active"], _("个"))]
    rows += [(s_p, _("投资类型：%(t)s") % {"t": r["label"]}, r["n"], _("个")) for r in p["by_investment"]]
    rows += [(s_p, _("覆盖率：%(t)s") % {"t": r["label"]}, r["rate"], "%") for r in p["coverage"]]
    rows += [
        (s_p, _("工资发放数据按工资明细汇总"), p["payroll_from_lines"], _("个")),
        (s_p, _("工资发放数据为报送总数"), p["payroll_reported"], _("个")),
    ]
    rows += [
        (s_c, _("受理登记"), c["received"], _("件")), (s_c, _("受理"), c["accepted"], _("件")),
        (s_c, _("立案"), c["filed"], _("件")), (s_c, _("结案"), c["closed"], _("件")),
        (s_c, _("结案率"), c["closure_rate"], "%"), (s_c, _("按期办结率"), c["on_time_rate"], "%"),
        (s_c, _("为农民工追回工资"), c["recovered"], _("万元")),
        (s_c, _("帮助农民工"), c["workers"], _("人")),
        (s_c, _("群体性事件"), c["group_incidents"], _("件")), (s_c, _("移送公安"), c["criminal"], _("件")),
        (s_c, _("期末超期未结"), c["overdue_end"], _("件")),
        (s_c, _("典型案例曝光"), c["typical_published"], _("件")),
    ]  # fmt: skip
    rows += case_breakdown_rows(c)
    for lv in h["levels"]:
        rows += [(s_h, _("期初%(t)s") % {"t": lv["label"]}, lv["start"], _("条")),
                 (s_h, _("期末%(t)s") % {"t": lv["label"]}, lv["end"], _("条"))]  # fmt: skip
    rows += arrears_rows(data["arrears"])
    rows += [
        (s_h, _("新发现"), h["opened"], _("条")), (s_h, _("销号"), h["closed"], _("条")),
        (s_h, _("期末无隐患项目占比"), p["clean_end_rate"], "%"),
        (s_d, _("缴存"), d["paid_n"], _("户")), (s_d, _("缴存金额"), d["paid"], _("万元")),
        (s_d, _("退还"), d["returned_n"], _("户")), (s_d, _("退还金额"), d["returned"], _("万元")),
        (s_d, _("动用"), d["drawn_n"], _("户")), (s_d, _("动用金额"), d["drawn"], _("万元")),
        (s_d, _("结存余额"), d["balance"], _("万元")), (s_d, _("在保保函"), d["guarantees"], _("份")),
        (s_d, _("保函担保金额"), d["guarantee_amount"], _("万元")),
        (s_e, _("检查次数"), e["inspections"], _("次")),
        (s_e, _("其中在建项目现场检查"), e["of_projects"], _("次")),
        (s_e, _("其中无在建项目的用人单位检查"), e["of_employers"], _("次")),
    ]  # fmt: skip
    rows += [(s_e, _("现场检查：%(t)s项目") % {"t": r["label"]}, r["n"], _("次")) for r in e["by_investment"]]
    rows += [
        (s_e, _("检查项目"), e["projects"], _("个")),
        (s_e, _("检查用人单位"), e["employers"], _("家")),
        (s_e, _("其中无在建项目的用人单位"), e["employers_without_project"], _("家")),
        (s_e, _("七项检查不符合"), e["checks_failed"], _("次")),
        (s_e, _("责令整改"), e["rectification"], _("次")),
        (s_e, _("检查追回工资"), e["recovered"], _("万元")),
        (s_e, _("检查兑付农民工"), e["workers_paid"], _("人")),
        (s_e, _("责令限期支付工资文书"), e["orders_pay"], _("份")),
        (s_e, _("限期整改指令书"), e["orders_rectify"], _("份")),
        (s_e, _("约谈"), e["interviews"], _("次")),
        (s_b, _("新列入失信名单"), b["added"], _("家")), (s_b, _("移出失信名单"), b["removed"], _("家")),
        (s_b, _("期末在列"), b["in_force"], _("家")),
    ]  # fmt: skip
    rows += [(s_b, _("%(y)s年度%(g)s级企业") % {"y": b["grade_year"], "g": g["grade"]}, g["n"], _("家"))
             for g in b["grades"]]  # fmt: skip
    rows += [
        (s_b, _("出具无拖欠证明"), b["certificates"], _("份")),
        (s_b, _("应急周转金垫付"), f["advanced"], _("万元")),
        (s_b, _("应急周转金追回"), f["recovered"], _("万元")),
    ]  # fmt: skip
    return rows


def case_breakdown_rows(c: dict) -> list[tuple[str, str, object, str]]:
    """Cases received by channel (every channel, zeros too), kind and sector with the construction share;
    closed by outcome; group incidents with their workers and share."""
    s_c, n = _("投诉举报案件"), _("件")
    rows = [(s_c, _("渠道：%(t)s") % {"t": r["label"]}, r["n"], n) for r in c["channels"]]
    rows += [(s_c, _("类别：%(t)s") % {"t": r["label"]}, r["n"], n) for r in c["kinds"]]
    rows += [(s_c, _("领域：%(t)s") % {"t": r["label"]}, r["n"], n) for r in c["sectors"]]
    rows += [
        (s_c, _("领域：待确认"), c["sector_unknown"], n),
        (s_c, _("建设领域占比"), c["construction_rate"], "%"),
    ]
    rows += [(s_c, _("处理结果：%(t)s") % {"t": r["label"]}, r["n"], n) for r in c["outcomes"]]
    rows += [
        (s_c, _("群体性事件涉及人数"), c["group_workers"], _("人")),
        (s_c, _("群体性事件占受理案件比例"), c["group_rate"], "%"),
    ]
    return rows


def arrears_rows(a: dict) -> list[tuple[str, str, object, str]]:
    """期初/期末 arrears (a stock): workers owed, amount in 亿元, oldest month; "—" where not known."""
    section, rows = _("欠薪（工资明细）"), []
    for key, when in (("start", _("期初")), ("end", _("期末"))):
        s = a[key]
        month = f"{s['oldest_month']:%Y-%m}" if s["oldest_month"] else "—"
        rows += [
            (section, _("%(t)s被欠薪工人") % {"t": when}, s["workers"] if s["known"] else "—", _("人")),
            (section, _("%(t)s欠薪金额") % {"t": when}, s["yi"] if s["known"] else "—", _("亿元")),
            (section, _("%(t)s最早欠薪月份") % {"t": when}, month, ""),
        ]
    return rows
