"""A double click on a money form in a real browser sends one request and writes one entry (issue 14 #8)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from deposits.models import DepositEntry
from tests.deposits.factories import make_deposit, make_project

pytestmark = pytest.mark.django_db(transaction=True)


def test_double_click_on_pay_in_sends_one_post_and_writes_one_entry(
    browser_page, log_in, live_server, township_a, department, inspector_a, office
):
    deposit = make_deposit(make_project(township_a, department, name="甲镇工程"), cash="50000", user=office)
    page = browser_page
    log_in(page, inspector_a)
    action = reverse("deposits:entry_add", args=[deposit.pk])
    posts = []
    page.on("request", lambda r: r.method == "POST" and action in r.url and posts.append(r.url))
    page.goto(live_server.url + reverse("deposits:detail", args=[deposit.pk]))
    form = page.locator(f"form[action='{action}']")
    form.locator("[name=amount]").fill("100")
    form.locator("[name=date]").fill("2026-06-01")
    form.locator("button").dblclick()
    page.wait_for_load_state("networkidle")
    assert len(posts) == 1
    assert DepositEntry.objects.filter(deposit=deposit).count() == 2  # the opening pay-in + one
    deposit.refresh_from_db()
    assert deposit.balance == Decimal("50100.00")
