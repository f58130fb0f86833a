"""Project pages: list, detail tabs, forms and exports (the import pages: views_import.py). Views stay short
(STYLE.md)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wagewatch.accounts import generations, once
from wagewatch.accounts.models import Department, Township
from wagewatch.accounts.roles import can_edit_field_work, can_reveal
from wagewatch.accounts.services import reveal_record
from wagewatch.lib.addresses import client_address
from wagewatch.lib.cardhash import card_hash
from wagewatch.lib.filters import page_filters
from wagewatch.lib.formerrors import add_service_errors
from wagewatch.lib.masking import mask_card
from wagewatch.lib.rowurls import row_url
from wagewatch.lib.xlsx import write_workbook, xlsx_response

from . import exports, selectors, services, state
from .filters import ProjectFilter, RosterFilter, WorkerSearchFilter
from .forms import (
    InspectionForm,
    PayrollForm,
    ProjectForm,
    RosterEntryForm,
    TransferForm,
    WageAccountForm,
)
from .models import Inspection, Project, RosterEntry, WageAccount

PAGE_SIZE = 50
TABS = [
    ("overview", gettext_lazy("概况"), "projects:detail"),
    ("roster", gettext_lazy("花名册"), "projects:roster"),
    ("account", gettext_lazy("专用账户与拨付"), "projects:account"),
    ("payroll", gettext_lazy("工资发放"), "projects:payroll"),
    ("wages", gettext_lazy("工资明细"), "wages:project_tab"),
    ("deposits", gettext_lazy("工资保证金"), "deposits:project_tab"),
    ("complaints", gettext_lazy("投诉案件"), "complaints:project_tab"),
    ("hazards", gettext_lazy("欠薪隐患"), "risk:project_tab"),
    ("inspections", gettext_lazy("现场检查"), "projects:inspections"),
    ("history", gettext_lazy("变更记录"), "projects:history"),
]

# Apps above projects add to a tab's context without projects importing them (wages: the arrears card on
# the overview, payroll months summed from pay lines): {tab key: [hook(request, project) -> dict]},
# registered in the app's AppConfig.ready(). The key "state" is the overview's state panel (payroll,
# deposit, cases), asked for only by the overview itself, not by the edit form that shares its tab. A
# hook's list value is added to the lists of the others (cards, state sections).
TAB_CONTEXT: dict[str, list] = {}


def project_tabs(project) -> list[dict]:
    """Tabs of the project page (an unknown URL name raises NoReverseMatch: a typo is not a hidden tab)."""
    return [
        {"key": key, "label": label, "url": reverse(name, args=[project.pk])} for key, label, name in TABS
    ]


def _tab(request, project, tab, template, parts=(), **context):
    """Render a tab with what the apps above add: TAB_CONTEXT[tab], and [part] for each of ``parts``."""
    context.update(project=project, active_tab=tab, title=project.name)
    context.setdefault("can_edit", can_edit_field_work(request.user))
    hooks = [hook for key in (tab, *parts) for hook in TAB_CONTEXT.get(key, ())]
    for hook in hooks:
        for key, value in hook(request, project).items():
            # a list (cards, state sections) gathers every app's items; anything else is set
            both = isinstance(value, list) and isinstance(context.get(key), list)
            context[key] = [*context[key], *value] if both else value
    return render(request, template, context)


def _filters(request) -> tuple[dict, dict]:
    """The list's parameters as typed (the page's selects and links show them) and as the selector takes them
    (validated; a bad one is told and dropped), with the sort order."""
    typed = {k: request.GET.get(k, "") for k in (*selectors.LIST_FILTERS, "q", "sort")}
    _form, clean = page_filters(ProjectFilter, request)
    return typed, {**clean, "sort": typed["sort"]}


@login_required
def project_list(request):
    filters, clean = _filters(request)
    query = urlencode({k: v for k, v in filters.items() if v})
    context = {
        "table": _list_table(request, clean, query),
        "filters": filters,
        "query": query,
        "townships": Township.objects.all(),
        "departments": Department.objects.filter(kind=Department.Kind.INDUSTRY),
        "investments": Project.Investment.choices,
        "statuses": Project.Status.choices,
        "grades": Project.Grade.choices,
        "can_edit": can_edit_field_work(request.user),
        "title": _("在建项目"),
    }
    return render(request, "projects/project_list.html", context)


def _list_table(request, clean: dict, query: str) -> str:
    """The list's table and page links, cached (generations.cached_html): a save of a project, its
    contractor, township or department, or a finished import or sweep, shows on the next load. Two
    queries fewer and no row rendered on a hit."""

    def render_table() -> str:
        rows = selectors.project_list(user=request.user, filters=clean)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return render_to_string(
            "projects/_project_table.html", {"page": page, "query": query}, request=request
        )

    return generations.cached_html(request, "projects:list", render_table)


@login_required
def project_list_export(request):
    _typed, clean = _filters(request)
    projects = selectors.project_list(user=request.user, filters=clean).select_related("builder")
    return xlsx_response(_("在建工程项目清单"), write_workbook([exports.project_sheet(projects)]))


@login_required
def project_create(request):
    if not can_edit_field_work(request.user):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        project = _save_form(form, lambda: services.project_create(user=request.user, **form.cleaned_data))
        if project:
            messages.success(request, _("项目已创建"))
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "title": _("新建项目")})


@login_required
def project_edit(request, pk):
    project = selectors.project_for_user(user=request.user, pk=pk, write=True)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items()}
        if _save_form(form, lambda: services.project_update(project=project, user=request.user, **fields)):
            messages.success(request, _("项目已保存"))
            return redirect(project)
    return _tab(request, project, "overview", "projects/project_form.html", form=form)


def _save_form(form, call):
    """Run a service; its ValidationError lands on the form's fields."""
    try:
        return call()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


