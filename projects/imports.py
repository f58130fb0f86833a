"""Real-name roster import (花名册): the roster's column map and row check, plugged into the import pipeline
(wagewatch/imports): identity checks at preview, COPY writes of new workers and entries when it runs."""

import datetime
from collections.abc import Iterable, Sized
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from wagewatch.imports import pipeline
from wagewatch.imports.cells import Date, Text, mobile, yes_no
from wagewatch.imports.kinds import Check, Column, ImportKind, Parsed, Refused, parse
from wagewatch.imports.pipeline import IMPORT_BATCH, UPDATE_BATCH, batches
from wagewatch.lib.cardhash import card_hash
from wagewatch.lib.copy import analyze_after_load, copy_rows, new_ids, update_rows
from wagewatch.lib.fields import encrypter, keyed_hash, keyed_hasher
from wagewatch.lib.masking import mask_card, mask_id, mask_phone
from wagewatch.lib.validators import normalise_text, validate_resident_id

from .models import Enterprise, ImportJob, Project, RosterEntry, Worker
from .services import identity_change_text, identity_conflict_message, workers_held_elsewhere

_PAY = {"银行代发": "bank", "银行": "bank", "代发": "bank", "现金": "cash"}


def _pay_method(value) -> str:
    pay = normalise_text(value)
    return _PAY.get(pay, "other" if pay else "bank")


def _card(value) -> str:
    """The card number as written, without spaces: check_row keeps it only masked and as its keyed hash."""
    return normalise_text(value).replace(" ", "")


_TEXT50 = Text(50)
# the templates' example worker (synthetic: the GB 11643 standard's own example number, a Luhn-valid card)
ID_EXAMPLE, CARD_EXAMPLE = "11010519491231002X", "6228480012345678903"
ID_NOTE = gettext_lazy("18位居民身份证号码，末位可为X")
COLUMNS = (
    Column("name", ("姓名", "工人姓名", "人员姓名", "职工姓名"),
           Text(50, required=gettext_lazy("姓名不能为空"), too_long=gettext_lazy("姓名过长")),
           example=gettext_lazy("张三")),
    Column("id_number", ("公民身份号码", "身份证号", "身份证号码", "身份证", "证件号码", "证件号",
                         "居民身份证号码", "身份证件号码", "公民身份证号码"),
           validate_resident_id, mask=mask_id, unique=gettext_lazy("身份证号码与第%(n)d行重复"),
           example=ID_EXAMPLE, note=ID_NOTE),
    Column("phone", ("联系电话", "手机号码", "电话", "手机号", "手机", "联系方式", "电话号码", "移动电话",
                     "联系手机"),
           mobile, mask=mask_phone, formula_text=False, example="13800138000"),  # +86: a phone, not a formula
    Column("team", ("所属班组", "班组", "班组名称"), _TEXT50, example=gettext_lazy("钢筋班组")),
    Column("trade", ("工种",), _TEXT50, example=gettext_lazy("钢筋工")),
    Column("employer", ("用工单位", "所属单位", "劳务企业", "劳务公司"), Text(100),
           example=gettext_lazy("某某建筑劳务有限公司")),
    Column("entry_date", ("进场日期", "进场时间", "入场日期", "入场时间", "进场"),
           Date(required=gettext_lazy("进场日期不能为空")), example="2024-03-05"),
    Column("exit_date", ("退场日期", "退场时间", "离场日期", "离场时间", "出场日期", "出场时间", "退场",
                         "离场"), Date()),
    Column("contract_signed", ("是否签订劳动合同", "签订合同", "签订劳动合同", "劳动合同", "是否签订合同"),
           yes_no, example=gettext_lazy("是")),
    Column("pay_method", ("工资发放方式", "发放方式"), _pay_method, example=gettext_lazy("银行代发"),
           note=gettext_lazy("银行代发 / 现金；空白视为银行代发")),
    Column("bank", ("开户银行", "工资卡开户银行", "开户行", "银行"), _TEXT50,
           example=gettext_lazy("中国农业银行")),
    Column("card", ("工资卡号", "银行卡号", "卡号", "银行账号"), _card, mask=mask_card, example=CARD_EXAMPLE,
           note=gettext_lazy("银行卡号，只保存遮蔽后的号码")),
)  # fmt: skip


