"""Writes of the deposits app. Balances change only here, under a row lock (select_for_update)."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import EnforcementOrder
from projects.models import Project
from wagewatch.accounts import roles
from wagewatch.lib import law
from wagewatch.lib.bounds import check_step_day
from wagewatch.lib.periods import years_before
from wagewatch.lib.workdays import add_workdays_info, rewrite_changed, spans_year

from .ledger import move_balance, positive_amount, saved
from .models import (
    ZERO,
    DepositEntry,
    DrawRequest,
    Guarantee,
    WageDeposit,
)
from .selectors import Amount, money, required_deposit

RETURN_START_FIELDS = [
    "work_completed_on", "promise_received_on", "notice_from", "notice_to", "review_due", "calendar_complete"
]  # fmt: skip
Kind = DepositEntry.Kind
_M = TypeVar("_M", bound=models.Model)


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
    field: str = "date",
) -> DepositEntry:
    """Lock the deposit row, write one entry dated ``on`` (checked by ``entry_day_check``) and move the
    balance by its signed amount."""
    amount = positive_amount(amount)
    with transaction.atomic():
        deposit = WageDeposit.objects.select_for_update().get(pk=deposit_id)
        if deposit.status == WageDeposit.Status.RETURNED:
            raise ValidationError(_("保证金已退还，不能再记账"))
        entry_day_check(deposit_id=deposit_id, kind=kind, on=on, field=field)
        entry = DepositEntry(
            deposit=deposit, kind=kind, amount=amount, date=on, note=note, order=order, created_by=user
        )
        move_balance(deposit, entry, user, shortfall=_("金额超过保证金余额 %(balance)s 元"))
    return entry


def entry_day_check(*, deposit_id: int, kind: str, on: datetime.date, field: str = "date") -> None:
    """A deposit entry's real day (DESIGN §9): not in the future; a draw or top-up not before the money was
    first paid in, the return not before the last entry; a ValidationError on ``field`` otherwise."""
    entries = DepositEntry.objects.filter(deposit_id=deposit_id)
    steps: list[tuple[str, datetime.date | None]] = []
    if kind == Kind.RETURNED:
        steps = [("last", entries.aggregate(day=Max("date"))["day"])]
    elif kind not in (Kind.PAID_IN, Kind.OPENING):
        steps = [
            ("paid", entries.filter(kind__in=[Kind.PAID_IN, Kind.OPENING]).aggregate(day=Min("date"))["day"])
        ]
    check_step_day(on, steps=steps, name=field)


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


def deposit_opening_entry(
    *, deposit: WageDeposit, kind: str, amount: Amount, on: datetime.date, user: User
) -> DepositEntry:
    """Go-live (golive): an entry from before the system with its real date (paid in, drawn — its order is
    on paper — or returned); a return that empties the balance marks the deposit returned on that day."""
    amount = positive_amount(amount)
    with transaction.atomic():
        locked = WageDeposit.objects.select_for_update().get(pk=deposit.pk)
        if locked.status == WageDeposit.Status.RETURNED:
            raise ValidationError(_("保证金已退还，不能再记账"))
        entry = DepositEntry(deposit=locked, kind=kind, amount=amount, date=on, opening=True,
                             note=_("上线初始化导入"), created_by=user)  # fmt: skip
        move_balance(locked, entry, user, shortfall=_("金额超过保证金余额 %(balance)s 元"))
        if kind == Kind.RETURNED and locked.balance == 0:
            locked.status, locked.returned_on = WageDeposit.Status.RETURNED, on
            saved(locked, user, update_fields=["status", "returned_on"])
    return entry


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
    amount = positive_amount(amount)
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
    amount = positive_amount(amount)
    _check_order(order, deposit, on)
    _check_unpaid(order.pk, amount, lock=False)  # checked again under the lock when approved
    if amount > deposit.balance:
        raise ValidationError(
            {"amount": _("金额超过保证金余额 %(balance)s 元") % {"balance": deposit.balance}}
        )
    request = DrawRequest(deposit=deposit, order=order, amount=amount, note=note, requested_by=user)
    return saved(request, user)


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
        return saved(request, user)


def _update_locked(deposit_id: int, user: User, step: Callable[[WageDeposit], list[str]]) -> WageDeposit:
    """Lock the deposit row, let ``step`` change some fields (it returns their names), save only those.

    Never a save of a copy read before the lock: that would write back a stale ``balance``.
    """
    with transaction.atomic():
        locked = WageDeposit.objects.select_for_update().get(pk=deposit_id)
        fields = step(locked)
        return saved(locked, user, update_fields=fields)


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
    check_step_day(completed_on, name="completed_on")
    check_step_day(promise_received_on, name="promise_received_on")
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
        check_step_day(on, name="on")
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
        entry_day_check(deposit_id=locked.pk, kind=Kind.RETURNED, on=on, field="on")
        if locked.balance > 0:
            _post(
                deposit_id=locked.pk, kind=Kind.RETURNED, amount=locked.balance, on=on, user=user, field="on"
            )
        for letter in deposit.guarantees.filter(released_on__isnull=True):
            letter.released_on = on
            saved(letter, user, update_fields=["released_on"])
        locked.refresh_from_db()
        locked.returned_on, locked.status = on, WageDeposit.Status.RETURNED
        return saved(locked, user, update_fields=["returned_on", "status"])


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
    amount = positive_amount(amount)
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
        saved(letter, user)
        locked = WageDeposit.objects.select_for_update().get(pk=deposit.pk)
        if locked.form != WageDeposit.Form.GUARANTEE and locked.balance == 0:
            locked.form = WageDeposit.Form.GUARANTEE
            saved(locked, user, update_fields=["form"])
    return letter


# reminders (beat) and the emergency fund: their own modules, one import for the callers
from .fund import advance_pay as advance_pay  # noqa: E402
from .fund import advance_recover as advance_recover  # noqa: E402
from .fund import fund_capital_in as fund_capital_in  # noqa: E402
from .fund import fund_get as fund_get  # noqa: E402
from .reminders import guarantee_expiry_remind as guarantee_expiry_remind  # noqa: E402
from .reminders import return_overdue_remind as return_overdue_remind  # noqa: E402