@login_required
def project_detail(request, pk):
    project = selectors.project_for_user(user=request.user, pk=pk)
    stats = selectors.project_counts(project=project)
    subcontracts = project.subcontracts.select_related("enterprise")
    return _tab(
        request,
        project,
        "overview",
        "projects/project_detail.html",
        stats=stats,
        subcontracts=subcontracts,
        parts=("state",),
        today=timezone.localdate(),
        state_sections=_state_sections(request, project),
    )


def _state_sections(request, project) -> list[dict]:
    """The state panel's parts owned by projects (this month's transfer, open hazards: three queries); the
    apps above add theirs (payroll, deposit, cases) through TAB_CONTEXT, each with its place ("order")."""
    today = timezone.localdate()
    transfer = render_to_string(
        "projects/_state_duty.html",
        {"duty": state.transfer_status(project=project, today=today), "kind": "transfer"},
        request=request,
    )
    hazards = render_to_string(
        "projects/_state_hazards.html",
        {"hazards": list(state.open_hazards(user=request.user, project=project)), "project": project},
        request=request,
    )
    return [{"order": 10, "html": transfer}, {"order": 40, "html": hazards}]


def _keyset_query(request) -> str:
    """The list's query string without its position (``after``, ``page``): the page links add theirs."""
    query = request.GET.copy()
    for name in ("after", "page"):
        query.pop(name, None)
    return query.urlencode()


@login_required
def roster(request, pk):
    """花名册: search (name, ID or phone number), filters, keyset pages of 50."""
    project = selectors.project_for_user(user=request.user, pk=pk)
    form, clean = page_filters(RosterFilter, request)
    after = request.GET.get("after")
    keyset = selectors.roster_page(project=project, filters=clean, after=after, size=PAGE_SIZE)
    edit_url, reveal_url = (
        row_url(name, project.pk) for name in ("projects:roster_edit", "projects:roster_reveal")
    )
    for entry in keyset.rows:
        entry.edit_url, entry.reveal_url = edit_url(entry.pk), reveal_url(entry.pk)
    return _tab(
        request,
        project,
        "roster",
        "projects/roster.html",
        rows=keyset.rows,
        keyset=keyset,
        total=selectors.project_roster(project=project, filters=clean).count(),
        filters={k: request.GET.get(k, "") for k in form.fields},
        teams=selectors.roster_teams(project=project),
        employers=selectors.roster_employers(project=project),
        query=_keyset_query(request),
        can_reveal=can_reveal(request.user),
    )


@login_required
def worker_search(request):
    """查找工人: by name, ID or phone number, across the projects of the user's scope."""
    form, clean = page_filters(WorkerSearchFilter, request)
    text, worker_id = clean.get("q") or "", clean.get("worker")
    after = request.GET.get("after")
    keyset = selectors.worker_search(
        user=request.user, text=text, worker_id=worker_id, after=after, size=PAGE_SIZE
    )
    shown = bool(text or worker_id)
    context = {"form": form, "q": text, "shown": shown, "rows": keyset.rows, "keyset": keyset, "total": None}
    context.update(query=_keyset_query(request), title=_("查找工人"))
    return render(request, "projects/worker_search.html", context)


@login_required
@require_POST
def roster_reveal(request, pk, entry_pk):
    project = selectors.project_for_user(user=request.user, pk=pk)
    if not can_reveal(request.user):
        raise PermissionDenied
    entry = get_object_or_404(RosterEntry.objects.select_related("worker"), pk=entry_pk, project=project)
    reveal_record(user=request.user, obj=entry.worker, field="id_number", ip_address=client_address(request))
    return _tab(request, project, "roster", "projects/roster_reveal.html", entry=entry)


@login_required
def roster_export(request, pk):
    project = selectors.project_for_user(user=request.user, pk=pk)
    reveal = can_reveal(request.user)
    sheet = exports.roster_sheet(selectors.project_roster(project=project), reveal=reveal)
    if reveal:
        reveal_record(
            user=request.user, obj=project, field="roster_export", ip_address=client_address(request)
        )
    name = _("花名册")  # (makemessages does not read inside f-strings)
    return xlsx_response(f"{project.code}_{name}", write_workbook([sheet]))


