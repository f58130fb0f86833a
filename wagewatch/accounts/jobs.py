"""Background jobs that survive a dead broker: a database row first, a Celery message second.

A concrete job model subclasses ``accounts.models.Job`` and registers the task that runs it with
``register(Model, task)``. Sending is claimed by compare-and-set on the row's ``sent_at``: the web
process (after commit), the requeue beat tick and a worker starting up may all try, one sends. A failed
send (broker down) clears ``sent_at`` again, so the next tick once Redis is back sends the row whatever
its age; a row sent but still queued after ``STALE_AFTER`` lost its message and is sent again. The task
claims its row with ``job_claim`` (compare-and-set on the status), so a message delivered twice runs once.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from celery import Task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import generations
from .models import Job, JobStatus

log = logging.getLogger(__name__)
_REGISTRY: dict[type[Job], Task] = {}
# A row sent but not picked up for this long lost its message (e.g. Redis restarted empty).
STALE_AFTER = timedelta(minutes=5)
# A running job whose worker died (kill -9) is taken back after this long.
RUNNING_TIMEOUT = timedelta(minutes=40)


def register(model: type[Job], task: Task) -> None:
    """Tell the requeue beat which task runs rows of ``model``."""
    _REGISTRY[model] = task


def _send(model: type[Job], pk: int, *, stale_before: datetime | None = None) -> bool | None:
    """Claim the sending of a queued row, then send it: True sent, False not ours, None broker down."""
    now = timezone.now()
    unsent = Q(sent_at__isnull=True)
    if stale_before is not None:
        unsent |= Q(sent_at__lt=stale_before)
    if not model._default_manager.filter(unsent, pk=pk, status=JobStatus.QUEUED).update(sent_at=now):
        return False  # sent already (another tick, the web process, a worker starting)
    task = _REGISTRY[model]
    try:
        task.delay(pk)
    except Exception:  # broker down: unclaim, the row stays queued and the next tick sends it
        log.warning("job %s %s could not be sent; it stays queued", task.name, pk, exc_info=True)
        model._default_manager.filter(pk=pk, sent_at=now).update(sent_at=None)
        return None
    return True


def job_dispatch(job: Job) -> None:
    """Queue the Celery task for a saved job row once the current transaction commits."""
    model, pk = type(job), job.pk
    _REGISTRY[model]  # an unregistered model fails here, not in an after-commit callback
    transaction.on_commit(lambda: _send(model, pk))


def job_claim(model: type[Job], pk: int) -> bool:
    """Move a queued row to running; False when another worker has it already (or it is gone)."""
    now = timezone.now()
    changed = model._default_manager.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, progress=0, attempts=F("attempts") + 1
    )
    return changed == 1


def job_finish(model: type[Job], pk: int, *, error: str = "") -> None:
    """Mark a running job done (keeping any requeue note), or failed with the reason."""
    fields: dict[str, Any]
    if error:
        fields = {"status": JobStatus.FAILED, "error": error[:4000], "progress": 0}
    else:  # keep a note left by requeue_stale_jobs: the record says the run was interrupted once
        fields = {"status": JobStatus.DONE, "progress": 100}
    model._default_manager.filter(pk=pk).update(finished_at=timezone.now(), **fields)
    if not error:  # jobs write in bulk, without signals: every cached page recomputes
        generations.invalidate([None])


def failure_text(exc: Exception) -> str:
    """What a failed job tells its user: a refusal's own Chinese reason; anything else only that it failed
    (the Python error, which means nothing to a clerk and may name internals, goes to the log)."""
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return _("后台任务出错，详情已记入系统日志，请稍后重试或联系管理员")


def job_run(model: type[Job], pk: int, work: Callable[[Any], object]) -> str:
    """The body of a job task: claim the row, call ``work(row)``, record done or failed with the reason.

    Returns "skipped" when the row is not queued (a second delivery, or another worker has it).
    """
    if not job_claim(model, pk):
        return "skipped"
    try:
        work(model._default_manager.get(pk=pk))
    except Exception as exc:
        log.exception("%s %s failed", model._meta.label, pk)
        job_finish(model, pk, error=failure_text(exc))
        return "failed"
    job_finish(model, pk)
    return "done"


def job_progress(model: type[Job], pk: int, percent: int) -> None:
    """Write progress outside any open transaction's view (autocommit update on its own)."""
    model._default_manager.filter(pk=pk).update(progress=max(0, min(100, int(percent))))


def requeue_stale_jobs() -> int:
    """Return dead running rows to the queue, then send every unsent or lost queued row; returns rows sent.

    Stops at the first failed send: the broker is down, the rest wait for the next tick.
    """
    now = timezone.now()
    sent = 0
    for model in _REGISTRY:
        model._default_manager.filter(status=JobStatus.RUNNING, started_at__lt=now - RUNNING_TIMEOUT).update(
            status=JobStatus.QUEUED,
            queued_at=now,
            sent_at=None,
            error="后台任务中断，已重新排队 (worker lost, requeued)",
        )
        due = model._default_manager.filter(
            Q(sent_at__isnull=True) | Q(sent_at__lt=now - STALE_AFTER), status=JobStatus.QUEUED
        )
        for pk in due.order_by("pk").values_list("pk", flat=True):
            result = _send(model, pk, stale_before=now - STALE_AFTER)
            if result is None:
                return sent
            sent += result
    return sent
