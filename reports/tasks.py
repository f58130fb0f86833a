"""Celery tasks of the reports app (thin: call a service)."""

import datetime

from celery import shared_task

from wagewatch.accounts import jobs

from . import keytasks, services
from .models import ReportRun


@shared_task
def notify_task_deadlines(today: str | None = None) -> int:
    """Daily: warn units and the office of key tasks due soon or overdue (idempotent)."""
    day = datetime.date.fromisoformat(today) if today else None
    return keytasks.task_notify_deadlines(today=day)


@shared_task(name="reports.tasks.render_report")
def render_report(run_id: int) -> str:
    """Claim a queued ReportRun and render it; a second delivery of the message does nothing."""
    return jobs.job_run(ReportRun, run_id, lambda run: services.report_render(run=run))


jobs.register(ReportRun, render_report)
