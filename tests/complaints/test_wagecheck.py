"""The worker's own wage check (查工资) from the notice board's QR code, and its one-tap complaint."""

import datetime
import logging
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints import selectors
from complaints.models import Captcha, Claimant, Complaint, PublicHit
from tests.once import token_in_form
from tests.projects.factories import make_roster_entry, valid_id
from tests.risk.factories import healthy_project
from tests.wages.factories import make_pay_line
from wagewatch.lib.fields import keyed_hash

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NEUTRAL = "未查到与所填信息一致的记录"


def month(back: int) -> datetime.date:
    day = TODAY.replace(day=1)
    for _ in range(back):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


@pytest.fixture
def project(township_a, department):
    return healthy_project(township_a, department)


@pytest.fixture
def entry(project):
    entry = make_roster_entry(project)
    make_pay_line(entry, month(4))  # paid
    make_pay_line(entry, month(3), net=Decimal("4000.00"))  # 2000 short
    make_pay_line(entry, month(2), net=None, paid_on=None, bank_status="")  # nothing paid
    return entry


@pytest.fixture
def neighbour(project):
    """Another worker on the same roster: nothing of his may show on our worker's page."""
    other = make_roster_entry(project)
    make_pay_line(other, month(3), days=Decimal("17.5"), due=Decimal("7777.77"), net=Decimal("1234.56"))
    return other


def url(project):
    return reverse("complaints:wagecheck", args=[project.code])


def post(client, project, **data):
    response = client.get(url(project))
    key = response.context["captcha_key"]
    answer = Captcha.objects.get(key=key).answer
    return client.post(url(project), {"captcha_key": key, "captcha": answer, **data})


def who(entry, **changes):
    worker = entry.worker
    return {"id_number": worker.id_number, "name": worker.name, "phone": worker.phone, **changes}


def test_notice_board_carries_a_qr_code_to_the_projects_wage_check(project):
    context = selectors.notice_board_context(project=project)
    assert context["check_url"].endswith(f"/c/{project.code}/wages/")
    assert context["check_qr"].startswith("<svg")


def test_matching_worker_sees_his_months_and_nothing_of_anyone_else(project, entry, neighbour):
    response = post(Client(), project, **who(entry))
    assert response.status_code == 200
    page = response.content.decode()
    for m in (4, 3, 2):
        assert f"{month(m):%Y-%m}" in page
    assert "4,000.00" in page and "欠 2,000.00 元" in page and "合计 8,000.00 元" in page
    other = neighbour.worker
    for secret in (other.name, other.phone, "7777.77", "7,777.77", "1234.56", "1,234.56", "17.5"):
        assert secret not in page
    assert entry.worker.id_number not in page


@pytest.mark.parametrize(
    "change",
    [
        {"name": "张冒名"},
        {"phone": "13600000000"},
        {"id_number": valid_id()},  # a valid number not on this roster
    ],
)
def test_any_wrong_combination_gets_the_same_neutral_answer(project, entry, change):
    response = post(Client(), project, **who(entry, **change))
    page = response.content.decode()
    assert response.status_code == 400 and NEUTRAL in page
    assert "2,000.00" not in page and "2000.00" not in page and f"{month(3):%Y-%m}" not in page


def test_a_worker_of_another_project_is_not_found_here(project, entry, township_a, department):
    elsewhere = healthy_project(township_a, department)
    response = post(Client(), elsewhere, **who(entry))
    assert response.status_code == 400 and NEUTRAL in response.content.decode()


def test_each_lookup_is_logged_with_the_id_hash_never_the_number(project, entry, caplog):
    with caplog.at_level(logging.INFO, logger="complaints.views_wagecheck"):
        post(Client(), project, **who(entry))
        post(Client(), project, **who(entry, name="张冒名"))
    hits = list(PublicHit.objects.filter(kind="wagecheck").values_list("id_hash", flat=True))
    assert hits == [keyed_hash(entry.worker.id_number)] * 2
    number = entry.worker.id_number
    assert number not in caplog.text and "matched=True" in caplog.text and "matched=False" in caplog.text
    for row in PublicHit.objects.values():
        assert number not in str(row)


