"""The wage-deposit rule (DESIGN §2 obligation 4): short is DepositPosition.short, as on the deposits page
and in the reports' coverage; a letter about to expire warns, an expired one makes it serious."""

import datetime
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deposits.selectors import DepositPosition, deposit_risks
from projects.models import Project

from ..registry import SERIOUS, Finding, Found, Thresholds, collect, day_text, rule


@rule(
    "DEPOSIT_SHORT",
    name=gettext_lazy("工资保证金不足"),
    description=gettext_lazy(
        "未缴或少缴工资保证金为一般隐患；保函在 warning_days 天内到期为一般隐患，"
        "保函已过期且现金不足应缴额为严重隐患。"
    ),
    thresholds={"warning_days": 30},
)
def deposit_short(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    warn_until = today + datetime.timedelta(days=int(thresholds["warning_days"]))
    # one statement: the positions that may be short or have a letter expiring soon, each with the latest
    # expiry of its expired, unreleased letters (the serious case: deposit_positions counts letters in force)
    risks = deposit_risks(projects_qs=projects, on=today, expiring_by=warn_until)
    rows = (
        {"pk": pk, "position": pos, "expired_on": expired_on}
        for pk, (pos, expired_on) in risks.items()
        # the others find nothing (_deposit_finding)
        if pos.short or (pos.guarantee_valid_to and pos.guarantee_valid_to <= warn_until)
    )
    texts = _Texts(  # translated once, not once a row
        _("保函已于%(d)s到期，现有保证金%(c)s元，低于应缴%(r)s元"),
        _("保证金现金余额%(c)s元、有效保函%(g)s元，低于应缴%(r)s元"),
        _("保函将于%(d)s到期，请督促续保"),
    )
    return collect(rows, lambda r: _deposit_finding(r["position"], r["expired_on"], warn_until, texts))


class _Texts(NamedTuple):
    expired: str
    short: str
    expiring: str


def _deposit_finding(
    pos: DepositPosition, expired_on: datetime.date | None, warn_until: datetime.date, texts: _Texts
) -> Found:
    if pos.short:
        if expired_on:
            return SERIOUS, texts.expired % {"d": day_text(expired_on), "c": pos.held, "r": pos.required}
        return None, texts.short % {"c": pos.cash_balance, "g": pos.guarantee_amount, "r": pos.required}
    valid_to = pos.guarantee_valid_to
    letter_carries = not pos.exempt and pos.guarantee_amount and pos.cash_balance < pos.required
    if letter_carries and valid_to and valid_to <= warn_until:
        return None, texts.expiring % {"d": day_text(valid_to)}
    return None
