"""Spent one-time form tokens do not pile up: the hourly task deletes those past their lifetime."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.utils import timezone

from wagewatch.accounts import once, tasks
from wagewatch.accounts.models import FormToken


def test_purge_deletes_tokens_past_their_lifetime_and_keeps_fresh_ones(office):
    now = timezone.now()
    with time_machine.travel(now - timedelta(seconds=once.MAX_AGE, hours=2)):
        FormToken.objects.create(token="old", user=office, result_url="/x/")
    FormToken.objects.create(token="fresh", user=office, result_url="/y/")
    assert tasks.purge_form_tokens() == 1
    assert tasks.purge_form_tokens() == 0  # safe to run twice
    assert list(FormToken.objects.values_list("token", flat=True)) == ["fresh"]


def test_purge_runs_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-form-tokens"]
    assert entry["task"] == "wagewatch.accounts.tasks.purge_form_tokens"