class RosterImport(ImportKind):
    name = ImportJob.Kind.ROSTER
    columns: tuple[Column, ...] = COLUMNS
    identify = ("name", "id_number")
    header_missing = gettext_lazy("未找到表头行：须含“姓名”和“公民身份号码（身份证号）”列")
    required_columns = ("name", "id_number", "entry_date")
    streams = True  # the run walks the kept rows once, a batch at a time
    # row numbers, and what the ID number already says
    not_data = frozenset({"序号", "编号", "行号", "性别", "出生日期", "年龄"})

    def check_row(self, row, error):
        if number := row.get("id_number"):
            # the validator checked the birth date; derive here rather than resident_id_info(), whose
            # birthplace lookup costs more than the rest of the row
            row["birth_date"] = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            row["sex"], row["hash"] = "M" if int(number[16]) % 2 else "F", keyed_hash(number)
        card = row.pop("card", "")
        row["card_masked"], row["card_hash"] = (mask_card(card) if card else ""), card_hash(card)
        entry, exit_ = row.get("entry_date"), row.get("exit_date")
        if entry and exit_ and exit_ < entry:
            error("exit_date", _("退场日期早于进场日期"))

    def check(self, job, parsed):
        return roster_check(
            project=job.project, rows=parsed.rows, columns=parsed.columns, user=job.created_by
        )

    def check_rows(self, job, rows, parsed, check):
        roster_check_batch(
            project=job.project, batch=rows, columns=parsed.columns, user=job.created_by, check=check
        )

    def apply(self, job, parsed, progress):
        try:
            return roster_import_apply(
                project=job.project, rows=parsed.rows, user=job.created_by, progress=progress
            )
        except IdentityConflict as conflict:
            # someone registered these workers elsewhere after the preview: refuse the file, say which rows
            errors = identity_conflict_errors(changes=conflict.changes, columns=parsed.columns)
            lines = "；".join(_("第%(row)d行 %(column)s：%(message)s") % e for e in errors)
            raise Refused(errors, _("身份信息冲突，全部未导入：%(lines)s") % {"lines": lines}) from conflict


ROSTER = RosterImport()


def roster_check(*, project: Project, rows: list[dict], columns: dict, user) -> Check:
    """Identity changes the user may not make are errors, the others warnings; rows already on the
    project's roster are updates (noted on each row for the preview page). A batch at a time: the workers
    it names are looked up by keyed hash, never every worker of the file at once."""
    check = Check()
    for batch in batches(rows):
        roster_check_batch(project=project, batch=batch, columns=columns, user=user, check=check)
    return check


def roster_check_batch(*, project: Project, batch: list[dict], columns: dict, user, check: Check) -> None:
    """``roster_check`` of a batch of rows (at most IMPORT_BATCH), added to ``check``."""
    known = known_workers(batch)
    changes = roster_identity_changes(rows=batch, known=known, user=user)
    conflicts = identity_conflict_errors(changes=changes, columns=columns)
    refused = {e["row"] for e in conflicts}
    hashes = [r["hash"] for r in batch if r["row"] not in refused]
    on_roster = roster_hashes_on_project(project=project, hashes=hashes, known=known)
    for r in batch:
        r["update"] = r["hash"] in on_roster
    check.errors += conflicts
    check.warnings += identity_change_warnings(changes=changes)
    check.created, check.updated = (
        check.created + len(hashes) - len(on_roster),
        check.updated + len(on_roster),
    )


def parse_roster(data: bytes, filename: str) -> Parsed:
    """Read, normalise and check every row of a roster file; rows with any error are left out of ``rows``."""
    return parse(ROSTER, data, filename)


def roster_import_preview(*, project: Project, user, filename: str, data: bytes) -> tuple[ImportJob, Parsed]:
    """Check an uploaded roster and record it as an ImportJob in the preview stage (nothing written)."""
    job = ImportJob(kind=ImportJob.Kind.ROSTER, project=project, township=project.township, created_by=user)
    job, parsed, _check = pipeline.preview(job, filename=filename, data=data)
    return job, parsed


def roster_import_confirm(*, job: ImportJob, user) -> ImportJob:
    """Confirm a clean preview: small files are written now, large ones are queued for Celery."""
    return pipeline.confirm(job)


# ---------------------------------------------------------------- writes
def entries_on_project(*, project: Project, worker_ids: Iterable[int]) -> dict[int, int]:
    """The project's roster entries of these workers: worker id -> entry id; one query per batch, none for
    no workers (a roster of new workers)."""
    found: dict[int, int] = {}
    for chunk in batches(list(worker_ids)):
        # unordered: the model's ordering (the project's dates and code) would join the project and sort
        entries = RosterEntry.objects.filter(project=project, worker_id__any=chunk).order_by()
        found.update(entries.values_list("worker_id", "id"))
    return found


def roster_hashes_on_project(*, project: Project, hashes: list[str], known: dict[str, Worker]) -> set[str]:
    """ID hashes (of those given) whose workers are already on the project's roster: only a registered
    worker can be, so those of ``known`` (``known_workers`` of these hashes) looked up by id."""
    ids = {known[h].pk: h for h in hashes if h in known}
    return {ids[worker_id] for worker_id in entries_on_project(project=project, worker_ids=ids)}


_WORKER_COLUMNS = ["id_number", "id_number_hash", "name", "sex", "birth_date", "phone", "phone_hash"]
_WORKER_COLUMNS += ["created_at"]
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
# what a row of the file sets on an entry already on the roster: its own columns, not project and worker
_ENTRY_UPDATED = [*_ENTRY_COLUMNS[2:-2], "updated_at"]


