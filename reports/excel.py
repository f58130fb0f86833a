"""The report workbook: the figures, the rankings, the three lists (在建工程项目清单, 欠薪隐患清单,
案件台账) and the period's inspections, built with the row builders of the apps that own them. The
reporter's identity is never in it."""

import datetime

from django.utils.translation import gettext as _

from complaints.exports import LEDGER_HEADERS as CASE_HEADERS
from complaints.exports import ledger_row as case_row
from complaints.models import Complaint
from projects.exports import inspection_sheet, project_sheet
from projects.models import Hazard, Inspection, Project
from risk.exports import HAZARD_HEADERS, hazard_row
from wagewatch.lib.xlsx import write_workbook

from .figures import figure_rows, unknown_note
from .figures.scope import Scope, day_after, day_start


def active_projects(scope: Scope, end: datetime.date):
    """The scope's projects active on ``end`` (the report's 在建项目 figure counts these rows)."""
    return (
        Project.objects.filter(scope.q(Project))
        .active_on(end)
        .select_related("township", "department", "builder", "contractor")
        .order_by("township__sort", "code")
    )


def hazards_in_range(scope: Scope, start: datetime.date, end: datetime.date):
    """Hazards open at some time in the range: opened before its end, not closed before its start."""
    return (
        Hazard.objects.filter(scope.q(Hazard), opened_at__lt=day_after(end))
        .exclude(closed_at__lt=day_start(start))
        .select_related("project", "project__township", "rule", "department", "closed_by")
        .order_by("status", "-severity", "deadline", "-id")
    )


def cases_in_range(scope: Scope, start: datetime.date, end: datetime.date):
    """Cases received by the range's end and not closed before its start (the ledger of the period)."""
    return (
        Complaint.objects.filter(scope.q(Complaint), received_at__lt=day_after(end))
        .exclude(closed_on__lt=start)
        .select_related("project", "township", "handler")
        .defer("complainant_phone", "complainant_id_number", "description")
        .order_by("-received_at", "-id")
    )


def inspections_in_range(scope: Scope, start: datetime.date, end: datetime.date):
    """Inspections dated in the range (the report's inspection figures count these rows)."""
    return (
        Inspection.objects.filter(scope.q(Inspection), date__range=(start, end))
        .select_related("project__township", "project__contractor", "enterprise", "township")
        .order_by("date", "id")
    )


def _ranking_sheet(title: str, rows: list[dict]) -> tuple:
    headers = [_("排名"), _("单位"), _("在建项目"), _("未销号隐患"), _("其中严重"), _("超期案件"),
               _("未按月拨付人工费"), _("未按月足额发薪")]  # fmt: skip
    body = [[r["rank"], r["label"], r["projects"], r["hazards"], r["serious"], r["overdue"], r["transfer"],
             r["wages"]] for r in rows]  # fmt: skip
    return (title, headers, body)


def _trend_sheet(trend: list[dict]) -> tuple:
    """The 12-month series the PDF draws (图1, 图4), as numbers."""
    headers = [_("月份"), _("受理投诉（件）"), _("新发现隐患（条）"), _("月末未销号隐患（条）"),
               _("保证金月末结存余额（万元）")]  # fmt: skip
    body = [
        [f"{t['month']:%Y-%m}", t["received"], t["opened"], _dash(t["open"]), _dash(t["balance"])]
        for t in trend
    ]  # an unknown month-end stock is "—" as in the figures
    return (_("近12个月趋势"), headers, body)


def _dash(value: object) -> object:
    return "—" if value is None else value


def campaign_sheets(data: dict) -> list[tuple]:
    """A campaign's report opens with its targets, its position at the start and end, and its work."""
    c = data.get("campaign")
    if not c:
        return []
    targets = [[t["label"], t["target"], _dash(t["actual"]), _dash(t["achieved"])] for t in c["targets"]]
    positions = [[f, _dash(s), _dash(e), u] for f, s, e, u in c["positions"]]
    flows = [[f, _dash(v), u] for f, v, u in c["flows"]]
    if note := unknown_note(data):
        positions.append([note, "", "", ""])
    return [
        (_("目标完成情况"), [_("指标"), _("目标"), _("完成"), _("完成率（%）")], targets),
        (_("期初期末情况"), [_("指标"), _("期初"), _("期末"), _("单位")], positions),
        (_("行动期间工作"), [_("指标"), _("数值"), _("单位")], flows),
    ]


def build_workbook(*, data: dict, tasks: list[dict] | None = None) -> bytes:
    """The .xlsx bytes of a report: every figure the PDF prints has its cell (numbers as numbers, in 万元
    with two decimals and rates in % with one), then the lists."""
    scope, start, end = data["scope"], data["start"], data["end"]
    figures = [[s, f, "—" if v is None else v, u] for s, f, v, u in figure_rows(data)]
    if note := unknown_note(data):
        figures.append([_("说明"), note, "", ""])
    problems = [[i, text] for i, text in enumerate(data["problems"], 1)]
    sheets = [
        *campaign_sheets(data),
        (_("主要指标"), [_("类别"), _("指标"), _("数值"), _("单位")], figures),
        (_("存在的问题"), [_("序号"), _("问题")], problems),
        _ranking_sheet(_("乡镇排名"), data["rankings"]["townships"]),
        _ranking_sheet(_("部门排名"), data["rankings"]["departments"]),
        _trend_sheet(data["trend"]),
        project_sheet(active_projects(scope, end)),
        (_("欠薪隐患清单"), HAZARD_HEADERS,
         (hazard_row(h) for h in hazards_in_range(scope, start, end).iterator(2000))),
        (_("案件台账"), CASE_HEADERS,
         (case_row(c) for c in cases_in_range(scope, start, end).iterator(2000))),
        inspection_sheet(inspections_in_range(scope, start, end)),
    ]  # fmt: skip
    if tasks:
        headers = [_("任务"), _("完成时限"), _("责任单位"), _("状态"), _("最新进展日期"), _("最新进展")]
        rows = [[t["title"], t["deadline"], t["unit"], t["status"], t["latest_on"], t["latest_text"]]
                for t in tasks]  # fmt: skip
        sheets.append((_("重点任务进展"), headers, rows))
    return write_workbook(sheets)
