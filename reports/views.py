"""Pages of the reports: request form and list, run detail with status polling, scoped downloads,
the office dashboard."""

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.selectors import cases_due, orders_overdue
from wagewatch.accounts.access import get_for_user

from . import deskcache, services
from .charts import report_charts
from .figures import report_data, unknown_note
from .figures.common import pct
from .figures.scope import desk_scope
from .forms import ReportForm
from .models import ReportRun

RUNS_SHOWN = 50


def _get_run_for_user(request, pk) -> ReportRun:
    return get_for_user(ReportRun.objects.select_related("township", "department"), request.user, pk)


@login_required
def index(request):
    """Ask for a report; the runs this user may see."""
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = services.report_request(
            user=request.user, kind=data["kind"], scope=data["scope_obj"], start=data["start"],
            end=data["end"], plan=data["plan"],
        )  # fmt: skip
        return redirect("reports:detail", pk=run.pk)
    runs = (
        ReportRun.objects.visible_to(request.user)
        .select_related("township", "department")
        .order_by("-created_at", "-id")[:RUNS_SHOWN]
    )
    return render(request, "reports/index.html", {"form": form, "runs": runs, "title": _("统计报表")})


@login_required
def detail(request, pk):
    """One report: status with a progress bar (polled), downloads, and a form to re-render it."""
    run = _get_run_for_user(request, pk)
    fields = ["kind", "scope", "township", "department", "start", "end", "plan"]
    initial = {name: getattr(run, name) for name in fields}
    form = ReportForm(initial=initial, user=request.user)
    return render(request, "reports/detail.html", {"run": run, "form": form, "title": str(run)})


def _status(run: ReportRun) -> dict:
    done = run.status == "done"
    return {
        "status": run.status,
        "label": run.get_status_display(),
        "progress": run.progress,
        "error": run.error,
        "pages": run.pages,
        "pdf_size": run.pdf_size,
        "xlsx_size": run.xlsx_size,
        "pdf_url": reverse("reports:download", args=[run.pk, "pdf"]) if done and run.pdf else "",
        "xlsx_url": reverse("reports:download", args=[run.pk, "xlsx"]) if done and run.xlsx else "",
    }


@login_required
def status(request, pk):
    """JSON status of a run, polled by the detail page."""
    return JsonResponse(_status(_get_run_for_user(request, pk)))


@login_required
def download(request, pk, fmt):
    """The PDF or workbook of a run the user may see (files are never served from a media URL)."""
    run = _get_run_for_user(request, pk)
    field = {"pdf": run.pdf, "xlsx": run.xlsx}.get(fmt)
    if run.status != "done" or not field:
        raise Http404
    name = f"{run.get_kind_display()}-{run.scope_label}-{run.start:%Y%m%d}-{run.end:%Y%m%d}.{fmt}"
    return FileResponse(field.open("rb"), as_attachment=fmt == "xlsx", filename=name)


@login_required
def dashboard(request):
    """The desk: cards and charts of the report figures for the user's scope (an inspector's: all his
    townships), this year to date, with due cases and overdue orders; ``?township=`` narrows it to one
    of the user's townships (another answers 404)."""
    today = timezone.localdate()
    raw = request.GET.get("township", "")
    township_id = int(raw) if raw.isdigit() and len(raw) < 10 else None
    try:
        scope, towns = desk_scope(request.user, township_id)
    except PermissionDenied:
        raise Http404 from None  # not one of his townships
    context: dict[str, Any] = {
        "data": None, "scope": scope, "title": _("工作台"), "today": today, "towns": towns,
        "township_id": township_id,
    }  # fmt: skip
    if scope is not None:
        start = datetime.date(today.year, 1, 1)

        def desk_data() -> dict:
            data = report_data(scope=scope, start=start, end=today)
            # the desk shows no per-project row: left out, the cached entry is a tenth of the size
            data["projects"] = {k: v for k, v in data["projects"].items() if k != "rows"}
            return {
                "data": data,
                "charts": report_charts(data),
                "closure_rate": pct(data["complaints"]["closure_rate"]),
                "unknown_note": unknown_note(data),
            }

        context.update(deskcache.desk_figures(scope, start, today, desk_data))
    context["due_cases"] = cases_due(request.user, township_id=township_id)
    context["overdue_orders"] = orders_overdue(request.user, township_id=township_id)
    return render(request, "reports/dashboard.html", context)
