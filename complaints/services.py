"""Writes for complaint cases (投诉举报) and enforcement orders: every step checked and recorded."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeGuard

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Enterprise, Project
from wagewatch.accounts import roles
from wagewatch.accounts.access import may_work_in
from wagewatch.accounts.models import Township
from wagewatch.accounts.numbering import next_number
from wagewatch.lib import config, law
from wagewatch.lib.bounds import check_step_day, step_moment
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.periods import years_before

from .deadlines import accept_due_from, close_due_from, deadline_state, extended_due_from, notify_deadline
from .deadlines import complaint_deadlines_recompute as complaint_deadlines_recompute
from .deadlines import mark_deadlines as mark_deadlines
from .documents import Amount
from .documents import document_day as document_day
from .documents import document_new as document_new
from .documents import document_township as document_township
from .documents import order_comply as order_comply
from .documents import order_create as order_create
from .models import CaseEvent, Complaint, ComplaintAttachment

S = Complaint.Status


# ---- complaint cases -------------------------------------------------------------------------


def _event(
    complaint: Complaint, user: User | None, action: str, note: str = "", on: datetime.date | None = None
) -> CaseEvent:
    """A timeline event, at the moment of its real day ``on`` when given (see ``_step_at``)."""
    at = _step_at(complaint, on) if on is not None else timezone.now()
    return CaseEvent.objects.create(
        complaint=complaint, actor=user if _is_user(user) else None, action=action, note=note, at=at
    )


def _step_at(complaint: Complaint, on: datetime.date) -> datetime.datetime:
    """The moment of a step dated ``on``: now today, else noon that day, never before an event of the same
    day already on the timeline (so the timeline keeps the order the steps were taken in)."""
    at = step_moment(on)
    last = complaint.events.order_by("-at").values_list("at", flat=True).first()
    return max(at, last) if last is not None and timezone.localdate(last) == on else at


def case_step_dates(complaint: Complaint) -> list[tuple[str, datetime.date | None]]:
    """The dated steps a case has taken, oldest first (received, accepted, filed, extended, closed): a new
    step's real day may not come before them (DESIGN §9)."""
    extended = None
    if complaint.extended:
        moment = complaint.events.filter(action=CaseEvent.Action.EXTENDED).values_list("at", flat=True)
        extended = timezone.localdate(moment.order_by("-at").first() or complaint.received_at)
    return [
        ("received", timezone.localdate(complaint.received_at)),
        ("accepted", complaint.accepted_on),
        ("filed", complaint.filed_on),
        ("extended", extended),
        ("closed", complaint.closed_on),
    ]


def _step_day(complaint: Complaint, on: datetime.date | None) -> datetime.date:
    """The real day of the next step (today when not given), checked: not in the future, not before the
    case's last step; a ValidationError on the step form's field ``on`` otherwise."""
    on = on or timezone.localdate()
    check_step_day(on, steps=case_step_dates(complaint), name="on")
    return on


def _is_user(user: User | None) -> TypeGuard[User]:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _save(complaint: Complaint, user: User | None, fields: list[str]) -> None:
    complaint._history_user = user if _is_user(user) else None
    complaint.save(update_fields=fields)


def _require(complaint: Complaint, user: User, *, statuses: list[str]) -> None:
    """The user may work on this case and the case is in one of ``statuses``."""
    if not roles.can_edit_field_work(user) or not may_work_in(user, complaint.township_id):
        raise PermissionDenied(_("无权办理该案件"))
    if complaint.status not in statuses:
        raise ValidationError(
            _("案件当前状态（%(s)s）不能进行此操作") % {"s": complaint.get_status_display()}
        )


def is_out_of_time(
    *, received: datetime.date, arrears_from: datetime.date | None, arrears_to: datetime.date | None
) -> bool:
    """The arrears period ended more than the limitation period (劳动保障监察条例 art. 20) before receipt."""
    last = arrears_to or arrears_from
    if last is None:
        return False
    return last < years_before(received, law.COMPLAINT_LIMITATION_YEARS())


# an employer with one of these roles works in construction (Enterprise has no industry field of its own)
CONSTRUCTION_KINDS = frozenset(
    {
        Enterprise.Kind.BUILDER,
        Enterprise.Kind.CONTRACTOR,
        Enterprise.Kind.SUBCONTRACTOR,
        Enterprise.Kind.LABOUR,
    }
)


