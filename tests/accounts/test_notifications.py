import pytest
from django.core import mail
from django.urls import reverse

from wagewatch.accounts.models import Notification, Role
from wagewatch.accounts.notifications import mark_all_read, notify, recipients, unread_count

pytestmark = pytest.mark.django_db


def test_one_message_per_event_even_when_sent_twice(office, inspector_a):
    office.email = "office@example.gov.cn"
    office.save()
    assert notify(users=[office, inspector_a], event_key="hazard:1:assigned", title="新隐患") == 2
    assert notify(users=[office, inspector_a], event_key="hazard:1:assigned", title="新隐患") == 0
    assert Notification.objects.count() == 2
    # e-mail only where an address exists, and only once
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["office@example.gov.cn"]


def test_recipients_follow_jurisdiction(office, inspector_a, inspector_b, dept_user, township_a, department):
    users = set(
        recipients(
            roles=[Role.OFFICE, Role.INSPECTOR, Role.DEPARTMENT], township=township_a, department=department
        )
    )
    assert users == {office, inspector_a, dept_user}


def test_unread_badge_and_mark_all_read(client_for, inspector_a):
    notify(users=[inspector_a], event_key="case:7:overdue", title="案件超期", url="/complaints/7/")
    client = client_for(inspector_a)
    html = client.get(reverse("inbox")).content.decode()
    assert "案件超期" in html and '<span class="badge">1</span>' in html
    client.post(reverse("inbox_read_all"))
    assert unread_count(inspector_a) == 0
    assert mark_all_read(inspector_a) == 0


def test_inbox_shows_only_own_messages(client_for, inspector_a, inspector_b):
    notify(users=[inspector_b], event_key="x", title="乙的消息")
    assert "乙的消息" not in client_for(inspector_a).get(reverse("inbox")).content.decode()
