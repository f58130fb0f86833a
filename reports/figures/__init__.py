"""Report data (DESIGN §3) for a scope and a date range, assembled in a fixed number of queries.

``report_data`` returns plain dicts and lists (no querysets), so the PDF, the Excel workbook, the
dashboard and the weekly dispatch all print the same numbers.
"""

import datetime

from django.utils.translation import gettext as _

from wagewatch.accounts.models import Department, Township

from . import cases, grades, hazards, money, projects, rankings, trend, wages
from .common import pct
from .known import Known, known_stocks
from .scope import COUNTY, DEPARTMENT, TOWNSHIP, Scope, check_scope, may_use_scope, scope_of

__all__ = ["COUNTY", "DEPARTMENT", "TOWNSHIP", "Scope", "check_scope", "may_use_scope", "report_data",
           "scope_of"]  # fmt: skip


def _units(scope: Scope) -> tuple[dict[int, str], dict[int, str]]:
    towns = Township.objects.order_by("sort", "code")
    depts = Department.objects.filter(kind=Department.Kind.INDUSTRY).order_by("sort", "code")
    if scope.kind == TOWNSHIP:
        assert scope.townships  # a township scope names its township(s)
        towns = towns.filter(pk__in=scope.townships)
    if scope.kind == DEPARTMENT:
        assert scope.department_id is not None  # a department scope names its department
        depts = Department.objects.filter(pk=scope.department_id)
    return dict(towns.values_list("pk", "name")), dict(depts.values_list("pk", "name"))


