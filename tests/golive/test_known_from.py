import datetime

import pytest
from django.utils import timezone

from golive.models import GoLive
from golive.selectors import hazards_known_from, known_on
from projects.models import SweepRun
from wagewatch.accounts.models import JobStatus

pytestmark = pytest.mark.django_db


def test_nothing_swept_and_no_go_live_means_the_hazard_stock_is_unknown():
    SweepRun.objects.create(status=JobStatus.FAILED)
    assert hazards_known_from(GoLive.earliest()) is None
    assert not known_on(None, datetime.date(2026, 10, 1))


def test_the_hazard_stock_is_known_from_the_earlier_of_go_live_and_the_first_finished_sweep():
    swept = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=timezone.get_current_timezone())
    SweepRun.objects.create(status=JobStatus.DONE, finished_at=swept)
    assert hazards_known_from(GoLive.earliest()) == datetime.date(2026, 11, 20)
    GoLive.objects.create(as_of=datetime.date(2026, 10, 1))
    assert hazards_known_from(GoLive.earliest()) == datetime.date(2026, 10, 1)
    assert known_on(datetime.date(2026, 10, 1), datetime.date(2026, 10, 1))
    assert not known_on(datetime.date(2026, 10, 1), datetime.date(2026, 9, 30))