def suggest_sector(*, project: Project | None, respondent: Enterprise | None) -> str:
    """建设领域 for a case on a project or against a construction employer; else '' (the user chooses)."""
    if project is not None or (respondent is not None and respondent.kind in CONSTRUCTION_KINDS):
        return Complaint.Sector.CONSTRUCTION
    return ""


def suggest_group_incident(workers_involved: int) -> bool:
    """Whether the size suggests a group incident (群体性事件); the inspector decides."""
    return workers_involved >= law.GROUP_INCIDENT_WORKERS()


def complaint_receive(
    *,
    user: User | None,
    channel: str,
    complainant_name: str,
    complainant_phone: str,
    description: str,
    respondent: Enterprise | None = None,
    respondent_name: str = "",
    project: Project | None = None,
    township: Township | None = None,
    complainant_id_number: str = "",
    workers_involved: int = 1,
    amount_claimed: Amount = 0,
    arrears_from: datetime.date | None = None,
    arrears_to: datetime.date | None = None,
    received_at: datetime.datetime | None = None,
    received_on: datetime.date | None = None,
    kind: str = Complaint.Kind.COMPLAINT,
    sector: str = "",
    group_incident: bool = False,
) -> Complaint:
    """Register a case (staff intake, or the public form with user=None) with its number and deadline,
    counted from its real day of receipt ``received_on`` (or ``received_at``; default now). A blank sector
    is suggested from the project or employer; a group incident is what the user ticked."""
    township_id = project.township_id if project is not None else getattr(township, "pk", None)
    if _is_user(user) and not (
        roles.can_edit_field_work(user) and (roles.is_office(user) or may_work_in(user, township_id))
    ):
        raise PermissionDenied(_("无权登记该案件"))
    if received_on is not None:
        received_at = step_moment(received_on)
    received_at = received_at or timezone.now()
    received = timezone.localdate(received_at)
    check_step_day(received, name="received_on")
    accept_due, complete = accept_due_from(received)
    with transaction.atomic():
        seq = next_number(name="complaint", year=received.year)
        complaint = Complaint(
            number=f"{config.COMPLAINT_NUMBER_PREFIX()}{received.year}-{seq:06d}",
            channel=channel,
            kind=kind,
            sector=sector or suggest_sector(project=project, respondent=respondent),
            received_at=received_at,
            complainant_name=complainant_name.strip(),
            complainant_phone=complainant_phone.strip(),
            complainant_phone_hash=keyed_hash(complainant_phone.strip()),
            complainant_id_number=complainant_id_number.strip(),
            respondent=respondent,
            respondent_name=(respondent.name if respondent is not None else respondent_name).strip(),
            project=project,
            township_id=township_id,
            handler=user if _is_user(user) and roles.is_inspector(user) else None,
            workers_involved=workers_involved,
            amount_claimed=Decimal(str(amount_claimed or 0)),
            arrears_from=arrears_from,
            arrears_to=arrears_to,
            description=description,
            out_of_time=is_out_of_time(received=received, arrears_from=arrears_from, arrears_to=arrears_to),
            group_incident=group_incident,
            accept_due=accept_due,
            deadline_state=deadline_state(accept_due),
            calendar_complete=complete,
            created_by=user if _is_user(user) else None,
        )
        complaint._history_user = complaint.created_by
        complaint.save()
        note = _("超过两年时效") if complaint.out_of_time else ""
        CaseEvent.objects.create(
            complaint=complaint, actor=complaint.created_by, action="received", note=note, at=received_at
        )
        notify_deadline(complaint)
    return complaint


@transaction.atomic
def complaint_triage(
    *, complaint: Complaint, user: User, township: Township, handler: User | None = None
) -> Complaint:
    """Office staff set the township (and optionally the handling inspector) of a case."""
    if not roles.is_office(user):
        raise PermissionDenied(_("只有治欠办可以分派案件"))
    if complaint.status in (S.CLOSED, S.REFUSED):
        raise ValidationError(_("已办结的案件不能分派"))
    if handler is not None and not (roles.is_inspector(handler) and may_work_in(handler, township.pk)):
        raise ValidationError(_("承办人必须是该乡镇的监察员"))
    complaint.township = township
    complaint.handler = handler
    _save(complaint, user, ["township", "handler"])
    _event(
        complaint,
        user,
        "triaged",
        f"{township}" + (f" / {handler.get_full_name() or handler}" if handler else ""),
    )
    return complaint


