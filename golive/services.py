"""Writes of the go-live workbook: each sheet's rows as opening entries with their real dates, through the
owning apps' models and services (history with the user), and the ``GoLive`` record. All in one transaction:
a row any model or service refuses is an error (sheet, row, column, reason) and nothing is kept."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blacklist.models import BlacklistEntry, BlacklistStep
from complaints.deadlines import deadlines_from_dates
from complaints.models import CaseEvent, Complaint
from complaints.services import suggest_sector
from deposits import fund
from deposits import services as deposit_services
from deposits.models import DepositEntry, WageDeposit
from projects.models import Enterprise, Hazard, Project, RiskRule
from risk.sweep import update_grades
from wagewatch.accounts.numbering import next_number
from wagewatch.lib import config, law
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.periods import add_months
from wagewatch.lib.validators import validate_resident_id
from wagewatch.lib.workdays import add_workdays_info

from .models import GoLive

Row = dict[str, Any]
CASES, DEPOSITS, GUARANTEES, BLACKLIST, FUND, HAZARDS = (
    "案件",
    "保证金",
    "保函",
    "失信名单",
    "应急周转金",
    "隐患",
)
# the dates of each sheet that describe the past: none may be after the go-live day
PAST_DATES = {
    CASES: ("received", "accepted", "refused", "filed", "closed"),
    DEPOSITS: ("paid_on", "drawn_on", "returned_on"),
    GUARANTEES: ("valid_from",),
    BLACKLIST: ("listed_on", "removed_on"),
    FUND: ("on",),
    HAZARDS: ("found",),
}


class Problem(Exception):
    """A row the database refuses: the column (field key, "" for the row) and the reason."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key, self.message = key, message


@dataclass
class Result:
    created: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Context:
    """What every row's write needs: the user, the go-live day, and the lookups read once a run."""

    user: User
    as_of: datetime.date
    projects: dict[str, Project]
    enterprises: dict[str, Enterprise]
    rules: dict[str, RiskRule]
    numbers: set[str] = field(default_factory=set)  # the case numbers the file keeps
    hazard_projects: set[int] = field(default_factory=set)

    def project(self, code: str) -> Project:
        if code not in self.projects:
            raise Problem("project", _("系统中没有项目编号“%(code)s”") % {"code": code})
        return self.projects[code]

    def enterprise(self, uscc: str, key: str) -> Enterprise:
        if uscc.upper() not in self.enterprises:
            raise Problem(key, _("系统中没有统一社会信用代码为“%(code)s”的单位") % {"code": uscc})
        return self.enterprises[uscc.upper()]


def moment(day: datetime.date) -> datetime.datetime:
    """A step's day as a time (noon, local): reports count it on that day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _context(rows: list[Row], *, user: User, as_of: datetime.date) -> Context:
    """One query each: the projects, enterprises and risk rules the rows name."""
    codes = {r["project"] for r in rows if r.get("project")}
    usccs = {r[k].upper() for r in rows for k in ("respondent_uscc", "uscc") if r.get(k)}
    rules = {r["rule"] for r in rows if r.get("rule")}
    return Context(
        user=user,
        as_of=as_of,
        projects=Project.objects.in_bulk(list(codes), field_name="code"),
        enterprises={e.uscc.upper(): e for e in Enterprise.objects.filter(uscc__in=usccs)},
        rules=RiskRule.objects.in_bulk(list(rules), field_name="code"),
        numbers={r["number"] for r in rows if r["sheet"] == CASES and r["number"]},
    )


# ---------------------------------------------------------------- 案件
def case_write(v: Row, ctx: Context) -> None:
    """An open case, or one closed this year, with each step's event on its real day."""
    last = v["closed"] or v["refused"]
    if last and last.year < ctx.as_of.year:
        raise Problem("closed" if v["closed"] else "refused", _("只导入未办结的案件和本年度办结的案件"))
    project = ctx.project(v["project"]) if v["project"] else None
    respondent = ctx.enterprise(v["respondent_uscc"], "respondent_uscc") if v["respondent_uscc"] else None
    number = v["number"] or _case_number(v["received"], ctx.numbers)
    if Complaint.objects.filter(number=number).exists():
        raise Problem("number", _("系统中已有案件编号“%(n)s”") % {"n": number})
    id_number = _id_number(v["complainant_id"])
    case = Complaint(
        number=number, channel=v["channel"], received_at=moment(v["received"]),
        complainant_name=v["complainant_name"], complainant_phone=v["complainant_phone"],
        complainant_phone_hash=keyed_hash(v["complainant_phone"]), complainant_id_number=id_number,
        respondent=respondent, respondent_name=respondent.name if respondent else v["respondent_name"],
        project=project, township_id=project.township_id if project else (v["township"] or None),
        workers_involved=int(v["workers"]), amount_claimed=v["amount_claimed"], description=v["description"],
        status=v["status"], outcome=Complaint.Outcome.REFUSED if v["refused"] else v["outcome"],
        refusal_reason=v["refusal_reason"], accepted_on=v["accepted"], filed_on=v["filed"],
        closed_on=v["closed"], amount_recovered=v["amount_recovered"],
        workers_paid=int(v["workers_paid"] or 0),
        # as the office's ledger says: the size only suggests a group incident, a blank cell is 否
        kind=v.get("kind") or Complaint.Kind.COMPLAINT, group_incident=v.get("group_incident") is True,
        sector=v.get("sector") or suggest_sector(project=project, respondent=respondent), created_by=ctx.user,
    )  # fmt: skip
    deadlines_from_dates(case)
    case._history_user = ctx.user
    case.full_clean(exclude=["complainant_phone_hash"], validate_unique=False, validate_constraints=False)
    case.save()
    note = _("上线初始化导入")
    steps = [("received", v["received"]), ("accepted", v["accepted"]), ("refused", v["refused"]),
             ("filed", v["filed"]), ("closed", v["closed"])]  # fmt: skip
    CaseEvent.objects.bulk_create(
        CaseEvent(complaint=case, at=moment(day), actor=ctx.user, action=action, note=note)
        for action, day in steps
        if day
    )


