from celery import shared_task

from wagewatch.accounts import jobs
from wagewatch.imports import pipeline

from .models import ImportJob


@shared_task
def run_import(job_id: int) -> str:
    """Run a confirmed import job of any kind (claimed once, so a repeated message does nothing)."""
    return pipeline.run(ImportJob, job_id)


jobs.register(ImportJob, run_import)


@shared_task
def import_uploads_cleanup() -> int:
    """Delete uploaded import files of previews abandoned for a day (beat, hourly)."""
    return pipeline.uploads_cleanup(ImportJob)
