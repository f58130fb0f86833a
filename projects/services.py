"""Writes for projects: enterprises, projects, workers, rosters, accounts, transfers, payroll, inspections."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagewatch.accounts.access import may_work_in
from wagewatch.accounts.models import Township
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.masking import mask_phone
from wagewatch.lib.validators import (
    formula_errors,
    normalise_text,
    resident_id_info,
    validate_mobile,
    validate_resident_id,
    validate_uscc,
)

from .models import (
    Enterprise,
    Inspection,
    LabourCostTransfer,
    Payroll,
    Project,
    RosterEntry,
    Subcontract,
    WageAccount,
    Worker,
)
from .models.inspections import SITE_CHECKS

_M = TypeVar("_M", bound=models.Model)


def _clean_text(field: str, value: object) -> str:
    """Trimmed text; formula-like text is refused so it is never stored."""
    if errors := formula_errors({field: value}):
        raise ValidationError(errors)
    return normalise_text(value)


def _full_clean(obj: _M, *, user: User | None = None) -> _M:
    obj.full_clean()
    if user is not None:
        vars(obj)["_history_user"] = user  # the user django-simple-history names in the row save() writes
    obj.save()
    return obj


def enterprise_get_or_create(
    *, uscc: str, name: str, legal_representative: str = "", kind: str
) -> tuple[Enterprise, bool]:
    """The enterprise with this USCC (validated), created when new; name filled in if it was blank."""
    code = validate_uscc(uscc)
    name = _clean_text("name", name)
    enterprise = Enterprise.objects.filter(uscc=code).first()
    if enterprise:
        return enterprise, False
    if not name:
        raise ValidationError({"name": _("请填写单位名称")})
    enterprise = Enterprise(
        uscc=code,
        name=name,
        legal_representative=_clean_text("legal_representative", legal_representative),
        kind=kind,
    )
    return _full_clean(enterprise), True


def enterprise_update(*, enterprise: Enterprise, user: User | None = None, **fields: Any) -> Enterprise:
    """Change an enterprise's fields (USCC re-validated)."""
    if "uscc" in fields:
        fields["uscc"] = validate_uscc(fields["uscc"])
    for key, value in fields.items():
        setattr(enterprise, key, value)
    return _full_clean(enterprise, user=user)


def _check_project(project: Project) -> None:
    errors: dict[str, Any] = {}
    if project.start_date and project.planned_finish and project.planned_finish < project.start_date:
        errors["planned_finish"] = _("计划竣工日期不能早于开工日期")
    if project.completed_on and project.start_date and project.completed_on < project.start_date:
        errors["completed_on"] = _("竣工日期不能早于开工日期")
    if project.status == Project.Status.COMPLETED and not project.completed_on:
        errors["completed_on"] = _("已竣工项目须填写竣工日期")
    errors.update(formula_errors({f: getattr(project, f) for f in ("name", "code", "address", "wage_admin")}))
    if errors:
        raise ValidationError(errors)


def project_create(*, user: User | None = None, **fields: Any) -> Project:
    """Create a project after validation (dates in order, no formula text, enterprises valid)."""
    project = Project(**fields)
    _check_project(project)
    return _full_clean(project, user=user)


def project_update(*, project: Project, user: User | None = None, **fields: Any) -> Project:
    """Change a project's fields after the same validation as on create."""
    for key, value in fields.items():
        setattr(project, key, value)
    _check_project(project)
    return _full_clean(project, user=user)


def project_upsert(*, code: str, user: User | None = None, **fields: Any) -> tuple[Project, bool]:
    """Create the project with this code, or update it; returns (project, created)."""
    code = _clean_text("code", code)
    if not code:
        raise ValidationError({"code": _("请填写项目编号")})
    project = Project.objects.filter(code=code).first()
    if project is None:
        return project_create(code=code, user=user, **fields), True
    return project_update(project=project, user=user, **fields), False


def subcontract_save(
    *,
    project: Project,
    enterprise: Enterprise,
    scope: str = "",
    amount: Decimal | None = None,
    signed_on: date | None = None,
) -> Subcontract:
    """Record (or update) a subcontract of the project."""
    sub, _created = Subcontract.objects.update_or_create(
        project=project,
        enterprise=enterprise,
        defaults={"scope": _clean_text("scope", scope), "amount": amount, "signed_on": signed_on},
    )
    return sub


