import base64
import io
import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from complaints.models import Captcha, Complaint, PublicHit
from tests.once import with_token
from wagewatch.accounts.models import Township

from .factories import make_project

pytestmark = pytest.mark.django_db
FORM = reverse("complaints:public_form")
LOOKUP = reverse("complaints:lookup")
DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
}


def _fresh(client, url=FORM):
    """GET the form; return (key, answer) of the challenge it shows."""
    response = client.get(url)
    assert response.status_code == 200
    key = response.context["captcha_key"]
    return key, Captcha.objects.get(key=key).answer


def _data(key, answer, **extra):
    """A filled form; the generic form's township is township A (the QR code's form ignores it)."""
    data = {
        "township": str(Township.objects.get_or_create(code="TA", defaults={"name": "甲镇"})[0].pk),
        "complainant_name": "刘大力",
        "complainant_phone": "13700001234",
        "respondent_name": "某某劳务公司",
        "workers_involved": "3",
        "amount_claimed": "12000",
        "description": "干了三个月没拿到工资",
        "captcha_key": key,
        "captcha": answer,
    }
    data.update(extra)
    return with_token(data)


def test_form_by_project_code_files_a_case_and_shows_its_number(township_a, department):
    project = make_project(township=township_a, department=department)
    client = Client(enforce_csrf_checks=False)
    url = reverse("complaints:public_project", args=[project.code])
    key, answer = _fresh(client, url)
    response = client.post(url, _data(key, answer), follow=True)
    case = Complaint.objects.get()
    assert case.project == project and case.township == township_a and case.channel == "online"
    assert case.number in response.content.decode()
    assert case.events.get().actor is None


def test_missing_wrong_and_replayed_captcha_are_refused(anonymous):
    key, answer = _fresh(anonymous)
    missing = anonymous.post(FORM, _data("", ""))
    wrong = anonymous.post(FORM, _data(key, str(int(answer) + 1)))
    replay = anonymous.post(FORM, _data(key, answer))  # the key was spent by the wrong attempt
    for response in (missing, wrong, replay):
        assert response.status_code == 400
        assert "验证码错误或已过期" in response.content.decode()
    key2, answer2 = _fresh(anonymous)
    assert anonymous.post(FORM, _data(key2, answer2)).status_code == 302
    assert anonymous.post(FORM, _data(key2, answer2)).status_code == 400  # replay after success
    assert Complaint.objects.count() == 1


def test_csrf_is_enforced():
    client = Client(enforce_csrf_checks=True)
    key, answer = _fresh(client)
    assert client.post(FORM, _data(key, answer)).status_code == 403


@override_settings(CACHES=DEAD_REDIS)
def test_rate_limit_refuses_with_a_clear_page_even_with_redis_down(anonymous, settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "PUBLIC_FORM_RATE_LIMIT": 3}
    for _ in range(3):
        key, answer = _fresh(anonymous)
        assert anonymous.post(FORM, _data(key, answer)).status_code == 302
    key, answer = _fresh(anonymous)
    response = anonymous.post(FORM, _data(key, answer))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Complaint.objects.count() == 3
    other = Client(REMOTE_ADDR="10.0.0.9")
    key, answer = _fresh(other)
    assert other.post(FORM, _data(key, answer)).status_code == 302


