"""The go-live import's pages (office staff and admins): upload → preview per sheet → confirm, through the
import pipeline (wagewatch/imports); the error workbook lists every bad row, sheet by sheet."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.models import ImportJob
from wagewatch.accounts.roles import AuthenticatedHttpRequest, is_office
from wagewatch.imports import pipeline
from wagewatch.imports.reading import ImportFileError
from wagewatch.imports.views import confirm_or_tell, error_download

from .forms import GoLiveUploadForm
from .imports import GOLIVE

PREVIEW_ROWS = 2000


def _office(request: HttpRequest) -> None:
    if not is_office(request.user):
        raise PermissionDenied


def _get_job_for_user(request: HttpRequest, pk: int) -> ImportJob:
    _office(request)
    return get_object_or_404(ImportJob, pk=pk, kind=ImportJob.Kind.GOLIVE)


@login_required
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _office(request)
    form = GoLiveUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        job = ImportJob(kind=ImportJob.Kind.GOLIVE, created_by=request.user, as_of=form.cleaned_data["as_of"])
        try:
            job, _parsed, _check = pipeline.preview(job, filename=file.name, data=file.read())
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("golive:preview", pk=job.pk)
    sheets = [sheet.name for sheet in GOLIVE.sheets]
    return render(request, "golive/upload.html", {"form": form, "sheets": sheets})


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_job_for_user(request, pk)
    rows = pipeline.preview_rows(job, limit=PREVIEW_ROWS)
    sheets = [_sheet_rows(sheet, rows) for sheet in GOLIVE.sheets]
    context = {"job": job, "sheets": [s for s in sheets if s["rows"]]}
    return render(request, "golive/preview.html", context)


def _sheet_rows(sheet: Any, rows: list[dict]) -> dict[str, Any]:
    """A sheet's rows for the preview table: its columns' names and cells, personal numbers always masked
    (a reveal is logged; the preview is not the place for one)."""
    columns = sheet.kind.columns
    cells = [
        [r["row"], *[_show(r.get(c.key), c.mask) for c in columns]] for r in rows if r["sheet"] == sheet.name
    ]
    return {"name": sheet.name, "headers": [c.headers[0] for c in columns], "rows": cells}


def _show(value: object, mask: Any) -> object:
    if value in (None, ""):
        return ""
    return mask(value) if mask else value


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_job_for_user(request, pk)
    done = confirm_or_tell(
        request, job
    )  # runs at once (the kind is never queued); the upload is then deleted
    if done is None:
        return redirect("golive:preview", pk=job.pk)
    job = done
    if job.error:
        messages.error(request, job.error)
    else:
        messages.success(request, _("已导入上线初始化数据 %(n)s 行") % {"n": job.created_count})
    return redirect("golive:preview", pk=job.pk)


@login_required
def errors(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _get_job_for_user(request, pk)
    return error_download(request, job, name=_("上线初始化导入错误"), preview="golive:preview")
