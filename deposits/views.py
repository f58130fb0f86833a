"""Pages of deposits: the ledger (保证金台账), a deposit, the project tab, the account ledger, the fund."""

from collections.abc import Callable
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.models import Project
from projects.selectors import project_for_user
from wagewatch.accounts import once
from wagewatch.accounts.access import get_for_user
from wagewatch.accounts.models import Department, Township
from wagewatch.accounts.roles import can_edit_field_work, is_admin, is_office
from wagewatch.lib.bounds import BoundedForm
from wagewatch.lib.filters import page_filters
from wagewatch.lib.formerrors import run_step
from wagewatch.lib.xlsx import write_workbook, xlsx_response

from . import forms, selectors, services
from .filters import DepositFilter
from .models import DrawRequest, EmergencyAdvance, WageDeposit

PAGE_SIZE = 50


def _get_deposit_for_user(request, pk) -> WageDeposit:
    """The deposit if the user may see it, else 404."""
    qs = WageDeposit.objects.select_related(
        "project__township", "project__department", "project__contractor", "exempted_by"
    )
    return get_for_user(qs, request.user, pk)


def _require_edit(request) -> None:
    if not can_edit_field_work(request.user):
        raise PermissionDenied


def _run_once(request, call, ok: str, back: str) -> HttpResponse:
    """run_step under the form's one-time token: a repeat POST goes to the first result, not written again."""

    def write() -> str:
        call()
        return back

    return once.submit_once(request, write, ok=ok, back=back)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(
            request,
            _("%(label)s：%(errors)s") % {"label": label, "errors": _("；").join(errors)}
            if label
            else _("；").join(errors),
        )


def _post(request, form, call_of, ok: str, back: str, *, once_token: bool = True) -> HttpResponse:
    """A step posted from a deposit page: an invalid form's errors are shown on ``back``; a valid one runs the
    service call ``call_of(cleaned_data)``, once per form token unless ``once_token`` is False."""
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back)
    call = call_of(form.cleaned_data)
    if once_token:
        return _run_once(request, call, ok, back)
    run_step(request, call, ok)
    return redirect(back)


def _detail(pk) -> str:
    return reverse("deposits:detail", args=[pk])


def _filters(request) -> tuple[dict, dict]:
    """The ledger's parameters as typed (the page's selects and links show them) and validated."""
    typed = {k: request.GET.get(k, "") for k in (*selectors.LIST_FILTERS, "q", "sort")}
    return typed, {**page_filters(DepositFilter, request)[1], "sort": typed["sort"]}


@login_required
def deposit_list(request):
    filters, clean = _filters(request)
    page = Paginator(selectors.deposit_list(user=request.user, filters=clean), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    positions = selectors.positions_for_deposits(page.object_list, on=today)
    rows = [(d, pos := positions[d.project_id], pos.short) for d in page.object_list]
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
        "can_golive": is_office(request.user),  # the go-live workbook (golive:upload)
        "title": _("工资保证金台账"),
    }
    return render(request, "deposits/list.html", context)