@transaction.atomic
def complaint_accept(*, complaint: Complaint, user: User, on: datetime.date | None = None) -> Complaint:
    """Accept (受理) a received case; the accepting inspector becomes its handler if it has none."""
    _require(complaint, user, statuses=[S.RECEIVED])
    on = _step_day(complaint, on)
    complaint.status = S.ACCEPTED
    complaint.accepted_on = on
    if complaint.handler_id is None and roles.is_inspector(user):
        complaint.handler = user
    complaint.deadline_state = ""
    _save(complaint, user, ["status", "accepted_on", "handler", "deadline_state"])
    _event(complaint, user, "accepted", on=on)
    return complaint


@transaction.atomic
def complaint_refuse(
    *, complaint: Complaint, user: User, reason: str, on: datetime.date | None = None
) -> Complaint:
    """Refuse (不予受理) a received case on ``on`` (default today), with the reason."""
    _require(complaint, user, statuses=[S.RECEIVED])
    if not (reason or "").strip():
        raise ValidationError(_("不予受理必须填写理由"))
    on = _step_day(complaint, on)
    complaint.status = S.REFUSED
    complaint.outcome = Complaint.Outcome.REFUSED
    complaint.refusal_reason = reason.strip()
    complaint.deadline_state = ""
    _save(complaint, user, ["status", "outcome", "refusal_reason", "deadline_state"])
    _event(complaint, user, "refused", reason.strip(), on=on)
    return complaint


@transaction.atomic
def complaint_file(*, complaint: Complaint, user: User, on: datetime.date | None = None) -> Complaint:
    """File (立案) an accepted case: it must close within 60 working days."""
    _require(complaint, user, statuses=[S.ACCEPTED])
    complaint.status = S.FILED
    complaint.filed_on = _step_day(complaint, on)
    complaint.close_due, complaint.calendar_complete = close_due_from(complaint.filed_on)
    complaint.deadline_state = deadline_state(complaint.close_due)
    _save(complaint, user, ["status", "filed_on", "close_due", "calendar_complete", "deadline_state"])
    _event(complaint, user, "filed", _("结案期限 %(d)s") % {"d": complaint.close_due}, on=complaint.filed_on)
    notify_deadline(complaint)
    return complaint


@transaction.atomic
def complaint_extend(
    *, complaint: Complaint, user: User, reason: str, on: datetime.date | None = None
) -> Complaint:
    """Extend a filed case by 30 working days, approved on ``on`` (default today): once, and only by an
    approver (recorded)."""
    if not roles.is_approver(user):
        raise PermissionDenied(_("延期须经有审批权限的负责人批准"))
    _require(complaint, user, statuses=[S.FILED])
    if complaint.extended:
        raise ValidationError(_("案件已延期一次，不能再次延期"))
    if not (reason or "").strip():
        raise ValidationError(_("请填写延期理由"))
    on = _step_day(complaint, on)
    assert complaint.close_due is not None  # a filed case has its closure deadline
    complaint.close_due, complete = extended_due_from(complaint.close_due)
    complaint.calendar_complete = complaint.calendar_complete and complete
    complaint.extended = True
    complaint.deadline_state = deadline_state(complaint.close_due)
    _save(complaint, user, ["close_due", "calendar_complete", "extended", "deadline_state"])
    _event(
        complaint,
        user,
        "extended",
        _("批准延期至 %(d)s：%(r)s") % {"d": complaint.close_due, "r": reason.strip()},
        on=on,
    )
    notify_deadline(complaint)
    return complaint


