"""Double submission: a pay-in, draw or fund form posted twice with one token writes once (once.py)."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from deposits.models import DepositEntry, FundEntry
from tests.once import messages_of, token_in_form, with_token

from .factories import make_deposit, make_order, make_project


@pytest.fixture
def deposit_a(township_a, department, office):
    return make_deposit(make_project(township_a, department, name="甲镇工程"), cash="50000", user=office)


def test_pay_in_posted_twice_with_one_token_is_written_once(client_for, inspector_a, deposit_a):
    client = client_for(inspector_a)
    detail = reverse("deposits:detail", args=[deposit_a.pk])
    url = reverse("deposits:entry_add", args=[deposit_a.pk])
    token = token_in_form(client.get(detail).content.decode(), url)
    data = {"kind": "paid_in", "amount": "100", "date": "2026-06-01", "once_token": token}
    first = client.post(url, data)
    second = client.post(url, data)
    assert DepositEntry.objects.filter(deposit=deposit_a).count() == 2  # the opening pay-in + one
    deposit_a.refresh_from_db()
    assert deposit_a.balance == Decimal("50100.00")
    assert (
        first.status_code == second.status_code == 302 and second["Location"] == first["Location"] == detail
    )
    assert any("第一次提交的结果" in t for t in messages_of(second))


def test_draw_posted_twice_with_one_token_draws_once(client_for, office, deposit_a):
    client = client_for(office)
    order = make_order(deposit_a.project)
    url = reverse("deposits:draw", args=[deposit_a.pk])
    token = token_in_form(client.get(reverse("deposits:detail", args=[deposit_a.pk])).content.decode(), url)
    data = {"order": order.pk, "amount": "2000", "date": "2026-06-01", "once_token": token}
    client.post(url, data)
    client.post(url, data)
    assert DepositEntry.objects.filter(deposit=deposit_a, kind="drawn").count() == 1


def test_fund_capital_posted_twice_with_one_token_is_written_once(client_for, office):
    client = client_for(office)
    url = reverse("deposits:fund_action", args=["capital"])
    token = token_in_form(client.get(reverse("deposits:fund")).content.decode(), url)
    data = {"amount": "10000", "date": "2026-06-01", "once_token": token}
    client.post(url, data)
    client.post(url, data)
    assert FundEntry.objects.count() == 1


def test_pay_in_without_a_token_is_refused_in_chinese(client_for, inspector_a, deposit_a):
    url = reverse("deposits:entry_add", args=[deposit_a.pk])
    response = client_for(inspector_a).post(url, {"kind": "paid_in", "amount": "100", "date": "2026-06-01"})
    assert response.status_code == 302
    assert DepositEntry.objects.filter(deposit=deposit_a).count() == 1
    assert any("令牌" in t for t in messages_of(response))


def test_pay_in_with_another_users_token_is_refused(client_for, inspector_a, office, deposit_a):
    url = reverse("deposits:entry_add", args=[deposit_a.pk])
    data = with_token({"kind": "paid_in", "amount": "100", "date": "2026-06-01"}, office)
    response = client_for(inspector_a).post(url, data)
    assert response.status_code == 302
    assert DepositEntry.objects.filter(deposit=deposit_a).count() == 1
    assert any("不是为当前用户生成" in t for t in messages_of(response))


def test_a_refused_write_leaves_the_token_usable(client_for, office, deposit_a):
    client = client_for(office)
    url = reverse("deposits:draw", args=[deposit_a.pk])
    order = make_order(deposit_a.project)
    data = with_token({"order": order.pk, "amount": "60000", "date": "2026-06-01"}, office)
    client.post(url, data)  # beyond the balance: refused, nothing claimed
    client.post(url, {**data, "amount": "100"})
    assert DepositEntry.objects.filter(deposit=deposit_a, kind="drawn").count() == 1


def test_pages_load_the_submit_disabling_script_from_the_app(client_for, inspector_a, deposit_a):
    page = client_for(inspector_a).get(reverse("deposits:detail", args=[deposit_a.pk])).content.decode()
    assert 'src="/static/js/forms.js"' in page
    script = Path(finders.find("js/forms.js")).read_text(encoding="utf-8")
    assert "disabled" in script and "submit" in script
