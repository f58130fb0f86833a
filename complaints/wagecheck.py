"""A worker's own wage check (查工资) from the notice board's QR code, and the complaint it files.

The worker proves who he is with three things the roster holds: ID number (found by its keyed hash),
name and the phone number registered for him; all three must match an entry on the project's roster.
He then sees his own lines on that project — days, due, paid and when, owed — and nothing else. One tap
files a case for the months still owed, through the public complaint service, with him as its claimant.
"""

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Project, RosterEntry
from wages.models import PayLine
from wages.selectors import owed_lines
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.validators import validate_mobile, validate_resident_id

from . import services
from .claimants import claimant_create
from .models import Complaint

ZERO = Decimal("0.00")


def id_key(raw: str) -> str:
    """The keyed hash of an ID number as typed (normalised when valid): the per-ID rate-limit key."""
    try:
        return keyed_hash(validate_resident_id(raw))
    except ValidationError:
        text = "".join(unicodedata.normalize("NFKC", raw or "").split()).upper()[:64]
        return keyed_hash(text)


def _same_phone(stored: str, typed: str) -> bool:
    try:
        return bool(stored) and validate_mobile(stored) == typed
    except ValidationError:
        return False


def _same_name(stored: str, typed: str) -> bool:
    def norm(text):
        return "".join(unicodedata.normalize("NFKC", text or "").split())

    return bool(norm(typed)) and norm(stored) == norm(typed)


def worker_match(*, project: Project, id_number: str, name: str, phone: str) -> RosterEntry | None:
    """The project's roster entry whose worker has this ID number, name and phone; None for any mismatch
    (the caller answers every mismatch alike). ``id_number`` and ``phone`` come validated."""
    entry = (
        RosterEntry.objects.filter(project=project, worker__id_number_hash=keyed_hash(id_number))
        .select_related("worker")
        .first()
    )
    if entry is None or not _same_name(entry.worker.name, name) or not _same_phone(entry.worker.phone, phone):
        return None
    entry.project = project
    return entry


@dataclass
class MonthLine:
    line: PayLine
    owed: Decimal = ZERO
    owed_unknown: bool = False

    @property
    def month(self) -> datetime.date:
        return self.line.month


def worker_months(*, entry: RosterEntry, today: datetime.date | None = None) -> list[MonthLine]:
    """The worker's own lines on this project, newest month first, with what each owes today (2 queries)."""
    today = today or timezone.localdate()
    lines = PayLine.objects.filter(entry=entry).order_by()
    owed = {
        pk: (amount, gap) for pk, amount, gap in owed_lines(lines, on=today).values_list("pk", "owed", "gap")
    }
    rows = []
    for line in lines.order_by("-month"):
        amount, gap = owed.get(line.pk, (ZERO, ZERO))
        # to the fen: SQLite's arithmetic comes back without the places
        rows.append(
            MonthLine(line, Decimal(amount).quantize(Decimal("0.01")), line.pk in owed and gap is None)
        )
    return rows


def unpaid_months(months: list[MonthLine]) -> list[MonthLine]:
    """The months still owed (an amount, or worked with the amount not recorded), oldest first."""
    return sorted((m for m in months if m.owed > 0 or m.owed_unknown), key=lambda m: m.month)


def wagecheck_complaint(*, entry: RosterEntry, today: datetime.date | None = None) -> Complaint:
    """File a case for the months this worker is owed on the project, with him as its claimant."""
    owed = unpaid_months(worker_months(entry=entry, today=today))
    if not owed:
        raise ValidationError(_("您在本项目没有欠发工资的记录，无需投诉。"))
    worker, project = entry.worker, entry.project
    first, last = owed[0].month, owed[-1].month
    amount = sum((m.owed for m in owed), ZERO)
    months = "、".join(f"{m.month:%Y-%m}" for m in owed)
    description = _("（由工资查询一键提交）工资记录显示以下月份工资未发或未发足：%(m)s，合计%(a)s元。") % {
        "m": months,
        "a": amount,
    }
    with transaction.atomic():
        case = services.complaint_receive(
            user=None,
            channel=Complaint.Channel.ONLINE,
            complainant_name=worker.name,
            complainant_phone=validate_mobile(worker.phone),
            complainant_id_number=worker.id_number,
            respondent=entry.employer or project.contractor,
            project=project,
            amount_claimed=amount,
            arrears_from=first,
            arrears_to=last,
            description=description,
        )
        claimant_create(
            complaint=case,
            name=worker.name,
            id_number=worker.id_number,
            phone=worker.phone,
            month_from=first,
            month_to=last,
            amount_claimed=amount,
        )
    return case
