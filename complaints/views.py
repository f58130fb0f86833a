"""Pages of the complaints app: case ledger, case detail and steps, intake, orders, project tab."""

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.selectors import project_for_user
from wagewatch.accounts import generations, once, roles
from wagewatch.accounts.access import get_for_user, may_work_in
from wagewatch.accounts.services import reveal_record
from wagewatch.lib.addresses import client_address
from wagewatch.lib.bounds import BoundedForm
from wagewatch.lib.filters import page_filters, page_query
from wagewatch.lib.formerrors import run_step
from wagewatch.lib.pdf import pdf_response, render_pdf
from wagewatch.lib.rowurls import row_url
from wagewatch.lib.xlsx import write_workbook, xlsx_response

from . import claimants, forms, selectors, services
from .exports import LEDGER_HEADERS, ledger_row
from .filters import ComplaintFilter
from .models import CaseEvidence, Claimant, Complaint, ComplaintAttachment, EnforcementOrder, TypicalCase

PAGE_SIZE = 50


def _field_staff(request):
    if not roles.can_edit_field_work(request.user):
        raise PermissionDenied


def _get_complaint_for_user(request, pk) -> Complaint:
    qs = Complaint.objects.select_related("project", "township", "handler", "respondent")
    return get_for_user(qs, request.user, pk)


def _filters(request) -> tuple[forms.FilterForm, dict]:
    return page_filters(ComplaintFilter, request)


@login_required
def complaint_list(request):
    """案件台账: filters, search, pagination."""
    _field_staff(request)
    form, data = _filters(request)
    query = page_query(request)

    def render_table() -> str:
        """The table and page links: cached (generations.cached_html) per day, since rows count the
        working days left."""
        rows = selectors.complaint_list(user=request.user, filters=data, sort=request.GET.get("sort", ""))
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        detail_url = row_url("complaints:detail")
        for case in page.object_list:
            case.detail_url = detail_url(case.pk)  # type: ignore[attr-defined]  # (for the row's link)
        context = {"page": page, "query": query}
        return render_to_string("complaints/_ledger_table.html", context, request=request)

    today = f"{timezone.localdate():%Y%m%d}"
    table = generations.cached_html(request, "complaints:ledger", render_table, vary=today)
    context = {"form": form, "table": table, "query": query, "title": _("案件台账")}
    return render(request, "complaints/list.html", context)


@login_required
def complaint_export(request):
    """The ledger as .xlsx, same filters, without the reporter's identity."""
    _field_staff(request)
    _form, data = _filters(request)
    cases = selectors.complaint_list(user=request.user, filters=data, sort=request.GET.get("sort", ""))
    rows = (ledger_row(c) for c in cases.iterator(2000))
    content = write_workbook([(_("案件台账"), LEDGER_HEADERS, rows)])
    return xlsx_response(f"案件台账-{timezone.localdate():%Y%m%d}.xlsx", content)


@login_required
def complaint_create(request):
    """Staff intake of a case received by phone, visit, letter or transfer."""
    _field_staff(request)
    if request.method == "POST" and (first := once.replayed(request)):
        return first
    form = forms.IntakeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():

        def write() -> str:
            case = services.complaint_receive(user=request.user, **form.service_kwargs())
            messages.success(request, _("已登记案件 %(n)s") % {"n": case.number})
            return reverse("complaints:detail", args=[case.pk])

        outcome = once.run_once_on_form(request, form, write)
        if outcome is not None:
            return redirect(outcome.url)
    return render(request, "complaints/form.html", {"form": form, "title": _("登记投诉案件")})