@login_required
def deposit_export(request):
    _typed, clean = _filters(request)
    deposits = list(selectors.deposit_list(user=request.user, filters=clean))
    positions = selectors.positions_for_deposits(deposits, on=timezone.localdate())
    headers = [
        _("项目编号"), _("项目名称"), _("乡镇"), _("主管部门"), _("施工总承包单位"), _("合同价款（元）"),
        _("缴纳形式"), _("应缴额（元）"), _("现金余额（元）"), _("保函金额（元）"), _("保函有效期至"),
        _("免缴"), _("状态"),
    ]  # fmt: skip
    rows = []
    for d in deposits:
        pos, p = positions[d.project_id], d.project
        rows.append([
            p.code, p.name, p.township.name, p.department.name, p.contractor.name, p.contract_price,
            d.get_form_display(), pos.required, d.balance, pos.guarantee_amount, pos.guarantee_valid_to,
            _("是") if d.exempt else _("否"), d.get_status_display(),
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

    def call_of(d):
        service = services.deposit_pay_in if d["kind"] == "paid_in" else services.deposit_top_up
        return partial(
            service, deposit=deposit, amount=d["amount"], on=d["date"], user=request.user, note=d["note"]
        )

    return _post(request, forms.EntryForm(request.POST), call_of, _("已记账"), _detail(pk))


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
    office = is_office(request.user)

    def call_of(d):
        service, on = (services.deposit_draw, d["date"]) if office else (services.draw_request_create, today)
        fields = {"order": d["order"], "amount": d["amount"], "note": d["note"]}
        return partial(service, deposit=deposit, user=request.user, on=on, **fields)

    ok = _("已动用保证金") if office else _("已提交动用申请，待治欠办审批")
    return _post(request, form, call_of, ok, _detail(pk))


@require_POST
@login_required
def draw_decide(request, pk, decision):
    draw_request = get_for_user(DrawRequest.objects, request.user, pk)
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
    ok = _("已批准并动用") if approve else _("已不予批准")
    return _run_once(request, call, ok, _detail(draw_request.deposit_id))


@require_POST
@login_required
def return_step(request, pk, step):
    deposit = _get_deposit_for_user(request, pk)
    _require_edit(request)
    form = forms.ReturnStartForm(request.POST) if step == "start" else forms.DayForm(request.POST)
    calls: dict[str, Callable[..., WageDeposit]] = {
        "start": services.deposit_return_start,
        "review": services.deposit_review_done,
        "return": services.deposit_return,
    }

    def call_of(d):
        if step not in calls:
            raise PermissionDenied
        return partial(calls[step], deposit=deposit, user=request.user, **d)

    return _post(request, form, call_of, _("已保存"), _detail(pk))


@require_POST
@login_required
def guarantee_add(request, pk):
    deposit = _get_deposit_for_user(request, pk)
    _require_edit(request)
    on = timezone.localdate()

    def call_of(d):
        return partial(services.guarantee_register, deposit=deposit, user=request.user, on=on, **d)

    return _post(request, forms.GuaranteeForm(request.POST), call_of, _("已登记保函"), _detail(pk))


@require_POST
@login_required
def exempt(request, pk):
    deposit = _get_deposit_for_user(request, pk)
    _require_edit(request)
    on = timezone.localdate()

    def call_of(d):
        return partial(services.deposit_exempt, deposit=deposit, reason=d["reason"], user=request.user, on=on)

    # an exemption moves no money and numbers no document: its form carries no one-time token
    form = forms.ExemptForm(request.POST)
    return _post(request, form, call_of, _("已确认免缴"), _detail(pk), once_token=False)


@login_required
def project_tab(request, pk):
    project = project_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        _require_edit(request)
        form = forms.OpenForm(request.POST)
        if form.is_valid():
            opened = services.deposit_open(project=project, form=form.cleaned_data["form"], user=request.user)
            return redirect("deposits:detail", opened.pk)
    deposit = WageDeposit.objects.filter(project=project).first()
    required, reasons, proposed = selectors.required_deposit(project=project, on=timezone.localdate())
    context = {
        "project": project,
        "active_tab": "deposits",
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
    project = project_for_user(user=request.user, pk=pk)
    rows = selectors.account_ledger(project=project, today=timezone.localdate())
    context = {
        "project": project,
        "active_tab": "account",
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
    form: BoundedForm
    call: Callable[..., object]
    if action == "capital":
        form = forms.CapitalForm(request.POST)
        call = partial(services.fund_capital_in, user=user)
    elif action == "advance":
        form = forms.AdvanceForm(request.POST, projects=Project.objects.visible_to(user))
        call = partial(_advance_pay, user=user)
    else:
        advance = get_for_user(EmergencyAdvance.objects, user, pk)
        form = forms.RecoverForm(request.POST)
        call = partial(services.advance_recover, advance=advance, user=user)

    def call_of(d):
        d = dict(d)
        d["on"] = d.pop("date")
        return partial(call, **d)

    return _post(request, form, call_of, _("已保存"), reverse("deposits:fund"))


def _advance_pay(*, project, **fields):
    return services.advance_pay(project=project, enterprise=project.contractor, **fields)


# --------------------------------------------------------------- on the project overview's state panel


def state_context(request, project) -> dict:
    """The deposit position on the project page's state panel: required, held, cash balance (the one
    definition the sweep's DEPOSIT_SHORT reads too; two queries once the day's county facts are cached)."""
    on = timezone.localdate()
    only = Project.objects.filter(pk=project.pk)
    position = selectors.deposit_positions(projects_qs=only, on=on, cached=True)[project.pk]
    html = render_to_string(
        "deposits/_state_deposit.html", {"position": position, "project": project}, request=request
    )
    return {"state_sections": [{"order": 30, "html": html}]}
