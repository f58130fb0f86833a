"""Typical cases (典型案例曝光): the office's publish form and list, and the public page (no login)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wagewatch.accounts import roles
from wagewatch.accounts.access import get_for_user
from wagewatch.lib.filters import page_filters, page_query

from . import forms, selectors, typical
from .filters import TypicalCaseFilter
from .models import Complaint, TypicalCase

PAGE_SIZE = 50
PUBLIC_PAGE_SIZE = 10


def _office(request) -> None:
    if not roles.is_office(request.user):
        raise PermissionDenied


def _initial(case: Complaint) -> dict:
    return {
        "title": _("%(e)s拖欠农民工工资案") % {"e": case.respondent_name},
        "enterprise_name": case.respondent_name,
        "amount_recovered": case.amount_recovered,
        "workers_paid": case.workers_paid,
        "published_on": timezone.localdate(),
    }


@login_required
def typical_create(request, pk):
    """发布典型案例 from a closed case (office staff): the public text, checked for personal data."""
    _office(request)
    case = get_for_user(Complaint.objects.select_related("township"), request.user, pk)
    if case.status != Complaint.Status.CLOSED:
        messages.error(request, _("只有已结案的案件才能作为典型案例发布"))
        return redirect("complaints:detail", pk=case.pk)
    if TypicalCase.objects.filter(complaint=case).exists():
        messages.error(request, _("该案件已发布过典型案例"))
        return redirect("complaints:typical_list")
    form = forms.TypicalCaseForm(request.POST or None, initial=_initial(case))
    if request.method == "POST" and form.is_valid():
        try:
            typical.typical_case_publish(complaint=case, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已发布典型案例"))
            return redirect("complaints:typical_list")
    status = 400 if form.is_bound else 200
    context = {"form": form, "case": case, "title": _("发布典型案例")}
    return render(request, "complaints/typical_form.html", context, status=status)


@login_required
def typical_list(request):
    """典型案例 for the office: filters (publication date, state, township), withdraw."""
    _office(request)
    form, data = page_filters(TypicalCaseFilter, request)
    rows = selectors.typical_case_list(user=request.user, filters=data)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": page_query(request),
        "withdraw_form": forms.WithdrawTypicalForm(
            auto_id=False, initial={"withdrawn_on": timezone.localdate()}
        ),
        "title": _("典型案例"),
    }
    return render(request, "complaints/typical_list.html", context)


@login_required
@require_POST
def typical_withdraw(request, pk):
    """Take a typical case off the public page (the row and its history stay)."""
    _office(request)
    row = get_for_user(TypicalCase.objects, request.user, pk)
    form = forms.WithdrawTypicalForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        typical.typical_case_withdraw(
            typical=row,
            user=request.user,
            on=form.cleaned_data["withdrawn_on"],
            reason=form.cleaned_data["withdraw_reason"],
        )
    except ValidationError as exc:
        messages.error(request, _("；").join(exc.messages))
    else:
        messages.success(request, _("已撤下典型案例"))
    return redirect("complaints:typical_list")


@never_cache
def typical_public(request):
    """典型案例曝光 (public): the published summaries not withdrawn, newest first; nothing personal."""
    today = timezone.localdate()
    page = Paginator(selectors.public_typical_cases(on=today), PUBLIC_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "query": "", "today": today, "title": _("拖欠农民工工资典型案例曝光")}
    return render(request, "complaints/public/typical.html", context)