def _detail_context(
    request, case: Complaint, *, revealed: bool = False, claimant_form=None, step_forms: dict | None = None
) -> dict:
    user = request.user
    may_work = roles.can_edit_field_work(user) and may_work_in(user, case.township_id)
    S = Complaint.Status
    records = claimants.claimant_records(complaint=case, user=user)
    events = selectors.event_list(complaint=case)
    # staff intake shows the box and classify sets it: a decision; a public case's size awaits one
    orders = list(case.orders.all())
    decided = case.created_by_id is not None or any(e.action == "classified" for e in events)
    group_to_confirm = case.group_size_reached and not case.group_incident and not decided
    return {
        "case": case,
        "title": case.number,
        "events": events,
        "group_to_confirm": group_to_confirm,
        "show_reporter": selectors.can_see_reporter(user, case),
        "can_reveal": roles.can_reveal(user),
        "revealed": revealed,
        "can_accept": may_work and case.status == S.RECEIVED,
        "can_file": may_work and case.status == S.ACCEPTED,
        "can_close": may_work and case.status in (S.ACCEPTED, S.FILED),
        "can_extend": may_work and roles.is_approver(user) and case.status == S.FILED and not case.extended,
        "can_triage": roles.is_office(user) and case.status not in (S.CLOSED, S.REFUSED),
        "can_flag": roles.is_office(user),
        **_typical_context(user, case),
        "accept_form": forms.AcceptForm(),
        "file_form": forms.FileForm(),
        "refuse_form": forms.RefuseForm(),
        "extend_form": forms.ExtendForm(),
        # the figures the pay records give, for the handler to confirm at closure
        "close_form": forms.CloseForm(
            initial={"amount_recovered": records.recovered, "workers_paid": records.workers_recovered}
        ),
        **(step_forms or {}),
        "records": records,
        "claimant_form": claimant_form or forms.ClaimantForm(),
        "triage_form": forms.TriageForm(initial={"township": case.township_id}),
        "flags_form": forms.FlagsForm(initial={"supervised": case.supervised, "leader": case.leader}),
        "can_classify": may_work,
        # the size only suggests a group incident: pre-ticked on the form, the handler confirms
        "classify_form": forms.ClassifyForm(
            initial={
                "kind": case.kind,
                "sector": case.sector,
                "channel": case.channel,
                "group_incident": case.group_incident or group_to_confirm,
            }
        ),
        "orders": orders,
        # what closing would leave open: unpaid orders to pay, and wages the claimants are still owed
        "open_pay_orders": [
            o for o in orders if o.kind == EnforcementOrder.Kind.PAY and o.complied_on is None
        ],
        "claimants_owed": sum(1 for r in records.claimants if r.owed > 0),
        "attachments": case.attachments.all(),
        "evidence": case.evidence.all(),
        "can_attach": may_work,
    }


def _typical_context(user, case: Complaint) -> dict:
    """Office staff publish a closed case as a typical case (one per case): the button, or the one
    published (one query, only for office staff on a closed case)."""
    if not (roles.is_office(user) and case.status == Complaint.Status.CLOSED):
        return {"can_publish_typical": False, "typical": None}
    found = TypicalCase.objects.filter(complaint=case).first()
    return {"can_publish_typical": found is None, "typical": found}


@login_required
def complaint_detail(request, pk):
    """One case: facts, deadlines, timeline and the steps this user may take."""
    _field_staff(request)
    case = _get_complaint_for_user(request, pk)
    return render(request, "complaints/detail.html", _detail_context(request, case))


@login_required
@require_POST
def claimant_add(request, pk):
    """Add a worker the case claims for (name, ID number, phone, months, amount)."""
    _field_staff(request)
    case = _get_complaint_for_user(request, pk)
    if first := once.replayed(request):
        return first
    form = forms.ClaimantForm(request.POST)
    if form.is_valid():

        def write() -> str:
            claimants.claimant_add(complaint=case, user=request.user, **form.cleaned_data)
            messages.success(request, _("已登记投诉工人"))
            return reverse("complaints:detail", args=[case.pk]) + "#claimants"

        outcome = once.run_once_on_form(request, form, write)
        if outcome is not None:
            return redirect(outcome.url)
    context = _detail_context(request, case, claimant_form=form)
    return render(request, "complaints/detail.html", context, status=400)


@login_required
@require_POST
def claimant_remove(request, pk):
    """Remove a claimant entered by mistake (fetched through the cases this user may see)."""
    _field_staff(request)
    claimant = get_for_user(Claimant.objects.select_related("complaint"), request.user, pk)
    case = claimant.complaint
    claimants.claimant_remove(claimant=claimant, user=request.user)
    messages.success(request, _("已删除投诉工人"))
    return redirect(reverse("complaints:detail", args=[case.pk]) + "#claimants")


