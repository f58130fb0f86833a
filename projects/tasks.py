from celery import shared_task

from wagewatch.accounts import jobs

from . import services
from .models import ImportJob
from .services import import_run


@shared_task
def run_import(job_id: int) -> None:
    """Run a confirmed import job of any kind (claimed once, so a repeated message does nothing)."""
    import_run(job_id=job_id)


jobs.register(ImportJob, run_import)


@shared_task
def import_uploads_cleanup() -> int:
    """Delete uploaded import files of previews abandoned for a day (beat, hourly)."""
    return services.import_uploads_cleanup()
