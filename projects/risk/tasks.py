"""Celery tasks of the risk sweep: thin adapters around projects.risk.services.

Celery autodiscovers only <app>/tasks.py: projects/tasks.py imports this module (see the lead's note);
projects/risk/urls.py imports it as well so the task is registered in every process that serves pages.
"""

import logging

from celery import shared_task

from projects.models import SweepRun
from wagewatch.accounts import jobs

from . import services

log = logging.getLogger(__name__)


@shared_task(name="projects.risk.tasks.sweep")
def sweep(run_id: int) -> str:
    """Claim a queued SweepRun row and run it; a second delivery of the message does nothing."""
    if not jobs.job_claim(SweepRun, run_id):
        return "skipped"
    try:
        services.sweep_run(run=SweepRun.objects.get(pk=run_id))
    except Exception as exc:
        log.exception("risk sweep %s failed", run_id)
        jobs.job_finish(SweepRun, run_id, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    jobs.job_finish(SweepRun, run_id)
    return "done"


@shared_task(name="projects.risk.tasks.sweep_nightly")
def sweep_nightly() -> int:
    """Beat: queue tonight's sweep as a row and send it."""
    return services.sweep_request(trigger=SweepRun.Trigger.BEAT).pk


jobs.register(SweepRun, sweep)
