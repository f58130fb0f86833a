"""Pages of the risk sweep: 欠薪隐患清单, hazard detail and close-out, project tab, dashboard, runs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.models import Hazard
from projects.selectors import project_for_user
from wagewatch.accounts import roles
from wagewatch.accounts.access import get_for_user
from wagewatch.accounts.roles import AuthenticatedHttpRequest
from wagewatch.lib import charts
from wagewatch.lib.bounds import BoundedForm
from wagewatch.lib.formerrors import add_service_errors
from wagewatch.lib.xlsx import write_workbook, xlsx_response

from . import forms, selectors, services
from .exports import HAZARD_HEADERS, hazard_row

PAGE_SIZE = 50


def _get_hazard_for_user(request: HttpRequest, pk: int) -> Hazard:
    related = Hazard.objects.select_related("project", "project__township", "rule", "department", "closed_by")
    return get_for_user(related, request.user, pk)


def _filters(request: HttpRequest) -> tuple[forms.HazardFilterForm, dict]:
    form = forms.HazardFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def hazard_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """欠薪隐患清单: filters, pagination, export link."""
    form, data = _filters(request)
    today = timezone.localdate()
    sort = request.GET.get("sort", "")
    rows = selectors.hazard_list(user=request.user, filters=data, today=today, sort=sort)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": _query(request),
        "today": today,
        "title": _("欠薪隐患清单"),
    }
    return render(request, "risk/hazard_list.html", context)


@login_required
def hazard_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The hazard list as .xlsx, same filters and scope."""
    _form, data = _filters(request)
    hazards = selectors.hazard_list(user=request.user, filters=data, sort=request.GET.get("sort", ""))
    rows = (hazard_row(h) for h in hazards.iterator(2000))
    content = write_workbook([(_("欠薪隐患清单"), HAZARD_HEADERS, rows)])
    return xlsx_response(f"欠薪隐患清单-{timezone.localdate():%Y%m%d}.xlsx", content)


@login_required
def hazard_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One hazard: its data, close-out form (when allowed) and change history."""
    hazard = _get_hazard_for_user(request, pk)
    return _detail(request, hazard, forms.HazardCloseForm(hazard=hazard))


def _detail(
    request: AuthenticatedHttpRequest, hazard: Hazard, form: BoundedForm, status: int = 200
) -> HttpResponse:
    may_close = hazard.status == Hazard.Status.OPEN and services.may_close(request.user, hazard)
    history = hazard.history.select_related("history_user").order_by("-history_date", "-history_id")
    context = {
        "hazard": hazard,
        "form": form,
        "may_close": may_close,
        "history": history,
        "title": _("欠薪隐患"),
    }
    return render(request, "risk/hazard_detail.html", context, status=status)


@login_required
@require_POST
def hazard_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """销号: a note, refused while the rule still fires."""
    hazard = _get_hazard_for_user(request, pk)
    if not services.may_close(request.user, hazard):
        raise PermissionDenied
    form = forms.HazardCloseForm(request.POST, hazard=hazard)
    if form.is_valid():
        try:
            services.hazard_close(hazard=hazard, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已销号"))
            return redirect("risk:detail", pk=hazard.pk)
    return _detail(request, hazard, form, status=400)


@login_required
def project_tab(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The hazards tab of a project page."""
    project = project_for_user(user=request.user, pk=pk)
    hazards = selectors.project_hazards(user=request.user, project=project)
    context = {
        "project": project,
        "active_tab": "hazards",
        "hazards": hazards,
        "may_sweep": services.may_sweep_project(request.user, project),
        "title": project.name,
    }
    return render(request, "risk/project_tab.html", context)


@login_required
@require_POST
def project_sweep(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Re-run every rule for one project now (on demand), then back to its hazards tab."""
    project = project_for_user(user=request.user, pk=pk)
    changes = services.sweep_project(project=project, user=request.user)
    counts = {"o": len(changes.opened), "c": len(changes.changed), "x": len(changes.closed)}
    messages.success(request, _("已重新核查：新发现%(o)s项，更新%(c)s项，自动销号%(x)s项") % counts)
    return redirect("risk:project_tab", pk=project.pk)


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Counts by grade, township and department, and the 12-week trend."""
    today = timezone.localdate()
    user = request.user
    trend = selectors.hazard_trend(user=user, today=today)
    context = {
        "grades": selectors.grade_counts(user=user, today=today),
        "by_township": selectors.open_by(user=user, dimension="township"),
        "by_department": selectors.open_by(user=user, dimension="department"),
        "trend": trend,
        "chart": trend_chart(trend),
        "title": _("欠薪隐患分析"),
    }
    return render(request, "risk/dashboard.html", context)


def trend_chart(trend: list[selectors.TrendWeek]) -> SafeString:
    """The 12-week trend as an SVG: opened and closed hazards as columns, the open count as a line."""
    weeks = [f"{w['week']:%m/%d}" for w in trend]
    return charts.columns(
        weeks,
        [(_("新发现"), [w["opened"] for w in trend]), (_("销号"), [w["closed"] for w in trend])],
        line=(_("周末未销号"), [w["open"] for w in trend]),
        title=_("近12周新发现、销号和未销号隐患"),
        width=720,
        height=240,
    )


@login_required
def sweep_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Sweep run records, with the "run now" button for office staff."""
    if not (roles.is_office(request.user) or roles.is_inspector(request.user)):
        raise PermissionDenied
    context = {
        "runs": selectors.sweep_runs(),
        "may_run": roles.is_office(request.user),
        # a run's counts and errors cover the whole county: inspectors see when it ran, not what it found
        "show_figures": roles.is_office(request.user),
        "title": _("隐患排查记录"),
    }
    return render(request, "risk/sweep_list.html", context)


@login_required
@require_POST
def sweep_now(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Queue a manual sweep (runs in-process when there is no broker)."""
    if not roles.is_office(request.user):
        raise PermissionDenied
    try:
        services.sweep_request(user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("已开始隐患排查，完成后刷新本页查看结果"))
    return redirect("risk:sweeps")
