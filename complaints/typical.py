"""Typical cases (典型案例曝光, DESIGN §9): office staff publish a closed case's public summary.

The text goes on a public page, so it must hold nothing personal: ``personal_data_found`` looks for
resident ID numbers, phone numbers and the names of the case's complainant and claimants (a pure
function, so it is tested on its own); the services refuse the text naming what was found.
"""

import datetime
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc

from wagewatch.accounts import roles
from wagewatch.lib.bounds import step_order_errors
from wagewatch.lib.masking import mask_id, mask_phone

from .models import Complaint, TypicalCase

# A run of digits as people write numbers: single spaces, dashes or brackets between the digits
# ("139 1234 5678", "0571-8765 4321", "(0571)87654321"), an ID number's final X. NFKC first turns
# full-width digits, letters, dashes and brackets into ASCII.
_DIGIT_RUN = re.compile(r"[0-9](?:[\s\-‐‑‒–—―−()]{0,3}[0-9])*(?:[\s\-]?[Xx](?![A-Za-z]))?")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0[1-9]\d{1,2}[2-9]\d{6,7}")  # area code, then a local number of 7–8 digits
_ID_LIKE = re.compile(r"\d{17}[\dX]|\d{15}")
_LONG_RUN = 15  # a run this long is an ID (18 digits, old 15), a bank card or worse: never published
_NAME_MIN = 2  # one character is a surname only, found in any text


def _compact(text: str) -> str:
    """The text with full-width forms made ASCII and every space removed (names are matched here)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _number_found(digits: str) -> str | None:
    """What a run of digits (separators removed) is, when it is personal: a description, else None."""
    if len(digits) >= _LONG_RUN:
        if uscc.is_valid(digits):  # an enterprise's credit code may be all digits: public
            return None
        for match in _ID_LIKE.finditer(digits):
            if len(match.group()) == 18 and ric.is_valid(match.group()):
                return _("身份证号码 %(n)s") % {"n": mask_id(match.group())}
        return _("疑似身份证号码或银行卡号 %(n)s") % {"n": mask_id(digits)}
    if mobile := _MOBILE.search(digits):
        return _("手机号码 %(n)s") % {"n": mask_phone(mobile.group())}
    if digits.startswith("0") and _LANDLINE.fullmatch(digits):
        return _("固定电话号码 %(n)s") % {"n": mask_phone(digits)}
    return None


def personal_data_found(text: str, names: Iterable[str]) -> list[str]:
    """What in ``text`` is personal data, each described in Chinese (numbers masked): resident ID
    numbers (18 digits checked with GB 11643, and any run of 15 or more digits), mobile numbers, landline
    numbers with their area code, and any of ``names`` (the complainant's and the claimants'), also when
    written with spaces or in full-width characters. An empty list: nothing found."""
    normal = unicodedata.normalize("NFKC", text or "")
    found: list[str] = []
    for run in _DIGIT_RUN.finditer(normal):
        digits = re.sub(r"[^0-9Xx]", "", run.group()).upper()
        what = _number_found(digits)
        if what and what not in found:
            found.append(what)
    compact = _compact(normal)
    for name in names:
        name = _compact(name or "")
        if len(name) >= _NAME_MIN and name in compact:
            what = _("当事人姓名“%(n)s”") % {"n": name}
            if what not in found:
                found.append(what)
    return found


def case_names(complaint: Complaint) -> list[str]:
    """The names that must not be published with the case: its complainant's and its claimants' (one
    query; names are stored in clear, only ID and phone numbers are encrypted)."""
    claimants = complaint.claimants.values_list("name", flat=True)
    return [complaint.complainant_name, *claimants]


# ---- services -----------------------------------------------------------------------------------

TEXT_FIELDS = ("title", "summary", "enterprise_name")


def _check_office(user: User) -> None:
    if not roles.is_office(user):
        raise PermissionDenied(_("只有治欠办可以发布典型案例"))


def _check_text(complaint: Complaint, texts: dict[str, str]) -> None:
    """Refuse text holding personal data, on the field that holds it."""
    names = case_names(complaint)
    errors: dict[str, list[str]] = {}
    for field, text in texts.items():
        found = personal_data_found(text, names)
        if found:
            errors[field] = [
                _("含有个人信息，不能公开：%(f)s。请删去或改用“王某”等称谓。") % {"f": _("；").join(found)}
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def typical_case_publish(
    *,
    complaint: Complaint,
    user: User,
    title: str,
    summary: str,
    enterprise_name: str,
    amount_recovered: Decimal | int = 0,
    workers_paid: int = 0,
    published_on: datetime.date | None = None,
) -> TypicalCase:
    """Publish a closed case as a typical case (office staff), its text checked for personal data."""
    _check_office(user)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != Complaint.Status.CLOSED:
        raise ValidationError(_("只有已结案的案件才能作为典型案例发布"))
    published_on = published_on or timezone.localdate()
    for _name, message in step_order_errors(
        [("closed_on", complaint.closed_on), ("published_on", published_on)]
    ):
        raise ValidationError({"published_on": [message]})
    texts = {"title": title.strip(), "summary": summary.strip(), "enterprise_name": enterprise_name.strip()}
    _check_text(complaint, texts)
    amount = Decimal(str(amount_recovered or 0))
    if amount < 0 or workers_paid < 0:
        raise ValidationError(_("金额和人数不能为负数"))
    case = TypicalCase(
        complaint=complaint,
        **texts,
        amount_recovered=amount,
        workers_paid=workers_paid,
        published_on=published_on,
        published_by=user,
    )
    case._history_user = user
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        raise ValidationError(_("该案件已发布过典型案例")) from exc
    return case


@transaction.atomic
def typical_case_withdraw(
    *, typical: TypicalCase, user: User, on: datetime.date | None = None, reason: str = ""
) -> TypicalCase:
    """Withdraw a typical case from the public page (office staff); the row and its history stay."""
    _check_office(user)
    typical = TypicalCase.objects.select_for_update().get(pk=typical.pk)
    if typical.withdrawn_on is not None:
        raise ValidationError(_("该典型案例已撤下"))
    on = on or timezone.localdate()
    for _name, message in step_order_errors([("published_on", typical.published_on), ("withdrawn_on", on)]):
        raise ValidationError({"withdrawn_on": [message]})
    typical.withdrawn_on = on
    typical.withdrawn_by = user
    typical.withdraw_reason = reason.strip()
    typical._history_user = user
    typical.save(update_fields=["withdrawn_on", "withdrawn_by", "withdraw_reason"])
    return typical
