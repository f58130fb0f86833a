"""Writes of the deposits app. Balances change only here, under a row lock (select_for_update)."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import EnforcementOrder
from projects.models import Enterprise, Project
from wagewatch.accounts import roles
from wagewatch.accounts.models import Role
from wagewatch.accounts.notifications import notify, recipients
from wagewatch.lib import law
from wagewatch.lib.periods import years_before
from wagewatch.lib.workdays import add_workdays_info, rewrite_changed, spans_year

from .models import (
    ZERO,
    DepositEntry,
    DrawRequest,
    EmergencyAdvance,
    EmergencyFund,
    FundEntry,
    Guarantee,
    WageDeposit,
)
from .selectors import Amount, money, required_deposit

RETURN_START_FIELDS = [
    "work_completed_on", "promise_received_on", "notice_from", "notice_to", "review_due", "calendar_complete"
]  # fmt: skip
Kind = DepositEntry.Kind
_M = TypeVar("_M", bound=models.Model)


def _positive(amount: Amount) -> Decimal:
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("金额必须大于0")})
    return amount


def _saved(obj: _M, user: User | None, **kwargs: Any) -> _M:
    if user is not None:
        vars(obj)["_history_user"] = user  # the user django-simple-history names in the row save() writes
    obj.save(**kwargs)
    return obj


def _move_balance(
    account: WageDeposit | EmergencyFund,
    entry: DepositEntry | FundEntry,
    user: User | None,
    *,
    shortfall: str,
) -> None:
    """Save ``entry`` and move ``account.balance`` by its signed amount; the caller holds the row lock.

    Refused (``shortfall`` % balance) when the balance would go below zero.
    """
    if account.balance + entry.signed_amount < 0:
        raise ValidationError({"amount": shortfall % {"balance": account.balance}})
    _saved(entry, user)
    account.balance += entry.signed_amount
    _saved(account, user, update_fields=["balance"])


def deposit_open(
    *, project: Project, form: str = WageDeposit.Form.CASH, user: User | None = None
) -> WageDeposit:
    """The project's deposit record, created (empty) when it has none."""
    deposit, created = WageDeposit.objects.get_or_create(project=project, defaults={"form": form})
    if created and user is not None:
        deposit.history.update(history_user=user)
    return deposit


def _post(
    *,
    deposit_id: int,
    kind: str,
    amount: Amount,
    on: datetime.date,
    user: User | None,
    note: str = "",
    order: EnforcementOrder | None = None,
) -> DepositEntry:
    """Lock the deposit row, write one entry and move the balance by its signed amount."""
    amount = _positive(amount)
    with transaction.atomic():
        deposit = WageDeposit.objects.select_for_update().get(pk=deposit_id)
        if deposit.status == WageDeposit.Status.RETURNED:
            raise ValidationError(_("保证金已退还，不能再记账"))
        entry = DepositEntry(
            deposit=deposit, kind=kind, amount=amount, date=on, note=note, order=order, created_by=user
        )
        _move_balance(deposit, entry, user, shortfall=_("金额超过保证金余额 %(balance)s 元"))
    return entry


def deposit_pay_in(
    *, deposit: WageDeposit, amount: Amount, on: datetime.date, user: User, note: str = ""
) -> DepositEntry:
    """Record cash paid into the deposit (缴存)."""
    return _post(deposit_id=deposit.pk, kind=Kind.PAID_IN, amount=amount, on=on, user=user, note=note)


def deposit_top_up(
    *, deposit: WageDeposit, amount: Amount, on: datetime.date, user: User, note: str = ""
) -> DepositEntry:
    """Record the contractor topping the deposit up after a draw (补足)."""
    return _post(deposit_id=deposit.pk, kind=Kind.TOPPED_UP, amount=amount, on=on, user=user, note=note)


