"""Rules on the wage account (DESIGN §2 obligation 2): opened in time, fed with labour cost every month."""

import datetime

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects import obligations
from projects.models import Project
from wagewatch.lib import law
from wagewatch.lib.periods import months_before

from ..registry import SERIOUS, Finding, Found, Row, Thresholds, collect, day_text, rule


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
    rows = (
        projects.filter(obligations.account_overdue_q(today, days=days))
        .exclude(obligations.account_open_on(today))
        .values("pk", "contract_date")
    )
    text = _("合同签订于%(d)s，超过%(n)s天仍未开设农民工工资专用账户")
    return collect(rows, lambda r: (None, text % {"d": day_text(r["contract_date"]), "n": days}))


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
    rows = (
        projects.annotate(last=obligations.last_transfer(today))
        .annotate(ref=obligations.transfer_reference(F("last")))
        .filter(ref__lt=general_cut)
        .values("pk", "last", "ref")
    )

    never = _("开工（%(d)s）以来建设单位未拨付人工费")  # texts translated once, not once a row
    late = _("最近一次拨付人工费为%(d)s，已逾期未按月拨付")

    def build(r: Row) -> Found:
        level = SERIOUS if r["ref"] < serious_cut else None
        if r["last"] is None:
            return level, never % {"d": day_text(r["ref"])}
        return level, late % {"d": day_text(r["last"])}

    return collect(rows, build)
