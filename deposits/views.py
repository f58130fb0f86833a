"""Pages of deposits: the ledger (保证金台账), a deposit, the project tab, the account ledger, the fund."""

from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.models import ImportJob, Project
from projects.views import project_tabs
from wagewatch.accounts import once
from wagewatch.accounts.models import Department, JobStatus, Township
from wagewatch.accounts.roles import can_edit_field_work, is_admin, is_office
from wagewatch.imports import pipeline
from wagewatch.imports.reading import ImportFileError
from wagewatch.lib.xlsx import write_workbook, xlsx_response

from . import forms, selectors, services
from .imports import project_list_preview
from .models import DrawRequest, EmergencyAdvance, WageDeposit

PAGE_SIZE = 50


def _get_deposit_for_user(request, pk) -> WageDeposit:
    """The deposit if the user may see it, else 404."""
    return get_object_or_404(
        WageDeposit.objects.visible_to(request.user).select_related(
            "project__township", "project__department", "project__contractor", "exempted_by"
        ),
        pk=pk,
    )


def _get_project_for_user(request, pk) -> Project:
    return get_object_or_404(
        Project.objects.visible_to(request.user).select_related(
            "township", "department", "builder", "contractor"
        ),
        pk=pk,
    )


def _require_edit(request) -> None:
    if not can_edit_field_work(request.user):
        raise PermissionDenied


def _run(request, call, ok: str) -> bool:
    """Call a service; show its Chinese refusal as a message instead of an error page."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return False
    messages.success(request, ok)
    return True


def _run_once(request, call, ok: str, back: str) -> HttpResponse:
    """_run under the form's one-time token: a repeated POST goes to the first result, not written twice."""

    def write() -> str:
        call()
        return back

    return once.submit_once(request, write, ok=ok, back=back)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))


def _short(pos: dict) -> bool:
    """Cash plus letters in force below the required amount (and not exempt)."""
    if not pos or pos["exempt"]:
        return False
    return pos["cash_balance"] + pos["guarantee_amount"] < pos["required"]


