"""Every beat entry names a task a worker actually has (a typo would fail silently at night)."""

from django.conf import settings

from wagewatch.celery import app


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    missing = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] not in app.tasks]
    assert not missing


def test_nightly_jobs_are_scheduled():
    names = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "projects.risk.tasks.sweep_nightly",
        "complaints.tasks.mark_case_deadlines",
        "blacklist.tasks.blacklist_expire_due",
        "wagewatch.accounts.tasks.requeue_stale_jobs",
    } <= names
