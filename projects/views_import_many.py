"""Many rosters at once (issue 18 item 14): the batch's upload, its preview (every file and sheet with its
project, rows and errors), confirm (all or none), progress and error workbook. A batch belongs to the user
who uploaded it (another user's is 404); its writes check every project again (projects.imports_batch)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagewatch.accounts.roles import AuthenticatedHttpRequest, can_edit_field_work
from wagewatch.imports import pipeline
from wagewatch.imports.views import confirm_or_tell, error_download

from .forms import RostersImportForm
from .imports_batch import rosters_import_preview
from .models import ImportJob
from .views_import import PREVIEW_ROWS, status_json


def _get_batch_for_user(request: HttpRequest, pk: int) -> ImportJob:
    """A batch of rosters the user uploaded (404 for anyone else's)."""
    if not can_edit_field_work(request.user):
        raise PermissionDenied
    return get_object_or_404(ImportJob, pk=pk, kind=ImportJob.Kind.ROSTERS, created_by=request.user)


def _page(request: HttpRequest, template: str, *, status: int = 200, **context: object) -> HttpResponse:
    return render(request, template, {"title": _("批量导入花名册"), **context}, status=status)


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    if not can_edit_field_work(request.user):
        raise PermissionDenied
    form = RostersImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            files = [(f.name, f.read()) for f in form.cleaned_data["rosters"]]
            job = rosters_import_preview(user=request.user, files=files)
            return redirect("projects:import_many_preview", pk=job.pk)
        return _page(request, "projects/import_many_upload.html", form=form, status=400)
    return _page(request, "projects/import_many_upload.html", form=form)


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_batch_for_user(request, pk)
    rows = pipeline.preview_rows(job, limit=PREVIEW_ROWS)
    parts = [{**part, "rows_shown": [r for r in rows if r["sheet"] == part["sheet"]]} for part in job.parts]
    return _page(request, "projects/import_many_preview.html", job=job, parts=parts, shown=bool(rows))


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_batch_for_user(request, pk)
    if confirm_or_tell(request, job) is None:
        return redirect("projects:import_many_preview", pk=job.pk)
    return redirect("projects:import_many_progress", pk=job.pk)


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_batch_for_user(request, pk)
    return _page(request, "projects/import_many_progress.html", job=job)


@login_required
def status(request: HttpRequest, pk: int) -> JsonResponse:
    return status_json(_get_batch_for_user(request, pk))


@login_required
def errors(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _get_batch_for_user(request, pk)
    return error_download(request, job, name=_("批量导入花名册错误"), preview="projects:import_many_preview")