def _id_number(text: str) -> str:
    try:
        return validate_resident_id(text) if text else ""
    except ValidationError as exc:
        raise Problem("complainant_id", "；".join(exc.messages)) from exc


def _case_number(received: datetime.date, kept: set[str]) -> str:
    """The app's number (as complaint_receive gives it) in the year the case was received, past the numbers
    the county's cases keep (in the file or already loaded)."""
    while True:
        seq = next_number(name="complaint", year=received.year)
        number = f"{config.COMPLAINT_NUMBER_PREFIX()}{received.year}-{seq:06d}"
        if number not in kept and not Complaint.objects.filter(number=number).exists():
            return number


# ---------------------------------------------------------------- 保证金, 保函
def deposit_write(v: Row, ctx: Context) -> None:
    """A project's cash deposit: paid in, drawn and returned, each on its day (in that order)."""
    deposit = deposit_services.deposit_open(project=ctx.project(v["project"]), user=ctx.user)
    K = DepositEntry.Kind
    moves = [
        (K.PAID_IN, "paid_in", "paid_on"),
        (K.DRAWN, "drawn", "drawn_on"),
        (K.RETURNED, "returned", "returned_on"),
    ]
    for kind, amount, day in moves:
        if v[amount]:
            try:
                deposit_services.deposit_opening_entry(
                    deposit=deposit, kind=kind, amount=v[amount], on=v[day], user=ctx.user
                )
            except ValidationError as exc:
                raise Problem(amount, "；".join(exc.messages)) from exc


def guarantee_write(v: Row, ctx: Context) -> None:
    """A letter of guarantee (保函) in place of cash, with its bank, amount and validity."""
    project = ctx.project(v["project"])
    deposit = deposit_services.deposit_open(project=project, form=WageDeposit.Form.GUARANTEE, user=ctx.user)
    deposit_services.guarantee_register(
        deposit=deposit, issuer_kind=v["issuer_kind"], issuer_name=v["bank"], number=v["number"],
        amount=v["amount"], valid_from=v["valid_from"], valid_to=v["valid_to"], user=ctx.user,
        on=v["valid_from"],
    )  # fmt: skip


# ---------------------------------------------------------------- 失信名单
def blacklist_write(v: Row, ctx: Context) -> None:
    """An entry listed before the system (its order on paper): listed, removed early, or expired."""
    enterprise = ctx.enterprise(v["uscc"], "uscc")
    listed: datetime.date = v["listed_on"]
    expires = v["expires_on"] or add_months(listed, 12 * law.BLACKLIST_LISTING_YEARS())
    S = BlacklistEntry.Status
    status = S.REMOVED if v["removed_on"] else S.EXPIRED if expires <= ctx.as_of else S.LISTED
    if v["removed_on"] and v["removed_on"] >= expires:
        raise Problem("removed_on", _("移出日期须早于期满日期"))
    entry = BlacklistEntry(
        enterprise=enterprise, basis_order=None, basis_kind=v["basis_kind"], reason=v["reason"],
        status=status, proposed_by=ctx.user, proposed_on=listed, decided_on=listed, decided_by=ctx.user,
        listed_on=listed, expires_on=expires, removed_on=v["removed_on"], removal_reason=v["removal_reason"],
    )  # fmt: skip
    entry._history_user = ctx.user
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise Problem("uscc", _("该单位已有未办结的失信名单记录")) from exc
    steps = [(BlacklistStep.Step.PUBLISH, listed), (BlacklistStep.Step.REMOVE, v["removed_on"])]
    if status == S.EXPIRED:
        steps.append((BlacklistStep.Step.EXPIRE, expires))
    note = _("上线初始化导入")
    BlacklistStep.objects.bulk_create(
        BlacklistStep(entry=entry, at=moment(day), actor=ctx.user, step=step, note=note)
        for step, day in steps
        if day
    )


