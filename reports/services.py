"""Writes of the reports app: ask for a report (reuse or replace the row), render it."""

import datetime
import time
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from wagewatch.accounts import jobs
from wagewatch.accounts.models import JobStatus

from . import keytasks
from .campaigns import campaign_figures
from .excel import build_workbook
from .figures import Scope, check_scope, report_data, scope_of
from .models import ReportRun
from .pdf import build_pdf

BULLETINS = (ReportRun.Kind.WEEKLY, ReportRun.Kind.MONTHLY)


def _find(*, kind: str, scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[ReportRun]:
    return ReportRun.objects.select_for_update().filter(kind=kind, scope_key=scope.key, start=start, end=end)


def report_request(
    *, user: User, kind: str, scope: Scope, start: datetime.date, end: datetime.date, plan: str = ""
) -> ReportRun:
    """Queue a report; the same kind + scope + range reuses its row (done and unchanged: kept as is;
    otherwise re-rendered in place), never a second row."""
    check_scope(user, scope)
    with transaction.atomic():
        run = _find(kind=kind, scope=scope, start=start, end=end).first()
        if run is None:
            try:
                with transaction.atomic():
                    run = ReportRun.objects.create(
                        kind=kind, scope=scope.kind, township_id=scope.township_id,
                        department_id=scope.department_id, scope_key=scope.key, start=start, end=end,
                        plan=plan, created_by=user,
                    )  # fmt: skip
            except IntegrityError:  # asked twice at the same moment: the other request made the row
                return _find(kind=kind, scope=scope, start=start, end=end).get()
        elif run.status in (JobStatus.QUEUED, JobStatus.RUNNING) or (
            run.status == JobStatus.DONE and run.plan == plan
        ):
            return run
        else:
            _reset(run, user=user, plan=plan)
        jobs.job_dispatch(run)
    return run


def _reset(run: ReportRun, *, user: User, plan: str) -> None:
    run.plan = plan
    run.status, run.progress, run.error = JobStatus.QUEUED, 0, ""
    run.created_by, run.queued_at = user, timezone.now()
    run.started_at = run.finished_at = None
    run.save()


def report_render(*, run: ReportRun) -> ReportRun:
    """Assemble the figures, render the PDF and the workbook, store both on the row."""
    began = time.monotonic()
    data = report_data(scope=scope_of(run), start=run.start, end=run.end)
    if run.campaign_id is not None:
        assert run.campaign is not None  # a campaign's report names its campaign
        data["campaign"] = campaign_figures(run.campaign, data)
    jobs.job_progress(ReportRun, run.pk, 30)
    tasks = _tasks(run) if run.kind in BULLETINS else None
    pdf, pages = build_pdf(run=run, data=data, tasks=tasks)
    jobs.job_progress(ReportRun, run.pk, 75)
    xlsx = build_workbook(data=data, tasks=tasks)
    jobs.job_progress(ReportRun, run.pk, 90)
    name = f"{run.get_kind_display()}-{run.scope_label}-{run.start:%Y%m%d}-{run.end:%Y%m%d}"
    for field in (run.pdf, run.xlsx):
        if field:
            field.delete(save=False)
    run.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    run.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
    run.pages, run.pdf_size, run.xlsx_size = pages, len(pdf), len(xlsx)
    run.seconds = Decimal(f"{time.monotonic() - began:.2f}")
    run.save(update_fields=["pdf", "xlsx", "pages", "pdf_size", "xlsx_size", "seconds"])
    return run


def _tasks(run: ReportRun) -> list[dict]:
    """Key-task progress for the bulletin, limited to the scope's unit outside the county scope."""
    rows = keytasks.task_progress_summary(user=run.created_by, start=run.start, end=run.end)
    if run.scope == ReportRun.Scope.COUNTY:
        return rows
    return [r for r in rows if r["unit"] == run.scope_label]
