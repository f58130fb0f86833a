"""Double submission: a blacklist notice or a certificate posted twice with one token takes one number."""

import datetime

from django.urls import reverse

from blacklist.models import NoArrearsCertificate
from tests.once import messages_of, token_in_form
from wagewatch.accounts.models import NumberCounter

from .factories import make_project, make_proposed


def test_notice_posted_twice_takes_one_number(client_for, office, township_a, department):
    entry = make_proposed(
        user=office, project=make_project(township_a, department), on=datetime.date(2026, 10, 9)
    )
    client = client_for(office)
    url = reverse("blacklist:step", args=[entry.pk, "notice"])
    token = token_in_form(client.get(reverse("blacklist:detail", args=[entry.pk])).content.decode(), url)
    data = {"on": "2026-10-09", "once_token": token}
    client.post(url, data)
    second = client.post(url, data)
    entry.refresh_from_db()
    assert entry.status == "noticed" and NumberCounter.objects.get(name="notice").value == 1
    assert any("第一次提交的结果" in t for t in messages_of(second))


def test_certificate_posted_twice_takes_one_serial(client_for, office, township_a, department):
    project = make_project(township_a, department)
    client = client_for(office)
    url = reverse("blacklist:certificates")
    data = {"enterprise": project.contractor.uscc, "purpose": "投标"}
    data["once_token"] = token_in_form(client.get(url).content.decode())
    first, second = client.post(url, data), client.post(url, data)
    assert NoArrearsCertificate.objects.count() == 1
    assert first.status_code == second.status_code == 302


def test_certificate_without_a_token_is_refused_in_chinese(client_for, office, township_a, department):
    project = make_project(township_a, department)
    response = client_for(office).post(
        reverse("blacklist:certificates"), {"enterprise": project.contractor.uscc, "purpose": "投标"}
    )
    assert response.status_code == 200 and "防重复提交令牌" in response.content.decode()
    assert not NoArrearsCertificate.objects.exists()
