"""Writes of the blacklist app: the legal steps of a listing, grades and no-arrears certificates.

Order of steps (令第45号): propose → issue prior notice (事先告知书) → statement (optional) → decide
(list / not list) → publish (listed 3 years) → early removal or expiry. Decision rule: an approver may
decide once the enterprise's statement is recorded, or once the defence period has passed without one
(the day after ``defence_due``); deciding earlier would cut short the enterprise's right to be heard.
"""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from complaints.models import Complaint, EnforcementOrder
from projects.models import Enterprise
from wagewatch.accounts import roles
from wagewatch.accounts.models import Role
from wagewatch.accounts.notifications import notify, recipients
from wagewatch.accounts.numbering import next_number
from wagewatch.lib import law
from wagewatch.lib.bounds import check_step_day, step_moment
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.periods import add_months
from wagewatch.lib.validators import validate_resident_id
from wagewatch.lib.workdays import add_workdays_info, rewrite_changed, spans_year

from .acting import _require_approver, _user
from .models import (
    BlacklistEntry,
    BlacklistStep,
    Grade,
    IntegrityGrade,
    ResponsiblePerson,
)
from .selectors import compute_grades

S = BlacklistEntry.Status


def _step(
    entry: BlacklistEntry, user: User | None, step: str, note: str = "", on: datetime.date | None = None
) -> BlacklistStep:
    """A recorded step, at the moment of its real day ``on`` when given (noon of a day entered later)."""
    at = step_moment(on) if on is not None else timezone.now()
    return BlacklistStep.objects.create(entry=entry, actor=_user(user), step=step, note=note, at=at)


def entry_step_dates(entry: BlacklistEntry) -> list[tuple[str, datetime.date | None]]:
    """The dated steps an entry has taken, oldest first: a new step's real day may not come before them."""
    return [
        ("proposed", entry.proposed_on),
        ("notice", entry.notice_date),
        ("statement", entry.statement_on),
        ("decided", entry.decided_on),
        ("listed", entry.listed_on),
        ("removed", entry.removed_on),
    ]


def _step_day(entry: BlacklistEntry, on: datetime.date | None) -> datetime.date:
    """The real day of the entry's next step (default today): not in the future, not before its last step."""
    on = on or timezone.localdate()
    check_step_day(on, steps=entry_step_dates(entry), name="on")
    return on


def _save(entry: BlacklistEntry, user: User | None, fields: list[str]) -> None:
    entry._history_user = _user(user)
    entry.save(update_fields=fields)


def _lock(entry: BlacklistEntry) -> BlacklistEntry:
    """Reload the entry under a row lock, so two clicks cannot both take the same step."""
    return BlacklistEntry.objects.select_for_update().get(pk=entry.pk)


def _require(entry: BlacklistEntry, *, statuses: list[str], action: str) -> None:
    if entry.status not in statuses:
        raise ValidationError(
            _("当前状态为“%(s)s”，不能%(a)s") % {"s": entry.get_status_display(), "a": action}
        )


def _require_staff(user: User) -> None:
    if not (roles.is_office(user) or roles.is_inspector(user)):
        raise PermissionDenied(_("无权办理失信名单事项"))


@transaction.atomic
def blacklist_propose(
    *,
    order: EnforcementOrder,
    basis_kind: str,
    reason: str,
    user: User,
    complaint: Complaint | None = None,
    on: datetime.date | None = None,
) -> BlacklistEntry:
    """Propose listing the enterprise of an ignored order to pay (inspectors, office, admin)."""
    _require_staff(user)
    on = on or timezone.localdate()
    check_step_day(on, name="on")
    if not EnforcementOrder.objects.visible_to(user).filter(pk=order.pk).exists():
        raise PermissionDenied(_("无权依据该文书提请"))
    if order.kind != EnforcementOrder.Kind.PAY or not order.is_ignored(on):
        raise ValidationError(_("只有逾期未履行的责令支付工资文书才能作为提请列入的依据"))
    if basis_kind not in BlacklistEntry.BasisKind.values:
        raise ValidationError(_("请选择列入情形：达到拒不支付劳动报酬罪追诉标准，或引发群体性、极端事件"))
    if not (reason or "").strip():
        raise ValidationError(_("请填写列入事由"))
    open_entry = BlacklistEntry.objects.filter(enterprise_id=order.enterprise_id).exclude(
        status__in=BlacklistEntry.CLOSED_STATUSES
    )
    if open_entry.filter(Q(expires_on__isnull=True) | Q(expires_on__gt=on)).exists():
        raise ValidationError(_("该企业已有正在办理或在列的失信名单记录"))
    if open_entry.exists():  # listed, expired by date, not yet marked by the nightly job
        blacklist_expire_due(on=on)
    entry = BlacklistEntry(
        enterprise_id=order.enterprise_id,
        basis_order=order,
        complaint=complaint or order.complaint,
        basis_kind=basis_kind,
        reason=reason.strip(),
        proposed_by=_user(user),
        proposed_on=on,
    )
    entry._history_user = _user(user)
    entry.save()
    _step(entry, user, BlacklistStep.Step.PROPOSE, _("依据%(o)s提请") % {"o": order.number}, on=on)
    _notify_approvers(entry)
    return entry


