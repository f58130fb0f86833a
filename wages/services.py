"""Writes of pay lines: a bank's pay-line batch (代发明细), a line entered by hand, and the lines of an
imported pay sheet (工资支付表) or attendance file (考勤) — wages/imports.py checks those.

A worker's identity comes only from the project's roster: a line for someone not registered on the
project that month is refused (an unregistered worker on site is itself a finding). Card numbers are
kept masked and as a keyed hash, never in full.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from projects.models import ApiClient, Project, RosterEntry
from wagewatch.lib.cardhash import card_hash
from wagewatch.lib.copy import copy_rows
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.masking import mask_card

from .models import PayLine

Status = PayLine.BankStatus


def month_end(month: datetime.date) -> datetime.date:
    """The last day of ``month`` (given as any day of it)."""
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def on_roster_in(entry: RosterEntry, month: datetime.date) -> bool:
    """The entry covers some day of ``month``: entered by its end, not left before its start."""
    return entry.entry_date <= month_end(month) and (entry.exit_date is None or entry.exit_date >= month)


@dataclass
class BankLine:
    """One line of a bank's batch, validated (``card`` is the full number: it is only hashed and masked)."""

    project: Project
    month: datetime.date
    id_number: str
    card: str
    net: Decimal
    paid_on: datetime.date
    bank_status: str
    bank_reference: str
    bank_reason: str = ""
    via_account: bool = True
    name: str = ""
    due: Decimal | None = None
    deductions: Decimal | None = None

    def values(self) -> dict[str, Any]:
        """The line's stored fields as the bank reports them."""
        values = {
            "net": self.net,
            "paid_on": self.paid_on,
            "via_account": self.via_account,
            "card_masked": mask_card(self.card),
            "card_hash": card_hash(self.card),
            "bank_status": self.bank_status,
            "bank_reason": self.bank_reason,
        }
        values.update({f: getattr(self, f) for f in ("due", "deductions") if getattr(self, f) is not None})
        return values


class BatchErrors(Exception):
    """Every refused line of a batch as {index, field, message}: nothing of the batch is stored."""

    def __init__(self, errors: list[dict]) -> None:
        super().__init__(errors)
        self.errors = errors


def _error(index: int, field: str, message: object) -> dict:
    return {"index": index, "field": field, "message": str(message)}


# ---------------------------------------------------------------- a bank's batch


def _entries(lines: list[BankLine | None]) -> dict[tuple[int, str], RosterEntry]:
    """Roster entries of the batch's workers on its projects, by (project id, ID hash): one query."""
    present = [line for line in lines if line is not None]
    if not present:
        return {}
    rows = RosterEntry.objects.filter(
        project__in={line.project.pk for line in present},
        worker__id_number_hash__in={keyed_hash(line.id_number) for line in present},
    ).select_related("worker")
    return {(e.project_id, e.worker.id_number_hash): e for e in rows}


def _match_roster(lines: list[BankLine | None], errors: list[dict]) -> list[RosterEntry | None]:
    """Each line's roster entry; a worker not registered on the project that month is an error."""
    entries, matched, seen = _entries(lines), [], set()
    for index, line in enumerate(lines):
        entry = entries.get((line.project.pk, keyed_hash(line.id_number))) if line is not None else None
        if line is None:
            pass
        elif entry is None:
            errors.append(_error(index, "id_number", _("该工人未在本项目实名制花名册中登记")))
        elif not on_roster_in(entry, line.month):
            errors.append(_error(index, "id_number", _("该工人当月不在本项目花名册（进场、退场日期之外）")))
            entry = None
        elif line.name and line.name != entry.worker.name:
            errors.append(_error(index, "name", _("姓名与花名册不符")))
        elif (entry.pk, line.month) in seen:
            errors.append(_error(index, "id_number", _("同一批次中该工人该月重复")))
        if entry is not None and line is not None:
            seen.add((entry.pk, line.month))
        matched.append(entry or None)
    return matched


def _locked(
    lines: list[BankLine | None], entries: list[RosterEntry | None], client: ApiClient | None
) -> tuple[dict[str, PayLine], dict[tuple[int, datetime.date], PayLine]]:
    """The stored lines these may replay or update, row-locked: by the caller's references and by
    worker-month (one query)."""
    present = [line for line in lines if line is not None]
    mine = Q(api_client=client) if client is not None else Q(api_client__isnull=True)
    by_ref = mine & Q(bank_reference__in=[line.bank_reference for line in present])
    keys = [e.pk for e in entries if e is not None]
    months = {line.month for line in present}
    rows = list(PayLine.objects.select_for_update().filter(by_ref | Q(entry__in=keys, month__in=months)))
    client_id = client.pk if client is not None else None
    refs = {r.bank_reference: r for r in rows if r.bank_reference and r.api_client_id == client_id}
    return refs, {(r.entry_id, r.month): r for r in rows}


_RESULT_FIELDS = ("paid_on", "bank_status", "bank_reason")


