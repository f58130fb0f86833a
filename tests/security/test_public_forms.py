"""Hostile input on every public page: any input gets a clean answer (200/302/400/404/429), never a 500.

Pages: the complaint form (/c/ and /c/<project code>/), the case lookup (/c/lookup/), the worker's wage
check (/c/<project code>/wages/ and its complaint button), the certificate
verification (/verify/<serial>/?code=…) and the published blacklist (/blacklist/public/ with any query).
Posts carry a solved captcha so the input reaches the form and the service behind it.
"""

import urllib.parse

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints.models import Captcha, Complaint
from tests.complaints.factories import make_project
from tests.once import with_token

pytestmark = pytest.mark.django_db
CLEAN = {200, 302, 400, 404, 429}
PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Anything a browser can send (no lone surrogates: they cannot be encoded by any client), incl. NUL.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
nasty = st.sampled_from(
    [
        "",
        "\x00",
        "a\x00b",
        "=cmd|' /C calc'!A0",
        "'; DROP TABLE complaints_complaint; --",
        "<script>alert(1)</script>",
        "{{ settings.SECRET_KEY }}",
        "%s%s%s%n",
        "../../../../etc/passwd",
        "９" * 40,
        "1" * 5000,
        "-1",
        "1e309",
        "NaN",
        "99999999999999999999999999",
        "2026-02-30",
        "0000-00-00",
        "１３８００１３８０００",
        "+86 138-0013-8000",
        "🙂" * 60,
        "\u202e\u200b\ufeff",
    ]
)
value = st.one_of(nasty, any_text)
complaint_data = st.fixed_dictionaries(
    {},
    optional={
        "complainant_name": st.one_of(st.just("刘大力"), value),
        "complainant_phone": st.one_of(st.just("13700001234"), value),
        "complainant_id_number": st.one_of(st.just("110101199003074514"), value),
        "respondent_name": st.one_of(st.just("某某劳务公司"), value),
        "workers_involved": st.one_of(st.just("3"), value),
        "amount_claimed": st.one_of(st.just("12000"), value),
        "arrears_from": st.one_of(st.just("2026-01-01"), value),
        "arrears_to": st.one_of(st.just("2026-03-01"), value),
        "description": st.one_of(st.just("干了三个月没拿到工资"), value),
        "channel": value,
        "project": value,
        "township": value,
    },
)


@pytest.fixture
def no_rate_limit(settings):
    settings.WAGEWATCH = {
        **settings.WAGEWATCH,
        "PUBLIC_FORM_RATE_LIMIT": 10**9,
        "PUBLIC_LOOKUP_RATE_LIMIT": 10**9,
        "WORKER_CHECK_RATE_LIMIT": 10**9,
    }


def _captcha(client, url):
    response = client.get(url)
    assert response.status_code == 200
    key = response.context["captcha_key"]
    return key, Captcha.objects.get(key=key).answer


def _post(client, url, data):
    key, answer = _captcha(client, url)
    return client.post(url, with_token({"captcha_key": key, "captcha": answer, **data}))


@PROPERTY
@given(data=complaint_data)
def test_public_complaint_form_answers_cleanly(no_rate_limit, data):
    client = Client()
    response = _post(client, reverse("complaints:public_form"), data)
    assert response.status_code in CLEAN, response.status_code
    if response.status_code == 302:
        assert Complaint.objects.filter(events__isnull=False).exists()


@PROPERTY
# NUL in the path is answered 400 by RejectNulMiddleware (test_nul_characters_get_a_clean_answer)
@given(data=complaint_data, code=st.one_of(st.just(None), value.filter(lambda c: "\x00" not in c)))
def test_public_complaint_form_by_project_code_answers_cleanly(no_rate_limit, data, code):
    project = make_project()
    code = project.code if code is None else code
    url = "/c/" + urllib.parse.quote(code, safe="") + "/"
    client = Client()
    response = client.get(url)
    assert response.status_code in CLEAN | {301}, (code, response.status_code)
    if response.status_code == 200 and "captcha_key" in (response.context or {}):
        key = response.context["captcha_key"]
        answer = Captcha.objects.get(key=key).answer
        response = client.post(url, with_token({"captcha_key": key, "captcha": answer, **data}))
        assert response.status_code in CLEAN, response.status_code


