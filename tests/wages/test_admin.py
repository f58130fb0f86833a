import datetime

from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.projects.factories import make_project, make_roster_entry
from tests.wages.factories import CARD, make_pay_line

MARCH = datetime.date(2026, 3, 1)


def test_admin_lists_lines_masked_and_scoped(client_for, inspector_a, township_a, township_b, department):
    mine = make_pay_line(make_roster_entry(make_project(township_a, department)), MARCH)
    theirs = make_pay_line(make_roster_entry(make_project(township_b, department)), MARCH)
    inspector_a.is_staff = True
    inspector_a.save()
    inspector_a.user_permissions.add(Permission.objects.get(codename="view_payline"))
    client = client_for(inspector_a)
    body = client.get(reverse("admin:wages_payline_changelist")).content.decode()
    worker = mine.entry.worker
    assert worker.name in body and worker.masked_id in body and mine.card_masked in body
    assert worker.id_number not in body and CARD not in body
    assert theirs.entry.worker.name not in body
    change = client.get(reverse("admin:wages_payline_change", args=[mine.pk])).content.decode()
    assert mine.card_masked in change and CARD not in change and mine.card_hash not in change
    assert worker.id_number not in change
    other = client.get(reverse("admin:wages_payline_change", args=[theirs.pk]))
    assert other.status_code == 302  # not in the scoped queryset: Django redirects with "does not exist"
