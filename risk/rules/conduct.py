"""Rules on the contractor's conduct: open wage complaints against the project, a bad credit record."""

import datetime

from django.db.models import Case, Count, F, Max, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blacklist.selectors import c_graded_enterprise_ids, listed_enterprise_ids
from complaints.models import Complaint
from projects.models import Project
from wagewatch.lib import law

from ..registry import SERIOUS, Finding, Found, Row, Thresholds, collect, rule


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
    rows = (
        Complaint.objects.filter(project__in=projects.values("pk"), received_at__gte=since)
        .exclude(status__in=[Complaint.Status.CLOSED, Complaint.Status.REFUSED])
        .values("project_id")
        # each row names its project "pk", as collect() reads it (the stubs refuse an annotation named pk)
        .annotate(pk=F("project_id"), n=Count("pk"), top=Max("workers_involved"))  # type: ignore[no-redef]
        .values("pk", "n", "top")
        .order_by()
    )

    text = _("近%(d)s天有%(n)s件欠薪投诉未办结（最多涉及%(w)s人）")

    def build(r: Row) -> Found:
        level = SERIOUS if r["top"] >= big else None
        return level, text % {"d": thresholds["days"], "n": r["n"], "w": r["top"]}

    return collect(rows, build)


@rule(
    "BAD_CREDIT",
    name=gettext_lazy("总承包单位失信"),
    description=gettext_lazy("施工总承包单位列入失信联合惩戒名单，或守法诚信等级为C级（当年或上一年度）。"),
    severity=SERIOUS,
)
def bad_credit(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    listed = listed_enterprise_ids(on=today)
    graded_c = Q(contractor_id__in=c_graded_enterprise_ids(year=today.year)) | Q(
        contractor_id__in=c_graded_enterprise_ids(year=today.year - 1)
    )
    rows = (
        projects.filter(Q(contractor_id__in=listed) | graded_c)
        .annotate(listed=Case(When(contractor_id__in=listed, then=Value(True)), default=Value(False)))
        .values("pk", "listed", "contractor__name")
    )

    on_list, graded = _("总承包单位%(e)s已列入失信联合惩戒名单"), _("总承包单位%(e)s守法诚信等级为C级")

    def build(r: Row) -> Found:
        return None, (on_list if r["listed"] else graded) % {"e": r["contractor__name"]}

    return collect(rows, build)
