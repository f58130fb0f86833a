"""The pages of a project's imports: the roster's upload, and for every kind registered in ``IMPORT_PAGES``
(the roster here; the pay sheet and attendance from wages' ``ready()``) the preview, confirm, progress,
status and error workbook, through the import pipeline (wagewatch/imports). Only users who may write the
project see a job: it is fetched through the project (``project_for_user(write=True)``)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wagewatch.accounts.roles import AuthenticatedHttpRequest
from wagewatch.imports import pipeline
from wagewatch.imports.reading import ImportFileError
from wagewatch.imports.template import template_workbook
from wagewatch.imports.views import confirm_or_tell, error_download
from wagewatch.lib.xlsx import xlsx_response

from . import selectors
from .forms import RosterImportForm
from .imports import roster_import_preview
from .models import ImportJob
from .views import _tab

PREVIEW_ROWS = 500


@dataclass(frozen=True)
class ImportPages:
    """How the import pages show one kind of project import."""

    tab: str  # the project tab the pages sit on
    back: str  # the URL name (taking the project's pk) the pages lead back to; ?month= for a month's job
    back_label: str | Promise
    rows_template: str  # the table of a clean preview's rows
    warnings_title: str | Promise


# {ImportJob.Kind: ImportPages}; apps above projects add their kinds in AppConfig.ready()
IMPORT_PAGES: dict[str, ImportPages] = {
    ImportJob.Kind.ROSTER: ImportPages(
        "roster", "projects:roster", gettext_lazy("返回花名册"), "projects/_import_rows_roster.html",
        gettext_lazy("身份信息变更（确认后记入工人变更记录）"),
    ),
}  # fmt: skip


def _get_import_for_user(request: HttpRequest, pk: int) -> ImportJob:
    """A project import the user may write (404 otherwise: another township's job does not exist)."""
    job = get_object_or_404(ImportJob.objects.select_related("project"), pk=pk, kind__in=list(IMPORT_PAGES))
    selectors.project_for_user(user=request.user, pk=job.project_id, write=True)
    return job


def import_page(request: HttpRequest, job: ImportJob, template: str, **context) -> HttpResponse:
    """An import page of ``job`` on its project's tab, with the way back."""
    pages = IMPORT_PAGES[job.kind]
    back = reverse(pages.back, args=[job.project_id])
    back += f"?month={job.month:%Y-%m}" if job.month else ""
    return _tab(request, job.project, pages.tab, template, job=job, pages=pages, back=back, **context)


def preview_or_refuse(form: forms.Form, preview: Callable[[], ImportJob]) -> HttpResponse | None:
    """Check a valid upload into a preview job: the redirect to its page, or None with the reason the file
    is refused (unreadable, a column missing) on the form's file field."""
    try:
        job = preview()
    except ImportFileError as exc:
        form.add_error("file", str(exc))
        return None
    return redirect("projects:import_preview", pk=job.pk)


# the kinds whose upload pages offer a template (the project imports, and the roster batch)
TEMPLATE_KINDS: set[str] = set()


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The .xlsx template of an import, built from its column map (no personal data: any signed-in user)."""
    if kind not in IMPORT_PAGES and kind not in TEMPLATE_KINDS:
        raise Http404
    label = ImportJob.Kind(kind).label
    content = template_workbook(pipeline.kind_of(kind), title=label)
    return xlsx_response(_("%(kind)s导入模板") % {"kind": label}, content)


@login_required
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for_user(user=request.user, pk=pk, write=True)
    form = RosterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        preview = partial(roster_import_preview, project=project, user=request.user, filename=upload.name)
        if done := preview_or_refuse(form, lambda: preview(data=upload.read())[0]):
            return done
    help_text = _("表头可在标题行之下；身份证号相同的人员将更新而不是重复添加。先预检，确认后才写入。")
    return _tab(request, project, "roster", "projects/import_upload.html", form=form,
                heading=_("导入花名册"), help=help_text, template_kind=ImportJob.Kind.ROSTER)  # fmt: skip


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_import_for_user(request, pk)
    rows = pipeline.preview_rows(job, limit=PREVIEW_ROWS)
    return import_page(request, job, "projects/import_preview.html", rows=rows)


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_import_for_user(request, pk)
    if confirm_or_tell(request, job) is None:
        return redirect("projects:import_preview", pk=job.pk)
    return redirect("projects:import_progress", pk=job.pk)


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_import_for_user(request, pk)
    return import_page(request, job, "projects/import_progress.html")


@login_required
def import_status(request: HttpRequest, pk: int) -> JsonResponse:
    return status_json(_get_import_for_user(request, pk))


def status_json(job: ImportJob) -> JsonResponse:
    """An import's state for the progress bar's polling."""
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": pipeline.progress(job),
            "created": job.created_count,
            "updated": job.updated_count,
            "error": job.error,
        }
    )


@login_required
def import_errors(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _get_import_for_user(request, pk)
    return error_download(request, job, name=_("导入错误"), preview="projects:import_preview")
