"""Writes for projects: enterprises, projects, workers, rosters, accounts, transfers, payroll, inspections."""

import hashlib
import logging
import os
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagewatch.accounts import jobs
from wagewatch.accounts.models import JobStatus
from wagewatch.lib.copy import copy_rows
from wagewatch.lib.fields import encrypt, keyed_hash
from wagewatch.lib.validators import (
    looks_like_formula,
    normalise_text,
    resident_id_info,
    validate_mobile,
    validate_resident_id,
    validate_uscc,
)

from .imports import ParsedRoster, parse_roster
from .models import (
    Enterprise,
    ImportJob,
    Inspection,
    LabourCostTransfer,
    Payroll,
    Project,
    RosterEntry,
    Subcontract,
    WageAccount,
    Worker,
)

log = logging.getLogger(__name__)


def _clean_text(field: str, value) -> str:
    """Trimmed text; formula-like text is refused so it is never stored."""
    if looks_like_formula(value):
        raise ValidationError({field: _("内容不能以 = + - @ 开头（疑似公式）")})
    return normalise_text(value)


def _full_clean(obj, *, user=None):
    obj.full_clean()
    if user is not None:
        obj._history_user = user
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


def enterprise_update(*, enterprise: Enterprise, user=None, **fields) -> Enterprise:
    """Change an enterprise's fields (USCC re-validated)."""
    if "uscc" in fields:
        fields["uscc"] = validate_uscc(fields["uscc"])
    for key, value in fields.items():
        setattr(enterprise, key, value)
    return _full_clean(enterprise, user=user)


def _check_project(project: Project) -> None:
    errors = {}
    if project.start_date and project.planned_finish and project.planned_finish < project.start_date:
        errors["planned_finish"] = _("计划竣工日期不能早于开工日期")
    if project.completed_on and project.start_date and project.completed_on < project.start_date:
        errors["completed_on"] = _("竣工日期不能早于开工日期")
    if project.status == Project.Status.COMPLETED and not project.completed_on:
        errors["completed_on"] = _("已竣工项目须填写竣工日期")
    for field in ("name", "code", "address", "wage_admin"):
        if looks_like_formula(getattr(project, field)):
            errors[field] = _("内容不能以 = + - @ 开头（疑似公式）")
    if errors:
        raise ValidationError(errors)


def project_create(*, user=None, **fields) -> Project:
    """Create a project after validation (dates in order, no formula text, enterprises valid)."""
    project = Project(**fields)
    _check_project(project)
    return _full_clean(project, user=user)


def project_update(*, project: Project, user=None, **fields) -> Project:
    """Change a project's fields after the same validation as on create."""
    for key, value in fields.items():
        setattr(project, key, value)
    _check_project(project)
    return _full_clean(project, user=user)


def project_upsert(*, code: str, user=None, **fields) -> tuple[Project, bool]:
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
    signed_on=None,
) -> Subcontract:
    """Record (or update) a subcontract of the project."""
    sub, _created = Subcontract.objects.update_or_create(
        project=project,
        enterprise=enterprise,
        defaults={"scope": _clean_text("scope", scope), "amount": amount, "signed_on": signed_on},
    )
    return sub


def worker_upsert(*, id_number: str, name: str, phone: str = "", user=None) -> tuple[Worker, bool]:
    """The worker with this ID (matched by keyed hash), created or updated; sex and birth from the ID."""
    number = validate_resident_id(id_number)
    info = resident_id_info(number)
    name = _clean_text("name", name)
    if not name:
        raise ValidationError({"name": _("请填写姓名")})
    phone = validate_mobile(phone) if normalise_text(phone) else ""
    worker = Worker.objects.filter(id_number_hash=keyed_hash(number)).first()
    created = worker is None
    worker = worker or Worker(id_number=number, id_number_hash=keyed_hash(number))
    worker.name, worker.sex, worker.birth_date = name, info["sex"], info["birth_date"]
    if phone:
        worker.phone = phone
    if user is not None:
        worker._history_user = user
    worker.save()
    return worker, created


def roster_entry_save(*, project: Project, worker: Worker, user=None, **fields) -> RosterEntry:
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


def wage_account_save(*, project: Project, user=None, **fields) -> WageAccount:
    """Open or change the project's dedicated wage account."""
    account = WageAccount.objects.filter(project=project).first() or WageAccount(project=project)
    for key, value in fields.items():
        setattr(account, key, value)
    return _full_clean(account, user=user)


def transfer_create(*, project: Project, month: date, amount: Decimal, transferred_on: date, **extra):
    """Record a labour-cost transfer for a month (stored as the month's first day)."""
    transfer = LabourCostTransfer(
        project=project, month=month.replace(day=1), amount=amount, transferred_on=transferred_on, **extra
    )
    if amount is not None and amount <= 0:
        raise ValidationError({"amount": _("拨付金额应大于0")})
    return _full_clean(transfer)


