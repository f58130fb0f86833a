import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, make_user
from wagewatch.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_with_csrf(anonymous):
    response = anonymous.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "登录" in html and "用户名" in html and "密码" in html
    assert "csrfmiddlewaretoken" in html
    assert '<html lang="zh-hans">' in html


def test_login_page_switches_to_english(anonymous):
    anonymous.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert anonymous.get(reverse("login")).status_code == 200
    assert anonymous.cookies["django_language"].value == "en"


def test_anonymous_is_sent_to_login(anonymous):
    response = anonymous.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_login_and_dashboard(anonymous, inspector_a):
    response = anonymous.post(
        reverse("login"), {"username": "inspector_a", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作台" in html and "劳动保障监察员" in html


def test_lockout_counts_per_username_and_address(anonymous, inspector_a, settings):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anonymous.post(url, {"username": "inspector_a", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    locked = anonymous.post(url, {"username": "inspector_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    # a colleague on the same site Wi-Fi is not locked out
    make_user("colleague", Role.INSPECTOR)
    ok = anonymous.post(url, {"username": "colleague", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert ok.status_code == 302
    # nor is the same user from another address
    other = anonymous.post(url, {"username": "inspector_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


def test_logout_needs_post(client_for, inspector_a):
    client = client_for(inspector_a)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302


def test_menu_follows_role(client_for, inspector_a, admin):
    assert "系统管理" not in client_for(inspector_a).get("/").content.decode()
    assert "系统管理" in client_for(admin).get("/").content.decode()


def test_inspector_cannot_enter_admin(client_for, inspector_a):
    response = client_for(inspector_a).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_missing_csrf_token_gives_a_chinese_page(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_pages_switch_to_english(client_for, office):
    client = client_for(office)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/projects/").content.decode()
    assert '<html lang="en">' in html
    assert "Projects" in html and "Sign out" in html


def _login_behind_proxy(client, password, forwarded_for):
    data = {"username": "inspector_a", "password": password}
    return client.post(reverse("login"), data, HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR="172.16.0.2")


def test_lockout_behind_proxy_ignores_spoofed_forwarded_for(anonymous, inspector_a, settings):
    # The proxy appends the real client as the rightmost X-Forwarded-For entry; anything left of it is
    # whatever the client sent, so fresh fake addresses there must not dodge the lockout.
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(12):
        _login_behind_proxy(anonymous, "wrong", f"198.51.100.{n}, 203.0.113.7")
    assert _login_behind_proxy(anonymous, PASSWORD, "9.9.9.9, 203.0.113.7").status_code == 429
    # an honest client at another address (one entry, added by the proxy) is not locked out with him
    assert _login_behind_proxy(anonymous, PASSWORD, "203.0.113.8").status_code == 302


def test_lockout_records_the_address_the_proxy_vouches_for(anonymous, inspector_a, settings):
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXY_COUNT = 1
    anonymous.post(
        reverse("login"),
        {"username": "inspector_a", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
        REMOTE_ADDR="172.16.0.2",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.8"]
