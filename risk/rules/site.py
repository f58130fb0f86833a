"""The rights notice board rule (DESIGN §2 obligation 5), read as the reports read it."""

import datetime

from django.db.models import QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects import obligations
from projects.models import Project

from ..registry import Finding, Found, Row, Thresholds, collect, day_text, rule


@rule(
    "NOTICE_BOARD",
    name=gettext_lazy("未设维权信息告示牌"),
    description=gettext_lazy("最近一次现场检查发现未设维权信息告示牌；无检查记录的，按项目登记信息判断。"),
)
def notice_board(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    rows = (
        projects.annotate(
            board=obligations.notice_board_posted(today),
            checked_on=Subquery(obligations.last_inspection(today).values("date")[:1]),
        )
        .filter(board=False)
        .values("pk", "checked_on")
    )

    found, registered = _("%(d)s现场检查发现未设维权信息告示牌"), _("项目登记信息显示未设维权信息告示牌")

    def build(r: Row) -> Found:
        if r["checked_on"]:
            return None, found % {"d": day_text(r["checked_on"])}
        return None, registered

    return collect(rows, build)
