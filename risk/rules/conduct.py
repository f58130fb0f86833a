"""Rules on the contractor's conduct: open wage complaints against the project, a bad credit record."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import Complaint
from projects.models import Project
from wagewatch.lib import law
from wagewatch.lib.rawsql import day_param, fetch, moment_param

from ..registry import SERIOUS, Finding, Found, Row, Thresholds, collect, rule, sql_of

# the projects' complaints received since the cut and not closed or refused
COMPLAINTS_SQL = """
SELECT c.project_id, COUNT(*), MAX(c.workers_involved) FROM complaints_complaint c
WHERE c.project_id IN (SELECT p.id FROM ({projects}) p) AND c.received_at >= %s AND c.status NOT IN (%s, %s)
GROUP BY c.project_id
"""


@rule(
    "COMPLAINTS",
    name=gettext_lazy("存在未办结欠薪投诉"),
    description=gettext_lazy(
        "近 days 天内有未办结的投诉为一般隐患；其中涉及 serious_workers 人以上的为严重隐患。"
    ),
    thresholds={"days": 90, "serious_workers": law.GROUP_INCIDENT_WORKERS()},
)
def complaints(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    since = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min)) - datetime.timedelta(
        days=int(thresholds["days"])
    )
    big = int(thresholds["serious_workers"])
    projects_sql, params = sql_of(projects)
    ended = [Complaint.Status.CLOSED.value, Complaint.Status.REFUSED.value]
    found = fetch(COMPLAINTS_SQL.format(projects=projects_sql), [*params, moment_param(since), *ended])
    rows = ({"pk": pk, "n": n, "top": top} for pk, n, top in found)

    text = _("近%(d)s天有%(n)s件欠薪投诉未办结（最多涉及%(w)s人）")

    def build(r: Row) -> Found:
        level = SERIOUS if r["top"] >= big else None
        return level, text % {"d": thresholds["days"], "n": r["n"], "w": r["top"]}

    return collect(rows, build)


# blacklist.selectors.listed_enterprise_ids (BlacklistEntry.objects.listed_on) and c_graded_enterprise_ids
# (_EFFECTIVE_C: the override grade first) of this year or the last
_LISTED = """SELECT b.enterprise_id FROM blacklist_blacklistentry b
  WHERE (b.removed_on IS NULL OR b.removed_on > %s) AND b.listed_on <= %s AND b.expires_on > %s"""
BAD_CREDIT_SQL = f"""
SELECT p.id, CASE WHEN p.contractor_id IN ({_LISTED}) THEN 1 ELSE 0 END, e.name
FROM ({{projects}}) p JOIN projects_enterprise e ON e.id = p.contractor_id
WHERE (p.contractor_id IN ({_LISTED}) OR p.contractor_id IN (
  SELECT g.enterprise_id FROM blacklist_integritygrade g WHERE g.year IN (%s, %s)
  AND (g.override_grade = 'C' OR (g.override_grade = '' AND g.computed_grade = 'C'))))
"""


@rule(
    "BAD_CREDIT",
    name=gettext_lazy("总承包单位失信"),
    description=gettext_lazy("施工总承包单位列入失信联合惩戒名单，或守法诚信等级为C级（当年或上一年度）。"),
    severity=SERIOUS,
)
def bad_credit(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    projects_sql, params = sql_of(projects)
    on = day_param(today)
    listed = [on, on, on]
    found = fetch(
        BAD_CREDIT_SQL.format(projects=projects_sql), [*listed, *params, *listed, today.year, today.year - 1]
    )
    rows = ({"pk": pk, "listed": bool(on_list), "contractor__name": name} for pk, on_list, name in found)

    on_list, graded = _("总承包单位%(e)s已列入失信联合惩戒名单"), _("总承包单位%(e)s守法诚信等级为C级")

    def build(r: Row) -> Found:
        return None, (on_list if r["listed"] else graded) % {"e": r["contractor__name"]}

    return collect(rows, build)
