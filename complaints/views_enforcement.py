"""Pages of the enforcement documents: orders (责令支付 / 限期整改指令书) and interviews (约谈询问笔录)."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from projects.models import Hazard, Inspection, Project
from wagewatch.accounts import once, roles
from wagewatch.accounts.access import get_for_user, may_work_in
from wagewatch.lib import config
from wagewatch.lib.filters import page_filters, page_query
from wagewatch.lib.formerrors import run_step
from wagewatch.lib.pdf import pdf_response, render_pdf
from wagewatch.lib.xlsx import write_workbook, xlsx_response

from . import enforcement, forms, selectors, services
from .exports import INTERVIEW_HEADERS, ORDER_HEADERS, interview_row, order_row
from .filters import InterviewFilter, OrderFilter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from .models import Complaint, EnforcementOrder, Interview

PAGE_SIZE = 50


def _field_staff(request):
    if not roles.can_edit_field_work(request.user):
        raise PermissionDenied


def _get_order_for_user(request, pk) -> EnforcementOrder:
    qs = EnforcementOrder.objects.select_related(
        "enterprise", "project", "complaint", "inspection", "hazard__rule", "township", "referred_by"
    )
    return get_for_user(qs, request.user, pk)


def _get_interview_for_user(request, pk) -> Interview:
    qs = Interview.objects.select_related("enterprise", "project", "complaint", "hazard__rule", "township")
    return get_for_user(qs, request.user, pk)


def _filters(request, *, interviews: bool = False) -> tuple[forms.DocumentFilterForm, dict, str]:
    form, data = page_filters(InterviewFilter if interviews else OrderFilter, request)
    return form, data, page_query(request)


def _issued(request, form, kind: "_Kind"):
    """Call the kind's service with the valid form once per form token; the redirect to its page or None."""

    def write() -> str:
        doc = kind.service(user=request.user, **form.cleaned_data)
        messages.success(request, kind.done % {"n": doc.number})
        return kind.page(doc)

    try:
        outcome = once.run_once_on_form(request, form, write)
    except PermissionDenied:
        form.add_error(None, _("无权签发该文书"))
        return None
    return redirect(outcome.url) if outcome else None


def _order_page(order) -> str:
    return reverse("complaints:order_detail", args=[order.pk])


def _orders(_order) -> str:
    return reverse("complaints:orders")


def _interview_page(interview) -> str:
    return reverse("complaints:interview_detail", args=[interview.pk])


@login_required
def order_list(request):
    """执法文书: filters (kind, status, township, year), overdue flags; POST issues an order (old form)."""
    _field_staff(request)
    if request.method == "POST":
        return _document_form(request, replace(ORDER, initial=lambda _request: {}, page=_orders))
    filter_form, data, query = _filters(request)
    rows = selectors.order_list(user=request.user, filters=data, sort=request.GET.get("sort", ""))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter_form": filter_form, "page": page, "query": query, "today": timezone.localdate()}
    return render(request, "complaints/orders.html", {**context, "title": _("执法文书")})


def _source(request, name: str, model):
    """The object named by ``?<name>=`` if this user may see it (else 404); None without the parameter."""
    value = request.GET.get(name, "")
    return get_for_user(model.objects, request.user, value) if value.isdigit() else None


def _prefill(request, initial: dict, *, text_field: str, inspection: bool = False) -> dict:
    """Prefill a document form from ?complaint= / ?inspection= / ?hazard= / ?project= (scoped lookups): the
    case and enterprise, what was found (into ``text_field``) and the project, the most specific first."""
    case = _source(request, "complaint", Complaint)
    found = _source(request, "inspection", Inspection) if inspection else None
    hazard = _source(request, "hazard", Hazard)
    project = _source(request, "project", Project)
    if case is not None:
        initial.update(complaint=case.number, enterprise=case.respondent_name)
    if found is not None:
        initial.update(inspection=found.pk, **{text_field: found.findings})
        if found.enterprise_id and not found.project_id:  # an employer inspected without a project
            initial.setdefault("enterprise", found.enterprise.name)
    if hazard is not None:
        initial.update(hazard=hazard.pk, **{text_field: hazard.detail})
    linked = next((s.project for s in (hazard, found, case) if s is not None and s.project), None)
    project = project or linked
    if project is not None:
        initial["project"] = project.pk
        initial.setdefault("enterprise", project.contractor.name if project.contractor_id else "")
    return initial


