"""The legal deadlines of complaint cases: computed from the real dates of their steps, marked soon /
overdue by the nightly job, recomputed once a year's holidays are known (split from services.py)."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wagewatch.accounts import generations
from wagewatch.accounts.models import Role
from wagewatch.accounts.notifications import notify, recipients
from wagewatch.lib import config, law
from wagewatch.lib.workdays import add_workdays_info, rewrite_changed, spans_year

from .models import Complaint

S = Complaint.Status


def deadline_state(due: datetime.date | None, today: datetime.date | None = None) -> str:
    """soon / overdue / "" for a running deadline ``due`` on ``today`` (as the nightly job marks them)."""
    if due is None:
        return ""
    today = today or timezone.localdate()
    if due < today:
        return "overdue"
    return "soon" if due <= add_workdays_info(today, config.COMPLAINT_DUE_SOON_WORKDAYS())[0] else ""


def notify_deadline(case: Complaint) -> None:
    """Tell the handler of a case whose step, entered after the fact, left its deadline soon or overdue at
    once, as the nightly job would have (the same message key: never twice)."""
    if case.deadline_state:
        _notify_deadlines([case], timezone.localdate())


def due_q(today: datetime.date) -> tuple[Q, Q]:
    """(overdue, soon) on ``today`` as conditions on the cases' running deadlines: the nightly mark, the desk
    and the ledger's filter read the same dates (a step entered after the fact shows at once)."""
    soon_limit = add_workdays_info(today, config.COMPLAINT_DUE_SOON_WORKDAYS())[0]
    received, filed = Q(status=S.RECEIVED), Q(status=S.FILED)
    overdue = (received & Q(accept_due__lt=today)) | (filed & Q(close_due__lt=today))
    soon = (received & Q(accept_due__gte=today, accept_due__lte=soon_limit)) | (
        filed & Q(close_due__gte=today, close_due__lte=soon_limit)
    )
    return overdue, soon


def mark_deadlines(*, today: datetime.date | None = None) -> dict[str, int]:
    """Set deadline_state (soon / overdue / '') on open cases in three set-based updates."""
    today = today or timezone.localdate()
    overdue, soon = due_q(today)
    cases = Complaint.objects.all()
    newly = list(
        cases.filter(
            (overdue & ~Q(deadline_state="overdue")) | (soon & ~Q(deadline_state__in=["soon", "overdue"]))
        )
        .select_related("handler", "township")
        .only("pk", "number", "status", "accept_due", "close_due", "handler", "township")
    )
    counts = {
        "overdue": cases.filter(overdue).exclude(deadline_state="overdue").update(deadline_state="overdue"),
        "soon": cases.filter(soon).exclude(deadline_state="soon").update(deadline_state="soon"),
        "cleared": cases.exclude(overdue | soon).exclude(deadline_state="").update(deadline_state=""),
    }
    if any(counts.values()):  # set-based updates send no signal: the cached pages recompute
        generations.invalidate([None])
    _notify_deadlines(newly, today)
    return counts


def _notify_deadlines(cases: list[Complaint], today: datetime.date) -> None:
    """One message per case and state to its handler (or its township's inspectors); never twice."""
    for case in cases:
        due = case.accept_due if case.status == S.RECEIVED else case.close_due
        assert due is not None  # only cases with a running deadline are passed here
        state = "overdue" if due < today else "soon"
        users = (
            [case.handler]
            if case.handler is not None
            else recipients(roles=[Role.INSPECTOR], township=case.township)
        )
        title = (_("案件 %(n)s 已超期") if state == "overdue" else _("案件 %(n)s 即将到期")) % {
            "n": case.number
        }
        notify(
            users=users,
            event_key=f"complaint-{case.pk}-{case.status}-{state}",
            title=title,
            body=_("期限：%(d)s") % {"d": due},
            url=reverse("complaints:detail", args=[case.pk]),
        )


# The legal deadlines of a case (with whether holiday data covered them): one definition for the steps
# that set them and for the recompute once a year's holidays are known.
def accept_due_from(received: datetime.date) -> tuple[datetime.date, bool]:
    return add_workdays_info(received, law.COMPLAINT_ACCEPT_WORKDAYS())


def close_due_from(filed_on: datetime.date) -> tuple[datetime.date, bool]:
    return add_workdays_info(filed_on, law.COMPLAINT_CLOSE_WORKDAYS())


def extended_due_from(close_due: datetime.date) -> tuple[datetime.date, bool]:
    return add_workdays_info(close_due, law.COMPLAINT_EXTENSION_WORKDAYS())


def deadlines_from_dates(case: Complaint) -> Complaint:
    """Acceptance, closure and extension deadlines from their stored start dates, with today's calendar."""
    case.accept_due, complete = accept_due_from(timezone.localdate(case.received_at))
    if case.filed_on:  # as in complaint_file: from filing on, the flag is the closure deadline's
        case.close_due, complete = close_due_from(case.filed_on)
        if case.extended:
            case.close_due, more = extended_due_from(case.close_due)
            complete = complete and more
    case.calendar_complete = complete
    return case


def complaint_deadlines_recompute(year: int | None = None) -> int:
    """Recompute case deadlines stored without holiday data whose span covers ``year``: 1 read, bulk write."""
    span = spans_year(year, start="received_at__date", dues=("accept_due", "close_due"))
    fields = ["accept_due", "close_due", "calendar_complete"]
    return rewrite_changed(Complaint.objects.filter(span), fields, deadlines_from_dates)