def test_rate_limited_per_address(project, entry, settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "WORKER_CHECK_RATE_LIMIT": 2}
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(2):
        post(client, project, **who(entry, id_number=valid_id()))  # different IDs: only the address counts
    response = post(client, project, **who(entry))
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    assert post(Client(REMOTE_ADDR="10.0.0.8"), project, **who(entry)).status_code == 200


def test_rate_limited_per_id_from_any_address(project, entry, settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "WORKER_CHECK_RATE_LIMIT": 2}
    for i in range(2):
        post(Client(REMOTE_ADDR=f"10.0.1.{i}"), project, **who(entry, phone=f"1360000000{i}"))
    response = post(Client(REMOTE_ADDR="10.0.1.9"), project, **who(entry))
    assert response.status_code == 429
    other = make_roster_entry(project)
    assert post(Client(REMOTE_ADDR="10.0.1.9"), project, **who(other)).status_code == 200


def test_wrong_captcha_is_not_counted_and_shows_no_data(project, entry):
    client = Client()
    client.get(url(project))
    response = client.post(url(project), {"captcha_key": "x", "captcha": "0", **who(entry)})
    assert response.status_code == 400 and "验证码错误" in response.content.decode()
    assert not PublicHit.objects.exists()


def test_one_tap_files_a_case_for_the_unpaid_months_with_the_worker_as_claimant(project, entry):
    client = Client()
    page = post(client, project, **who(entry)).content.decode()
    action = reverse("complaints:wagecheck_complaint", args=[project.code])
    token = token_in_form(page, action)
    check = re.search(r'name="check" value="([^"]+)"', page).group(1)
    response = client.post(action, {"once_token": token, "check": check})
    assert response.status_code == 302 and response.url == reverse("complaints:public_done")
    case = Complaint.objects.get()
    worker = entry.worker
    assert (case.project, case.channel, case.complainant_name) == (project, "online", worker.name)
    assert case.complainant_phone == worker.phone and case.complainant_id_number == worker.id_number
    assert case.amount_claimed == Decimal("8000.00")
    assert (case.arrears_from, case.arrears_to) == (month(3), month(2))
    assert case.respondent == project.contractor
    claimant = Claimant.objects.get(complaint=case)
    assert (claimant.id_number_hash, claimant.month_from, claimant.month_to) == (
        keyed_hash(worker.id_number),
        month(3),
        month(2),
    )
    assert case.number in client.get(response.url).content.decode()
    again = client.post(action, {"once_token": token, "check": check})  # a double tap: the first case only
    assert again.status_code == 302 and Complaint.objects.count() == 1


def test_complaint_button_needs_a_recent_check_of_this_project(project, entry, township_a, department):
    from django.core import signing

    from complaints.views_wagecheck import CHECK_SALT
    from tests.once import with_token

    action = reverse("complaints:wagecheck_complaint", args=[project.code])
    elsewhere = healthy_project(township_a, department)
    for check in (
        "",
        "forged",
        signing.dumps({"e": entry.pk, "p": elsewhere.pk}, salt=CHECK_SALT),  # another project's check
        signing.dumps({"e": entry.pk, "p": project.pk}, salt="another-salt"),
    ):
        response = Client().post(action, with_token({"check": check}))
        assert response.status_code == 302 and response.url == url(project)
    assert not Complaint.objects.exists()
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=31)):
        old = signing.dumps({"e": entry.pk, "p": project.pk}, salt=CHECK_SALT)
    response = Client().post(action, with_token({"check": old}))
    assert response.status_code == 302 and response.url == url(project) and not Complaint.objects.exists()


@pytest.mark.parametrize("extra_months", [0, 24])
def test_check_page_query_count_does_not_grow_with_lines(
    extra_months, project, entry, monkeypatch, django_assert_num_queries
):
    for m in range(5, 5 + extra_months):
        make_pay_line(entry, month(m))
    monkeypatch.setattr("complaints.public._rng.random", lambda: 0.5)  # no pruning of old hits this time
    client = Client()
    key = client.get(url(project)).context["captcha_key"]
    answer = Captcha.objects.get(key=key).answer
    # savepoint, project; rate limit: address and ID counted in one query; captcha read, delete; hit insert,
    # counted again; roster entry with worker, owed lines, lines; release (no session row is written)
    with django_assert_num_queries(11):
        response = client.post(url(project), {"captcha_key": key, "captcha": answer, **who(entry)})
    assert response.status_code == 200 and len(response.context["months"]) == 3 + extra_months