def payroll_save(*, project: Project, month: date, **fields) -> Payroll:
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
def inspection_save(*, project: Project, user, inspectors=(), inspection: Inspection | None = None, **fields):
    """Create or update a site inspection with its seven checks."""
    inspection = inspection or Inspection(project=project, created_by=user)
    for key, value in fields.items():
        setattr(inspection, key, value)
    if inspection.rectification_required and not inspection.rectification_deadline:
        raise ValidationError({"rectification_deadline": _("责令整改时须填写整改期限")})
    _full_clean(inspection, user=user)
    inspection.inspectors.set(list(inspectors) or [user])
    return inspection


# ---------------------------------------------------------------- roster import
IMPORT_BATCH = 1000
PROGRESS_KEY = "ww:import-progress:{pk}"


def _chunks(items: list, size: int = IMPORT_BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def roster_hashes_on_project(*, project: Project, hashes: list[str]) -> set[str]:
    """ID hashes (of those given) whose workers are already on the project's roster; one query per batch."""
    found: set[str] = set()
    for chunk in _chunks(hashes):
        found.update(
            RosterEntry.objects.filter(project=project, worker__id_number_hash__in=chunk).values_list(
                "worker__id_number_hash", flat=True
            )
        )
    return found


_ENTRY_FIELDS = ["employer", "employer_name", "team", "trade", "entry_date", "exit_date", "contract_signed"]
_ENTRY_FIELDS += ["pay_method", "bank", "card_masked", "updated_at"]


def _entry(row: dict, *, project, worker_id, employers, now, pk=None) -> RosterEntry:
    return RosterEntry(
        pk=pk,
        project=project,
        worker_id=worker_id,
        employer_id=employers.get(row["employer"]),
        employer_name=row["employer"],
        team=row["team"],
        trade=row["trade"],
        entry_date=row["entry_date"],
        exit_date=row["exit_date"],
        contract_signed=row["contract_signed"],
        pay_method=row["pay_method"],
        bank=row["bank"],
        card_masked=row["card_masked"],
        updated_at=now,
    )


_WORKER_COLUMNS = ["id_number", "id_number_hash", "name", "sex", "birth_date", "phone", "created_at"]
_ENTRY_COLUMNS = ["project_id", "worker_id", "employer_id", "employer_name", "team", "trade", "entry_date"]
_ENTRY_COLUMNS += [
    "exit_date",
    "contract_signed",
    "pay_method",
    "bank",
    "card_masked",
    "created_at",
    "updated_at",
]


def _copy_new_workers(batch: list[dict], *, workers: dict, now) -> set[int]:
    """COPY the batch's unknown workers (numbers encrypted here) and learn their ids; returns those ids."""
    fresh = [r for r in batch if r["hash"] not in workers]
    values = (
        [encrypt(r["id_number"]), r["hash"], r["name"], r["sex"], r["birth_date"],
         encrypt(r["phone"]) if r["phone"] else "", now]
        for r in fresh
    )  # fmt: skip
    copy_rows(Worker._meta.db_table, _WORKER_COLUMNS, values)
    if not fresh:
        return set()
    ids = dict(
        Worker.objects.filter(id_number_hash__in=[r["hash"] for r in fresh]).values_list(
            "id_number_hash", "id"
        )
    )
    workers.update(ids)
    return set(ids.values())


def _write_batch(
    batch: list[dict], *, project, workers: dict, on_roster: dict, employers: dict
) -> tuple[int, int]:
    """Create new workers, refresh known ones, create or update roster entries: a few queries per batch."""
    now = timezone.now()
    fresh_ids = _copy_new_workers(batch, workers=workers, now=now)
    known = [r for r in batch if workers[r["hash"]] not in fresh_ids]
    if known:
        Worker.objects.bulk_update([Worker(pk=workers[r["hash"]], name=r["name"]) for r in known], ["name"])
        with_phone = [Worker(pk=workers[r["hash"]], phone=r["phone"]) for r in known if r["phone"]]
        Worker.objects.bulk_update(with_phone, ["phone"])
    new_rows, old_entries = [], []
    for r in batch:
        worker_id = workers[r["hash"]]
        if pk := on_roster.get(worker_id):
            old_entries.append(
                _entry(r, project=project, worker_id=worker_id, employers=employers, now=now, pk=pk)
            )
        else:
            new_rows.append(
                [project.pk, worker_id, employers.get(r["employer"]), r["employer"], r["team"], r["trade"],
                 r["entry_date"], r["exit_date"], r["contract_signed"], r["pay_method"], r["bank"],
                 r["card_masked"], now, now]
            )  # fmt: skip
    copy_rows(RosterEntry._meta.db_table, _ENTRY_COLUMNS, new_rows)
    RosterEntry.objects.bulk_update(old_entries, _ENTRY_FIELDS)
    return len(new_rows), len(old_entries)


def roster_import_apply(*, project: Project, rows: list[dict], progress=None) -> tuple[int, int]:
    """Write checked roster rows to one project atomically, in batches; returns (created, updated)."""
    created = updated = 0
    with transaction.atomic():
        workers: dict[str, int] = {}
        for chunk in _chunks([r["hash"] for r in rows]):
            workers.update(
                Worker.objects.filter(id_number_hash__in=chunk).values_list("id_number_hash", "id")
            )
        on_roster = dict(RosterEntry.objects.filter(project=project).values_list("worker_id", "id"))
        names = {r["employer"] for r in rows if r["employer"]}
        employers = dict(Enterprise.objects.filter(name__in=names).values_list("name", "id")) if names else {}
        for done, batch in enumerate(_chunks(rows), start=1):
            c, u = _write_batch(
                batch, project=project, workers=workers, on_roster=on_roster, employers=employers
            )
            created, updated = created + c, updated + u
            if progress:
                progress(min(99, done * IMPORT_BATCH * 100 // max(len(rows), 1)))
    return created, updated


def import_progress_set(*, pk: int, percent: int) -> None:
    """Progress of a running import, kept in the cache: the import's own transaction hides its row updates."""
    try:
        cache.set(PROGRESS_KEY.format(pk=pk), int(percent), 3600)
    except Exception:  # a cache outage must not fail the import
        log.warning("import progress not cached", exc_info=True)


def roster_import_preview(
    *, project: Project, user, filename: str, data: bytes
) -> tuple[ImportJob, ParsedRoster]:
    """Check an uploaded roster and record it as an ImportJob in the preview stage (nothing written)."""
    parsed = parse_roster(data, filename)
    on_roster = roster_hashes_on_project(project=project, hashes=[r["hash"] for r in parsed.rows])
    job = ImportJob(
        kind=ImportJob.Kind.ROSTER,
        stage=ImportJob.Stage.PREVIEW,
        status=JobStatus.DONE,
        project=project,
        township=project.township,
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        total_rows=parsed.total,
        created_count=len(parsed.rows) - len(on_roster),
        updated_count=len(on_roster),
        error_count=len(parsed.errors),
        errors=[e.as_dict() for e in parsed.errors],
        created_by=user,
        finished_at=timezone.now(),
    )
    job.file.save(
        f"roster-{job.sha256[:16]}{os.path.splitext(filename)[1].lower()}", ContentFile(data), save=False
    )
    job.save()
    parsed.on_roster = on_roster
    return job, parsed


def roster_import_confirm(*, job: ImportJob, user) -> ImportJob:
    """Confirm a clean preview: small files are written now, large ones are queued for Celery."""
    changed = ImportJob.objects.filter(
        pk=job.pk, stage=ImportJob.Stage.PREVIEW, status=JobStatus.DONE, error_count=0
    ).update(stage=ImportJob.Stage.CONFIRM, status=JobStatus.QUEUED, queued_at=timezone.now(), progress=0)
    if changed != 1:
        raise ValidationError(_("该导入已确认过，或存在错误，不能导入"))
    job.refresh_from_db()
    if job.total_rows > settings.WAGEWATCH.get("IMPORT_SYNC_MAX_ROWS", 2000):
        jobs.job_dispatch(job)
    else:
        roster_import_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def roster_import_run(*, job_id: int) -> None:
    """Run a confirmed roster import (claimed once); nothing is saved if any row fails."""
    if not jobs.job_claim(ImportJob, job_id):
        return
    job = ImportJob.objects.select_related("project").get(pk=job_id)
    try:
        with job.file.open("rb") as fh:
            parsed = parse_roster(fh.read(), job.filename)
        if parsed.errors:
            raise ValidationError(_("文件有%(n)d处错误，未导入") % {"n": len(parsed.errors)})
        created, updated = roster_import_apply(
            project=job.project,
            rows=parsed.rows,
            progress=lambda p: import_progress_set(pk=job_id, percent=p),
        )
    except Exception as exc:
        log.exception("roster import %s failed", job_id)
        jobs.job_finish(ImportJob, job_id, error=str(exc))
        return
    ImportJob.objects.filter(pk=job_id).update(created_count=created, updated_count=updated)
    import_progress_set(pk=job_id, percent=100)
    jobs.job_finish(ImportJob, job_id)


# Other apps' imports of ImportJob rows (e.g. deposits' project list) register their runner by kind.
IMPORT_RUNNERS = {ImportJob.Kind.ROSTER: roster_import_run}


def import_runner_register(*, kind: str, runner) -> None:
    """Let another app run its ImportJob kind through the shared Celery task: runner(job_id=...)."""
    IMPORT_RUNNERS[kind] = runner


def import_run(*, job_id: int) -> None:
    """Run an import job with the runner of its kind; unknown kinds are left alone."""
    kind = ImportJob.objects.filter(pk=job_id).values_list("kind", flat=True).first()
    if kind in IMPORT_RUNNERS:
        IMPORT_RUNNERS[kind](job_id=job_id)
