"""Writes for projects: enterprises, projects, workers, rosters, accounts, transfers, payroll, inspections."""

import hashlib
import logging
import os
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from wagewatch.accounts import jobs
from wagewatch.accounts.models import JobStatus
from wagewatch.lib.copy import copy_rows
from wagewatch.lib.fields import encrypt, keyed_hash
from wagewatch.lib.masking import mask_phone
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


def workers_held_elsewhere(*, worker_ids: list[int], user) -> set[int]:
    """Of these workers, those on a roster outside the user's jurisdiction (his visible_to); no user: all."""
    if not worker_ids:
        return set()
    entries = RosterEntry.objects.filter(worker_id__in=worker_ids)
    if user is not None:
        entries = entries.exclude(pk__in=RosterEntry.objects.visible_to(user).values("pk"))
    return set(entries.values_list("worker_id", flat=True))


def worker_upsert(*, id_number: str, name: str, phone: str = "", user=None) -> tuple[Worker, bool]:
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
    if user is not None:
        worker._history_user = user
    created = worker.pk is None
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
IMPORT_UPLOAD_KEEP = timedelta(days=1)  # a preview not confirmed within a day is abandoned: its file goes
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
_ENTRY_FIELDS += ["pay_method", "bank", "card_masked", "card_hash", "updated_at"]


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
        card_hash=row["card_hash"],
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
    "card_hash",
    "created_at",
    "updated_at",
]


_WORKER_HISTORY_COLUMNS = ["id", "id_number_hash", "name", "sex", "birth_date", "created_at"]
_WORKER_HISTORY_COLUMNS += ["history_date", "history_type", "history_change_reason", "history_user_id"]


def _copy_new_workers(batch: list[dict], *, workers: dict, now, user_id: int | None) -> None:
    """COPY the batch's unknown workers (numbers encrypted here) and their creation history; learn ids."""
    fresh = [r for r in batch if r["hash"] not in workers]
    if not fresh:
        return
    values = (
        [encrypt(r["id_number"]), r["hash"], r["name"], r["sex"], r["birth_date"],
         encrypt(r["phone"]) if r["phone"] else "", now]
        for r in fresh
    )  # fmt: skip
    copy_rows(Worker._meta.db_table, _WORKER_COLUMNS, values)
    ids = dict(
        Worker.objects.filter(id_number_hash__in=[r["hash"] for r in fresh]).values_list(
            "id_number_hash", "id"
        )
    )
    workers.update(ids)
    reason = _("名册导入")
    history = (
        [ids[r["hash"]], r["hash"], r["name"], r["sex"], r["birth_date"], now, now, "+", reason, user_id]
        for r in fresh
    )
    copy_rows(Worker.history.model._meta.db_table, _WORKER_HISTORY_COLUMNS, history)


def _write_batch(
    batch: list[dict], *, project, workers: dict, on_roster: dict, employers: dict, user_id: int | None
) -> tuple[int, int]:
    """Create new workers and create or update roster entries: a few queries per batch."""
    now = timezone.now()
    # new workers only: known ones change through _identity_apply
    _copy_new_workers(batch, workers=workers, now=now, user_id=user_id)
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
                 r["card_masked"], r["card_hash"], now, now]
            )  # fmt: skip
    copy_rows(RosterEntry._meta.db_table, _ENTRY_COLUMNS, new_rows)
    RosterEntry.objects.bulk_update(old_entries, _ENTRY_FIELDS)
    return len(new_rows), len(old_entries)


@dataclass
class IdentityChange:
    """A row that changes an existing worker's name or phone."""

    row: int
    worker: Worker
    name: str
    phone: str
    elsewhere: bool = False  # he is on a roster outside the importing user's jurisdiction


class IdentityConflict(Exception):
    """Rows that would change the identity of workers held by other jurisdictions: nothing is written."""

    def __init__(self, changes: list[IdentityChange]):
        super().__init__(len(changes))
        self.changes = changes


