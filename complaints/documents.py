"""Enforcement documents (orders 指令书 and interviews 约谈): their township, gap-free number and follow-up
days, and the order's creation; interviews and the other steps are in complaints/enforcement.py."""

import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Enterprise, Hazard, Inspection, Project
from wagewatch.accounts.access import may_work_in
from wagewatch.accounts.numbering import next_number

from .models import Complaint, EnforcementOrder, NumberedDocument

_D = TypeVar("_D", bound=NumberedDocument)
Amount = Decimal | int | str | None  # a sum as a form or a caller gives it


def document_township(
    *,
    complaint: Complaint | None = None,
    project: Project | None = None,
    inspection: Inspection | None = None,
    hazard: Hazard | None = None,
) -> int | None:
    """The township of an enforcement document: from its project, case, inspection or hazard."""
    if project is not None:
        return project.township_id
    if complaint is not None:
        return complaint.township_id
    if inspection is not None:  # a site inspection: its project's; an employer inspection: its own
        return inspection.project.township_id if inspection.project else inspection.township_id
    if hazard is not None:
        return hazard.project.township_id
    return None


def document_new(
    model: type[_D],
    *,
    user: User,
    sequence: str,
    on: datetime.date,
    refused: str,
    links: dict[str, Any],
    **fields: Any,
) -> _D:
    """An unsaved ``model`` document numbered next in ``sequence`` for ``on``'s year (gap-free: call inside
    a transaction), in the township of what ``links`` names; PermissionDenied(``refused``) where the user
    may not work."""
    township_id = document_township(**links)
    if not may_work_in(user, township_id):
        raise PermissionDenied(refused)
    seq = next_number(name=sequence, year=on.year)
    document = model(year=on.year, seq=seq, township_id=township_id, created_by=user, **links, **fields)
    document._history_user = user
    return document


@transaction.atomic
def order_create(
    *,
    kind: str,
    enterprise: Enterprise,
    deadline: datetime.date,
    requirement: str,
    user: User,
    complaint: Complaint | None = None,
    project: Project | None = None,
    inspection: Inspection | None = None,
    amount: Amount = 0,
    legal_basis: str = "",
    served_on: datetime.date | None = None,
    hazard: Hazard | None = None,
    issued_on: datetime.date | None = None,
) -> EnforcementOrder:
    """Issue an order with the next gap-free number for its kind and the year of its issue day (today unless
    an earlier day is given, for an order entered after the fact)."""
    today = timezone.localdate()
    issued_on = issued_on or today
    if issued_on > today:
        raise ValidationError({"issued_on": _("签发日期不能晚于今天")})
    order = document_new(
        EnforcementOrder,
        user=user,
        sequence=f"order-{kind}",
        on=issued_on,
        refused=_("无权签发该执法文书"),
        links={"complaint": complaint, "project": project, "inspection": inspection, "hazard": hazard},
        kind=kind,
        enterprise=enterprise,
        legal_basis=legal_basis,
        requirement=requirement,
        amount=Decimal(str(amount)),
        issued_on=issued_on,
        served_on=served_on,
        deadline=deadline,
    )
    if kind not in EnforcementOrder.Kind.values:  # after the access check; the number is rolled back
        raise ValidationError(_("文书类型无效"))
    order.full_clean(
        exclude=["complaint", "project", "inspection", "hazard", "enterprise", "township", "referred_by"]
    )
    order.save()
    return order


def document_day(
    document: _D,
    *,
    field: str,
    on: datetime.date,
    user: User,
    refused: str,
    done: str,
    earliest: tuple[datetime.date, str] | None = None,
) -> _D:
    """Record the day of a document's follow-up step (served, complied with, fulfilled) in ``field``: once, by
    a user who works in its township, not before ``earliest`` (a (date, message) pair) when given."""
    if not may_work_in(user, document.township_id):
        raise PermissionDenied(refused)
    if getattr(document, field) is not None:
        raise ValidationError(done)
    if earliest is not None and on < earliest[0]:
        raise ValidationError(earliest[1])
    setattr(document, field, on)
    document._history_user = user
    document.save(update_fields=[field])
    return document


def order_comply(*, order: EnforcementOrder, on: datetime.date, user: User) -> EnforcementOrder:
    """Record that the order was complied with on ``on``."""
    refused, done = _("无权操作该执法文书"), _("该文书已记录履行")
    return document_day(order, field="complied_on", on=on, user=user, refused=refused, done=done)
