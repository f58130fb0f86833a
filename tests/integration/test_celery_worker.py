import pytest

from wagewatch.accounts.models import WorkerHeartbeat
from wagewatch.accounts.tasks import worker_heartbeat

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_real_worker_runs_task_and_stores_result(celery_worker_thread):
    result = worker_heartbeat.delay()
    hostname = result.get(timeout=30)
    # the result came back through the Redis result backend ...
    assert result.successful()
    assert hostname
    # ... and the task's effect is in the database
    beat = WorkerHeartbeat.objects.get(hostname=hostname)
    assert beat.task_id == result.id