_WORKER_HISTORY_COLUMNS = ["id", "id_number_hash", "name", "sex", "birth_date", "created_at"]
_WORKER_HISTORY_COLUMNS += ["history_date", "history_type", "history_change_reason", "history_user_id"]


def _copy_new_workers(batch: list[dict], *, workers: dict, now, user_id: int | None) -> None:
    """COPY the batch's unknown workers (numbers encrypted here) and their creation history; learn ids."""
    fresh = [r for r in batch if r["hash"] not in workers]
    if not fresh:
        return
    seal, phone_hash = encrypter(), keyed_hasher()  # the keys looked up once a batch
    values = (
        [seal(r["id_number"]), r["hash"], r["name"], r["sex"], r["birth_date"],
         seal(r["phone"]) if r["phone"] else "", phone_hash(r["phone"]), now]
        for r in fresh
    )  # fmt: skip
    hashes = [r["hash"] for r in fresh]
    numbers = new_ids(Worker._meta.db_table, len(fresh))  # their ids first (PostgreSQL), else looked up
    if numbers is not None:
        rows = ([n, *v] for n, v in zip(numbers, values, strict=True))
        copy_rows(Worker._meta.db_table, ["id", *_WORKER_COLUMNS], rows)
        ids = dict(zip(hashes, numbers, strict=True))
    else:
        copy_rows(Worker._meta.db_table, _WORKER_COLUMNS, values)
        ids = dict(Worker.objects.filter(id_number_hash__any=hashes).values_list("id_number_hash", "id"))
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
    new_rows, old_rows = [], []
    for r in batch:
        worker_id = workers[r["hash"]]
        values = [employers.get(r["employer"]), r["employer"], r["team"], r["trade"], r["entry_date"],
                  r["exit_date"], r["contract_signed"], r["pay_method"], r["bank"], r["card_masked"],
                  r["card_hash"]]  # fmt: skip
        if pk := on_roster.get(worker_id):
            old_rows.append([pk, *values, now])
        else:
            new_rows.append([project.pk, worker_id, *values, now, now])
    copy_rows(RosterEntry._meta.db_table, _ENTRY_COLUMNS, new_rows)
    update_rows(RosterEntry._meta.db_table, "id", _ENTRY_UPDATED, old_rows)
    return len(new_rows), len(old_rows)


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
    for chunk in batches([r["hash"] for r in rows]):
        known.update(
            (w.id_number_hash, w) for w in Worker.objects.filter(id_number_hash__any=chunk).defer("id_number")
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
        change.worker.phone_hash = keyed_hash(change.phone)
        workers.append(change.worker)
    if workers:
        bulk_update_with_history(
            workers, Worker, ["name", "phone", "phone_hash"], batch_size=UPDATE_BATCH, default_user=user
        )


def roster_import_apply(
    *, project: Project, rows: Iterable[dict], user=None, progress=None
) -> tuple[int, int]:
    """Write checked roster rows to one project atomically, in one walk of batches; returns (created,
    updated). Each batch looks up its own workers, roster entries and employers, and writes its identity
    changes with their history.

    Raises IdentityConflict, writing nothing, when a row would change a worker held by another jurisdiction
    (every such row of the file is named: the walk goes on, writing nothing more, once one is found).
    """
    created = updated = 0
    total = max(len(rows) if isinstance(rows, Sized) else 0, 1)
    conflicts: list[IdentityChange] = []
    employers: dict[str, int | None] = {}
    with transaction.atomic():
        for done, batch in enumerate(batches(rows), start=1):
            known = known_workers(batch)
            changes = roster_identity_changes(rows=batch, known=known, user=user)
            conflicts += [c for c in changes if c.elsewhere]
            if conflicts:
                continue
            workers = {hash_: worker.pk for hash_, worker in known.items()}
            on_roster = entries_on_project(project=project, worker_ids=workers.values())
            names = {r["employer"] for r in batch if r["employer"]} - employers.keys()
            if names:
                employers |= dict.fromkeys(names)
                employers |= dict(Enterprise.objects.filter(name__any=names).values_list("name", "id"))
            c, u = _write_batch(
                batch,
                project=project,
                workers=workers,
                on_roster=on_roster,
                employers=employers,
                user_id=user.pk if user else None,
            )
            created, updated = created + c, updated + u
            _identity_apply(changes, user=user)
            if progress:
                progress(min(99, done * IMPORT_BATCH * 100 // total))
        if conflicts:
            raise IdentityConflict(conflicts)
        analyze_after_load(
            {
                Worker._meta.db_table: ["id_number_hash"],
                RosterEntry._meta.db_table: ["project_id", "worker_id"],
            },
            created,
        )
    return created, updated
