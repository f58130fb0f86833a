"""Fault: the Celery worker is killed (kill -9) in the middle of a risk sweep.

A real `celery -A wagewatch worker` process on a private Redis runs the sweep against the test database.
The test holds a SHARE lock on the hazard history table, so the sweep stops *inside* its transaction,
after it inserted hazards and before it wrote their history rows; then the worker is killed. The row stays
running; a beat tick of requeue_stale_jobs (time moved on by editing the row's timestamps, the code
runs with its real timeouts) takes it back and re-sends it; a new worker finishes it, a later tick adds
nothing. No duplicate hazards, and the run record says what happened.
"""

import datetime

import psycopg2
import pytest
from celery import Celery
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from projects.models import Hazard, SweepRun
from risk import services
from tests.integration import faults_support as fs
from tests.integration.private_services import private_redis
from tests.projects.factories import make_project
from wagewatch.accounts import jobs

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _sweep_waits_on_lock(cur, dbname) -> bool:
    cur.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
        " AND query ILIKE '%%historicalhazard%%'",
        [dbname],
    )
    return cur.fetchone()[0] == 1


def _backends_on_hazards(cur, dbname) -> int:
    cur.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        " AND state <> 'idle' AND query ILIKE '%%historicalhazard%%'",
        [dbname],
    )
    return cur.fetchone()[0]


def test_worker_killed_mid_sweep_is_requeued_and_finished_once(township_a, department):
    for _ in range(6):
        make_project(township_a, department)
    dbname = connection.settings_dict["NAME"]
    url = fs.database_url()
    with private_redis() as redis:
        broker = Celery("faults", broker=redis.url, backend=redis.url)
        locker = psycopg2.connect(url)
        watcher = psycopg2.connect(url)
        watcher.autocommit = True
        worker = fs.start_worker(database=url, redis=redis.url, name="doomed")
        try:
            with locker.cursor() as c:
                c.execute("LOCK TABLE projects_historicalhazard IN SHARE MODE")
            run = SweepRun.objects.create(trigger=SweepRun.Trigger.MANUAL)
            broker.send_task("projects.risk.tasks.sweep", args=[run.pk])
            with watcher.cursor() as cur:
                fs.wait_for(lambda: _sweep_waits_on_lock(cur, dbname), timeout=40, what="sweep mid-way")
            run.refresh_from_db()
            assert run.status == "running" and run.attempts == 1
            fs.kill9(worker)
        finally:
            fs.stop(worker)
            locker.rollback()
            locker.close()

        # The killed sweep's transaction is gone: nothing of it is saved, the row still says running.
        with watcher.cursor() as cur:
            fs.wait_for(lambda: _backends_on_hazards(cur, dbname) == 0, what="killed backend gone")
        watcher.close()
        run.refresh_from_db()
        assert run.status == "running" and run.finished_at is None
        assert Hazard.objects.count() == 0

        rescuer = fs.start_worker(database=url, redis=redis.url, name="rescuer")
        try:
            # Beat tick 1, RUNNING_TIMEOUT later: the dead running row goes back to the queue and is re-sent.
            SweepRun.objects.filter(pk=run.pk).update(
                started_at=timezone.now() - jobs.RUNNING_TIMEOUT - datetime.timedelta(minutes=1)
            )
            # the new worker's start-up (worker_ready) or this tick takes the dead row back
            broker.send_task("wagewatch.accounts.tasks.requeue_stale_jobs").get(timeout=40)
            run.refresh_from_db()
            assert run.status in ("queued", "running", "done")
            assert "requeued" in run.error
            # Beat tick 2, STALE_AFTER later: if the row still waits its message is re-sent; a run or a
            # second message never runs it twice (attempts == 2 below).
            SweepRun.objects.filter(pk=run.pk).update(
                queued_at=timezone.now() - jobs.STALE_AFTER - datetime.timedelta(minutes=1)
            )
            broker.send_task("wagewatch.accounts.tasks.requeue_stale_jobs").get(timeout=40)
            fs.wait_for(
                lambda: SweepRun.objects.get(pk=run.pk).status in ("done", "failed"),
                timeout=40,
                what="rerun",
            )
            # A late duplicate delivery of the message (e.g. Redis redelivering the unacked one) is a no-op.
            assert broker.send_task("projects.risk.tasks.sweep", args=[run.pk]).get(timeout=40) == "skipped"
        finally:
            fs.stop(rescuer)

    run.refresh_from_db()
    assert run.status == "done", run.error
    assert run.attempts == 2
    assert "requeued" in run.error  # the record says the first attempt was lost
    opened = Hazard.objects.filter(status="open")
    assert opened.count() == run.hazards_opened > 0
    dupes = opened.values("rule", "project").annotate(n=Count("id")).filter(n__gt=1)
    assert not dupes.exists()
    # every hazard has its creation history row (the killed attempt left no orphan either way)
    assert Hazard.history.filter(history_type="+").count() == Hazard.objects.count()
    # a further sweep finds nothing new: the rerun was complete
    again = services.sweep_run(run=SweepRun.objects.create(trigger=SweepRun.Trigger.MANUAL))
    assert again.hazards_opened == 0