def _notify_approvers(entry: BlacklistEntry) -> None:
    """Tell the approvers a proposal waits for the prior notice."""
    approvers = recipients(roles=[Role.OFFICE, Role.ADMIN]).filter(
        Q(profile__is_approver=True) | Q(profile__role=Role.ADMIN)
    )
    notify(
        users=approvers,
        event_key=f"blacklist-proposed-{entry.pk}",
        title=_("失信名单提请待审：%(e)s") % {"e": entry.enterprise.name},
        body=entry.reason[:200],
        url=reverse("blacklist:detail", args=[entry.pk]),
    )


@transaction.atomic
def blacklist_issue_notice(
    *, entry: BlacklistEntry, user: User, on: datetime.date | None = None
) -> BlacklistEntry:
    """Issue the prior notice (事先告知书) with the next gap-free number; the defence period starts."""
    _require_approver(user)
    entry = _lock(entry)
    _require(entry, statuses=[S.PROPOSED], action=_("送达事先告知书"))
    on = _step_day(entry, on)
    entry.defence_due, entry.calendar_complete = _defence_due(on)
    entry.notice_year, entry.notice_seq = on.year, next_number(name="notice", year=on.year)
    entry.notice_date = on
    entry.status = S.NOTICED
    _save(
        entry,
        user,
        ["defence_due", "calendar_complete", "notice_year", "notice_seq", "notice_date", "status"],
    )
    _step(
        entry,
        user,
        BlacklistStep.Step.NOTICE,
        _("%(n)s，陈述申辩期限至%(d)s")
        % {
            "n": entry.notice_number,
            "d": entry.defence_due,
        },
        on=on,
    )
    return entry


@transaction.atomic
def blacklist_record_statement(
    *, entry: BlacklistEntry, statement: str, user: User, on: datetime.date | None = None
) -> BlacklistEntry:
    """Record the enterprise's statement and defence (陈述申辩), within the defence period."""
    _require_staff(user)
    entry = _lock(entry)
    _require(entry, statuses=[S.NOTICED], action=_("记录陈述申辩"))
    assert entry.notice_date is not None and entry.defence_due is not None  # set with the notice
    on = _step_day(entry, on)
    if not (statement or "").strip():
        raise ValidationError(_("请填写陈述申辩内容"))
    if on < entry.notice_date:
        raise ValidationError(_("陈述申辩日期不能早于告知日期"))
    if on > entry.defence_due:
        raise ValidationError(_("已超过陈述申辩期限（%(d)s）") % {"d": entry.defence_due})
    entry.statement, entry.statement_on, entry.status = statement.strip(), on, S.STATED
    _save(entry, user, ["statement", "statement_on", "status"])
    _step(entry, user, BlacklistStep.Step.STATEMENT, entry.statement[:200], on=on)
    return entry


@transaction.atomic
def blacklist_decide(
    *, entry: BlacklistEntry, to_list: bool, reasons: str, user: User, on: datetime.date | None = None
) -> BlacklistEntry:
    """Decide to list or not (approvers), once a statement is recorded or the defence period has passed."""
    _require_approver(user)
    entry = _lock(entry)
    _require(entry, statuses=[S.NOTICED, S.STATED], action=_("作出决定"))
    assert entry.defence_due is not None  # set with the notice
    on = _step_day(entry, on)
    if entry.status == S.NOTICED and on <= entry.defence_due:
        raise ValidationError(
            _("陈述申辩期限（%(d)s）届满前且未记录陈述申辩的，不能作出决定") % {"d": entry.defence_due}
        )
    if not (reasons or "").strip():
        raise ValidationError(_("请填写决定理由"))
    entry.status = S.DECIDED_LIST if to_list else S.DECIDED_NOT_LIST
    entry.decision_reasons, entry.decided_on, entry.decided_by = reasons.strip(), on, _user(user)
    _save(entry, user, ["status", "decision_reasons", "decided_on", "decided_by"])
    step = BlacklistStep.Step.DECIDE_LIST if to_list else BlacklistStep.Step.DECIDE_NOT_LIST
    _step(entry, user, step, entry.decision_reasons[:200], on=on)
    return entry