@login_required
def roster_entry_form(request, pk, entry_pk=None):
    project = selectors.project_for_user(user=request.user, pk=pk, write=True)
    entry = (
        get_object_or_404(RosterEntry.objects.select_related("worker"), pk=entry_pk, project=project)
        if entry_pk
        else None
    )
    worker, reveal = (entry.worker if entry else None), can_reveal(request.user)
    form = RosterEntryForm(request.POST or None, instance=entry, worker=worker, reveal=reveal)
    if request.method == "POST" and form.is_valid() and _save_roster_entry(request, form, project):
        messages.success(request, _("花名册已保存"))
        return redirect("projects:roster", pk=project.pk)
    if worker and reveal:  # the form shows his full numbers: a reveal, logged as on the list
        reveal_record(user=request.user, obj=worker, field="id_number", ip_address=client_address(request))
    return _tab(request, project, "roster", "projects/form.html", form=form, heading=_("花名册记录"))


def _save_roster_entry(request, form, project):
    data = dict(form.cleaned_data)
    ident = {k: data.pop(k) for k in ("id_number", "name", "phone")}
    if card := data.pop("card_number", ""):  # the number itself is never stored
        data.update(card_masked=mask_card(card), card_hash=card_hash(card))

    def call():
        worker, _created = services.worker_upsert(user=request.user, **ident)
        return services.roster_entry_save(project=project, worker=worker, user=request.user, **data)

    return _save_form(form, call)


@login_required
def account(request, pk):
    project = selectors.project_for_user(user=request.user, pk=pk)
    wage_account = WageAccount.objects.filter(project=project).first()
    transfers = selectors.project_transfers(project=project)
    return _tab(
        request, project, "account", "projects/account.html", wage_account=wage_account, transfers=transfers
    )


@login_required
def account_edit(request, pk):
    project = selectors.project_for_user(user=request.user, pk=pk, write=True)
    form = WageAccountForm(request.POST or None, instance=WageAccount.objects.filter(project=project).first())
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_form(
            form, lambda: services.wage_account_save(project=project, user=request.user, **form.cleaned_data)
        )
    ):
        return redirect("projects:account", pk=project.pk)
    return _tab(request, project, "account", "projects/form.html", form=form, heading=_("工资专用账户"))


def _save_once(request, form, call, result: str):
    """Run a service once per form token (a repeat POST goes to ``result``); refusals land on the form."""

    def write() -> str:
        call()
        return result

    outcome = once.run_once_on_form(request, form, write)
    return redirect(outcome.url) if outcome else None


def _bank_flow_add(request, project, form_class, service, tab: str, heading):
    """Record a labour-cost transfer or a payroll month by hand, once per form token, then show its tab."""
    if request.method == "POST" and (first := once.replayed(request)):
        return first
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call = partial(service, project=project, **form.cleaned_data)
        done = _save_once(request, form, call, reverse(f"projects:{tab}", args=[project.pk]))
        if done:
            return done
    return _tab(request, project, tab, "projects/form.html", form=form, heading=heading)


@login_required
def transfer_add(request, pk):
    project = selectors.project_for_user(user=request.user, pk=pk, write=True)
    heading = _("登记人工费拨付")
    return _bank_flow_add(request, project, TransferForm, services.transfer_create, "account", heading)


@login_required
def payroll(request, pk):
    project = selectors.project_for_user(user=request.user, pk=pk)
    payrolls = selectors.project_payrolls(project=project)
    return _tab(request, project, "payroll", "projects/payroll.html", payrolls=payrolls)


@login_required
def payroll_add(request, pk):
    project = selectors.project_for_user(user=request.user, pk=pk, write=True)
    heading = _("登记工资发放")
    return _bank_flow_add(request, project, PayrollForm, services.payroll_save, "payroll", heading)


@login_required
def inspections(request, pk):
    project = selectors.project_for_user(user=request.user, pk=pk)
    rows = selectors.project_inspections(project=project)
    checks = Inspection.CHECKS
    return _tab(request, project, "inspections", "projects/inspections.html", inspections=rows, checks=checks)


@login_required
def inspection_form(request, pk, inspection_pk=None):
    project = selectors.project_for_user(user=request.user, pk=pk, write=True)
    inspection = get_object_or_404(Inspection, pk=inspection_pk, project=project) if inspection_pk else None
    if request.method == "POST" and inspection is None and (first := once.replayed(request)):
        return first
    form = InspectionForm(request.POST or None, instance=inspection)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def call():
            return services.inspection_save(project=project, user=request.user, inspection=inspection, **data)

        if inspection is None:  # a new inspection records money recovered: once per form token
            done = _save_once(request, form, call, reverse("projects:inspections", args=[project.pk]))
            if done:
                messages.success(request, _("检查记录已保存"))
                return done
        elif _save_form(form, call):
            messages.success(request, _("检查记录已保存"))
            return redirect("projects:inspections", pk=project.pk)
    return _tab(
        request, project, "inspections", "projects/form.html", form=form, heading=_("现场检查（七项检查）")
    )


@login_required
def history(request, pk):
    project = selectors.project_for_user(user=request.user, pk=pk)
    return _tab(
        request,
        project,
        "history",
        "projects/history.html",
        records=selectors.project_history(project=project),
    )
