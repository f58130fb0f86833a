"""Inspection pages outside the project tabs: every inspection in the user's scope (of projects and of
employers without a project), and the form for an employer inspection (a restaurant, a factory)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wagewatch.accounts import once
from wagewatch.accounts.roles import can_edit_field_work
from wagewatch.lib.filters import page_filters, page_query
from wagewatch.lib.formerrors import add_service_errors

from . import selectors, services
from .filters import InspectionFilter
from .forms import EmployerInspectionForm

PAGE_SIZE = 50


@login_required
def inspection_list(request):
    form, clean = page_filters(InspectionFilter, request)
    rows = selectors.inspection_list(user=request.user, filters=clean)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "query": page_query(request),
        "can_edit": can_edit_field_work(request.user),
        "title": _("用人单位检查"),
    }
    return render(request, "projects/inspection_list.html", context)


@login_required
def employer_inspection_form(request, pk=None):
    inspection = selectors.inspection_for_user(user=request.user, pk=pk, write=True) if pk else None
    if inspection is None and not can_edit_field_work(request.user):
        raise PermissionDenied
    if request.method == "POST" and inspection is None and (first := once.replayed(request)):
        return first
    form = EmployerInspectionForm(request.POST or None, instance=inspection, user=request.user)
    if request.method == "POST" and form.is_valid() and (done := _save(request, form, inspection)):
        return done
    heading = _("用人单位检查") if inspection is None else _("编辑用人单位检查")
    return render(request, "projects/inspection_form.html", {"form": form, "title": heading})


def _save(request, form, inspection):
    """Record the inspection (a new one once per form token); refusals land on the form."""
    data = dict(form.cleaned_data)
    extra = {"uscc": data.pop("new_uscc", ""), "name": data.pop("new_name", "")}

    def write() -> str:
        services.employer_inspection_save(user=request.user, inspection=inspection, **extra, **data)
        return reverse("projects:inspection_list")

    if inspection is None:
        outcome = once.run_once_on_form(request, form, write)
        if outcome is not None and outcome.fresh:
            messages.success(request, _("检查记录已保存"))
        return redirect(outcome.url) if outcome else None
    try:
        write()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, _("检查记录已保存"))
    return redirect("projects:inspection_list")