def known_workers(rows: list[dict]) -> dict[str, Worker]:
    """The workers already registered under the rows' ID numbers, by keyed hash; one query per batch."""
    known: dict[str, Worker] = {}
    for chunk in _chunks([r["hash"] for r in rows]):
        known.update(
            (w.id_number_hash, w) for w in Worker.objects.filter(id_number_hash__in=chunk).defer("id_number")
        )
    return known


def roster_identity_changes(*, rows: list[dict], known: dict[str, Worker], user) -> list[IdentityChange]:
    """Rows whose name or phone differ from the worker already ``known`` by that ID."""
    changes = []
    for r in rows:
        worker = known.get(r["hash"])
        if worker and (r["name"] != worker.name or (r["phone"] and r["phone"] != worker.phone)):
            changes.append(IdentityChange(r["row"], worker, r["name"], r["phone"] or worker.phone))
    elsewhere = workers_held_elsewhere(worker_ids=[c.worker.pk for c in changes], user=user)
    for change in changes:
        change.elsewhere = change.worker.pk in elsewhere
    return changes


def identity_conflict_errors(*, changes: list[IdentityChange], columns: dict) -> list[dict]:
    """Preview errors (row, column, reason) of the changes a user may not make."""
    errors = []
    for change in (c for c in changes if c.elsewhere):
        field, message = identity_conflict_message(worker=change.worker, name=change.name)
        errors.append({"row": change.row, "column": columns.get(field, field), "message": message})
    return errors


def identity_change_warnings(*, changes: list[IdentityChange]) -> list[dict]:
    """Preview notes of the identity changes the import will make (and keep in the workers' history)."""
    return [
        {"row": c.row, "message": _("将更改已登记的身份信息：%(change)s") % {"change": _change_text(c)}}
        for c in changes
        if not c.elsewhere
    ]


def _change_text(change: IdentityChange) -> str:
    worker = change.worker
    return identity_change_text(
        old_name=worker.name, new_name=change.name, old_phone=worker.phone, new_phone=change.phone
    )


def _identity_apply(changes: list[IdentityChange], *, user) -> None:
    """Write name/phone changes in bulk, each with a history row: who, when, old and new values."""
    workers = []
    for change in changes:
        change.worker._change_reason = _change_text(change)
        change.worker.name, change.worker.phone = change.name, change.phone
        workers.append(change.worker)
    if workers:
        bulk_update_with_history(
            workers, Worker, ["name", "phone"], batch_size=IMPORT_BATCH, default_user=user
        )


