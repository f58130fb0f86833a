"""The workers a case claims for (Claimant): adding and removing them on the case page, and what the
pay records say about each of them (on the roster? days, due, paid per claimed month, owed, recovered).

*Recovered* is derived, never stored: what a claimed month's line owed on the day the case was received
(``wages.selectors.owed_lines`` on that day: its payday + grace had passed, payments dated that day or
earlier counted) less what it owes today — the money paid after the case came in, up to what was owed.
A line keeps one payment, so a line part-paid before the case and topped up after counts its whole net
as recovered. A case's orders come after its receipt (and fund advances name no case), so the receipt day
is the earliest day that names the line for the case. The stored ``amount_recovered``/``workers_paid`` stay
the handler's figures at closure (money may also come back outside the pay lines); the close form is
prefilled with the derived ones.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import RosterEntry
from wages.models import PayLine
from wages.selectors import owed_lines
from wagewatch.accounts import roles
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.validators import validate_mobile, validate_resident_id

from .models import CaseEvent, Claimant, Complaint
from .services import may_work_in


def _event(complaint: Complaint, user, note: str) -> None:
    CaseEvent.objects.create(complaint=complaint, actor=user, action=CaseEvent.Action.CLAIMANT, note=note)


def _check_may_edit(user, complaint: Complaint) -> None:
    if not (roles.can_edit_field_work(user) and may_work_in(user, complaint.township_id)):
        raise PermissionDenied(_("无权办理该案件"))


def claimant_create(
    *,
    complaint: Complaint,
    name: str,
    id_number: str,
    month_from: datetime.date,
    month_to: datetime.date,
    phone: str = "",
    amount_claimed=0,
    user=None,
) -> Claimant:
    """Write one claimant row (numbers checked and normalised); no access check — callers make it."""
    number = validate_resident_id(id_number)
    month_from, month_to = month_from.replace(day=1), month_to.replace(day=1)
    if month_to < month_from:
        raise ValidationError(_("欠薪截止月份不能早于起始月份"))
    claimant = Claimant(
        complaint=complaint,
        name=name.strip(),
        id_number=number,
        id_number_hash=keyed_hash(number),
        phone=validate_mobile(phone) if phone else "",
        month_from=month_from,
        month_to=month_to,
        amount_claimed=Decimal(str(amount_claimed or 0)),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    claimant._history_user = claimant.created_by
    try:
        with transaction.atomic():
            claimant.save()
    except IntegrityError as exc:
        raise ValidationError(_("该工人已在本案的投诉工人名单中")) from exc
    return claimant


@transaction.atomic
def claimant_add(*, complaint: Complaint, user, **fields) -> Claimant:
    """Add a worker to a case's claimants (staff on the case page), with a timeline entry."""
    _check_may_edit(user, complaint)
    claimant = claimant_create(complaint=complaint, user=user, **fields)
    _event(complaint, user, _("登记投诉工人 %(n)s") % {"n": str(claimant)})
    return claimant


@transaction.atomic
def claimant_remove(*, claimant: Claimant, user) -> None:
    """Remove a claimant row entered by mistake, with a timeline entry."""
    complaint = claimant.complaint
    _check_may_edit(user, complaint)
    text = str(claimant)
    claimant._history_user = user
    claimant.delete()
    _event(complaint, user, _("删除投诉工人 %(n)s") % {"n": text})


# ---- what the records say -------------------------------------------------------------------------

ZERO = Decimal("0.00")
MAX_MONTHS = 60  # months one claimant may claim (the form refuses more: the page lists each month)


@dataclass
class MonthRecord:
    """One claimed month of one claimant: his line on the roster entry looked at, if any."""

    month: datetime.date
    entry: RosterEntry | None = None
    line: PayLine | None = None
    owed: Decimal = ZERO
    owed_unknown: bool = False  # worked, nothing paid, no wage due recorded
    recovered: Decimal = ZERO


