"""Background jobs that survive a dead broker: a database row first, a Celery message second.

A concrete job model subclasses ``accounts.models.Job`` and registers the task that runs it with
``register(Model, task)``. ``job_dispatch`` sends the message after the transaction commits and swallows
broker errors (the row stays queued); ``requeue_stale_jobs`` re-sends rows queued too long; the task
claims its row with ``job_claim`` (compare-and-set), so a message delivered twice runs the job once.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import JobStatus

log = logging.getLogger(__name__)
_REGISTRY: dict[type, object] = {}
STALE_AFTER = timedelta(minutes=5)
# A running job whose worker died (kill -9) is taken back after this long.
RUNNING_TIMEOUT = timedelta(minutes=40)


def register(model, task) -> None:
    """Tell the requeue beat which task runs rows of ``model``."""
    _REGISTRY[model] = task


def _send(task, pk) -> None:
    try:
        task.delay(pk)
    except Exception:  # broker down: the row stays queued and the beat re-sends it
        log.warning("job %s %s could not be sent; it stays queued", task.name, pk, exc_info=True)


def job_dispatch(job) -> None:
    """Queue the Celery task for a saved job row once the current transaction commits."""
    task = _REGISTRY[type(job)]
    transaction.on_commit(lambda: _send(task, job.pk))


def job_claim(model, pk) -> bool:
    """Move a queued row to running; False when another worker has it already (or it is gone)."""
    now = timezone.now()
    changed = model.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, progress=0, attempts=F("attempts") + 1
    )
    return changed == 1


def job_finish(model, pk, *, error: str = "") -> None:
    """Mark a running job done (keeping any requeue note), or failed with the reason."""
    if error:
        fields = {"status": JobStatus.FAILED, "error": error[:4000], "progress": 0}
    else:  # keep a note left by requeue_stale_jobs: the record says the run was interrupted once
        fields = {"status": JobStatus.DONE, "progress": 100}
    model.objects.filter(pk=pk).update(finished_at=timezone.now(), **fields)


def job_run(model, pk, work) -> str:
    """The body of a job task: claim the row, call ``work(row)``, record done or failed with the reason.

    Returns "skipped" when the row is not queued (a second delivery, or another worker has it).
    """
    if not job_claim(model, pk):
        return "skipped"
    try:
        work(model.objects.get(pk=pk))
    except Exception as exc:
        log.exception("%s %s failed", model._meta.label, pk)
        job_finish(model, pk, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    job_finish(model, pk)
    return "done"


def job_progress(model, pk, percent: int) -> None:
    """Write progress outside any open transaction's view (autocommit update on its own)."""
    model.objects.filter(pk=pk).update(progress=max(0, min(100, int(percent))))


def requeue_stale_jobs() -> int:
    """Re-send rows queued too long, and return dead running rows to the queue; returns rows touched."""
    now = timezone.now()
    touched = 0
    for model, task in _REGISTRY.items():
        dead = model.objects.filter(status=JobStatus.RUNNING, started_at__lt=now - RUNNING_TIMEOUT)
        touched += dead.update(
            status=JobStatus.QUEUED, queued_at=now, error="后台任务中断，已重新排队 (worker lost, requeued)"
        )
        for pk in model.objects.filter(status=JobStatus.QUEUED, queued_at__lt=now - STALE_AFTER).values_list(
            "pk", flat=True
        ):
            model.objects.filter(pk=pk).update(queued_at=now)
            _send(task, pk)
            touched += 1
    return touched
