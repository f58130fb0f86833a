import pytest


@pytest.fixture
def celery_worker_thread(transactional_db):
    """A real Celery worker consuming from the Redis broker (needs REDIS_URL), in a thread."""
    from celery.contrib.testing.worker import start_worker

    from wagewatch.celery import app

    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"
        ):
            yield app
    finally:
        app.conf.task_always_eager = eager