@PROPERTY
@given(number=value, phone=value, captcha=st.one_of(st.none(), value))
def test_case_lookup_answers_cleanly(no_rate_limit, number, phone, captcha):
    client = Client()
    url = reverse("complaints:lookup")
    key, answer = _captcha(client, url)
    data = {
        "number": number,
        "phone": phone,
        "captcha_key": key,
        "captcha": answer if captcha is None else captcha,
    }
    response = client.post(url, data)
    assert response.status_code in CLEAN, response.status_code


@PROPERTY
@given(id_number=value, name=value, phone=value)
def test_wage_check_answers_cleanly(no_rate_limit, id_number, name, phone):
    project = make_project()
    client = Client()
    url = reverse("complaints:wagecheck", args=[project.code])
    response = _post(client, url, {"id_number": id_number, "name": name, "phone": phone})
    assert response.status_code in CLEAN, response.status_code
    complaint = reverse("complaints:wagecheck_complaint", args=[project.code])
    assert client.post(complaint, with_token({"x": id_number})).status_code in CLEAN


def test_public_form_without_captcha_or_over_the_limit_is_refused_cleanly(settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "PUBLIC_FORM_RATE_LIMIT": 2}
    client = Client()
    url = reverse("complaints:public_form")
    statuses = [client.post(url, {"captcha_key": "x" * 500, "captcha": "\x00"}).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 400]  # a failed captcha is not counted against the address
    statuses = [_post(client, url, {}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]  # solved captchas count (the empty form is then refused)


@PROPERTY
@given(serial=value, code=st.one_of(st.none(), value), extra=st.dictionaries(any_text, any_text, max_size=3))
def test_certificate_verify_answers_cleanly(serial, code, extra):
    url = "/verify/" + urllib.parse.quote(serial or "x", safe="") + "/"
    params = {**extra, **({} if code is None else {"code": code})}
    response = Client().get(url, params)
    assert response.status_code in CLEAN, (serial, response.status_code)


@PROPERTY
@given(
    params=st.dictionaries(
        st.one_of(st.sampled_from(["q", "on", "page", "date", "enterprise"]), any_text), value, max_size=4
    )
)
def test_public_blacklist_answers_cleanly(params):
    response = Client().get(reverse("blacklist:public"), params)
    has_nul = any("\x00" in k or "\x00" in str(v) for k, v in params.items())
    assert response.status_code == (400 if has_nul else 200)


@PROPERTY
@given(username=value.filter(lambda v: len(v) <= 255), password=value)
def test_login_form_answers_cleanly(username, password):
    response = Client().post(reverse("login"), {"username": username, "password": password})
    assert response.status_code in CLEAN | {403}, response.status_code


@pytest.mark.postgres
def test_login_with_an_overlong_username_is_refused_cleanly():
    response = Client().post(reverse("login"), {"username": "1" * 300, "password": "x"})
    assert response.status_code in CLEAN


NUL_CASES = [
    ("get", "/c/a%00b/", {}),
    ("get", "/c/", {"x": "\x00"}),
    (
        "post",
        "/c/",
        {"complainant_name": "\x00", "complainant_phone": "1\x0037000012", "description": "\x00"},
    ),
    ("post", "/c/lookup/", {"number": "TS\x00", "phone": "\x00"}),
    ("get", "/verify/a%00b/", {"code": "\x00"}),
    ("get", "/verify/x/", {"code": "a\x00"}),
    ("get", "/blacklist/public/", {"q": "\x00", "page": "\x00"}),
    ("post", "/accounts/login/", {"username": "a\x00", "password": "\x00"}),
]


@pytest.mark.parametrize(("method", "url", "data"), NUL_CASES)
def test_nul_characters_get_a_clean_answer(no_rate_limit, method, url, data):
    """PostgreSQL refuses NUL in a query parameter: every public page must not pass one through."""
    client = Client()
    if method == "post" and url.startswith("/c/"):
        response = _post(client, url, data)
    else:
        response = getattr(client, method)(url, data)
    assert response.status_code in CLEAN | {403}, response.status_code
