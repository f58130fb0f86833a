"""Reminders of the deposits app (run by beat): letters about to end, return steps overdue."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from projects.models import Project
from wagewatch.accounts.models import Role
from wagewatch.accounts.notifications import notify, recipients
from wagewatch.lib import law

from .models import (
    Guarantee,
    WageDeposit,
)


def _tell(project: Project, *, key: str, title: str, body: str, url: str) -> int:
    users = recipients(roles=(Role.OFFICE, Role.INSPECTOR), township=project.township_id)
    return notify(users=users, event_key=key, title=title, body=body, url=url)


def guarantee_expiry_remind(*, on: datetime.date) -> int:
    """Tell the township's inspectors and the office of letters ending within a month (once per letter)."""
    soon = on + datetime.timedelta(days=law.GUARANTEE_EXPIRY_WARNING_DAYS())
    letters = (
        Guarantee.objects.in_force(on)
        .filter(valid_to__isnull=False, valid_to__lte=soon, deposit__returned_on__isnull=True)
        .select_related("deposit__project")
    )
    sent = 0
    for letter in letters:
        project = letter.deposit.project
        sent += _tell(
            project,
            key=f"deposits:guarantee-expiring:{letter.pk}:{letter.valid_to:%Y%m%d}",
            title=_("保函即将到期：%(project)s") % {"project": project.name},
            body=_("%(letter)s 于 %(day)s 到期，请督促施工总承包单位续保或改缴现金。")
            % {"letter": letter, "day": letter.valid_to},
            url=reverse("deposits:detail", args=[letter.deposit_id]),
        )
    return sent


def return_overdue_remind(*, on: datetime.date) -> int:
    """Tell of return-workflow steps past their deadline (review, return), once per step and deadline."""
    sent = 0
    returning = WageDeposit.objects.filter(status=WageDeposit.Status.RETURNING).select_related("project")
    for deposit in returning:
        for step, label, overdue, due in (
            ("review", _("审核"), deposit.review_overdue(on), deposit.review_due),
            ("return", _("退还"), deposit.return_overdue(on), deposit.return_due),
        ):
            if not overdue:
                continue
            sent += _tell(
                deposit.project,
                key=f"deposits:return-overdue:{deposit.pk}:{step}:{due:%Y%m%d}",
                title=_("保证金%(step)s逾期：%(project)s") % {"step": label, "project": deposit.project.name},
                body=_("期限 %(due)s 已过。") % {"due": due},
                url=reverse("deposits:detail", args=[deposit.pk]),
            )
    return sent