# ---------------------------------------------------------------- worker identity
def identity_change_text(*, old_name: str, new_name: str, old_phone: str, new_phone: str) -> str:
    """The audit text of an identity change, phones masked: 姓名：孙明 → 孙小明；联系电话：139****0001 → …"""
    parts = []
    if new_name != old_name:
        parts.append(_("姓名：%(old)s → %(new)s") % {"old": old_name, "new": new_name})
    if new_phone and new_phone != old_phone:
        old = mask_phone(old_phone) or _("无")
        parts.append(_("联系电话：%(old)s → %(new)s") % {"old": old, "new": mask_phone(new_phone)})
    return "；".join(parts)


def identity_conflict_message(*, worker: Worker, name: str) -> tuple[str, str]:
    """(field, reason) refusing a change of a worker registered outside the user's jurisdiction."""
    if name != worker.name:
        return "name", _("此身份证号已在其他项目登记为%(name)s") % {"name": worker.name}
    phone = mask_phone(worker.phone)
    return "phone", _("此身份证号已在其他项目登记，联系电话为%(phone)s") % {"phone": phone}


def workers_held_elsewhere(*, worker_ids: list[int], user: User | None) -> set[int]:
    """Of these workers, those on a roster outside the user's jurisdiction (his visible_to); no user: all."""
    if not worker_ids:
        return set()
    entries = RosterEntry.objects.filter(worker_id__in=worker_ids)
    if user is not None:
        entries = entries.exclude(pk__in=RosterEntry.objects.visible_to(user).values("pk"))
    return set(entries.values_list("worker_id", flat=True))


def worker_upsert(
    *, id_number: str, name: str, phone: str = "", user: User | None = None
) -> tuple[Worker, bool]:
    """The worker with this ID (matched by keyed hash), created or updated; sex and birth from the ID.

    His name and phone change only from within every jurisdiction that holds his roster entries (or by office
    staff); the change is kept in his history with old and new values.
    """
    number = validate_resident_id(id_number)
    name = _clean_text("name", name)
    if not name:
        raise ValidationError({"name": _("请填写姓名")})
    phone = validate_mobile(phone) if normalise_text(phone) else ""
    worker = Worker.objects.filter(id_number_hash=keyed_hash(number)).first()
    if worker is None:
        info = resident_id_info(number)
        worker = Worker(id_number=number, id_number_hash=keyed_hash(number), name=name, phone=phone)
        worker.phone_hash = keyed_hash(phone)
        worker.sex, worker.birth_date = info["sex"], info["birth_date"]
    else:
        change = identity_change_text(
            old_name=worker.name, new_name=name, old_phone=worker.phone, new_phone=phone
        )
        if not change:
            return worker, False
        if workers_held_elsewhere(worker_ids=[worker.pk], user=user):
            field, message = identity_conflict_message(worker=worker, name=name)
            raise ValidationError({field: message})
        worker._change_reason = change
        worker.name, worker.phone = name, phone or worker.phone
        worker.phone_hash = keyed_hash(worker.phone)
    if user is not None:
        worker._history_user = user
    created = worker.pk is None
    worker.save()
    return worker, created


def roster_entry_save(
    *, project: Project, worker: Worker, user: User | None = None, **fields: Any
) -> RosterEntry:
    """Put a worker on a project's roster, or update his entry there."""
    entry = RosterEntry.objects.filter(project=project, worker=worker).first() or RosterEntry(
        project=project, worker=worker
    )
    for key, value in fields.items():
        setattr(entry, key, _clean_text(key, value) if isinstance(value, str) else value)
    if entry.exit_date and entry.entry_date and entry.exit_date < entry.entry_date:
        raise ValidationError({"exit_date": _("退场日期不能早于进场日期")})
    entry.updated_at = timezone.now()
    return _full_clean(entry, user=user)


def wage_account_save(*, project: Project, user: User | None = None, **fields: Any) -> WageAccount:
    """Open or change the project's dedicated wage account."""
    account = WageAccount.objects.filter(project=project).first() or WageAccount(project=project)
    for key, value in fields.items():
        setattr(account, key, value)
    return _full_clean(account, user=user)


