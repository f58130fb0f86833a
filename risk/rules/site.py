"""The rights notice board rule (DESIGN §2 obligation 5), read as the reports read it."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Project
from wagewatch.lib.rawsql import as_day, day_param, fetch

from ..registry import Finding, Found, Row, Thresholds, collect, day_text, rule, sql_of

# obligations.notice_board_posted: as the latest inspection by today found it (obligations.last_inspection),
# else as registered; kept when not posted
NOTICE_BOARD_SQL = """
SELECT p.id, i.date FROM ({projects}) p
LEFT JOIN projects_inspection i ON i.id = (
  SELECT j.id FROM projects_inspection j WHERE j.project_id = p.id AND j.date <= %s
  ORDER BY j.date DESC, j.id DESC LIMIT 1)
WHERE NOT COALESCE(i.check_notice_board, p.notice_board)
"""


@rule(
    "NOTICE_BOARD",
    name=gettext_lazy("未设维权信息告示牌"),
    description=gettext_lazy("最近一次现场检查发现未设维权信息告示牌；无检查记录的，按项目登记信息判断。"),
)
def notice_board(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    projects_sql, params = sql_of(projects)
    boards = fetch(NOTICE_BOARD_SQL.format(projects=projects_sql), [*params, day_param(today)])
    rows = ({"pk": pk, "checked_on": as_day(checked_on)} for pk, checked_on in boards)

    found, registered = _("%(d)s现场检查发现未设维权信息告示牌"), _("项目登记信息显示未设维权信息告示牌")

    def build(r: Row) -> Found:
        if r["checked_on"]:
            return None, found % {"d": day_text(r["checked_on"])}
        return None, registered

    return collect(rows, build)