@transaction.atomic
def blacklist_publish(
    *, entry: BlacklistEntry, user: User, on: datetime.date | None = None
) -> BlacklistEntry:
    """List and publish a decided entry for three years (approvers)."""
    _require_approver(user)
    entry = _lock(entry)
    _require(entry, statuses=[S.DECIDED_LIST], action=_("列入公示"))
    assert entry.decided_on is not None  # set with the decision
    on = _step_day(entry, on)
    if on < entry.decided_on:
        raise ValidationError(_("列入日期不能早于决定日期"))
    entry.status, entry.listed_on = S.LISTED, on
    entry.expires_on = add_months(on, 12 * law.BLACKLIST_LISTING_YEARS())
    _save(entry, user, ["status", "listed_on", "expires_on"])
    _step(entry, user, BlacklistStep.Step.PUBLISH, _("公示期至%(d)s") % {"d": entry.expires_on}, on=on)
    return entry


@transaction.atomic
def blacklist_person_add(
    *, entry: BlacklistEntry, name: str, role: str, id_number: str, user: User
) -> ResponsiblePerson:
    """Record a responsible person listed with the enterprise; the ID number is stored encrypted."""
    _require_staff(user)
    if entry.status in BlacklistEntry.CLOSED_STATUSES:
        raise ValidationError(_("该记录已办结，不能再登记责任人员"))
    if role not in ResponsiblePerson.Role.values or not (name or "").strip():
        raise ValidationError(_("请填写责任人员姓名和身份"))
    number = validate_resident_id(id_number) if id_number else ""
    person = ResponsiblePerson(
        entry=entry, name=name.strip(), role=role, id_number=number, id_number_hash=keyed_hash(number)
    )
    person._history_user = _user(user)
    person.save()
    _step(entry, user, BlacklistStep.Step.PERSON, f"{person.name}（{person.get_role_display()}）")
    return person


@transaction.atomic
def blacklist_remove_early(
    *,
    entry: BlacklistEntry,
    arrears_paid_on: datetime.date | None,
    commitment_filed_on: datetime.date | None,
    reason: str,
    user: User,
    on: datetime.date | None = None,
) -> BlacklistEntry:
    """Remove early (approvers): arrears paid, listed 6 months or more, credit commitment filed."""
    _require_approver(user)
    entry = _lock(entry)
    _require(entry, statuses=[S.LISTED], action=_("提前移出"))
    assert entry.listed_on is not None and entry.expires_on is not None  # set when published
    on = _step_day(entry, on)
    if entry.expires_on <= on:
        raise ValidationError(_("该记录已期满"))
    # an order recorded as complied with counts as the arrears paid
    if arrears_paid_on is None and entry.basis_order is not None:
        arrears_paid_on = entry.basis_order.complied_on
    problems = []
    if arrears_paid_on is None or arrears_paid_on > on:
        problems.append(_("未清偿拖欠的工资"))
    months = law.BLACKLIST_EARLY_REMOVAL_MONTHS()
    if on < add_months(entry.listed_on, months):
        problems.append(
            _("列入未满%(n)s个月（%(d)s 后方可申请）")
            % {"n": months, "d": add_months(entry.listed_on, months)}
        )
    if commitment_filed_on is None or commitment_filed_on > on:
        problems.append(_("未提交信用承诺书"))
    if problems:
        raise ValidationError(_("不符合提前移出条件：") + _("；").join(problems))
    entry.status, entry.removed_on = S.REMOVED, on
    entry.arrears_paid_on, entry.commitment_filed_on = arrears_paid_on, commitment_filed_on
    entry.removal_reason = (reason or "").strip() or _("已清偿欠薪、列入满%(n)s个月并提交信用承诺") % {
        "n": months
    }
    _save(entry, user, ["status", "removed_on", "arrears_paid_on", "commitment_filed_on", "removal_reason"])
    _step(entry, user, BlacklistStep.Step.REMOVE, entry.removal_reason[:200], on=on)
    return entry