@login_required
def deposit_list(request):
    filters = {k: request.GET.get(k, "") for k in (*selectors.LIST_FILTERS, "q")}
    page = Paginator(selectors.deposit_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    positions = selectors.positions_for_deposits(page.object_list, on=today)
    rows = [(d, pos := positions.get(d.project_id, {}), _short(pos)) for d in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "query": urlencode({k: v for k, v in filters.items() if v}),
        "townships": Township.objects.all(),
        "departments": Department.objects.filter(kind=Department.Kind.INDUSTRY),
        "forms": WageDeposit.Form.choices,
        "statuses": WageDeposit.Status.choices,
        "can_import": is_admin(request.user),
        "title": _("工资保证金台账"),
    }
    return render(request, "deposits/list.html", context)


@login_required
def deposit_export(request):
    filters = {k: request.GET.get(k, "") for k in (*selectors.LIST_FILTERS, "q")}
    deposits = list(selectors.deposit_list(user=request.user, filters=filters))
    positions = selectors.positions_for_deposits(deposits, on=timezone.localdate())
    headers = [
        _("项目编号"), _("项目名称"), _("乡镇"), _("主管部门"), _("施工总承包单位"), _("合同价款（元）"),
        _("缴纳形式"), _("应缴额（元）"), _("现金余额（元）"), _("保函金额（元）"), _("保函有效期至"),
        _("免缴"), _("状态"),
    ]  # fmt: skip
    rows = []
    for d in deposits:
        pos = positions.get(d.project_id, {})
        p = d.project
        rows.append([
            p.code, p.name, p.township.name, p.department.name, p.contractor.name, p.contract_price,
            d.get_form_display(), pos.get("required"), d.balance, pos.get("guarantee_amount"),
            pos.get("guarantee_valid_to"), _("是") if d.exempt else _("否"), d.get_status_display(),
        ])  # fmt: skip
    return xlsx_response(_("保证金台账"), write_workbook([(_("保证金台账"), headers, rows)]))


def _detail_context(request, deposit: WageDeposit) -> dict:
    today = timezone.localdate()
    required, reasons, proposed = selectors.required_deposit(project=deposit.project, on=today)
    orders = selectors.drawable_orders(deposit=deposit, on=today, user=request.user)
    return {
        "deposit": deposit,
        "project": deposit.project,
        "required": required,
        "reasons": reasons,
        "exempt_proposed": proposed,
        "entries": deposit.entries.select_related("order", "created_by"),
        "guarantees": deposit.guarantees.all(),
        "draw_requests": deposit.draw_requests.select_related("order", "requested_by", "decided_by"),
        "today": today,
        "review_overdue": deposit.review_overdue(today),
        "return_overdue": deposit.return_overdue(today),
        "can_edit": can_edit_field_work(request.user) and deposit.status != WageDeposit.Status.RETURNED,
        "can_draw": is_office(request.user),
        "entry_form": forms.EntryForm(),
        "draw_form": forms.DrawForm(orders=orders),
        "guarantee_form": forms.GuaranteeForm(),
        "exempt_form": forms.ExemptForm(),
        "start_form": forms.ReturnStartForm(),
        "day_form": forms.DayForm(),
        "title": deposit.project.name,
    }


@login_required
def deposit_detail(request, pk):
    deposit = _get_deposit_for_user(request, pk)
    return render(request, "deposits/detail.html", _detail_context(request, deposit))


@require_POST
@login_required
def entry_add(request, pk):
    deposit = _get_deposit_for_user(request, pk)
    _require_edit(request)
    form = forms.EntryForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("deposits:detail", pk)
    call = services.deposit_pay_in if form.cleaned_data["kind"] == "paid_in" else services.deposit_top_up
    d = form.cleaned_data
    call = partial(call, deposit=deposit, amount=d["amount"], on=d["date"], user=request.user, note=d["note"])
    return _run_once(request, call, _("已记账"), reverse("deposits:detail", args=[pk]))


@require_POST
@login_required
def draw(request, pk):
    """Office staff draw at once; inspectors file a request for the office to approve."""
    deposit = _get_deposit_for_user(request, pk)
    _require_edit(request)
    today = timezone.localdate()
    form = forms.DrawForm(
        request.POST, orders=selectors.drawable_orders(deposit=deposit, on=today, user=request.user)
    )
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("deposits:detail", pk)
    d = form.cleaned_data
    common = {
        "deposit": deposit,
        "order": d["order"],
        "amount": d["amount"],
        "user": request.user,
        "note": d["note"],
    }
    back = reverse("deposits:detail", args=[pk])
    if is_office(request.user):
        call = partial(services.deposit_draw, on=d["date"])
        return _run_once(request, partial(call, **common), _("已动用保证金"), back)
    call = partial(services.draw_request_create, on=today)
    return _run_once(request, partial(call, **common), _("已提交动用申请，待治欠办审批"), back)


@require_POST
@login_required
def draw_decide(request, pk, decision):
    draw_request = get_object_or_404(DrawRequest.objects.visible_to(request.user), pk=pk)
    if not is_office(request.user):
        raise PermissionDenied
    approve = decision == "approve"
    call = partial(
        services.draw_request_decide,
        request=draw_request,
        approve=approve,
        user=request.user,
        on=timezone.localdate(),
    )
    back = reverse("deposits:detail", args=[draw_request.deposit_id])
    return _run_once(request, call, _("已批准并动用") if approve else _("已不予批准"), back)


@require_POST
@login_required
def return_step(request, pk, step):
    deposit = _get_deposit_for_user(request, pk)
    _require_edit(request)
    form = forms.ReturnStartForm(request.POST) if step == "start" else forms.DayForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("deposits:detail", pk)
    d, user = form.cleaned_data, request.user
    calls = {
        "start": services.deposit_return_start,
        "review": services.deposit_review_done,
        "return": services.deposit_return,
    }
    if step not in calls:
        raise PermissionDenied
    call = partial(calls[step], deposit=deposit, user=user, **d)
    return _run_once(request, call, _("已保存"), reverse("deposits:detail", args=[pk]))


@require_POST
@login_required
def guarantee_add(request, pk):
    deposit = _get_deposit_for_user(request, pk)
    _require_edit(request)
    form = forms.GuaranteeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("deposits:detail", pk)
    call = partial(
        services.guarantee_register,
        deposit=deposit,
        user=request.user,
        on=timezone.localdate(),
        **form.cleaned_data,
    )
    return _run_once(request, call, _("已登记保函"), reverse("deposits:detail", args=[pk]))


@require_POST
@login_required
def exempt(request, pk):
    deposit = _get_deposit_for_user(request, pk)
    _require_edit(request)
    form = forms.ExemptForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("deposits:detail", pk)
    call = partial(
        services.deposit_exempt,
        deposit=deposit,
        reason=form.cleaned_data["reason"],
        user=request.user,
        on=timezone.localdate(),
    )
    _run(request, call, _("已确认免缴"))
    return redirect("deposits:detail", pk)


@login_required
def project_tab(request, pk):
    project = _get_project_for_user(request, pk)
    if request.method == "POST":
        _require_edit(request)
        form = forms.OpenForm(request.POST)
        if form.is_valid():
            deposit = services.deposit_open(
                project=project, form=form.cleaned_data["form"], user=request.user
            )
            return redirect("deposits:detail", deposit.pk)
    deposit = WageDeposit.objects.filter(project=project).first()
    required, reasons, proposed = selectors.required_deposit(project=project, on=timezone.localdate())
    context = {
        "project": project,
        "active_tab": "deposits",
        "project_tabs": project_tabs(project),
        "deposit": deposit,
        "required": required,
        "reasons": reasons,
        "exempt_proposed": proposed,
        "open_form": forms.OpenForm(),
        "can_edit": can_edit_field_work(request.user),
        "title": project.name,
    }
    return render(request, "deposits/project_tab.html", context)


@login_required
def account(request, pk):
    project = _get_project_for_user(request, pk)
    rows = selectors.account_ledger(project=project, today=timezone.localdate())
    context = {
        "project": project,
        "active_tab": "account",
        "project_tabs": project_tabs(project),
        "rows": rows,
        "missing": sum(1 for r in rows if r["missing_transfer"] or r["missing_payroll"]),
        "title": project.name,
    }
    return render(request, "deposits/account.html", context)


# ---- emergency revolving fund ----


@login_required
def fund(request):
    if not can_edit_field_work(request.user) and not is_office(request.user):
        raise PermissionDenied
    advances = EmergencyAdvance.objects.visible_to(request.user).select_related("project", "enterprise")
    page = Paginator(advances, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        # the balance is the county's (capital less every township's advances): county-wide roles only
        "fund": services.fund_get() if is_office(request.user) else None,
        "totals": selectors.fund_summary(user=request.user),
        "page": page,
        "query": "",
        "can_manage": is_office(request.user),
        "capital_form": forms.CapitalForm(),
        "advance_form": forms.AdvanceForm(projects=Project.objects.visible_to(request.user).order_by("code")),
        "recover_form": forms.RecoverForm(),
        "title": _("应急周转金"),
    }
    return render(request, "deposits/fund.html", context)


@require_POST
@login_required
def fund_action(request, action, pk=None):
    if not is_office(request.user):
        raise PermissionDenied
    user = request.user
    if action == "capital":
        form = forms.CapitalForm(request.POST)
        call = partial(services.fund_capital_in, user=user)
    elif action == "advance":
        form = forms.AdvanceForm(request.POST, projects=Project.objects.visible_to(user))
        call = partial(_advance_pay, user=user)
    else:
        advance = get_object_or_404(EmergencyAdvance.objects.visible_to(user), pk=pk)
        form = forms.RecoverForm(request.POST)
        call = partial(services.advance_recover, advance=advance, user=user)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("deposits:fund")
    d = dict(form.cleaned_data)
    d["on"] = d.pop("date")
    return _run_once(request, partial(call, **d), _("已保存"), reverse("deposits:fund"))


def _advance_pay(*, project, **fields):
    return services.advance_pay(project=project, enterprise=project.contractor, **fields)


# ---- go-live import of the project list (admins): upload → preview (dry run) → confirm ----


def _get_import_for_user(request, token) -> ImportJob:
    if not is_admin(request.user):
        raise PermissionDenied
    return get_object_or_404(ImportJob, pk=token, kind=ImportJob.Kind.PROJECTS, created_by=request.user)


@login_required
def import_upload(request):
    if not is_admin(request.user):
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job, result = project_list_preview(user=request.user, filename=upload.name, data=upload.read())
        except ImportFileError as exc:
            messages.error(request, str(exc))
            return redirect("deposits:import")
        return render(request, "deposits/import.html", {"form": form, "job": job, "result": result})
    return render(request, "deposits/import.html", {"form": form, "title": _("导入在建工程项目清单")})


@require_POST
@login_required
def import_confirm(request, token):
    job = _get_import_for_user(request, token)
    if not job.file:  # the import ended, or the preview was abandoned for a day: the upload is gone
        messages.error(request, _("上传文件已删除（导入已结束或超过一天未确认），请重新上传"))
        return redirect("deposits:import")
    try:
        job = pipeline.confirm(job)  # runs at once (the kind is never queued); the upload is then deleted
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("deposits:import")
    if job.status == JobStatus.FAILED:
        messages.error(request, job.error)  # e.g. 文件有 n 处错误，未导入任何数据
    else:
        messages.success(request, _("已导入 %(n)s 个项目") % {"n": job.total_rows})
    return redirect("deposits:list")
