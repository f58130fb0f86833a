"""The deposit admin never writes back a balance read before a pay-in: it saves only what its form changed."""

import datetime
from decimal import Decimal

from django.contrib.admin.sites import site
from django.test import RequestFactory

from deposits import services
from deposits.models import WageDeposit

from .factories import make_deposit, make_project


def test_admin_save_of_a_copy_read_before_a_pay_in_keeps_the_balance(township_a, department, admin):
    deposit = make_deposit(make_project(township_a, department), cash="1000.00", user=admin)
    model_admin = site._registry[WageDeposit]
    request = RequestFactory().post("/")
    request.user = admin
    stale = WageDeposit.objects.get(pk=deposit.pk)  # what the change form loaded
    services.deposit_pay_in(deposit=deposit, amount="500", on=datetime.date(2026, 6, 1), user=admin)
    form_class = model_admin.get_form(request, stale, change=True)
    form = form_class({"form": "guarantee", "status": stale.status}, instance=stale)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    deposit.refresh_from_db()
    assert deposit.form == "guarantee"
    assert deposit.balance == Decimal("1500.00")