def transfer_create(
    *, project: Project, month: date, amount: Decimal, transferred_on: date, **extra: Any
) -> LabourCostTransfer:
    """Record a labour-cost transfer for a month (stored as the month's first day)."""
    transfer = LabourCostTransfer(
        project=project, month=month.replace(day=1), amount=amount, transferred_on=transferred_on, **extra
    )
    if amount is not None and amount <= 0:
        raise ValidationError({"amount": _("拨付金额应大于0")})
    return _full_clean(transfer)


def payroll_save(*, project: Project, month: date, **fields: Any) -> Payroll:
    """Record (or correct) the payroll of a project-month."""
    payroll = Payroll.objects.filter(project=project, month=month.replace(day=1)).first() or Payroll(
        project=project, month=month.replace(day=1)
    )
    for key, value in fields.items():
        setattr(payroll, key, value)
    if payroll.paid is not None and payroll.attended is not None and payroll.paid > payroll.attended:
        raise ValidationError({"paid": _("实发人数不能多于出勤人数")})
    if payroll.net is not None and payroll.gross is not None and payroll.net > payroll.gross:
        raise ValidationError({"net": _("实发工资不能多于应发工资")})
    return _full_clean(payroll)


@transaction.atomic
def inspection_save(
    *,
    user: User,
    project: Project | None = None,
    enterprise: Enterprise | None = None,
    township: Township | None = None,
    inspectors: Iterable[User] = (),
    inspection: Inspection | None = None,
    **fields: Any,
) -> Inspection:
    """Create or update an inspection: of a project's site (the seven checks; the employer defaults to the
    general contractor, the township is the project's) or of an employer without a project in ``township``
    (no site checks). PermissionDenied outside the user's townships."""
    inspection = inspection or Inspection(project=project, created_by=user)
    for key, value in fields.items():
        setattr(inspection, key, value)
    township_id: int | None
    if inspection.project is not None:
        inspection.enterprise = enterprise or inspection.enterprise or inspection.project.contractor
        inspection.township = None
        township_id = inspection.project.township_id
    else:
        inspection.enterprise = enterprise or inspection.enterprise
        inspection.township = township or inspection.township
        township_id = inspection.township_id
        for name in SITE_CHECKS:  # site checks are about construction sites
            setattr(inspection, name, None)
    if not may_work_in(user, township_id):
        raise PermissionDenied(_("不在您的管辖乡镇"))
    _check_inspection(inspection)
    _full_clean(inspection, user=user)
    inspection.inspectors.set(list(inspectors) or [user])
    return inspection


def _check_inspection(inspection: Inspection) -> None:
    errors: dict[str, str] = {}
    if inspection.project is None and inspection.enterprise is None:
        errors["enterprise"] = _("请选择被检查的用人单位")
    if inspection.project is None and inspection.township is None:
        errors["township"] = _("请选择所在乡镇")
    if inspection.rectification_required and not inspection.rectification_deadline:
        errors["rectification_deadline"] = _("责令整改时须填写整改期限")
    if (inspection.workers_paid or 0) > (inspection.workers_involved or 0):
        errors["workers_paid"] = _("兑付人数不能多于涉及人数")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def employer_inspection_save(
    *,
    user: User,
    township: Township | None,
    enterprise: Enterprise | None = None,
    uscc: str = "",
    name: str = "",
    inspection: Inspection | None = None,
    **fields: Any,
) -> Inspection:
    """Record an inspection of an employer without a project: the enterprise chosen from the register, or
    found or registered by its USCC and name (kind 其他)."""
    if enterprise is None and normalise_text(uscc):
        enterprise, _created = enterprise_get_or_create(uscc=uscc, name=name, kind=Enterprise.Kind.OTHER)
    if enterprise is None and inspection is None:
        raise ValidationError(
            {"enterprise": _("请选择被检查的用人单位，或填写新单位的名称和统一社会信用代码")}
        )
    return inspection_save(
        user=user, enterprise=enterprise, township=township, inspection=inspection, **fields
    )
