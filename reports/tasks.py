"""Celery tasks of the reports app (thin: call a service)."""

import datetime
import logging

from celery import shared_task

from wagewatch.accounts import jobs

from . import keytasks, services
from .models import ReportRun

log = logging.getLogger(__name__)


@shared_task
def notify_task_deadlines(today: str | None = None) -> int:
    """Daily: warn units and the office of key tasks due soon or overdue (idempotent)."""
    day = datetime.date.fromisoformat(today) if today else None
    return keytasks.task_notify_deadlines(today=day)


@shared_task(name="reports.tasks.render_report")
def render_report(run_id: int) -> str:
    """Claim a queued ReportRun and render it; a second delivery of the message does nothing."""
    if not jobs.job_claim(ReportRun, run_id):
        return "skipped"
    try:
        services.report_render(run=ReportRun.objects.get(pk=run_id))
    except Exception as exc:
        log.exception("report %s failed", run_id)
        jobs.job_finish(ReportRun, run_id, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    jobs.job_finish(ReportRun, run_id)
    return "done"


jobs.register(ReportRun, render_report)
