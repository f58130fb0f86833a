"""What every import's pages share: confirming a preview, and its error workbook for download."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from wagewatch.accounts.roles import AuthenticatedHttpRequest, can_reveal
from wagewatch.accounts.services import reveal_record
from wagewatch.lib.addresses import client_address
from wagewatch.lib.xlsx import write_workbook, xlsx_response

from . import pipeline
from .pipeline import AnyImportJob


def error_download(
    request: AuthenticatedHttpRequest, job: AnyImportJob, *, name: str, preview: str
) -> HttpResponse:
    """The rows with errors of ``job`` (fetched through the user's scope by the caller) as a workbook named
    ``name``_<id>: a sheet per sheet with errors for a workbook or a batch of files, personal numbers masked
    unless the user may reveal them (then the reveal is logged); back to the ``preview`` page (a URL name
    taking ``pk``) when the file is gone; 404 when the import had no errors."""
    if not job.errors:
        raise Http404
    reveal = can_reveal(request.user)
    try:
        sheets = pipeline.error_sheets(job, reveal=reveal)
    except pipeline.PreviewGone:
        messages.error(request, _("上传文件已删除（导入已结束或超过一天未确认），请重新上传以获取错误明细"))
        return redirect(preview, pk=job.pk)
    if reveal:
        reveal_record(user=request.user, obj=job, field="errors_export", ip_address=client_address(request))
    return xlsx_response(f"{name}_{job.pk}", write_workbook(list(sheets)))


def confirm_or_tell(request: HttpRequest, job: AnyImportJob) -> AnyImportJob | None:
    """``pipeline.confirm(job)`` (queued, or run at once for a kind that is never queued); a refusal (the
    preview had errors, the file is gone, the job moved on) goes to the user as one message and gives None."""
    try:
        return pipeline.confirm(job)
    except ValidationError as exc:
        messages.error(request, _("；").join(exc.messages))
        return None
