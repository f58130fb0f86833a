"""No-arrears certificates (无拖欠证明): issued by approvers when the enterprise's record allows it, revoked
with a reason; the public check verifies serial and code."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Enterprise
from wagewatch.accounts.numbering import next_number
from wagewatch.lib import config, law

from .acting import _require_approver, _user
from .models import NoArrearsCertificate
from .selectors import certificate_code, certificate_refusals


@transaction.atomic
def certificate_issue(
    *, enterprise: Enterprise, purpose: str, user: User, on: datetime.date | None = None
) -> NoArrearsCertificate:
    """Issue a no-arrears certificate (approvers), refused with the reasons when the record forbids it."""
    _require_approver(user)
    on = on or timezone.localdate()
    if not (purpose or "").strip():
        raise ValidationError(_("请填写证明用途"))
    refusals = certificate_refusals(enterprise=enterprise, on=on)
    if refusals:
        raise ValidationError(refusals)
    seq = next_number(name="certificate", year=on.year)
    cert = NoArrearsCertificate(
        enterprise=enterprise,
        serial=f"{config.CERTIFICATE_PREFIX()}{on.year}{seq:05d}",
        issued_on=on,
        valid_until=on + datetime.timedelta(days=law.CERTIFICATE_VALID_DAYS() - 1),
        purpose=purpose.strip(),
        issued_by=_user(user),
    )
    cert.code = certificate_code(cert)
    cert._history_user = _user(user)
    cert.save()
    return cert


@transaction.atomic
def certificate_revoke(*, cert: NoArrearsCertificate, reason: str, user: User) -> NoArrearsCertificate:
    """Revoke a certificate (approvers); the public check then shows it as not valid."""
    _require_approver(user)
    if not (reason or "").strip():
        raise ValidationError(_("请填写撤销理由"))
    cert.revoked, cert.revoked_reason = True, reason.strip()
    cert._history_user = _user(user)
    cert.save(update_fields=["revoked", "revoked_reason"])
    return cert
