"""The public side (no login): complaint form by QR code, general form, and the status lookup.

Every refusal (rate limit, captcha) is a clear page, never a 500; the defences live in the database.
"""

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from projects.models import Project
from wagewatch.accounts import once
from wagewatch.lib.addresses import client_address
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.validators import validate_mobile

from . import evidence, forms, public, services
from .models import Complaint, PublicHit

log = logging.getLogger(__name__)
SESSION_KEY = "complaints_public_last"


def _refused(request, message: str, status: int):
    return render(
        request,
        "complaints/public/refused.html",
        {"message": message, "title": _("提交未成功")},
        status=status,
    )


def _with_captcha(request, template: str, context: dict, status: int = 200):
    """Render a public form with a fresh single-use challenge."""
    key, image = public.captcha_create(client_address(request))
    return render(request, template, {**context, "captcha_image": image, "captcha_key": key}, status=status)


def _guard(request, context: dict, kind: str, *, id_hash: str = ""):
    """Rate limit, captcha, then count the attempt: a refusal response, or None to go on.

    A failed captcha is not counted (workers behind one site's Wi-Fi share an address); it only
    sets ``captcha_error`` so the form is shown again with a new challenge. ``id_hash`` (the wage
    check) limits the attempts per ID number as well, from any address.
    """
    address = client_address(request)
    if public.rate_limited(address, kind, id_hash=id_hash):
        return _too_often(request)
    if not public.captcha_consume(
        key=request.POST.get("captcha_key", ""), answer=request.POST.get("captcha", "")
    ):
        context["captcha_error"] = _("验证码错误或已过期，请重新填写。")
        return None
    if not public.rate_limit_hit(address, kind, id_hash=id_hash):
        return _too_often(request)
    return None


def _too_often(request):
    return _refused(request, _("提交过于频繁，请一小时后再试，或直接拨打 12333 投诉。"), 429)


@never_cache
@csrf_protect
def complaint_public(request, code=None):
    """The complaint form a worker reaches by the notice board's QR code (or without a project)."""
    project = get_object_or_404(Project, code=code) if code else None
    template = "complaints/public/form.html"
    context: dict[str, Any] = {"project": project, "title": _("欠薪投诉")}
    if request.method != "POST":
        return _with_captcha(
            request, template, {**context, "form": forms.PublicComplaintForm(project=project)}
        )
    if first := once.replayed(request):  # a double tap: the first submission's page, no second case
        return first
    refused = _guard(request, context, PublicHit.Kind.SUBMIT)
    if refused:
        return refused
    # photos are decoded only once the captcha is solved (a browser never refills a file input: the page
    # shown again asks for them anyway)
    files = None if context.get("captcha_error") else request.FILES
    form = context["form"] = forms.PublicComplaintForm(request.POST, files, project=project)
    if not form.is_valid() or context.get("captcha_error"):
        context["photos_dropped"] = bool(request.FILES)  # the page asks for them again
        return _with_captcha(request, template, context, status=400)

    def write() -> str:
        data = form.case_kwargs()
        data["project"] = project or data.get("project")
        case = services.complaint_receive(user=None, channel=Complaint.Channel.ONLINE, **data)
        evidence.evidence_add(complaint=case, photos=form.cleaned_data["photos"])
        request.session[SESSION_KEY] = case.number
        return reverse("complaints:public_done")

    try:
        return redirect(once.run_once(request, write).url)
    except ValidationError as exc:
        return _refused(request, _("；").join(exc.messages), 400)


@never_cache
def complaint_public_done(request):
    """Shows the number of the case just submitted (from the session, never from the URL)."""
    number = request.session.get(SESSION_KEY)
    if not number:
        return redirect("complaints:public_form")
    return render(request, "complaints/public/done.html", {"number": number, "title": _("提交成功")})


@never_cache
@csrf_protect
def complaint_lookup(request):
    """Case number + phone → the status; nothing personal beyond what the complainant typed."""
    form = forms.LookupForm(request.POST or None)
    context = {"form": form, "title": _("投诉办理进度查询")}
    if request.method != "POST":
        return _with_captcha(request, "complaints/public/lookup.html", context)
    refused = _guard(request, context, PublicHit.Kind.LOOKUP)
    if refused:
        return refused
    case = None
    if form.is_valid() and not context.get("captcha_error"):
        case = _find_case(form.cleaned_data["number"], form.cleaned_data["phone"])
        if case is None:
            form.add_error(None, _("没有找到与编号和手机号码相符的案件。"))
    if case is None:
        return _with_captcha(request, "complaints/public/lookup.html", context, status=400)
    return render(request, "complaints/public/status.html", {"case": case, "title": _("办理进度")})


def _find_case(number: str, phone: str) -> Complaint | None:
    try:
        phone = validate_mobile(phone)
    except Exception:
        return None
    return (
        Complaint.objects.filter(number=number.strip().upper(), complainant_phone_hash=keyed_hash(phone))
        .only(
            "number",
            "status",
            "received_at",
            "accepted_on",
            "filed_on",
            "closed_on",
            "outcome",
            "respondent_name",
        )
        .first()
    )


def public_error_guard(view):
    """Wrap a public view so a database failure shows the refusal page instead of a 500."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DatabaseError:
            log.exception("public complaint page failed")
            return _refused(request, _("系统暂时无法受理，请稍后再试，或直接拨打 12333 投诉。"), 503)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped
