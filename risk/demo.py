"""Demo county: the rule rows and one sweep over the demo projects (idempotent: the sweep reconciles)."""

from io import TextIOBase

from django.utils import timezone

from projects.models import SweepRun
from wagewatch.accounts import jobs

from .services import risk_rules_sync, sweep_run


def seed(*, stdout: TextIOBase) -> None:
    added = risk_rules_sync()
    run = SweepRun.objects.create(
        trigger=SweepRun.Trigger.MANUAL, status="running", started_at=timezone.now()
    )
    sweep_run(run=run)
    jobs.job_finish(SweepRun, run.pk)
    stdout.write(
        f"risk: {added} rules added; sweep opened {run.hazards_opened}, closed {run.hazards_closed}\n"
    )
