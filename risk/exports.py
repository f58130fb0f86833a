"""Rows of the hazard list export (欠薪隐患清单), shared by the list page and the report workbook."""

from django.utils.translation import gettext as _

from projects.models import Hazard

HAZARD_HEADERS = [
    "项目编号", "项目名称", "乡镇", "责任部门", "规则", "隐患等级", "隐患情况", "发现时间", "整改期限",
    "状态", "销号时间", "销号方式", "销号说明",
]  # fmt: skip


def hazard_row(h: Hazard) -> list:
    how = (_("自动销号") if h.auto_closed else _("人工销号")) if h.closed_at else ""
    return [
        h.project.code, h.project.name, h.project.township.name, h.department.name, h.rule.name,
        h.get_severity_display(), h.detail, h.opened_at, h.deadline, h.get_status_display(), h.closed_at,
        how, h.close_note,
    ]  # fmt: skip