def _same(stored: PayLine, values: dict[str, Any], fields: Iterable[str]) -> bool:
    return all(getattr(stored, f) == values[f] for f in fields)


def _decide(
    line: BankLine,
    entry: RosterEntry,
    by_ref: dict[str, PayLine],
    by_key: dict[tuple[int, datetime.date], PayLine],
) -> tuple[PayLine | None, str | None]:
    """(the stored line to replay or update, or None to create; an error message or None)."""
    values = line.values()
    held = by_ref.get(line.bank_reference)
    if held is not None:
        if (held.entry_id, held.month) != (entry.pk, line.month):
            return None, _("该银行流水号已用于其他工人或月份")
        # under the same reference only the bank's result may change (a failed transfer re-sent, or a
        # paid one returned): a different amount or card is a different transaction
        if not _same(held, values, [f for f in values if f not in _RESULT_FIELDS]):
            return None, _("该银行流水号已用于内容不同的记录")
        return held, None
    current = by_key.get((entry.pk, line.month))
    if current is not None and current.bank_reference and current.bank_status != Status.FAILED:
        return None, _("该工人该月工资已由其他银行流水号报送，只有失败的明细可以重新报送")
    return current, None


def _prepared(
    lines: list[BankLine | None],
    entries: list[RosterEntry | None],
    by_ref: dict[str, PayLine],
    by_key: dict[tuple[int, datetime.date], PayLine],
    client: ApiClient | None,
    errors: list[dict],
) -> tuple[list[PayLine | None], list[PayLine], list[PayLine]]:
    """(every line's PayLine or None, those to create, those to update) with the bank's values set."""
    now = timezone.now()
    stored: list[PayLine | None] = []
    create: list[PayLine] = []
    update: list[PayLine] = []
    for index, (line, entry) in enumerate(zip(lines, entries, strict=True)):
        obj, message = (None, None) if line is None or entry is None else _decide(line, entry, by_ref, by_key)
        if line is None or entry is None or message:
            if message:
                errors.append(_error(index, "bank_reference", message))
            stored.append(None)
            continue
        values = {**line.values(), "bank_reference": line.bank_reference, "api_client": client}
        if obj is None:
            obj = PayLine(entry=entry, project=line.project, month=line.month, source=PayLine.Source.BANK)
            create.append(obj)
        elif not _same(obj, values, values):
            update.append(obj)
        for key, value in values.items():
            setattr(obj, key, value)
        obj.updated_at = now
        stored.append(obj)
    return stored, create, update


def pay_lines_from_bank(
    *, lines: list[BankLine | None], client: ApiClient | None, user: User | None
) -> tuple[list[dict], bool]:
    """Store a batch of bank pay lines all or nothing (call inside a transaction): new lines created, a
    failed line re-sent updated, a replay left as it is. ``None`` stands for a line the caller refused
    already (nothing is then written). Returns (results per line, anything written); raises BatchErrors
    listing every refused line. A fixed number of queries whatever the batch size."""
    errors: list[dict] = []
    entries = _match_roster(lines, errors)
    by_ref, by_key = _locked(lines, entries, client)
    stored, create, update = _prepared(lines, entries, by_ref, by_key, client, errors)
    if errors or None in lines:
        raise BatchErrors(sorted(errors, key=lambda e: e["index"]))
    _write(create, update, user)
    results = [
        {"index": n, "id": obj.pk, "project": obj.project_id, "entry": obj.entry_id,
         "bank_reference": obj.bank_reference}
        for n, obj in enumerate(stored)
        if obj is not None  # every line was stored: a refused one raised BatchErrors above
    ]  # fmt: skip
    return results, bool(create or update)


_BANK_FIELDS = ["net", "paid_on", "via_account", "card_masked", "card_hash", "bank_status", "bank_reason"]
_BANK_FIELDS += ["due", "deductions", "bank_reference", "api_client", "updated_at"]


def _write(create: list[PayLine], update: list[PayLine], user: User | None) -> None:
    reason = _("银行代发明细")
    if create:
        bulk_create_with_history(create, PayLine, default_user=user, default_change_reason=reason)
    if update:
        bulk_update_with_history(
            update, PayLine, _BANK_FIELDS, default_user=user, default_change_reason=reason
        )


# ---------------------------------------------------------------- a line entered by hand


def pay_line_save(
    *,
    entry: RosterEntry,
    month: datetime.date,
    user: User,
    line: PayLine | None = None,
    card: str = "",
    **fields: Any,
) -> PayLine:
    """Create or correct one worker's line for a month (工资支付表 entered by hand); the line is
    row-locked while it changes."""
    month = month.replace(day=1)
    if not on_roster_in(entry, month):
        raise ValidationError({"month": _("该工人当月不在本项目花名册（进场、退场日期之外）")})
    if line is None:
        line = PayLine(entry=entry, project_id=entry.project_id, source=PayLine.Source.ENTRY)
    else:
        line = PayLine.objects.select_for_update().get(pk=line.pk)
    taken = PayLine.objects.filter(entry=entry, month=month).exclude(pk=line.pk)
    if taken.exists():
        raise ValidationError({"month": _("该工人该月已有工资明细，请修改原明细")})
    line.month = month
    for key, value in fields.items():
        setattr(line, key, value)
    if card:
        line.card_masked, line.card_hash = mask_card(card), card_hash(card)
    line.updated_at = timezone.now()
    line.full_clean()
    line._history_user = user
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as exc:  # the same worker-month saved at the same moment by someone else
        raise ValidationError({"month": _("该工人该月已有工资明细，请修改原明细")}) from exc
    return line