def report_data(*, scope: Scope, start: datetime.date, end: datetime.date, trend_months: bool = True) -> dict:
    """Every figure of the report. Queries: see tests/reports/test_figures.py (constant in data size)."""
    towns, depts = _units(scope)
    known = known_stocks(start, end)
    p = projects.project_figures(scope, start, end)
    c = _unknown_cases(cases.complaint_figures(scope, start, end), known)
    h = hazards.hazard_figures(
        scope, start, end, known_start=known.hazards_start, known_end=known.hazards_end
    )
    data = {
        "scope": scope,
        "start": start,
        "end": end,
        "projects": p,
        "roster": projects.roster_figures(scope, end),
        "by_township": projects.units(p["rows"], "township_id", towns),
        "by_department": projects.units(p["rows"], "department_id", depts),
        "complaints": c,
        "hazards": h,
        "grades": grades.grade_figures(
            scope, start, end, known_start=known.hazards_start, known_end=known.hazards_end
        ),
        "known": known,
        "arrears": wages.arrears_figures(scope, start, end),
        "enforcement": cases.enforcement_figures(scope, start, end),
        "deposits": _unknown_balance(money.deposit_figures(scope, start, end), known),
        "fund": money.fund_figures(scope, start, end),
        "blacklist": money.blacklist_figures(scope, start, end),
        "trend": _unknown_months(trend.trend_figures(scope, end), known) if trend_months else [],
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


def _unknown_cases(c: dict, known: Known) -> dict:
    """The case stocks (open, overdue) on a day before their history is known: ``None``, never 0."""
    if not known.cases_start:
        c["open_start"] = None
    if not known.cases_end:
        c["open_end"] = c["overdue_end"] = None
    return c


def _unknown_balance(d: dict, known: Known) -> dict:
    """The deposit balance on a day before go-live (its opening entries are dated then): ``None``."""
    if not known.cases_end:
        d["balance"] = d["balance_yuan"] = None
    return d


def _unknown_months(months: list[dict], known: Known) -> list[dict]:
    """The trend's month-end stocks (open hazards, deposit balance) are ``None`` for a month that ended
    before the stock is known."""
    for m in months:
        if not known.hazards_on(m["last"]):
            m["open"] = None
        if not known.opened_on(m["last"]):
            m["balance"] = None
    return months


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
    if data["roster"]["unsigned"]:
        out.append(_("%(n)s名在册农民工未签订劳动合同") % {"n": data["roster"]["unsigned"]})
    if c["closure_rate"] is not None and c["filed"] > c["filed_closed"]:
        out.append(
            _("立案案件结案率%(r)s，尚有%(n)s件立案案件未结案")
            % {"r": pct(c["closure_rate"]), "n": c["filed"] - c["filed_closed"]}
        )
    if data["deposits"]["drawn_n"]:
        out.append(_("%(n)s户保证金被动用，需督促补足") % {"n": data["deposits"]["drawn_n"]})
    return out


Row = tuple[str, str, object, str]


def figure_rows(data: dict) -> list[Row]:
    """(section, figure, value, unit) for the 主要指标 sheet: every figure the PDF prints."""
    return [
        *_project_rows(data),
        *_case_rows(data["complaints"]),
        *_hazard_rows(data),
        *arrears_rows(data["arrears"]),
        *_deposit_rows(data["deposits"], data["enforcement"]),
        *_blacklist_rows(data["blacklist"], data["fund"]),
    ]


def _project_rows(data: dict) -> list[Row]:
    p, r, s_p = data["projects"], data["roster"], _("在建项目")
    rows = [(s_p, _("在建项目"), p["active"], _("个"))]
    rows += [(s_p, _("投资类型：%(t)s") % {"t": x["label"]}, x["n"], _("个")) for x in p["by_investment"]]
    rows += [
        (s_p, _("乡镇（街道）：%(t)s") % {"t": x["label"]}, x["n"], _("个")) for x in data["by_township"]
    ]
    rows += [
        (s_p, _("行业主管部门：%(t)s") % {"t": x["label"]}, x["n"], _("个")) for x in data["by_department"]
    ]
    for x in p["coverage"]:
        rows += [(s_p, _("落实项目：%(t)s") % {"t": x["label"]}, x["met"], _("个")),
                 (s_p, _("未落实项目：%(t)s") % {"t": x["label"]}, x["missing"], _("个")),
                 (s_p, _("覆盖率：%(t)s") % {"t": x["label"]}, x["rate"], "%")]  # fmt: skip
    return [
        *rows,
        (s_p, _("花名册在册农民工"), r["workers"], _("人")),
        (s_p, _("签订劳动合同农民工"), r["signed"], _("人")),
        (s_p, _("未签订劳动合同农民工"), r["unsigned"], _("人")),
        (s_p, _("劳动合同签订率"), r["rate"], "%"),
        (s_p, _("工资发放数据按工资明细汇总"), p["payroll_from_lines"], _("个")),
        (s_p, _("工资发放数据为报送总数"), p["payroll_reported"], _("个")),
    ]


def _case_rows(c: dict) -> list[Row]:
    s_c = _("投诉举报案件")
    rows = [
        (s_c, _("受理登记"), c["received"], _("件")), (s_c, _("受理"), c["accepted"], _("件")),
        (s_c, _("立案"), c["filed"], _("件")), (s_c, _("结案"), c["closed"], _("件")),
        (s_c, _("结案率"), c["closure_rate"], "%"), (s_c, _("按期办结率"), c["on_time_rate"], "%"),
        (s_c, _("为农民工追回工资"), c["recovered"], _("万元")),
        (s_c, _("帮助农民工"), c["workers"], _("人")),
        (s_c, _("群体性事件"), c["group_incidents"], _("件")), (s_c, _("移送公安"), c["criminal"], _("件")),
        (s_c, _("期初在办"), c["open_start"], _("件")), (s_c, _("期末在办"), c["open_end"], _("件")),
        (s_c, _("期末超期未结"), c["overdue_end"], _("件")),
        (s_c, _("典型案例曝光"), c["typical_published"], _("件")),
    ]  # fmt: skip
    return rows + case_breakdown_rows(c)


def _hazard_rows(data: dict) -> list[Row]:
    h, s_h = data["hazards"], _("欠薪隐患")
    rows = [
        (s_h, _("期初未销号隐患"), h["open_start"], _("条")),
        (s_h, _("期末未销号隐患"), h["open_end"], _("条")),
    ]
    for lv in h["levels"]:
        rows += [(s_h, _("期初%(t)s") % {"t": lv["label"]}, lv["start"], _("条")),
                 (s_h, _("期末%(t)s") % {"t": lv["label"]}, lv["end"], _("条"))]  # fmt: skip
    return [
        *rows,
        *grade_rows(data["grades"]),
        (s_h, _("新发现"), h["opened"], _("条")), (s_h, _("销号"), h["closed"], _("条")),
    ]  # fmt: skip


def _deposit_rows(d: dict, e: dict) -> list[Row]:
    s_d, s_e = _("工资保证金"), _("监察执法")
    rows: list[Row] = [
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
    ]  # fmt: skip
    return rows


def _blacklist_rows(b: dict, f: dict) -> list[Row]:
    s_b = _("失信惩戒与应急周转金")
    rows = [
        (s_b, _("失信惩戒事先告知"), b["noticed"], _("家")),
        (s_b, _("新列入失信名单"), b["added"], _("家")), (s_b, _("移出失信名单"), b["removed"], _("家")),
        (s_b, _("期末在列"), b["in_force"], _("家")),
    ]  # fmt: skip
    year = b["grade_year"]
    rows += [
        (s_b, _("%(y)s年度%(g)s级企业") % {"y": year, "g": g["grade"]}, g["n"], _("家")) for g in b["grades"]
    ]
    return [
        *rows,
        (s_b, _("%(y)s年度评价企业合计") % {"y": year}, b["graded"], _("家")),
        (s_b, _("出具无拖欠证明"), b["certificates"], _("份")),
        (s_b, _("应急周转金垫付"), f["advanced"], _("万元")),
        (s_b, _("应急周转金垫付惠及农民工"), f["workers"], _("人")),
        (s_b, _("应急周转金追回"), f["recovered"], _("万元")),
        (s_b, _("期末应急周转金本金"), f["capital"], _("万元")),
        (s_b, _("期末应急周转金余额"), f["balance"], _("万元")),
    ]


def grade_rows(g: dict) -> list[tuple[str, str, object, str]]:
    """期初/期末 projects by grade (a stock): count and share of each grade; ``None`` where not known."""
    section, rows = _("在建项目隐患等级"), []
    for key, when in (("start", _("期初")), ("end", _("期末"))):
        s = g[key]
        rows.append((section, _("%(t)s在建项目") % {"t": when}, s["total"], _("个")))
        for r in s["grades"]:
            rows += [
                (section, _("%(t)s%(g)s项目") % {"t": when, "g": _(r["label"])}, r["n"], _("个")),
                (section, _("%(t)s%(g)s项目占比") % {"t": when, "g": _(r["label"])}, r["share"], "%"),
            ]
    return rows


def unknown_note(data: dict) -> str:
    """The footnote of "—": which stocks are not known, and why (empty when every stock is known)."""
    known: Known = data["known"]
    arrears = data["arrears"]["start"]["known"] and data["arrears"]["end"]["known"]
    if known.hazards_start and known.hazards_end and known.cases_start and known.cases_end and arrears:
        return ""
    since = known.hazards_from
    when = f"{since:%Y-%m-%d}" if since else _("尚无")
    return _(
        "“—”表示该日的存量未掌握（系统上线、首次隐患排查或首笔工资明细到期前无记录，不按0计）；"
        "隐患数据自%(d)s起掌握。"
    ) % {"d": when}


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


def arrears_rows(a: dict) -> list[Row]:
    """期初/期末 arrears (a stock): workers owed, amount in 亿元, oldest month; "—" where not known."""
    section, rows = _("欠薪（工资明细）"), []
    for key, when in (("start", _("期初")), ("end", _("期末"))):
        s = a[key]
        month = f"{s['oldest_month']:%Y-%m}" if s["oldest_month"] else "—"
        rows += [
            (section, _("%(t)s被欠薪工人") % {"t": when}, s["workers"] if s["known"] else "—", _("人")),
            (section, _("%(t)s欠薪金额") % {"t": when}, s["yi"] if s["known"] else "—", _("亿元")),
            (section, _("%(t)s欠薪金额（万元）") % {"t": when}, s["wan"] if s["known"] else "—", _("万元")),
            (section, _("%(t)s最早欠薪月份") % {"t": when}, month, ""),
        ]
    return rows