def deposit_opening_balance(
    *, deposit: WageDeposit, amount: Amount, on: datetime.date, user: User | None = None
) -> DepositEntry | None:
    """Go-live: the balance held before the system (期初余额), once per deposit; repeating it is a no-op."""
    existing = deposit.entries.filter(kind=Kind.OPENING).first()
    if existing is not None:
        if existing.amount != money(amount):
            raise ValidationError(_("该项目已导入期初余额 %(amount)s 元") % {"amount": existing.amount})
        return None
    note = _("上线期初余额导入")
    return _post(deposit_id=deposit.pk, kind=Kind.OPENING, amount=amount, on=on, user=user, note=note)


def _check_order(order: EnforcementOrder, deposit: WageDeposit, on: datetime.date) -> None:
    if order.kind != EnforcementOrder.Kind.PAY or not order.is_ignored(on):
        raise ValidationError({"order": _("只有逾期未履行的责令支付文书才能作为动用依据")})
    project = deposit.project
    if order.project_id not in (None, project.pk) or (
        order.project_id is None and order.enterprise_id != project.contractor_id
    ):
        raise ValidationError({"order": _("该文书与本项目无关")})


def _order_unpaid(order_id: int, *, lock: bool) -> Decimal:
    """The order's amount less the draws already written against it (the order row locked when ``lock``)."""
    orders = EnforcementOrder.objects.select_for_update() if lock else EnforcementOrder.objects
    amount = orders.values_list("amount", flat=True).get(pk=order_id)
    drawn = DepositEntry.objects.filter(order_id=order_id, kind=Kind.DRAWN).aggregate(total=Sum("amount"))
    return amount - (drawn["total"] or ZERO)


def _check_unpaid(order_id: int, amount: Decimal, *, lock: bool) -> None:
    left = _order_unpaid(order_id, lock=lock)
    if amount > left:
        raise ValidationError({"amount": _("动用金额超过该文书未支付金额 %(left)s 元") % {"left": left}})


def deposit_draw(
    *,
    deposit: WageDeposit,
    order: EnforcementOrder,
    amount: Amount,
    on: datetime.date,
    user: User,
    note: str = "",
) -> DepositEntry:
    """Draw on the deposit to pay wages (动用): only against an ignored pay order, within the balance
    and within what the order still leaves unpaid (checked under the order's row lock)."""
    if not roles.is_office(user):
        raise PermissionDenied(_("动用保证金须由治欠办审批"))
    _check_order(order, deposit, on)
    amount = _positive(amount)
    with transaction.atomic():
        # order row first, then the deposit row (in _post): every draw takes them in this order
        _check_unpaid(order.pk, amount, lock=True)
        return _post(
            deposit_id=deposit.pk, kind=Kind.DRAWN, amount=amount, on=on, user=user, note=note, order=order
        )


def draw_request_create(
    *,
    deposit: WageDeposit,
    order: EnforcementOrder,
    amount: Amount,
    user: User,
    note: str = "",
    on: datetime.date,
) -> DrawRequest:
    """An inspector asks for a draw; office staff decide."""
    amount = _positive(amount)
    _check_order(order, deposit, on)
    _check_unpaid(order.pk, amount, lock=False)  # checked again under the lock when approved
    if amount > deposit.balance:
        raise ValidationError(
            {"amount": _("金额超过保证金余额 %(balance)s 元") % {"balance": deposit.balance}}
        )
    request = DrawRequest(deposit=deposit, order=order, amount=amount, note=note, requested_by=user)
    return _saved(request, user)


def draw_request_decide(*, request: DrawRequest, approve: bool, user: User, on: datetime.date) -> DrawRequest:
    """Approve (the draw is written) or refuse a pending request; a decided one cannot change."""
    with transaction.atomic():
        request = DrawRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != DrawRequest.Status.PENDING:
            raise ValidationError(_("该申请已处理"))
        if approve:
            request.entry = deposit_draw(
                deposit=request.deposit,
                order=request.order,
                amount=request.amount,
                on=on,
                user=user,
                note=request.note,
            )
        request.status = DrawRequest.Status.APPROVED if approve else DrawRequest.Status.REFUSED
        request.decided_by, request.decided_at = user, timezone.now()
        return _saved(request, user)


