"""The go-live import of the project list (admins): upload → preview (dry run) → confirm, through the
import pipeline (wagewatch/imports)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.models import ImportJob
from wagewatch.accounts.models import JobStatus
from wagewatch.accounts.roles import is_admin
from wagewatch.imports.reading import ImportFileError
from wagewatch.imports.views import confirm_or_tell

from . import forms
from .imports import project_list_preview


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
    done = confirm_or_tell(
        request, job
    )  # runs at once (the kind is never queued); the upload is then deleted
    if done is None:
        return redirect("deposits:import")
    job = done
    if job.status == JobStatus.FAILED:
        messages.error(request, job.error)  # e.g. 文件有 n 处错误，未导入任何数据
    else:
        messages.success(request, _("已导入 %(n)s 个项目") % {"n": job.total_rows})
    return redirect("deposits:list")