@login_required
@require_POST
def complaint_reveal(request, pk):
    """Show the complainant's full phone and ID number to an approver, and log it."""
    case = _get_complaint_for_user(request, pk)
    if not roles.can_reveal(request.user):
        raise PermissionDenied
    for field in ("complainant_phone", "complainant_id_number"):
        reveal_record(user=request.user, obj=case, field=field, ip_address=client_address(request))
    return render(request, "complaints/detail.html", _detail_context(request, case, revealed=True))


STEPS: dict[str, tuple[type[BoundedForm], Callable[..., Complaint]]] = {
    "accept": (forms.AcceptForm, services.complaint_accept),
    "file": (forms.FileForm, services.complaint_file),
    "refuse": (forms.RefuseForm, services.complaint_refuse),
    "extend": (forms.ExtendForm, services.complaint_extend),
    "close": (forms.CloseForm, services.complaint_close),
    "triage": (forms.TriageForm, services.complaint_triage),
    "flags": (forms.FlagsForm, services.complaint_set_flags),
    "classify": (forms.ClassifyForm, services.complaint_classify),
}


def _step_form(request, case: Complaint, step: str) -> BoundedForm:
    """The posted form of one step; a dated step's form checks its day against the case's timeline."""
    if step not in STEPS:
        raise Http404
    form_class = STEPS[step][0]
    if issubclass(form_class, forms.StepDateForm):
        return form_class(request.POST, complaint=case)
    return form_class(request.POST)


@login_required
@require_POST
def complaint_step(request, pk, step):
    """Run one lifecycle step (accept, refuse, file, extend, close, triage, flags, classify); a refused date
    or field shows the case page again with the error on the step's field."""
    _field_staff(request)
    case = _get_complaint_for_user(request, pk)
    detail = reverse("complaints:detail", args=[case.pk])
    form = _step_form(request, case, step)
    if not form.is_valid():
        context = _detail_context(request, case, step_forms={f"{step}_form": form})
        return render(request, "complaints/detail.html", context, status=400)

    def write() -> str:
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}  # the tick is not the step's
        STEPS[step][1](complaint=case, user=request.user, **data)
        return detail

    # one token per step form: a double click writes the timeline event once
    return once.submit_once(request, write, ok=_("已保存"), back=detail)


@login_required
def project_tab(request, pk):
    """The complaints tab of a project page: its cases and the notice board."""
    project = project_for_user(user=request.user, pk=pk)
    cases = (
        Complaint.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("township", "handler")
        .order_by("-received_at")[:100]
    )
    return render(
        request,
        "complaints/project_tab.html",
        {"project": project, "active_tab": "complaints", "cases": cases, "title": project.name},
    )


@login_required
def notice_board(request, pk):
    """维权信息告示牌 (条例 art. 34) for one project, A3 PDF with the QR code to the complaint form."""
    project = project_for_user(user=request.user, pk=pk)
    content = render_pdf("complaints/pdf/notice_board.html", selectors.notice_board_context(project=project))
    return pdf_response(f"维权信息告示牌-{project.code}.pdf", content)


@login_required
@require_POST
def attachment_upload(request, pk):
    """Attach a file to a case."""
    _field_staff(request)
    case = _get_complaint_for_user(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择文件"))
        return redirect("complaints:detail", pk=case.pk)
    run_step(
        request,
        partial(services.attachment_add, complaint=case, user=request.user, upload=upload),
        _("已上传"),
    )
    return redirect("complaints:detail", pk=case.pk)


@login_required
def attachment_download(request, pk):
    """Serve an attachment to a user who may see its case (never from a public media URL)."""
    _field_staff(request)
    attachment = get_for_user(ComplaintAttachment.objects, request.user, pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@login_required
def evidence_photo(request, pk):
    """A photo of evidence sent with a public complaint, to a user who may see its case (never from a public
    media URL); shown in the page, never cached by a shared cache."""
    _field_staff(request)
    photo = get_for_user(CaseEvidence.objects, request.user, pk)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------- on the project overview's state panel


def state_context(request, project) -> dict:
    """The open cases on the project page's state panel, with number and running deadline (one query)."""
    cases = selectors.project_open_cases(user=request.user, project=project)
    html = render_to_string(
        "complaints/_state_cases.html",
        {
            "cases": cases[: selectors.STATE_PANEL_CASES],
            "more": len(cases) > selectors.STATE_PANEL_CASES,
            "project": project,
        },
        request=request,
    )
    return {"state_sections": [{"order": 50, "html": html}]}
