"""The go-live import of the project list (admins): upload → preview (dry run) → confirm."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.imports import ImportFileError
from projects.models import ImportJob
from projects.services import import_upload_delete
from wagewatch.accounts.models import JobStatus
from wagewatch.accounts.roles import is_admin
from wagewatch.lib.uploads import check_spreadsheet_upload

from . import forms
from .imports import import_project_list


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
        data = upload.read()
        try:
            check_spreadsheet_upload(data, upload.name)
            result = import_project_list(data=data, filename=upload.name, user=request.user, dry_run=True)
        except (ValidationError, ImportFileError) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
            return redirect("deposits:import")
        job = ImportJob(
            kind=ImportJob.Kind.PROJECTS,
            filename=upload.name[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            total_rows=result.total,
            error_count=len(result.errors),
            errors=result.errors,
            created_by=request.user,
        )
        job.file.save(f"projects-{job.sha256[:12]}.xlsx", ContentFile(data), save=False)
        job.save()
        return render(request, "deposits/import.html", {"form": form, "job": job, "result": result})
    return render(request, "deposits/import.html", {"form": form, "title": _("导入在建工程项目清单")})


@require_POST
@login_required
def import_confirm(request, token):
    job = _get_import_for_user(request, token)
    if not job.file:  # the import ended, or the preview was abandoned for a day: the upload is gone
        messages.error(request, _("上传文件已删除（导入已结束或超过一天未确认），请重新上传"))
        return redirect("deposits:import")
    with job.file.open("rb") as fh:
        data = fh.read()
    result = import_project_list(data=data, filename=job.filename, user=request.user)
    job.stage, job.status = ImportJob.Stage.CONFIRM, JobStatus.DONE if not result.errors else JobStatus.FAILED
    job.created_count, job.updated_count, job.errors = result.created, result.updated, result.errors
    job.error_count, job.finished_at = len(result.errors), timezone.now()
    job.save()
    import_upload_delete(job=job)  # the file holds enterprises' accounts and contacts: it is not kept
    if result.errors:
        messages.error(request, _("文件有 %(n)s 处错误，未导入任何数据") % {"n": len(result.errors)})
    else:
        messages.success(request, _("已导入 %(n)s 个项目") % {"n": result.total})
    return redirect("deposits:list")
