"""Celery tasks of the risk sweep: thin adapters around risk.services.

The task names date from when the sweep lived in projects/risk/: messages already queued and the beat
schedule call the tasks by these names, so they stay. RiskConfig.ready imports this module, so every
process (web, worker, beat) registers the sweep's job model.
"""

from celery import shared_task

from projects.models import SweepRun
from wagewatch.accounts import jobs

from . import services


@shared_task(name="projects.risk.tasks.sweep")
def sweep(run_id: int) -> str:
    """Claim a queued SweepRun row and run it; a second delivery of the message does nothing."""
    return jobs.job_run(SweepRun, run_id, lambda run: services.sweep_run(run=run))


@shared_task(name="projects.risk.tasks.sweep_nightly")
def sweep_nightly() -> int:
    """Beat: queue tonight's sweep as a row and send it."""
    return services.sweep_request(trigger=SweepRun.Trigger.BEAT).pk


jobs.register(SweepRun, sweep)
