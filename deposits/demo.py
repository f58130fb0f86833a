"""Demo county: deposits for most projects, a few guarantee letters (one expiring soon), a draw against an
ignored order, and an emergency advance (idempotent: money is written only where none exists yet)."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from complaints.models import EnforcementOrder
from complaints.services import order_create
from projects.models import Project

from . import services
from .models import EmergencyAdvance, Guarantee, WageDeposit
from .selectors import required_deposit

DEMO = "演示数据"


def seed(*, stdout) -> None:
    projects = list(Project.objects.select_related("contractor", "township").order_by("code"))
    if not projects:
        stdout.write("  deposits: no demo projects, skipped")
        return
    today = timezone.localdate()
    user = User.objects.filter(username="office").first()
    for i, project in enumerate(projects):
        if i % 6 != 5:  # most projects, not all: some show as missing a deposit
            _deposit(i, project, today, user)
    _draw(projects, today, user)
    _advance(projects[0], today, user)
    stdout.write(f"  deposits {WageDeposit.objects.count()}, guarantees {Guarantee.objects.count()}")


def _deposit(i: int, project: Project, today: datetime.date, user) -> None:
    form = WageDeposit.Form.GUARANTEE if i % 4 == 1 else WageDeposit.Form.CASH
    deposit = services.deposit_open(project=project, form=form, user=user)
    required = required_deposit(project=project, on=today)[0]
    if form == WageDeposit.Form.CASH:
        if not deposit.entries.exists():
            amount = required if i % 5 else (required * Decimal("0.6")).quantize(Decimal("0.01"))
            services.deposit_pay_in(
                deposit=deposit, amount=amount or Decimal(1), on=project.start_date, user=user
            )
        return
    if deposit.guarantees.exists():
        return
    valid_to = (
        today + datetime.timedelta(days=20)
        if i == 1
        else project.planned_finish + datetime.timedelta(days=90)
    )
    services.guarantee_register(
        deposit=deposit, issuer_kind=["bank", "insurance", "guarantor"][i % 3], issuer_name="农行县支行",
        number=f"BH{project.code}", amount=required or Decimal(1), valid_from=project.start_date,
        valid_to=max(valid_to, project.start_date), user=user, on=today,
    )  # fmt: skip


def _draw(projects, today, user) -> None:
    """One draw against a pay order past its deadline (a demo order, else one made for the first deposit)."""
    if user is None:
        return
    cash = WageDeposit.objects.filter(form="cash", balance__gt=0, project__in=projects).select_related(
        "project"
    )
    deposit: WageDeposit | None
    for deposit in cash:
        if deposit.entries.filter(kind="drawn").exists():
            return
    ignored = EnforcementOrder.objects.filter(kind="pay", complied_on__isnull=True, deadline__lt=today)
    pairs = ((d, ignored.filter(project=d.project).first()) for d in cash)
    deposit, order = next(((d, o) for d, o in pairs if o is not None), (cash.first(), None))
    if deposit is None:
        return
    if order is None:
        order = order_create(
            kind="pay", enterprise=deposit.project.contractor, deadline=today - datetime.timedelta(days=30),
            requirement="限期支付拖欠的农民工工资", user=user, project=deposit.project,
            amount=Decimal("20000"), issued_on=today - datetime.timedelta(days=45),
            served_on=today - datetime.timedelta(days=40),
        )  # fmt: skip
    amount = min(deposit.balance, order.amount or Decimal("10000"), Decimal("20000"))
    services.deposit_draw(deposit=deposit, order=order, amount=amount, on=today, user=user, note=DEMO)


def _advance(project: Project, today: datetime.date, user) -> None:
    if EmergencyAdvance.objects.filter(note=DEMO).exists():
        return
    services.fund_capital_in(
        amount=Decimal("500000"), on=today - datetime.timedelta(days=90), user=user, note=DEMO
    )
    advance = services.advance_pay(
        project=project, enterprise=project.contractor, amount=Decimal("86000"), workers=14,
        on=today - datetime.timedelta(days=60), user=user, note=DEMO,
    )  # fmt: skip
    services.advance_recover(
        advance=advance, amount=Decimal("30000"), on=today - datetime.timedelta(days=20), user=user
    )