def _order_initial(request) -> dict:
    initial = _prefill(
        request, {"kind": EnforcementOrder.Kind.RECTIFY}, text_field="requirement", inspection=True
    )
    if "complaint" in initial:
        initial["kind"] = EnforcementOrder.Kind.PAY
    return initial


def _interview_initial(request) -> dict:
    initial = {"held_on": timezone.localdate(), "interviewers": [request.user.pk]}
    return _prefill(request, initial, text_field="reason")


@dataclass(frozen=True)
class _Kind:
    """What differs between issuing an order and recording an interview."""

    form: type
    initial: Callable  # request -> the form's initial data
    service: Callable
    done: "StrOrPromise"  # the success message, %(n)s the document's number
    page: Callable  # document -> where to go once it is issued
    template: str
    title: "StrOrPromise"


ORDER = _Kind(
    forms.OrderForm,
    _order_initial,
    services.order_create,
    gettext_lazy("已签发 %(n)s"),
    _order_page,
    "complaints/order_form.html",
    gettext_lazy("签发执法文书"),
)
INTERVIEW = _Kind(
    forms.InterviewForm,
    _interview_initial,
    enforcement.interview_create,
    gettext_lazy("已制作 %(n)s"),
    _interview_page,
    "complaints/interview_form.html",
    gettext_lazy("制作约谈询问笔录"),
)


def _document_form(request, kind: _Kind):
    """The issue form of a document (field staff only): a valid POST issues it once per form token and goes to
    its page; a repeated POST goes to the first result."""
    _field_staff(request)
    if request.method == "POST" and (first := once.replayed(request)):
        return first
    form = kind.form(request.POST or None, user=request.user, initial=kind.initial(request))
    if request.method == "POST" and form.is_valid():
        done = _issued(request, form, kind)
        if done:
            return done
    return render(request, kind.template, {"form": form, "title": kind.title})


@login_required
def order_create(request):
    """Issue an order, from a case, a project, an inspection or a hazard (prefilled from the query)."""
    return _document_form(request, ORDER)


@login_required
def order_detail(request, pk):
    """One order: its facts, audit history and the follow-up steps this user may take."""
    _field_staff(request)
    order = _get_order_for_user(request, pk)
    today = timezone.localdate()
    may_work = may_work_in(request.user, order.township_id)
    context = {
        "order": order,
        "title": order.number,
        "today": today,
        "status": order.status_on(today),
        "may_work": may_work,
        "can_refer": may_work and order.is_ignored(today) and order.referred_on is None,
        "history": order.history.select_related("history_user").order_by("-history_date")[:50],
        "refer_form": forms.ReferForm(),
    }
    return render(request, "complaints/order_detail.html", context)


def _on_posted_day(request, service, **document) -> None:
    """Call a follow-up step with the day the form posted (a missing day is refused in Chinese)."""
    form = forms.ComplyForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("请填写日期"))
    service(on=form.cleaned_data["on"], user=request.user, **document)


def _refused(form) -> None:
    raise ValidationError(
        [
            _("%(label)s：%(errors)s") % {"label": form.fields[name].label, "errors": e}
            for name, errors in form.errors.items()
            for e in errors
        ]
    )