# ---------------------------------------------------------------- the lines of an imported file

# The staging table an import COPYs its lines into, one batch at a time, before one upsert per batch.
_STAGING = "wages_import_lines"
_STAGED = {"days": "numeric(5,1)", "due": "numeric(12,2)", "deductions": "numeric(12,2)",
           "net": "numeric(12,2)", "paid_on": "date", "card_masked": "varchar(30)",
           "card_hash": "varchar(64)", "signed": "boolean"}  # fmt: skip
# What a bank reported stays the bank's: a pay sheet does not overwrite what reached the worker.
_BANK_OWNS = frozenset({"net", "paid_on", "card_masked", "card_hash", "source"})
_IMPORT_BATCH = 1000


def _upsert_sql(fields: Sequence[str], *, claim: bool) -> tuple[str, list]:
    """One statement: insert the staged lines, update the lines the entries have that month (only where a
    value changes; ``claim``: they take the import's source), and write a history row for each line
    written; it returns (created, updated). Also the model fields a new line takes its default for."""
    table, history = PayLine._meta.db_table, PayLine.history.model._meta.db_table
    model_fields = [f for f in PayLine._meta.concrete_fields if f.column != "id"]
    columns = [str(f.column) for f in model_fields]
    defaults = [f for f in model_fields if f.column not in {"entry_id", *fields}]
    values = ", ".join(f"s.{c}" if c == "entry_id" or c in fields else f"%({c})s" for c in columns)
    kept = {c: f"CASE WHEN p.bank_reference IS NULL THEN EXCLUDED.{c} ELSE p.{c} END" for c in _BANK_OWNS}
    changes = {c: kept.get(c, f"EXCLUDED.{c}") for c in [*fields, *(["source"] if claim else [])]}
    assignments = ", ".join(f"{c} = {expr}" for c, expr in changes.items())
    old, new = ", ".join(f"p.{c}" for c in changes), ", ".join(changes.values())
    sql = f"""
        WITH written AS (
            INSERT INTO {table} AS p ({", ".join(columns)}) SELECT {values} FROM {_STAGING} s
            ON CONFLICT (entry_id, month) DO UPDATE SET {assignments}, updated_at = EXCLUDED.updated_at
            WHERE ({old}) IS DISTINCT FROM ({new})
            RETURNING p.*
        ), logged AS (
            INSERT INTO {history} (id, {", ".join(columns)}, history_date, history_type,
                                   history_change_reason, history_user_id)
            SELECT id, {", ".join(columns)}, %(now)s, CASE WHEN created_at = %(now)s THEN '+' ELSE '~' END,
                   %(reason)s, %(user)s FROM written
            RETURNING history_type
        )
        SELECT count(*) FILTER (WHERE history_type = '+'), count(*) FILTER (WHERE history_type = '~')
        FROM logged"""
    return sql, defaults


def pay_lines_import(
    *,
    project: Project,
    month: datetime.date,
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    source: str,
    claim: bool,
    user: Any,
    reason: str,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Create or update one project-month's lines from rows ``[entry id, *fields]`` (checked: each entry on
    the roster that month, once) in batches: COPY into a staging table, then one upsert per batch writing
    the lines that change and their history. New lines have ``source``; updated ones take it when
    ``claim``. A line the bank reported keeps the bank's net, pay date, card and source. Returns
    (created, updated). PostgreSQL (COPY, ON CONFLICT, a temporary table)."""
    sql, defaults = _upsert_sql(fields, claim=claim)
    now = timezone.now()
    params = {f.column: f.get_default() for f in defaults}
    params.update(project_id=project.pk, month=month, source=source, created_at=now, updated_at=now)
    params.update(now=now, reason=reason, user=getattr(user, "pk", None))
    staged = ", ".join(f"{c} {_STAGED[c]}" for c in fields)
    created = updated = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {_STAGING} (entry_id integer, {staged}) ON COMMIT DROP")
        for start in range(0, len(rows), _IMPORT_BATCH):
            cursor.execute(f"TRUNCATE {_STAGING}")
            copy_rows(_STAGING, ["entry_id", *fields], rows[start : start + _IMPORT_BATCH])
            cursor.execute(sql, params)
            c, u = cursor.fetchone()
            created, updated = created + c, updated + u
            if progress:
                progress(min(99, (start + _IMPORT_BATCH) * 100 // len(rows)))
        cursor.execute(f"DROP TABLE {_STAGING}")
    return created, updated
