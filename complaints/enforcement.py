"""Writes for interviews (约谈询问笔录) and the follow-up of enforcement orders (served, referred, reminders).

Split from services.py (which passed 400 lines); numbering, township and access rules are the ones there.
Every write saves through simple-history with the acting user, so each document keeps its own audit trail.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wagewatch.accounts import roles
from wagewatch.accounts.access import may_work_in
from wagewatch.accounts.models import Role
from wagewatch.accounts.notifications import notify, recipients
from wagewatch.lib import config
from wagewatch.lib.bounds import check_step_day, step_moment

from .documents import document_day, document_new
from .models import CaseEvent, Complaint, EnforcementOrder, Interview
from .services import complaint_close


def _check(user, township_id, message: str) -> None:
    if not roles.can_edit_field_work(user) or not may_work_in(user, township_id):
        raise PermissionDenied(message)


@transaction.atomic
def interview_create(
    *,
    user,
    enterprise,
    interviewee_name: str,
    reason: str,
    agreed: str,
    held_on: datetime.date | None = None,
    interviewee_position: str = "",
    place: str = "",
    deadline: datetime.date | None = None,
    interviewers=(),
    project=None,
    complaint=None,
    hazard=None,
) -> Interview:
    """Record an interview with the next gap-free number of the year (same counter mechanism as orders)."""
    interview = document_new(
        Interview,
        user=user,
        sequence="interview",
        on=timezone.localdate(),
        refused=_("无权制作该约谈笔录"),
        links={"complaint": complaint, "project": project, "hazard": hazard},
        interviewee_name=interviewee_name.strip(),
        interviewee_position=interviewee_position.strip(),
        enterprise=enterprise,
        held_on=held_on or timezone.localdate(),
        place=place.strip(),
        reason=reason.strip(),
        agreed=agreed.strip(),
        deadline=deadline,
    )
    if deadline is not None and deadline < interview.held_on:  # the number is rolled back
        raise ValidationError(_("落实期限不能早于约谈日期"))
    interview.save()
    interview.interviewers.set(list(interviewers) or [user])
    return interview


@transaction.atomic
def interview_fulfil(*, interview: Interview, on: datetime.date, user) -> Interview:
    """Record the day the agreed matters were carried out (followed up)."""
    refused, done = _("无权操作该约谈笔录"), _("该约谈笔录已记录落实")
    return document_day(interview, field="fulfilled_on", on=on, user=user, refused=refused, done=done)


@transaction.atomic
def order_serve(*, order: EnforcementOrder, on: datetime.date, user) -> EnforcementOrder:
    """Record the day the order was served (送达) on the enterprise."""
    refused, done = _("无权操作该执法文书"), _("该文书已记录送达")
    earliest = (order.issued_on, _("送达日期不能早于签发日期"))
    return document_day(
        order, field="served_on", on=on, user=user, refused=refused, done=done, earliest=earliest
    )


@transaction.atomic
def order_refer(
    *, order: EnforcementOrder, user, note: str = "", on: datetime.date | None = None
) -> EnforcementOrder:
    """移送公安: record the referral of an ignored order; a filed case closes with outcome 移送公安,
    any other case gets the referral on its timeline (its status and outcome stay as they are)."""
    _check(user, order.township_id, _("无权操作该执法文书"))
    on = on or timezone.localdate()
    check_step_day(on, steps=[("issued", order.issued_on)], name="on")
    if order.referred_on is not None:
        raise ValidationError(_("该文书已移送公安"))
    if not order.is_ignored(on):
        raise ValidationError(_("只有逾期未履行的文书才能移送公安"))
    order.referred_on, order.referred_by, order.referral_note = on, user, (note or "").strip()
    order._history_user = user
    order.save(update_fields=["referred_on", "referred_by", "referral_note"])
    if order.complaint_id:
        _refer_case(order, user, on)
    return order


def _refer_case(order: EnforcementOrder, user, on: datetime.date) -> None:
    assert order.complaint_id is not None  # only an order of a case is referred with it
    case = Complaint.objects.select_for_update().get(pk=order.complaint_id)
    text = _("依据 %(n)s 移送公安 %(t)s") % {"n": order.number, "t": order.referral_note}
    if case.status == Complaint.Status.FILED:
        complaint_close(complaint=case, user=user, outcome=Complaint.Outcome.CRIMINAL, note=text, on=on)
    else:
        action = CaseEvent.Action.REFERRED
        CaseEvent.objects.create(complaint=case, actor=user, action=action, note=text, at=step_moment(on))


def notify_order_deadlines(*, today: datetime.date | None = None) -> int:
    """Tell the township's inspectors and the issuer once per order, deadline and state (soon / overdue)."""
    today = today or timezone.localdate()
    soon_days = config.ORDER_DUE_SOON_DAYS()
    orders = (
        EnforcementOrder.objects.filter(
            complied_on__isnull=True, deadline__lte=today + datetime.timedelta(days=soon_days)
        )
        .select_related("created_by", "township", "enterprise")
        .order_by("deadline", "pk")
    )
    inspectors: dict = {}
    sent = 0
    for order in orders.iterator(500):
        if order.township_id not in inspectors:
            inspectors[order.township_id] = list(recipients(roles=[Role.INSPECTOR], township=order.township))
        users = {u.pk: u for u in inspectors[order.township_id]}
        if order.created_by is not None and order.created_by.is_active:
            users.setdefault(order.created_by.pk, order.created_by)
        sent += _notify_order(order, list(users.values()), today)
    return sent


def _notify_order(order: EnforcementOrder, users: list, today: datetime.date) -> int:
    state = "overdue" if order.deadline < today else "soon"
    title = (_("%(n)s 已逾期未履行") if state == "overdue" else _("%(n)s 即将到期")) % {"n": order.number}
    return notify(
        users=users,
        event_key=f"order-{order.pk}-{order.deadline:%Y%m%d}-{state}",
        title=title,
        body=_("%(e)s，履行期限：%(d)s") % {"e": order.enterprise.name, "d": order.deadline},
        url=reverse("complaints:order_detail", args=[order.pk]),
    )