# ---------------------------------------------------------------- 应急周转金, 隐患
def fund_write(v: Row, ctx: Context) -> None:
    """Capital put into the emergency fund, on its day."""
    fund.fund_capital_in(amount=v["amount"], on=v["on"], user=ctx.user, note=v["note"] or _("上线初始化导入"))


def hazard_write(v: Row, ctx: Context) -> None:
    """An open hazard found before the system, opened on the day found (one open per project and rule)."""
    project = ctx.project(v["project"])
    if v["rule"] not in ctx.rules:
        raise Problem("rule", _("系统中没有规则代码“%(code)s”") % {"code": v["rule"]})
    if project.department_id is None:
        raise Problem("project", _("项目未设行业主管部门，隐患无责任部门"))
    rule = ctx.rules[v["rule"]]
    deadline, complete = add_workdays_info(v["found"], law.HAZARD_RECTIFY_WORKDAYS())
    hazard = Hazard(
        project=project, rule=rule, severity=v["severity"] or rule.severity,
        department_id=project.department_id, detail=v["detail"], opened_at=moment(v["found"]),
        deadline=v["deadline"] or deadline, calendar_complete=complete or bool(v["deadline"]),
    )  # fmt: skip
    hazard._history_user = ctx.user
    try:
        with transaction.atomic():
            hazard.save()
    except IntegrityError as exc:
        raise Problem("rule", _("该项目已有此规则的未销号隐患")) from exc
    ctx.hazard_projects.add(project.pk)


WRITERS: dict[str, Callable[[Row, Context], None]] = {
    CASES: case_write, DEPOSITS: deposit_write, GUARANTEES: guarantee_write, BLACKLIST: blacklist_write,
    FUND: fund_write, HAZARDS: hazard_write,
}  # fmt: skip


# ---------------------------------------------------------------- the run
def opening_write(
    rows: list[Row],
    *,
    labels: dict[str, dict[str, str]],
    user: User,
    as_of: datetime.date,
    keep: bool,
    note: str = "",
    progress: Callable[[int], None] | None = None,
) -> Result:
    """Write every sheet's rows in one transaction, kept only when ``keep`` and no row was refused, and
    record the go-live; each refused row is an error naming its sheet, row, column and reason."""
    result = Result()
    if GoLive.objects.exists():
        result.warnings.append({"row": 0, "message": _("系统已导入过上线初始化数据，再次导入会重复记账")})
    with transaction.atomic():
        ctx = _context(rows, user=user, as_of=as_of)
        for done, v in enumerate(rows, start=1):
            error = _write_row(v, ctx, labels.get(v["sheet"], {}))
            if error:
                result.errors.append(error)
            else:
                result.created += 1
            if progress is not None and done % 100 == 0:
                progress(done * 100 // len(rows))
        update_grades(Project.objects.filter(pk__in=ctx.hazard_projects))
        golive = GoLive(as_of=as_of, note=note[:200], loaded_by=user)
        golive._history_user = user
        golive.save()
        if not keep or result.errors:
            transaction.set_rollback(True)
    return result


def _write_row(v: Row, ctx: Context, labels: dict[str, str]) -> dict[str, Any] | None:
    """Write one row in a savepoint; the error it met, or None."""
    sheet = v["sheet"]
    late = [k for k in PAST_DATES[sheet] if v.get(k) and v[k] > ctx.as_of]
    try:
        if late:
            raise Problem(late[0], _("日期晚于初始数据截至日期（%(d)s）") % {"d": ctx.as_of})
        with transaction.atomic():
            WRITERS[sheet](v, ctx)
    except Problem as exc:
        return _error(v, labels.get(exc.key, ""), exc.message)
    except ValidationError as exc:
        return _error(v, _column(exc, labels), "；".join(exc.messages))
    except PermissionDenied as exc:
        return _error(v, "", str(exc))
    except IntegrityError:
        return _error(v, "", _("数据不符合系统规则（与已有记录冲突）"))
    return None


def _column(exc: ValidationError, labels: dict[str, str]) -> str:
    keys: Iterable[str] = exc.message_dict.keys() if hasattr(exc, "error_dict") else ()
    return "、".join(labels.get(k, k) for k in keys)


def _error(v: Row, column: str, message: str) -> dict[str, Any]:
    return {"sheet": v["sheet"], "row": v["row"], "column": column, "message": message}
