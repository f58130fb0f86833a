import pytest
from django.test import Client, override_settings
from django.urls import reverse

from complaints.models import Captcha, Complaint, PublicHit
from tests.once import with_token

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
    data = {
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
