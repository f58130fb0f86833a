import socket
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_ready
from django.utils import timezone

from wagewatch.lib import workdays

from . import jobs, once
from .models import WorkerHeartbeat


@shared_task(bind=True)
def worker_heartbeat(self: Task) -> str:
    """Record that a worker is alive and processing tasks."""
    host = getattr(self.request, "hostname", None) or socket.gethostname()
    WorkerHeartbeat.objects.update_or_create(
        hostname=host, defaults={"seen_at": timezone.now(), "task_id": self.request.id or ""}
    )
    return host


@shared_task
def requeue_stale_jobs() -> int:
    """Beat: re-send job rows whose Celery message was lost."""
    return jobs.requeue_stale_jobs()


@shared_task
def recompute_deadlines() -> dict[str, int]:
    """Nightly: deadlines stored without holiday data whose years are now known (a newer chinese-calendar)."""
    return workdays.recompute_deadlines()


@shared_task
def purge_form_tokens() -> int:
    """Hourly: one-time form tokens past their lifetime (the table would otherwise grow with every form)."""
    return once.purge_spent()


@worker_ready.connect
def requeue_on_worker_start(**_kwargs: Any) -> None:
    """A worker coming up re-sends job rows whose message was lost while no worker (or broker) ran."""
    jobs.requeue_stale_jobs()