def roster_import_apply(*, project: Project, rows: list[dict], user=None, progress=None) -> tuple[int, int]:
    """Write checked roster rows to one project atomically, in batches; returns (created, updated).

    Raises IdentityConflict, writing nothing, when a row would change a worker held by another jurisdiction.
    """
    created = updated = 0
    with transaction.atomic():
        known = known_workers(rows)
        changes = roster_identity_changes(rows=rows, known=known, user=user)
        if any(c.elsewhere for c in changes):
            raise IdentityConflict([c for c in changes if c.elsewhere])
        workers = {hash_: worker.pk for hash_, worker in known.items()}
        on_roster = dict(RosterEntry.objects.filter(project=project).values_list("worker_id", "id"))
        names = {r["employer"] for r in rows if r["employer"]}
        employers = dict(Enterprise.objects.filter(name__in=names).values_list("name", "id")) if names else {}
        for done, batch in enumerate(_chunks(rows), start=1):
            c, u = _write_batch(
                batch,
                project=project,
                workers=workers,
                on_roster=on_roster,
                employers=employers,
                user_id=user.pk if user else None,
            )
            created, updated = created + c, updated + u
            if progress:
                progress(min(99, done * IMPORT_BATCH * 100 // max(len(rows), 1)))
        _identity_apply(changes, user=user)
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
    changes = roster_identity_changes(rows=parsed.rows, known=known_workers(parsed.rows), user=user)
    conflicts = identity_conflict_errors(changes=changes, columns=parsed.columns)
    refused = {e["row"] for e in conflicts}
    hashes = [r["hash"] for r in parsed.rows if r["row"] not in refused]
    on_roster = roster_hashes_on_project(project=project, hashes=hashes)
    errors = sorted([e.as_dict() for e in parsed.errors] + conflicts, key=lambda e: e["row"])
    job = ImportJob(
        kind=ImportJob.Kind.ROSTER,
        stage=ImportJob.Stage.PREVIEW,
        status=JobStatus.DONE,
        project=project,
        township=project.township,
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        total_rows=parsed.total,
        created_count=len(hashes) - len(on_roster),
        updated_count=len(on_roster),
        error_count=len(errors),
        errors=errors,
        warnings=identity_change_warnings(changes=changes),
        ignored_columns=parsed.ignored,
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
    changed = (
        ImportJob.objects.filter(
            pk=job.pk, stage=ImportJob.Stage.PREVIEW, status=JobStatus.DONE, error_count=0
        )
        .exclude(file="")
        .update(stage=ImportJob.Stage.CONFIRM, status=JobStatus.QUEUED, queued_at=timezone.now(), progress=0)
    )
    if changed != 1:
        raise ValidationError(_("该导入已确认过、存在错误或上传文件已过期，不能导入"))
    job.refresh_from_db()
    if job.total_rows > settings.WAGEWATCH.get("IMPORT_SYNC_MAX_ROWS", 2000):
        jobs.job_dispatch(job)
    else:
        roster_import_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def roster_import_run(*, job_id: int) -> None:
    """Run a confirmed roster import once; nothing is saved if any row fails; the upload is then deleted."""
    if not jobs.job_claim(ImportJob, job_id):
        return
    job = ImportJob.objects.select_related("project", "created_by").get(pk=job_id)
    try:
        created, updated = _roster_import_write(job)
    except Exception as exc:
        log.exception("roster import %s failed", job_id)
        jobs.job_finish(ImportJob, job_id, error=jobs.failure_text(exc))
        return
    finally:
        import_upload_delete(job=job)
    ImportJob.objects.filter(pk=job_id).update(created_count=created, updated_count=updated)
    import_progress_set(pk=job_id, percent=100)
    jobs.job_finish(ImportJob, job_id)


def _roster_import_write(job: ImportJob) -> tuple[int, int]:
    with job.file.open("rb") as fh:
        parsed = parse_roster(fh.read(), job.filename)
    if parsed.errors:
        raise ValidationError(_("文件有%(n)d处错误，未导入") % {"n": len(parsed.errors)})
    try:
        return roster_import_apply(
            project=job.project,
            rows=parsed.rows,
            user=job.created_by,
            progress=lambda p: import_progress_set(pk=job.pk, percent=p),
        )
    except IdentityConflict as conflict:
        # someone registered these workers elsewhere after the preview: refuse the whole file, say which rows
        errors = identity_conflict_errors(changes=conflict.changes, columns=parsed.columns)
        ImportJob.objects.filter(pk=job.pk).update(errors=errors, error_count=len(errors))
        lines = "；".join(_("第%(row)d行 %(column)s：%(message)s") % e for e in errors)
        raise ValidationError(_("身份信息冲突，全部未导入：%(lines)s") % {"lines": lines}) from conflict


def import_upload_delete(*, job: ImportJob) -> None:
    """Delete an import's uploaded file (personal data) from MEDIA_ROOT and forget its name."""
    if job.file.name:
        job.file.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).exclude(file="").update(file="")


def import_uploads_cleanup(*, now=None) -> int:
    """Delete the uploads of previews not confirmed within a day (and any left by a finished import)."""
    now = now or timezone.now()
    stale = ImportJob.objects.exclude(file="").filter(
        Q(stage=ImportJob.Stage.PREVIEW, created_at__lt=now - IMPORT_UPLOAD_KEEP)
        | Q(stage=ImportJob.Stage.CONFIRM, status__in=[JobStatus.DONE, JobStatus.FAILED])
    )
    count = 0
    for job in stale.only("pk", "file"):
        import_upload_delete(job=job)
        count += 1
    return count


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
