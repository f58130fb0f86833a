"""Job rows and their Celery messages (accounts/jobs.py) against the real Redis broker of the test run.

A row whose message could not be sent (broker down) is sent by the next requeue tick whatever its age,
and every row is sent once however many ticks (or workers starting) run.
"""

import json
import threading
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from projects.models import SweepRun
from risk import tasks as risk_tasks
from tests.conftest import _need, redis_available
from wagewatch.accounts import jobs

pytestmark = pytest.mark.django_db
QUEUE = "celery"


@pytest.fixture
def broker():
    _need(redis_available(), "Redis (set REDIS_URL): these tests need a real broker")
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(QUEUE)
    yield client
    client.delete(QUEUE)


def _sent(broker, run) -> int:
    """How many sweep messages for ``run`` wait in the broker's queue."""
    count = 0
    for raw in broker.lrange(QUEUE, 0, -1):
        headers = json.loads(raw)["headers"]
        count += headers["task"] == risk_tasks.sweep.name and headers["argsrepr"] == f"({run.pk},)"
    return count


def _unsent_run(age: timedelta) -> SweepRun:
    """A queued row as a failed send leaves it: saved, its message never reached the broker."""
    return SweepRun.objects.create(trigger=SweepRun.Trigger.MANUAL, queued_at=timezone.now() - age)


def test_a_row_queued_while_the_broker_was_down_goes_out_on_the_next_tick_once(broker):
    run = _unsent_run(timedelta(seconds=10))
    assert jobs.requeue_stale_jobs() == 1
    assert _sent(broker, run) == 1
    assert jobs.requeue_stale_jobs() == 0
    assert _sent(broker, run) == 1
    run.refresh_from_db()
    assert run.status == "queued" and run.sent_at is not None


def test_a_dispatched_row_is_not_sent_again_until_its_message_counts_as_lost(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = SweepRun.objects.create(trigger=SweepRun.Trigger.MANUAL)
        jobs.job_dispatch(run)
    assert _sent(broker, run) == 1
    assert jobs.requeue_stale_jobs() == 0
    assert _sent(broker, run) == 1
    # still queued 5 minutes after it was sent: the message was lost (e.g. Redis restarted empty)
    SweepRun.objects.filter(pk=run.pk).update(
        sent_at=timezone.now() - jobs.STALE_AFTER - timedelta(seconds=1)
    )
    assert jobs.requeue_stale_jobs() == 1
    assert _sent(broker, run) == 2


def test_a_dead_running_row_is_sent_again_on_the_same_tick(broker):
    run = _unsent_run(timedelta(hours=1))
    SweepRun.objects.filter(pk=run.pk).update(
        status="running", started_at=timezone.now() - jobs.RUNNING_TIMEOUT - timedelta(minutes=1)
    )
    jobs.requeue_stale_jobs()
    run.refresh_from_db()
    assert run.status == "queued" and "requeued" in run.error
    assert _sent(broker, run) == 1


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_send_each_row_once(broker):
    runs = [_unsent_run(timedelta(seconds=30)) for _ in range(5)]
    barrier = threading.Barrier(2)
    results = []

    def tick():
        try:
            barrier.wait()
            results.append(jobs.requeue_stale_jobs())
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 5
    assert [_sent(broker, run) for run in runs] == [1] * 5


def test_the_requeue_tick_runs_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stale-jobs"]
    assert entry["task"] == "wagewatch.accounts.tasks.requeue_stale_jobs"
    assert entry["schedule"] <= 60
