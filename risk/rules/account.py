"""Rules on the wage account (DESIGN §2 obligation 2): opened in time, fed with labour cost every month."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Project
from wagewatch.lib import law
from wagewatch.lib.periods import months_before
from wagewatch.lib.rawsql import as_day, day_param, fetch

from ..registry import SERIOUS, Finding, Found, Row, Thresholds, collect, day_text, rule, sql_of

# obligations.account_overdue_q and account_open_on: contract signed before the cut, no account open today
ACCOUNT_MISSING_SQL = """
SELECT p.id, p.contract_date FROM ({projects}) p
WHERE p.contract_date < %s AND NOT EXISTS (
  SELECT 1 FROM projects_wageaccount a WHERE a.project_id = p.id AND a.opened_on <= %s
  AND (a.closed_on IS NULL OR a.closed_on > %s))
"""


@rule(
    "ACCOUNT_MISSING",
    name=gettext_lazy("未开设工资专用账户"),
    description=gettext_lazy("合同签订后超过规定天数（days）仍未开设农民工工资专用账户。"),
    thresholds={"days": law.ACCOUNT_OPEN_DAYS()},
)
def account_missing(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    days = int(thresholds["days"])
    projects_sql, params = sql_of(projects)
    cut = today - datetime.timedelta(days=days)  # obligations.account_overdue_q
    on = day_param(today)
    found = fetch(ACCOUNT_MISSING_SQL.format(projects=projects_sql), [*params, day_param(cut), on, on])
    rows = ({"pk": pk, "contract_date": as_day(signed)} for pk, signed in found)
    text = _("合同签订于%(d)s，超过%(n)s天仍未开设农民工工资专用账户")
    return collect(rows, lambda r: (None, text % {"d": day_text(r["contract_date"]), "n": days}))


# obligations.last_transfer (the latest transfer by today) and transfer_reference (it, or the start when
# later or none) before the cut: started before the cut, and no transfer from the cut to today (the latest
# transfer then read for the projects found only)
TRANSFER_LATE_SQL = """
SELECT p.id, p.start_date, (SELECT MAX(t.transferred_on) FROM projects_labourcosttransfer t
  WHERE t.project_id = p.id AND t.transferred_on <= %s) AS last_on
FROM ({projects}) p
WHERE p.start_date < %s AND NOT EXISTS (SELECT 1 FROM projects_labourcosttransfer t
  WHERE t.project_id = p.id AND t.transferred_on >= %s AND t.transferred_on <= %s)
"""


@rule(
    "TRANSFER_LATE",
    name=gettext_lazy("人工费未按月拨付"),
    description=gettext_lazy(
        "建设单位超过 general_months 个月未拨付人工费为一般隐患，超过 serious_months 个月为严重隐患。"
    ),
    thresholds={"general_months": law.LABOUR_COST_CYCLE_MONTHS(), "serious_months": 2},
)
def transfer_late(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    general_cut = months_before(today, int(thresholds["general_months"]))
    serious_cut = months_before(today, int(thresholds["serious_months"]))
    projects_sql, params = sql_of(projects)
    on, cut = day_param(today), day_param(general_cut)
    late_ones = fetch(TRANSFER_LATE_SQL.format(projects=projects_sql), [on, *params, cut, cut, on])
    rows = (_transfer_row(pk, as_day(start), as_day(last)) for pk, start, last in late_ones)

    never = _("开工（%(d)s）以来建设单位未拨付人工费")  # texts translated once, not once a row
    late = _("最近一次拨付人工费为%(d)s，已逾期未按月拨付")

    def build(r: Row) -> Found:
        level = SERIOUS if r["ref"] < serious_cut else None
        if r["last"] is None:
            return level, never % {"d": day_text(r["ref"])}
        return level, late % {"d": day_text(r["last"])}

    return collect(rows, build)


def _transfer_row(pk: int, start: datetime.date | None, last: datetime.date | None) -> Row:
    """The project's latest transfer and transfer_reference: it, or the start when later or none."""
    assert start is not None  # a project's start date is required
    return {"pk": pk, "last": last, "ref": max(last or start, start)}