def _update_locked(deposit_id: int, user: User, step: Callable[[WageDeposit], list[str]]) -> WageDeposit:
    """Lock the deposit row, let ``step`` change some fields (it returns their names), save only those.

    Never a save of a copy read before the lock: that would write back a stale ``balance``.
    """
    with transaction.atomic():
        locked = WageDeposit.objects.select_for_update().get(pk=deposit_id)
        fields = step(locked)
        return _saved(locked, user, update_fields=fields)


def deposit_exempt(*, deposit: WageDeposit, reason: str, user: User, on: datetime.date) -> WageDeposit:
    """Apply the exemption the rules proposed (免缴), with the user's reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写免缴理由")})
    _amount, _reasons, proposed = required_deposit(project=deposit.project, on=on)
    if not proposed:
        raise ValidationError(_("该项目不符合免缴条件"))

    def exempt(locked: WageDeposit) -> list[str]:
        locked.exempt, locked.exemption_reason = True, reason
        locked.exempted_by, locked.exempted_on = user, on
        locked.status = WageDeposit.Status.EXEMPT
        return ["exempt", "exemption_reason", "exempted_by", "exempted_on", "status"]

    return _update_locked(deposit.pk, user, exempt)


# ---- return workflow -------------------------------------------------------------------------------


def deposit_return_start(
    *,
    deposit: WageDeposit,
    completed_on: datetime.date,
    promise_received_on: datetime.date,
    notice_from: datetime.date,
    user: User,
) -> WageDeposit:
    """Completion + written no-arrears promise → 30-day notice; the review is due 5 working days later."""
    if promise_received_on < completed_on:
        raise ValidationError({"promise_received_on": _("承诺书日期不能早于完工日期")})
    if notice_from < promise_received_on:
        raise ValidationError({"notice_from": _("公示不能早于收到承诺书")})

    def start(locked: WageDeposit) -> list[str]:
        locked.work_completed_on, locked.promise_received_on = completed_on, promise_received_on
        locked.notice_from = notice_from
        locked.notice_to = notice_from + datetime.timedelta(days=law.DEPOSIT_NOTICE_DAYS() - 1)
        locked.review_due, locked.calendar_complete = add_workdays_info(
            locked.notice_to, law.DEPOSIT_REVIEW_WORKDAYS()
        )
        locked.status = WageDeposit.Status.RETURNING
        return [*RETURN_START_FIELDS, "status"]

    return _update_locked(deposit.pk, user, start)


def deposit_review_done(*, deposit: WageDeposit, on: datetime.date, user: User) -> WageDeposit:
    """The review after the notice is done; the money is due back within 3 working days."""

    def review(locked: WageDeposit) -> list[str]:
        if not locked.notice_to or on <= locked.notice_to:
            raise ValidationError({"on": _("公示期满后方可审核")})
        locked.review_done_on = on
        locked.return_due, complete = add_workdays_info(on, law.DEPOSIT_RETURN_WORKDAYS())
        locked.calendar_complete = locked.calendar_complete and complete
        return ["review_done_on", "return_due", "calendar_complete"]

    return _update_locked(deposit.pk, user, review)


def deposit_return(*, deposit: WageDeposit, on: datetime.date, user: User) -> WageDeposit:
    """Return the whole cash balance (an entry) and release the letters; the deposit is closed."""
    with transaction.atomic():
        locked = WageDeposit.objects.select_for_update().get(pk=deposit.pk)
        if not locked.review_done_on or on < locked.review_done_on:
            raise ValidationError({"on": _("审核完成后方可退还")})
        if locked.balance > 0:
            _post(deposit_id=locked.pk, kind=Kind.RETURNED, amount=locked.balance, on=on, user=user)
        for letter in deposit.guarantees.filter(released_on__isnull=True):
            letter.released_on = on
            _saved(letter, user, update_fields=["released_on"])
        locked.refresh_from_db()
        locked.returned_on, locked.status = on, WageDeposit.Status.RETURNED
        return _saved(locked, user, update_fields=["returned_on", "status"])


def _return_deadlines_again(deposit: WageDeposit) -> WageDeposit:
    """Review and return deadlines from the stored notice end and review day, with today's calendar."""
    assert deposit.notice_to is not None  # only deposits with a notice are recomputed
    deposit.review_due, complete = add_workdays_info(deposit.notice_to, law.DEPOSIT_REVIEW_WORKDAYS())
    if deposit.review_done_on:
        deposit.return_due, more = add_workdays_info(deposit.review_done_on, law.DEPOSIT_RETURN_WORKDAYS())
        complete = complete and more
    deposit.calendar_complete = complete
    return deposit


