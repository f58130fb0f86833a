"""The sweep runs through a real Celery worker on Redis and its run record is stored done."""

import time

import pytest

from projects.models import Hazard, SweepRun
from risk import tasks
from tests.projects.factories import make_project

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_sweep_runs_on_a_real_worker_and_records_the_run(celery_worker_thread, township_a, department):
    project = make_project(township_a, department)
    run = SweepRun.objects.create(trigger=SweepRun.Trigger.MANUAL)
    result = tasks.sweep.delay(run.pk)
    assert result.get(timeout=60) == "done"
    for _ in range(50):  # the row is written by the worker's own connection
        run.refresh_from_db()
        if run.status == "done":
            break
        time.sleep(0.1)
    assert run.status == "done" and run.started_at and run.finished_at
    assert run.projects_checked >= 1 and run.hazards_opened > 0
    assert Hazard.objects.filter(project=project, status="open").exists()
