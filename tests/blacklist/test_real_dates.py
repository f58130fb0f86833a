"""Blacklist steps on their real days (DESIGN §9): never in the future, never before the step they follow;
the step record carries the day, the history who entered it and when."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from blacklist import services
from tests.once import messages_of, with_token

from .factories import make_listed, make_project, make_proposed

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def project(township_a, department):
    return make_project(township_a, department)


def test_notice_before_the_proposal_or_in_the_future_is_refused_on_the_page(client_for, office, project):
    entry = make_proposed(user=office, project=project, on=D(2026, 10, 9))
    client = client_for(office)
    url = reverse("blacklist:step", args=[entry.pk, "notice"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for day, message in (
        ("2026-10-08", "不能早于上一步骤的日期（2026-10-09）"),
        (tomorrow.isoformat(), "不能晚于今天"),
    ):
        response = client.post(url, with_token({"on": day}, office))
        assert response.status_code == 302 and any(message in m for m in messages_of(response))
        entry.refresh_from_db()
        assert entry.status == "proposed" and entry.notice_seq is None
        assert list(entry.steps.values_list("step", flat=True)) == ["propose"]


def test_steps_carry_their_real_days_and_history_the_entry(office, project):
    entry = make_listed(user=office, project=project, listed_on=D(2026, 3, 2))
    days = [(s.step, timezone.localdate(s.at)) for s in entry.steps.order_by("at", "id")]
    assert days == [
        ("propose", D(2026, 1, 21)),
        ("notice", D(2026, 1, 21)),
        ("decide_list", D(2026, 3, 1)),
        ("publish", D(2026, 3, 2)),
    ]
    record = entry.history.order_by("-history_date").first()
    assert record.history_user == office and timezone.localdate(record.history_date) == timezone.localdate()
    assert record.listed_on == D(2026, 3, 2)


def test_removal_not_before_listing(office, project):
    entry = make_listed(user=office, project=project, listed_on=D(2026, 3, 2))
    with pytest.raises(ValidationError) as refused:
        day = D(2026, 3, 1)
        services.blacklist_remove_early(
            entry=entry, arrears_paid_on=day, commitment_filed_on=day, reason="", user=office, on=day
        )
    assert "on" in refused.value.error_dict
    entry.refresh_from_db()
    assert entry.status == "listed" and entry.removed_on is None