@dataclass
class ClaimantRecord:
    claimant: Claimant
    entries: list[RosterEntry]  # his entries looked at: the case's project, else every project in scope
    months: list[MonthRecord] = field(default_factory=list)
    owed: Decimal = ZERO
    owed_unknown: int = 0
    recovered: Decimal = ZERO

    @property
    def on_roster(self) -> bool:
        return bool(self.entries)


@dataclass
class CaseRecords:
    claimants: list[ClaimantRecord]
    owed: Decimal = ZERO
    recovered: Decimal = ZERO
    workers_recovered: int = 0  # claimants with money recovered


def claimed_months(claimant: Claimant) -> list[datetime.date]:
    months: list[datetime.date] = []
    month = claimant.month_from
    while month <= claimant.month_to and len(months) < MAX_MONTHS:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _entries_for(complaint: Complaint, user, hashes: list[str]) -> dict[str, list[RosterEntry]]:
    """The claimants' roster entries: on the case's project, or (no project) on any project in scope."""
    if not hashes:
        return {}
    entries = RosterEntry.objects.filter(worker__id_number_hash__in=hashes)
    if complaint.project_id:
        entries = entries.filter(project_id=complaint.project_id)
    else:
        entries = entries.visible_to(user)
    found: dict[str, list[RosterEntry]] = {}
    for entry in entries.select_related("project", "worker").defer("worker__phone").order_by("pk"):
        found.setdefault(entry.worker.id_number_hash, []).append(entry)
    return found


def _lines_for(entries: list[RosterEntry], claimants: list[Claimant]):
    first = min((c.month_from for c in claimants), default=None)
    last = max((c.month_to for c in claimants), default=None)
    return PayLine.objects.filter(entry__in=[e.pk for e in entries], month__range=(first, last)).order_by()


def claimant_records(*, complaint: Complaint, user, today: datetime.date | None = None) -> CaseRecords:
    """Each claimant with what the pay records say per claimed month, owed today and recovered since the
    case was received; five queries whatever the numbers (claimants, entries, lines, owed today, owed
    on the day of receipt)."""
    today = today or timezone.localdate()
    received = timezone.localdate(complaint.received_at)
    claimants = list(complaint.claimants.order_by("pk"))
    by_hash = _entries_for(complaint, user, [c.id_number_hash for c in claimants])
    entries = [e for found in by_hash.values() for e in found]
    lines_qs = _lines_for(entries, claimants) if entries else PayLine.objects.none()
    lines = {(line.entry_id, line.month): line for line in lines_qs}
    now = (
        {r[0]: r[1:] for r in owed_lines(lines_qs, on=today).values_list("pk", "owed", "gap")}
        if lines
        else {}
    )
    then = dict(owed_lines(lines_qs, on=received).values_list("pk", "owed")) if lines else {}
    records = CaseRecords([])
    for claimant in claimants:
        record = ClaimantRecord(claimant, by_hash.get(claimant.id_number_hash, []))
        for month in claimed_months(claimant):
            candidates: list[RosterEntry | None] = [*record.entries] or [None]
            for entry in candidates:
                line = lines.get((entry.pk, month)) if entry else None
                record.months.append(_month(month, entry, line, now, then))
        _add_up(records, record)
    return records


def _month(month, entry, line, now: dict, then: dict) -> MonthRecord:
    if line is None:
        return MonthRecord(month, entry)
    owed, gap = now.get(line.pk, (ZERO, ZERO))
    # what was owed on the day the case came in and is no longer owed has been paid since
    recovered = max(then.get(line.pk, ZERO) - owed, ZERO) if line.pk in then else ZERO
    return MonthRecord(month, entry, line, owed, line.pk in now and gap is None, recovered)


def _add_up(records: CaseRecords, record: ClaimantRecord) -> None:
    record.owed = sum((m.owed for m in record.months), ZERO)
    record.owed_unknown = sum(1 for m in record.months if m.owed_unknown)
    record.recovered = sum((m.recovered for m in record.months), ZERO)
    records.claimants.append(record)
    records.owed += record.owed
    records.recovered += record.recovered
    records.workers_recovered += 1 if record.recovered > 0 else 0