@transaction.atomic
def complaint_close(
    *,
    complaint: Complaint,
    user: User,
    outcome: str,
    amount_recovered: Amount = 0,
    workers_paid: int = 0,
    note: str = "",
    on: datetime.date | None = None,
) -> Complaint:
    """Close (结案) an accepted or filed case with its outcome, money recovered and workers paid."""
    _require(complaint, user, statuses=[S.ACCEPTED, S.FILED])
    if outcome not in Complaint.Outcome.values or outcome == Complaint.Outcome.REFUSED:
        raise ValidationError(_("请选择结案方式"))
    amount = Decimal(str(amount_recovered or 0))
    if amount < 0 or workers_paid < 0:
        raise ValidationError(_("金额和人数不能为负数"))
    on = _step_day(complaint, on)
    complaint.status = S.CLOSED
    complaint.outcome = outcome
    complaint.amount_recovered = amount
    complaint.workers_paid = workers_paid
    complaint.closed_on = on
    complaint.deadline_state = ""
    _save(
        complaint,
        user,
        ["status", "outcome", "amount_recovered", "workers_paid", "closed_on", "deadline_state"],
    )
    _event(
        complaint,
        user,
        "closed",
        f"{complaint.get_outcome_display()} {amount} / {workers_paid} {note}".strip(),
        on=on,
    )
    return complaint


def complaint_apply_step(
    *, complaint: Complaint, user: User, step: str, on: datetime.date, **details: Any
) -> Complaint:
    """Take one step of a case (accept, refuse, file, extend, close) on its real day ``on``, checked not
    in the future nor before the case's last step: the step forms and the go-live import call this."""
    steps: dict[str, Callable[..., Complaint]] = {
        "accept": complaint_accept,
        "refuse": complaint_refuse,
        "file": complaint_file,
        "extend": complaint_extend,
        "close": complaint_close,
    }
    if step not in steps:
        raise ValidationError(_("未知的办理步骤：%(s)s") % {"s": step})
    return steps[step](complaint=complaint, user=user, on=on, **details)


@transaction.atomic
def complaint_set_flags(*, complaint: Complaint, user: User, supervised: bool, leader: str) -> Complaint:
    """Office staff mark a case 挂牌督办 / 领导包案 (a group incident is the handler's call: classify)."""
    if not roles.is_office(user):
        raise PermissionDenied(_("只有治欠办可以设置督办标记"))
    complaint.supervised = supervised
    complaint.leader = (leader or "").strip()
    _save(complaint, user, ["supervised", "leader"])
    _event(
        complaint,
        user,
        "flags",
        " ".join(
            filter(
                None,
                [
                    _("挂牌督办") if supervised else "",
                    _("包案领导：%(l)s") % {"l": complaint.leader} if complaint.leader else "",
                ],
            )
        ),
    )
    return complaint


CLASSIFY_FIELDS = ("kind", "sector", "channel", "group_incident")


@transaction.atomic
def complaint_classify(
    *, complaint: Complaint, user: User, kind: str, sector: str, channel: str, group_incident: bool
) -> Complaint:
    """The handler (or office staff) sets a case's kind, sector, channel and whether it is a group incident
    (the size only suggests one)."""
    _require(complaint, user, statuses=list(S.values))
    values = {"kind": kind, "sector": sector, "channel": channel, "group_incident": group_incident}
    choices = {"kind": Complaint.Kind, "sector": Complaint.Sector, "channel": Complaint.Channel}
    if any(values[name] not in enum.values for name, enum in choices.items()):
        raise ValidationError(_("请选择案件类别、所属领域和投诉渠道"))
    changed = [name for name in CLASSIFY_FIELDS if getattr(complaint, name) != values[name]]
    if not changed:
        return complaint
    for name in changed:
        setattr(complaint, name, values[name])
    _save(complaint, user, changed)
    note = " / ".join(
        [complaint.get_kind_display(), complaint.get_sector_display(), complaint.get_channel_display()]
        + ([_("群体性事件")] if group_incident else [_("非群体性事件")])
    )
    _event(complaint, user, "classified", note)
    return complaint


ATTACHMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".txt")


@transaction.atomic
def attachment_add(*, complaint: Complaint, user: User, upload: UploadedFile) -> ComplaintAttachment:
    """Attach an uploaded file (type and size checked) to a case the user may work on."""
    _require(complaint, user, statuses=list(S.values))
    name = (upload.name or "").rsplit("/", 1)[-1][:200]
    if not name.lower().endswith(ATTACHMENT_TYPES):
        raise ValidationError(_("只能上传 PDF、图片、Word、Excel 或文本文件"))
    if (upload.size or 0) > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(_("文件过大"))
    attachment = ComplaintAttachment.objects.create(
        complaint=complaint, file=upload, name=name, uploaded_by=user
    )
    _event(complaint, user, "attached", name)
    return attachment