@transaction.atomic
def deposit_deadlines_recompute(year: int | None = None) -> int:
    """Recompute return deadlines stored without holiday data covering ``year``: 1 read, bulk write."""
    span = spans_year(year, start="notice_to", dues=("review_due", "return_due"))
    fields = ["review_due", "return_due", "calendar_complete"]
    # the rows are locked: a return step running meanwhile must not be overwritten (or overwrite these)
    flagged = WageDeposit.objects.filter(span, notice_to__isnull=False).select_for_update(of=("self",))
    return rewrite_changed(flagged, fields, _return_deadlines_again)


# ---- guarantee letters -----------------------------------------------------------------------------


def guarantee_flags(
    *,
    amount: Decimal,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    required: Decimal,
    project: Project,
) -> list[str]:
    """Why a letter falls short: below the required amount, valid under 1 year, ending before the contract."""
    flags = []
    if amount < required:
        flags.append(_("担保金额低于应缴额 %(required)s 元") % {"required": required})
    years = law.GUARANTEE_MIN_VALID_YEARS()
    if valid_from and valid_to and years_before(valid_to, years) < valid_from:
        flags.append(_("有效期不足%(years)s年") % {"years": years})
    if valid_to and project.planned_finish and valid_to < project.planned_finish:
        flags.append(_("有效期短于合同工期（计划竣工 %(day)s）") % {"day": project.planned_finish})
    if not valid_to:
        flags.append(_("有效期未登记"))
    return flags


def guarantee_register(
    *,
    deposit: WageDeposit,
    issuer_kind: str,
    issuer_name: str,
    number: str,
    amount: Amount,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    user: User,
    on: datetime.date,
) -> Guarantee:
    """Register a guarantee letter, flagged when it does not meet the rules (it is still recorded)."""
    amount = _positive(amount)
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": _("有效期截止日不能早于起始日")})
    required, _reasons, _proposed = required_deposit(project=deposit.project, on=on)
    letter = Guarantee(
        deposit=deposit,
        issuer_kind=issuer_kind,
        issuer_name=(issuer_name or "").strip(),
        number=(number or "").strip(),
        amount=amount,
        valid_from=valid_from,
        valid_to=valid_to,
        created_by=user,
    )
    letter.flags = guarantee_flags(
        amount=amount, valid_from=valid_from, valid_to=valid_to, required=required, project=deposit.project
    )
    letter.full_clean(exclude=["deposit", "created_by"])
    with transaction.atomic():
        _saved(letter, user)
        locked = WageDeposit.objects.select_for_update().get(pk=deposit.pk)
        if locked.form != WageDeposit.Form.GUARANTEE and locked.balance == 0:
            locked.form = WageDeposit.Form.GUARANTEE
            _saved(locked, user, update_fields=["form"])
    return letter


# ---- reminders (beat) ------------------------------------------------------------------------------


def _tell(project: Project, *, key: str, title: str, body: str, url: str) -> int:
    users = recipients(roles=(Role.OFFICE, Role.INSPECTOR), township=project.township_id)
    return notify(users=users, event_key=key, title=title, body=body, url=url)


def guarantee_expiry_remind(*, on: datetime.date) -> int:
    """Tell the township's inspectors and the office of letters ending within a month (once per letter)."""
    soon = on + datetime.timedelta(days=law.GUARANTEE_EXPIRY_WARNING_DAYS())
    letters = (
        Guarantee.objects.in_force(on)
        .filter(valid_to__isnull=False, valid_to__lte=soon, deposit__returned_on__isnull=True)
        .select_related("deposit__project")
    )
    sent = 0
    for letter in letters:
        project = letter.deposit.project
        sent += _tell(
            project,
            key=f"deposits:guarantee-expiring:{letter.pk}:{letter.valid_to:%Y%m%d}",
            title=_("保函即将到期：%(project)s") % {"project": project.name},
            body=_("%(letter)s 于 %(day)s 到期，请督促施工总承包单位续保或改缴现金。")
            % {"letter": letter, "day": letter.valid_to},
            url=reverse("deposits:detail", args=[letter.deposit_id]),
        )
    return sent


