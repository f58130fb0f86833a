"""Public pages (no login): the published blacklist (公示) and certificate verification."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import selectors
from .models import NoArrearsCertificate


def verify_url(cert: NoArrearsCertificate) -> str:
    """The public verification address printed as a QR code on the certificate."""
    path = reverse("blacklist:verify", args=[cert.serial])
    return f"{settings.SITE_URL}{path}?{urlencode({'code': cert.code})}"


@never_cache
def public_list(request):
    """失信联合惩戒名单公示: enterprise data only, filtered by today's date (expiry needs no job)."""
    today = timezone.localdate()
    context = {
        "entries": selectors.public_entries(on=today),
        "today": today,
        "title": _("失信联合惩戒名单公示"),
    }
    return render(request, "blacklist/public.html", context)


VERIFY_FIELD_LENGTH = 64  # serials are 12 characters and codes 16: longer input is cut, never an error


@never_cache
def verify(request, serial=""):
    """Check a no-arrears certificate: genuine (serial and code match) and still valid.

    ``/verify/`` asks for the serial and the code (typed from the paper certificate);
    the QR code's link ``/verify/<serial>/?code=…`` fills both.
    """
    serial = (request.GET.get("serial") or serial)[:VERIFY_FIELD_LENGTH]
    code = request.GET.get("code", "")[:VERIFY_FIELD_LENGTH]
    context = {
        "serial": serial.strip(),
        "code": code.strip(),
        "field_length": VERIFY_FIELD_LENGTH,
        "title": _("无拖欠证明核验"),
    }
    if serial.strip() or code.strip():
        context |= selectors.certificate_verify(serial=serial, code=code, on=timezone.localdate())
    return render(request, "blacklist/verify.html", context)