def blacklist_expire_due(*, on: datetime.date | None = None) -> int:
    """Mark listed entries whose three years have run out as expired; safe to run twice (beat)."""
    on = on or timezone.localdate()
    expired = 0
    for pk in BlacklistEntry.objects.filter(status=S.LISTED, expires_on__lte=on).values_list("pk", flat=True):
        with transaction.atomic():
            # compare-and-set: only the run that changes the row records the step
            if BlacklistEntry.objects.filter(pk=pk, status=S.LISTED).update(status=S.EXPIRED) != 1:
                continue
            entry = BlacklistEntry.objects.get(pk=pk)
            _step(entry, None, BlacklistStep.Step.EXPIRE, _("列入期满（%(d)s）") % {"d": entry.expires_on})
            expired += 1
    return expired


# ---- integrity grades ----


@transaction.atomic
def grade_compute_year(*, year: int, user: User | None = None) -> int:
    """Grade every enterprise in the register for the year (set-based, idempotent; overrides kept):
    new grades created and changed ones rewritten in bulk with their history, in a fixed number of queries
    whatever the register's size. Returns the number of enterprises graded."""
    computed = compute_grades(year=year)
    stored = {g.enterprise_id: g for g in IntegrityGrade.objects.select_for_update().filter(year=year)}
    now = timezone.now()
    register = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    new, changed = [], []
    for eid in register:
        grade, reasons = computed.get(eid, (Grade.A, ""))
        row = stored.get(eid)
        if row is None:
            new.append(
                IntegrityGrade(
                    enterprise_id=eid,
                    year=year,
                    computed_grade=grade,
                    computed_reasons=reasons,
                    computed_at=now,
                )
            )
        elif (row.computed_grade, row.computed_reasons) != (grade, reasons):
            row.computed_grade, row.computed_reasons, row.computed_at = grade, reasons, now
            changed.append(row)
    reason = _("年度守法诚信等级评价")
    if new:
        bulk_create_with_history(new, IntegrityGrade, default_user=user, default_change_reason=reason)
    if changed:
        fields = ["computed_grade", "computed_reasons", "computed_at"]
        bulk_update_with_history(
            changed, IntegrityGrade, fields, default_user=user, default_change_reason=reason
        )
    return len(register)


@transaction.atomic
def grade_override(
    *, enterprise: Enterprise, year: int, grade: str, reason: str, user: User
) -> IntegrityGrade:
    """Set (or clear with grade="") a manual grade for the year (approvers); a reason is required."""
    _require_approver(user)
    if grade and grade not in Grade.values:
        raise ValidationError(_("等级无效"))
    if grade and not (reason or "").strip():
        raise ValidationError(_("调整等级必须填写理由"))
    row = IntegrityGrade.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
    if row is None:
        found = compute_grades(year=year, enterprise_ids=[enterprise.pk]).get(enterprise.pk, (Grade.A, ""))
        row = IntegrityGrade(
            enterprise=enterprise, year=year, computed_grade=found[0], computed_reasons=found[1]
        )
    row.override_grade = grade
    row.override_reason = (reason or "").strip() if grade else ""
    row.overridden_by, row.overridden_at = _user(user), timezone.now()
    row._history_user = _user(user)
    row.save()
    return row


def _defence_due(notice_date: datetime.date) -> tuple[datetime.date, bool]:
    """End of the statement period a prior notice starts, and whether holiday data covered it."""
    return add_workdays_info(notice_date, law.BLACKLIST_DEFENCE_WORKDAYS())


def blacklist_deadlines_recompute(year: int | None = None) -> int:
    """Recompute statement periods stored without holiday data covering ``year``: 1 read, bulk write."""
    flagged = BlacklistEntry.objects.filter(
        spans_year(year, start="notice_date", dues=("defence_due",)), notice_date__isnull=False
    )

    def again(entry: BlacklistEntry) -> None:
        assert entry.notice_date is not None  # filtered above
        entry.defence_due, entry.calendar_complete = _defence_due(entry.notice_date)

    fields = ["defence_due", "calendar_complete"]
    return rewrite_changed(flagged, fields, again)


# the no-arrears certificates: their own module, one import for the callers
from .certificates import certificate_issue as certificate_issue  # noqa: E402
from .certificates import certificate_revoke as certificate_revoke  # noqa: E402