@login_required
@require_POST
def order_step(request, pk, step):
    """Record serving (送达), compliance (履行) or a criminal referral (移送公安) of an order."""
    _field_staff(request)
    order = _get_order_for_user(request, pk)
    dated = {"serve": enforcement.order_serve, "comply": services.order_comply}
    call: Callable[[], object]
    if step == "refer":
        form = forms.ReferForm(request.POST)
        if not form.is_valid():  # a bad date or note: shown as the step's error message
            call = partial(_refused, form)
        else:
            data = form.cleaned_data
            call = partial(enforcement.order_refer, order=order, user=request.user, **data)
    elif step in dated:
        call = partial(_on_posted_day, request, dated[step], order=order)
    else:
        raise Http404
    run_step(request, call, _("已保存"))
    if request.POST.get("next") == "list":
        return redirect("complaints:orders")
    return redirect("complaints:order_detail", pk=order.pk)


@login_required
@require_POST
def order_comply(request, pk):
    """Record compliance from the list's inline form (kept for the list's row action)."""
    return order_step(request, pk, "comply")


def _office_name() -> str:
    office = _("人力资源和社会保障局")  # (makemessages does not read inside f-strings)
    return f"{config.COUNTY_NAME()}{office}"


@login_required
def order_pdf(request, pk):
    """The order as a formal A4 document (number, addressee, basis, text, deadline, office, seal)."""
    _field_staff(request)
    order = _get_order_for_user(request, pk)
    content = render_pdf("complaints/pdf/order.html", {"order": order, "office": _office_name()})
    return pdf_response(f"{order.number}.pdf", content)


@login_required
def interview_list(request):
    """约谈询问笔录: filters (status, township, year), overdue follow-ups flagged."""
    _field_staff(request)
    filter_form, data, query = _filters(request, interviews=True)
    rows = selectors.interview_list(user=request.user, filters=data)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter_form": filter_form, "page": page, "query": query, "today": timezone.localdate()}
    return render(request, "complaints/interviews.html", {**context, "title": _("约谈询问笔录")})


@login_required
def interview_create(request):
    """Record an interview (from a case, a project or a hazard, prefilled from the query)."""
    return _document_form(request, INTERVIEW)


@login_required
def interview_detail(request, pk):
    """One interview: facts, agreed matters, follow-up and history."""
    _field_staff(request)
    interview = _get_interview_for_user(request, pk)
    context = {
        "interview": interview,
        "title": interview.number,
        "today": timezone.localdate(),
        "interviewers": interview.interviewers.all(),
        "may_work": may_work_in(request.user, interview.township_id),
        "history": interview.history.select_related("history_user").order_by("-history_date")[:50],
    }
    return render(request, "complaints/interview_detail.html", context)


@login_required
@require_POST
def interview_fulfil(request, pk):
    """Record that the agreed matters were carried out."""
    _field_staff(request)
    interview = _get_interview_for_user(request, pk)
    call = partial(_on_posted_day, request, enforcement.interview_fulfil, interview=interview)
    run_step(request, call, _("已记录落实"))
    return redirect("complaints:interview_detail", pk=interview.pk)


@login_required
def interview_pdf(request, pk):
    """The interview record as a formal A4 document."""
    _field_staff(request)
    interview = _get_interview_for_user(request, pk)
    context = {"interview": interview, "interviewers": interview.interviewers.all(), "office": _office_name()}
    return pdf_response(f"{interview.number}.pdf", render_pdf("complaints/pdf/interview.html", context))


@login_required
def documents_export(request):
    """Orders and interviews this user may see, as one .xlsx with two sheets (formula cells escaped)."""
    _field_staff(request)
    _form, data, _query = _filters(request)
    today = timezone.localdate()
    orders = selectors.order_list(user=request.user, filters=data).iterator(2000)
    interviews = selectors.interview_list(user=request.user, filters=data).iterator(2000)
    content = write_workbook(
        [
            (_("执法文书"), ORDER_HEADERS, (order_row(o, today) for o in orders)),
            (_("约谈询问笔录"), INTERVIEW_HEADERS, (interview_row(i) for i in interviews)),
        ]
    )
    return xlsx_response(f"执法文书-{today:%Y%m%d}.xlsx", content)
