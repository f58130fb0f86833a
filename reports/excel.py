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

from .figures import figure_rows
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


def build_workbook(*, data: dict, tasks: list[dict] | None = None) -> bytes:
    """The .xlsx bytes of a report."""
    scope, start, end = data["scope"], data["start"], data["end"]
    figures = [[s, f, "—" if v is None else v, u] for s, f, v, u in figure_rows(data)]
    problems = [[i, text] for i, text in enumerate(data["problems"], 1)]
    sheets = [
        (_("主要指标"), [_("类别"), _("指标"), _("数值"), _("单位")], figures),
        (_("存在的问题"), [_("序号"), _("问题")], problems),
        _ranking_sheet(_("乡镇排名"), data["rankings"]["townships"]),
        _ranking_sheet(_("部门排名"), data["rankings"]["departments"]),
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
