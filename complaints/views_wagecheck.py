"""The public wage check (查工资) a worker reaches by the notice board's QR code, and its one-tap complaint.

Any wrong combination of ID number, name and phone gets the same neutral answer; attempts are limited per
address and per ID hash (PublicHit kind "wagecheck", which keeps the ID's keyed hash, never the number).
The page shows the worker's own months only; its complaint button carries a signed, short-lived token
naming the matched roster entry (its id only), so the tap needs no second typing of the numbers and the
check itself writes no session row.
"""

import logging

from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from projects.models import Project, RosterEntry
from wagewatch.accounts import once
from wagewatch.lib.addresses import client_address

from . import forms, public, wagecheck
from .models import PublicHit
from .views_public import SESSION_KEY, _guard, _refused, _too_often, _with_captcha

log = logging.getLogger(__name__)
CHECK_SALT = "complaints.wagecheck"
CHECK_MAX_AGE = 30 * 60  # seconds a check stays good for the complaint button
TEMPLATE = "complaints/public/wagecheck.html"


def _project(code: str) -> Project:
    return get_object_or_404(Project, code=code)


@never_cache
@csrf_protect
def wage_check(request, code):
    """ID number + name + roster phone + captcha → the worker's own months on this project."""
    project = _project(code)
    form = forms.WageCheckForm(request.POST or None)
    context = {"form": form, "project": project, "title": _("查询本人工资")}
    if request.method != "POST":
        return _with_captcha(request, TEMPLATE, context)
    id_hash = wagecheck.id_key(request.POST.get("id_number", ""))
    refused = _guard(request, context, PublicHit.Kind.WAGECHECK, id_hash=id_hash)
    if refused:
        return refused
    entry = None
    if form.is_valid() and not context.get("captcha_error"):
        entry = wagecheck.worker_match(project=project, **form.cleaned_data)
        log.info("wage check project=%s id=%s… matched=%s", project.pk, id_hash[:12], entry is not None)
        if entry is None:
            form.add_error(
                None,
                _(
                    "未查到与所填信息一致的记录。请核对身份证号码、姓名和手机号码（须与本项目花名册登记的一致），或向项目劳资专管员核实。"
                ),
            )
    if entry is None:
        return _with_captcha(request, TEMPLATE, context, status=400)
    return render(request, "complaints/public/wagecheck_result.html", _result_context(entry))


def _result_context(entry: RosterEntry) -> dict:
    months = wagecheck.worker_months(entry=entry)
    owed = wagecheck.unpaid_months(months)
    return {
        "project": entry.project,
        "check": signing.dumps({"e": entry.pk, "p": entry.project_id}, salt=CHECK_SALT),
        "name": entry.worker.name,
        "months": months,
        "owed": owed,
        "owed_total": sum(m.owed for m in owed),
        "title": _("本人工资记录"),
    }


def _checked_entry(request, project: Project) -> RosterEntry | None:
    """The roster entry named by the page's signed check token, if recent and of this project."""
    try:
        checked = signing.loads(request.POST.get("check", ""), salt=CHECK_SALT, max_age=CHECK_MAX_AGE)
    except signing.BadSignature:  # also an expired one
        return None
    if not isinstance(checked, dict) or checked.get("p") != project.pk:
        return None
    return (
        RosterEntry.objects.filter(pk=checked.get("e", 0), project=project)  # no id: no row, as pk=0
        .select_related("worker", "project", "project__contractor", "employer")
        .first()
    )


@never_cache
@csrf_protect
@require_POST
def wage_check_complaint(request, code):
    """One tap after a check: file a case for the months still owed, the worker as its claimant."""
    project = _project(code)
    if first := once.replayed(request):
        return first
    entry = _checked_entry(request, project)
    if entry is None:
        return redirect("complaints:wagecheck", code=project.code)
    if not public.rate_limit_hit(client_address(request), PublicHit.Kind.SUBMIT):
        return _too_often(request)

    def write() -> str:
        case = wagecheck.wagecheck_complaint(entry=entry)
        request.session[SESSION_KEY] = case.number
        return reverse("complaints:public_done")

    try:
        return redirect(once.run_once(request, write).url)
    except ValidationError as exc:
        return _refused(request, _("；").join(exc.messages), 400)