def return_overdue_remind(*, on: datetime.date) -> int:
    """Tell of return-workflow steps past their deadline (review, return), once per step and deadline."""
    sent = 0
    returning = WageDeposit.objects.filter(status=WageDeposit.Status.RETURNING).select_related("project")
    for deposit in returning:
        for step, label, overdue, due in (
            ("review", _("审核"), deposit.review_overdue(on), deposit.review_due),
            ("return", _("退还"), deposit.return_overdue(on), deposit.return_due),
        ):
            if not overdue:
                continue
            sent += _tell(
                deposit.project,
                key=f"deposits:return-overdue:{deposit.pk}:{step}:{due:%Y%m%d}",
                title=_("保证金%(step)s逾期：%(project)s") % {"step": label, "project": deposit.project.name},
                body=_("期限 %(due)s 已过。") % {"due": due},
                url=reverse("deposits:detail", args=[deposit.pk]),
            )
    return sent


# ---- emergency revolving fund ----------------------------------------------------------------------


def fund_get() -> EmergencyFund:
    """The county's one fund row (created empty on first use)."""
    return EmergencyFund.objects.get_or_create(key="county")[0]


def _fund_post(
    *,
    kind: str,
    amount: Decimal,
    on: datetime.date,
    user: User,
    note: str = "",
    advance: EmergencyAdvance | None = None,
) -> FundEntry:
    fund_get()
    with transaction.atomic():
        fund = EmergencyFund.objects.select_for_update().get(key="county")
        entry = FundEntry(
            fund=fund, kind=kind, amount=amount, date=on, advance=advance, note=note, created_by=user
        )
        _move_balance(fund, entry, user, shortfall=_("应急周转金余额不足（%(balance)s 元）"))
    return entry


def fund_capital_in(*, amount: Amount, on: datetime.date, user: User, note: str = "") -> FundEntry:
    """Money put into the fund (财政注资)."""
    return _fund_post(kind=FundEntry.Kind.CAPITAL, amount=_positive(amount), on=on, user=user, note=note)


def advance_pay(
    *,
    enterprise: Enterprise,
    amount: Amount,
    workers: int,
    on: datetime.date,
    user: User,
    project: Project | None = None,
    note: str = "",
) -> EmergencyAdvance:
    """Advance wages to workers out of the fund (垫付); refused beyond the fund's balance."""
    amount = _positive(amount)
    if workers < 1:
        raise ValidationError({"workers": _("垫付人数至少为1")})
    with transaction.atomic():
        advance = EmergencyAdvance(
            project=project,
            enterprise=enterprise,
            township_id=project.township_id if project else None,
            amount=amount,
            workers=workers,
            paid_on=on,
            note=note,
            created_by=user,
        )
        _saved(advance, user)
        _fund_post(kind=FundEntry.Kind.ADVANCE, amount=amount, on=on, user=user, note=note, advance=advance)
    return advance


def advance_recover(
    *, advance: EmergencyAdvance, amount: Amount, on: datetime.date, user: User, note: str = ""
) -> FundEntry:
    """Money recovered from the employer back into the fund (追回), never more than is outstanding."""
    amount = _positive(amount)
    with transaction.atomic():
        advance = EmergencyAdvance.objects.select_for_update().get(pk=advance.pk)
        if amount > advance.outstanding:
            raise ValidationError({"amount": _("超过未追回金额 %(left)s 元") % {"left": advance.outstanding}})
        entry = _fund_post(
            kind=FundEntry.Kind.RECOVERY, amount=amount, on=on, user=user, note=note, advance=advance
        )
        advance.recovered += amount
        _saved(advance, user, update_fields=["recovered"])
    return entry