def test_forwarded_for_is_honoured_only_behind_trusted_proxies(settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "PUBLIC_FORM_RATE_LIMIT": 1}
    client = Client(REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    key, answer = _fresh(client)
    client.post(FORM, _data(key, answer), HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert list(PublicHit.objects.values_list("address", flat=True)) == ["10.0.0.1"]
    settings.TRUSTED_PROXY_COUNT = 1
    key, answer = _fresh(client)
    assert client.post(FORM, _data(key, answer), HTTP_X_FORWARDED_FOR="5.6.7.8").status_code == 302
    assert PublicHit.objects.filter(address="5.6.7.8").count() == 1


def test_lookup_by_number_and_phone_shows_status_only(anonymous, township_a, department):
    key, answer = _fresh(anonymous)
    anonymous.post(FORM, _data(key, answer, complainant_name="刘大力"))
    case = Complaint.objects.get()
    key, answer = _fresh(anonymous, LOOKUP)
    bad = anonymous.post(
        LOOKUP, {"number": case.number, "phone": "13700009999", "captcha_key": key, "captcha": answer}
    )
    assert bad.status_code == 400 and "没有找到" in bad.content.decode()
    key, answer = _fresh(anonymous, LOOKUP)
    ok = anonymous.post(
        LOOKUP, {"number": case.number, "phone": "13700001234", "captcha_key": key, "captcha": answer}
    )
    page = ok.content.decode()
    assert ok.status_code == 200 and "已登记" in page
    assert "刘大力" not in page and "13700001234" not in page


def test_public_pages_never_500_when_the_database_write_fails(anonymous, monkeypatch):
    from django.db import DatabaseError

    from complaints import services

    key, answer = _fresh(anonymous)

    def broken(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "complaint_receive", broken)
    response = anonymous.post(FORM, _data(key, answer))
    assert response.status_code == 503
    assert "12333" in response.content.decode()


def _captcha_markup(response) -> str:
    page = response.content.decode()
    start = page.index('<div class="captcha">')
    return page[start : page.index("</div>", start)]


def test_challenge_is_a_raster_image_with_no_answer_in_the_markup(anonymous):
    response = anonymous.get(FORM)
    key = response.context["captcha_key"]
    answer = Captcha.objects.get(key=key).answer
    markup = _captcha_markup(response)
    assert "<svg" not in markup and "<text" not in markup
    found = re.search(r'<img[^>]* src="data:image/png;base64,([A-Za-z0-9+/=]+)"', markup)
    assert found, markup[:300]
    png = base64.b64decode(found.group(1))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width >= 100 and image.height >= 30
    assert answer.encode() not in png
    assert answer not in markup.replace(found.group(1), "")


def test_gets_keep_challenge_rows_within_the_bounds(settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "PUBLIC_CAPTCHA_PER_ADDRESS": 5, "PUBLIC_CAPTCHA_MAX": 8}
    Captcha.objects.create(
        key="old", answer="1234", address="10.9.9.9", expires_at=timezone.now() - timedelta(seconds=1)
    )
    client = Client(REMOTE_ADDR="10.0.0.1")
    keys = [client.get(FORM).context["captcha_key"] for _ in range(20)]
    assert not Captcha.objects.filter(key="old").exists()  # expired: deleted
    assert Captcha.objects.filter(address="10.0.0.1").count() == 5
    assert Captcha.objects.filter(key=keys[-1]).exists()  # the newest challenge still works
    for n in range(12):
        Client(REMOTE_ADDR=f"10.1.0.{n}").get(LOOKUP)
    assert Captcha.objects.count() == 8


def test_a_site_shares_one_address_and_each_form_has_its_own_counter(anonymous):
    for _ in range(8):  # a work crew on the site's Wi-Fi: more than the old limit of 5
        key, answer = _fresh(anonymous)
        assert anonymous.post(FORM, _data(key, answer)).status_code == 302
    key, answer = _fresh(anonymous, LOOKUP)
    response = anonymous.post(
        LOOKUP, {"number": "TS1", "phone": "13700001234", "captcha_key": key, "captcha": answer}
    )
    assert response.status_code == 400 and "没有找到" in response.content.decode()
    assert Complaint.objects.count() == 8


def test_submit_and_lookup_limits_are_separate(anonymous, settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "PUBLIC_FORM_RATE_LIMIT": 2, "PUBLIC_LOOKUP_RATE_LIMIT": 3}
    statuses = []
    for _ in range(3):
        key, answer = _fresh(anonymous)
        statuses.append(anonymous.post(FORM, _data(key, answer)).status_code)
    assert statuses == [302, 302, 429]
    lookups = []
    for _ in range(4):
        key, answer = _fresh(anonymous, LOOKUP)
        data = {"number": "TS1", "phone": "13700001234", "captcha_key": key, "captcha": answer}
        lookups.append(anonymous.post(LOOKUP, data).status_code)
    assert lookups == [400, 400, 400, 429]


def test_a_failed_captcha_is_not_counted_as_a_submission(anonymous, settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "PUBLIC_FORM_RATE_LIMIT": 2}
    for _ in range(5):
        key, answer = _fresh(anonymous)
        wrong = anonymous.post(FORM, _data(key, "0" if answer != "0" else "1"))
        assert wrong.status_code == 400 and "验证码错误或已过期" in wrong.content.decode()
    for _ in range(2):
        key, answer = _fresh(anonymous)
        assert anonymous.post(FORM, _data(key, answer)).status_code == 302
    assert PublicHit.objects.count() == 2


def test_full_width_digits_from_a_chinese_keyboard_are_accepted(anonymous):
    key, answer = _fresh(anonymous)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in answer)
    assert anonymous.post(FORM, _data(key, f" {wide} ")).status_code == 302


def test_public_form_posted_twice_with_one_token_files_one_case(anonymous):
    key, answer = _fresh(anonymous)
    data = _data(key, answer)
    first = anonymous.post(FORM, data)
    second = anonymous.post(FORM, data)  # a double tap: the captcha is spent, the token answers
    assert Complaint.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == reverse("complaints:public_done")


def test_public_form_without_a_token_is_refused_in_chinese(anonymous):
    key, answer = _fresh(anonymous)
    data = _data(key, answer)
    del data["once_token"]
    response = anonymous.post(FORM, data)
    assert response.status_code == 400 and "防重复提交令牌" in response.content.decode()
    assert not Complaint.objects.exists()
