"""The import pipeline: preview (parse once, check, keep the result with the job) → confirm → run → result.

The job model (``projects.models.ImportJob``) is passed in, never imported: the kernel imports no app. It has
the ``accounts.models.Job`` fields plus kind, stage (``Stage.PREVIEW``/``CONFIRM``), file, filename, sha256,
total_rows, created_count, updated_count, error_count, errors, warnings and ignored_columns.

What a preview keeps is one file in the job's ``file`` (a JSON line: the columns and, for the error workbook,
the rows in error as they were; then the typed rows: a JSON line each, or for a kind that ``streams``
signed pickled batches, ``_frame``); not the upload itself. The preview page, the run
and the error workbook read it, so nothing parses the upload again. It holds personal data: it is deleted
when the run ends (done or failed), and a preview not confirmed within ``UPLOAD_KEEP`` loses it to the
hourly cleanup.
"""

import datetime
import hashlib
import hmac
import io
import json
import logging
import pickle
import shutil
import struct
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import partial
from itertools import islice
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import IO, Any, TypeVar

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from wagewatch.accounts import jobs
from wagewatch.accounts.models import JobStatus
from wagewatch.lib import config, rawsql
from wagewatch.lib.collector import young_only
from wagewatch.lib.fields import encryption_keys
from wagewatch.lib.validators import normalise_text

from .kinds import (
    AnyImportJob,
    Check,
    FilesKind,
    ImportKind,
    Parsed,
    Refused,
    RowError,
    WorkbookKind,
    parse,
    parse_files,
    parse_start,
)
from .reading import Table

log = logging.getLogger(__name__)
IMPORT_BATCH = 5000  # rows an apply writes (and looks up) per statement: 1,000 cost a confirm 10% more
# rows an apply updates per statement through Django's bulk_update (a worker's identity changes, with their
# history): it sends a CASE of a branch per row for each field, whose cost grows with the square of the rows
# (5,000 rows of 12 fields: minutes with PostgreSQL's JIT on); roster entries go by copy.update_rows instead
UPDATE_BATCH = 1000
UPLOAD_KEEP = datetime.timedelta(days=1)  # a preview not confirmed within a day is abandoned: its file goes
PROGRESS_KEY = "ww:import-progress:{pk}"
_KINDS: dict[str, ImportKind] = {}
_T = TypeVar("_T")


class PreviewGone(Exception):
    """The preview's file is gone (the import ended, or it was abandoned for a day) or unreadable."""


def register(kind: ImportKind) -> None:
    """Make a kind known to the pipeline by its name (from the app's ``ready()``, so workers know it too)."""
    _KINDS[kind.name] = kind


def kind_of(name: str) -> ImportKind:
    return _KINDS[name]


def batches(items: Iterable[_T], size: int = IMPORT_BATCH) -> Iterator[list[_T]]:
    """``items`` in consecutive lists of ``size``: an apply writes a batch per statement. A list is sliced;
    any other iterable (``KeptRows``) is walked once, a batch at a time."""
    if isinstance(items, list):
        for start in range(0, len(items), size):
            yield items[start : start + size]
        return
    walk = iter(items)
    while batch := list(islice(walk, size)):
        yield batch


# ---------------------------------------------------------------- preview → confirm → run
def preview(job: AnyImportJob, *, filename: str, data: bytes) -> tuple[AnyImportJob, Parsed, Check]:
    """Parse an upload once, run the kind's checks and save ``job`` (unsaved, its kind and scope set) as a
    preview holding the result; nothing else is written. An unreadable file raises reading.ImportFileError."""
    kind = kind_of(job.kind)
    with young_only():
        if kind.streams and not isinstance(kind, WorkbookKind | FilesKind):
            return _preview_streamed(job, kind, filename=filename, data=data)
        parsed = parse(kind, data, filename)
        return _preview(job, kind, parsed, filename=filename, digest=hashlib.sha256(data).hexdigest())


def preview_files(job: AnyImportJob, *, files: list[tuple[str, bytes]]) -> tuple[AnyImportJob, Parsed, Check]:
    """``preview`` of a batch (a ``FilesKind``): every file and sheet parsed and checked together, errors
    naming each one's file or sheet; the job also keeps what each part holds (``job.parts``)."""
    kind = kind_of(job.kind)
    if not isinstance(kind, FilesKind):
        raise TypeError(f"{job.kind} is not an import of several files")
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(hashlib.sha256(name.encode()).digest() + hashlib.sha256(data).digest())
    names = "、".join(name for name, _data in files)
    with young_only():
        return _preview(job, kind, parse_files(kind, files), filename=names, digest=digest.hexdigest())


def _preview(
    job: AnyImportJob, kind: ImportKind, parsed: Parsed, *, filename: str, digest: str
) -> tuple[AnyImportJob, Parsed, Check]:
    return _keep(job, kind, parsed, kind.check(job, parsed), filename=filename, digest=digest)


def _preview_streamed(
    job: AnyImportJob, kind: ImportKind, *, filename: str, data: bytes
) -> tuple[AnyImportJob, Parsed, Check]:
    """``preview`` of a kind that ``streams``, holding a batch of rows at a time, never the file's: each
    batch is typed and checked (``parse_start``), then its clean rows pass the kind's database checks
    (``check_rows``) and go to a temporary file while the preview is still clean; the cells of the rows in
    error are kept as they come. The parsed result's ``rows`` are then the kept ones (``KeptRows``: read
    from the job's file as they are walked), or none when there are errors."""
    parsed, walk = parse_start(kind, Table(data, filename))
    check, raw, count = Check(), list[tuple[int, list]](), 0
    with tempfile.TemporaryFile() as typed:
        for batch, checked in walk:
            clean = []
            for row, errors in checked:
                if errors:
                    parsed.errors.extend(RowError(row["row"], column, message) for column, message in errors)
                else:
                    clean.append(row)
            found = len(check.errors)
            if clean:
                kind.check_rows(job, clean, parsed, check)
            wrong = {row["row"] for row, errors in checked if errors} | {
                e["row"] for e in check.errors[found:]
            }
            if wrong:
                raw += [(number, values) for number, values in batch if number in wrong]
            elif not parsed.errors and not check.errors:  # rows are kept only for a clean preview
                typed.write(_frame(clean))
                count += len(clean)
        parsed.raw, parsed.table = raw, None
        job, parsed, check = _keep(
            job, kind, parsed, check, filename=filename, digest=hashlib.sha256(data).hexdigest(),
            typed=(typed, count),
        )  # fmt: skip
    parsed.rows = KeptRows(job, count, FRAMES) if not job.error_count else []  # type: ignore[assignment]
    return job, parsed, check


def _keep(
    job: AnyImportJob, kind: ImportKind, parsed: Parsed, check: Check, *, filename: str, digest: str,
    typed: tuple[IO[bytes], int] | None = None,
) -> tuple[AnyImportJob, Parsed, Check]:  # fmt: skip
    """Save ``job`` as a preview holding the result: its counts and errors, and its file (``_pack``)."""
    names = list(parsed.parts)  # a workbook's sheets or a batch's files, in order: their errors in that order

    def order(e: dict) -> tuple[int, int]:
        return (names.index(e["sheet"]) if e.get("sheet") in names else len(names), e["row"])

    errors = sorted([e.as_dict() for e in parsed.errors] + check.errors, key=order)
    if isinstance(kind, FilesKind):
        for summary in check.parts:
            summary["errors"] = sum(1 for e in errors if e.get("sheet") == summary["sheet"])
        job.parts = check.parts
    job.stage, job.status, job.finished_at = job.Stage.PREVIEW, JobStatus.DONE, timezone.now()
    job.filename, job.sha256 = filename[:200], digest
    job.total_rows, job.created_count, job.updated_count = parsed.total, check.created, check.updated
    job.errors, job.error_count, job.warnings = errors, len(errors), check.warnings
    job.ignored_columns = parsed.ignored
    parsed.keep_raw({e["row"] for e in errors})
    for name, part in parsed.parts.items():  # a workbook: each sheet keeps its own rows in error
        part.keep_raw({e["row"] for e in errors if e.get("sheet") == name})
    with tempfile.TemporaryFile() as kept:
        _pack(parsed, kept, clean=not errors, typed=typed)
        kept.seek(0)
        job.file.save(f"{job.kind}-{job.sha256[:16]}.jsonl", File(kept), save=False)
    job.save()
    return job, parsed, check


def confirm(job: AnyImportJob) -> AnyImportJob:
    """Confirm a clean preview: small files (and kinds never queued) run now, large ones in Celery."""
    model = type(job)
    changed = (
        model.objects.filter(pk=job.pk, stage=model.Stage.PREVIEW, status=JobStatus.DONE, error_count=0)
        .exclude(file="")
        .update(stage=model.Stage.CONFIRM, status=JobStatus.QUEUED, queued_at=timezone.now(), progress=0)
    )
    if changed != 1:
        raise ValidationError(_("该导入已确认过、存在错误或上传文件已过期，不能导入"))
    job.refresh_from_db()
    if kind_of(job.kind).background and job.total_rows > config.IMPORT_SYNC_MAX_ROWS():
        jobs.job_dispatch(job)
    else:
        run(model, job.pk)
        job.refresh_from_db()
    return job


def run(model: type[AnyImportJob], job_id: int) -> str:
    """Run a confirmed import once (the Celery task's body): all rows or none, then its file is deleted."""
    return jobs.job_run(model, job_id, _run)


def _run(job: AnyImportJob) -> None:
    model = type(job)
    try:
        parsed = stored(job)
        with young_only(), transaction.atomic():
            rawsql.no_jit()  # many short statements, and updates as long CASEs: JIT gains nothing here
            created, updated = kind_of(job.kind).apply(job, parsed, partial(progress_set, pk=job.pk))
    except Refused as refused:
        # e.g. someone registered these workers elsewhere after the preview: say which rows
        model.objects.filter(pk=job.pk).update(errors=refused.errors, error_count=len(refused.errors))
        raise ValidationError(refused.message) from refused
    finally:
        upload_delete(job)
    model.objects.filter(pk=job.pk).update(created_count=created, updated_count=updated)
    progress_set(pk=job.pk, percent=100)


# ---------------------------------------------------------------- progress
def progress_set(percent: int, *, pk: int) -> None:
    """Progress of a running import, kept in the cache: the import's own transaction hides its row updates."""
    try:
        cache.set(PROGRESS_KEY.format(pk=pk), int(percent), 3600)
    except Exception:  # a cache outage must not fail the import
        log.warning("import progress not cached", exc_info=True)


def progress(job: AnyImportJob) -> int:
    """How far a job is, in percent (a running one's from the cache, when the cache answers)."""
    if job.status == JobStatus.RUNNING:
        try:
            return cache.get(PROGRESS_KEY.format(pk=job.pk), job.progress)
        except Exception:  # the cache is down: the row's own figure
            log.warning("import progress not read from the cache", exc_info=True)
    return job.progress


# ---------------------------------------------------------------- what the preview keeps
def _encode(value: object) -> dict[str, object]:
    if isinstance(value, datetime.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$d": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$t": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"$s": value.total_seconds()}
    if isinstance(value, Decimal):
        return {"$n": str(value)}
    raise TypeError(f"{type(value).__name__} is not kept by an import preview")


_DECODE: dict[str, Callable[[Any], object]] = {
    "$dt": datetime.datetime.fromisoformat,
    "$d": datetime.date.fromisoformat,
    "$t": datetime.time.fromisoformat,
    "$s": lambda seconds: datetime.timedelta(seconds=seconds),
    "$n": Decimal,
}


def _decode(obj: dict[str, Any]) -> object:
    if len(obj) == 1:
        ((key, value),) = obj.items()
        if key in _DECODE:
            return _DECODE[key](value)
    return obj


# one encoder and one decoder for every line (json.dumps and json.loads build one per call when given options)
_ENCODER = json.JSONEncoder(default=_encode, ensure_ascii=False, separators=(",", ":"))
_DECODER = json.JSONDecoder(object_hook=_decode)


# the C encoder that JSONEncoder.encode builds on every call, built once (no check for circular values: the
# rows are plain dicts); the same text
_C_ENCODE = c_make_encoder and c_make_encoder(
    None, _encode, encode_basestring, None, ":", ",", False, False, True
)  # markers, default, encoder, indent, separators, sort_keys, skipkeys, allow_nan


def _dumps(value: object) -> str:
    if _C_ENCODE is None or type(value) is not dict:
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))


def _loads(line: bytes) -> Any:
    return _DECODER.decode(line.decode())


def _loads_lines(lines: list[bytes]) -> list:
    """The values of JSON lines, decoded as one array."""
    return _DECODER.decode("[" + b",".join(lines).decode() + "]")


# The typed rows of a kind that streams, a batch a frame: length, HMAC-SHA256 (keyed by the field-encryption
# key, which the web process that keeps them and the worker that reads them share, as they need not share
# SECRET_KEY) and the
# pickle of the batch's list of rows; 3-4× cheaper to write and to read than JSON lines with their dates.
# The file is the server's own (MEDIA_ROOT, never served, deleted when the run ends), written and read by
# the same release; still, a frame is unpickled only once its MAC is checked, and the unpickler builds
# nothing but the kept values' types (``_KeptUnpickler``). The header line names the format (``FRAMES``).
FRAMES = "pickle-hmac-1"
_FRAME_HEAD = struct.Struct(">I32s")
_FRAME_SALT = "wagewatch.imports.pipeline.kept-rows"
_KEPT_TYPES = {
    ("datetime", "date"): datetime.date,
    ("datetime", "datetime"): datetime.datetime,
    ("datetime", "time"): datetime.time,
    ("datetime", "timedelta"): datetime.timedelta,
    ("datetime", "timezone"): datetime.timezone,
    ("decimal", "Decimal"): Decimal,
}


class _KeptUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        try:
            return _KEPT_TYPES[module, name]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not kept by an import preview") from None


def _frame(rows: list[dict]) -> bytes:
    """A batch of typed rows as one signed frame (``_unframe`` reads it)."""
    data = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
    mac = salted_hmac(_FRAME_SALT, data, secret=encryption_keys()[0], algorithm="sha256").digest()
    return _FRAME_HEAD.pack(len(data), mac) + data


def _signed(mac: bytes, data: bytes) -> bool:
    """The frame's MAC is this server's, by one of the field-encryption keys."""
    for secret in encryption_keys():  # an older key: a preview kept before a rotation
        if hmac.compare_digest(
            mac, salted_hmac(_FRAME_SALT, data, secret=secret, algorithm="sha256").digest()
        ):
            return True
    return False


def _unframe(fh: IO[bytes]) -> Iterator[dict]:
    """The rows of the frames from ``fh``'s position to its end; ValueError when a frame is cut short or
    its MAC does not match (the file is not what this server wrote)."""
    while head := fh.read(_FRAME_HEAD.size):
        if len(head) < _FRAME_HEAD.size:
            raise ValueError("kept rows cut short")
        size, mac = _FRAME_HEAD.unpack(head)
        data = fh.read(size)
        if len(data) < size:
            raise ValueError("kept rows cut short")
        if not _signed(mac, data):
            raise ValueError("kept rows not signed by this server")
        yield from _KeptUnpickler(io.BytesIO(data)).load()


def _pack(parsed: Parsed, out: IO[bytes], *, clean: bool, typed: tuple[IO[bytes], int] | None = None) -> None:
    """What the preview keeps, as JSON lines into ``out`` (a temporary file): first the columns and the rows
    in error as they were, then a typed row a line (none for a preview with errors: it is never run),
    written a batch at a time, never as one string of every row; or, when given ``typed`` (a file of
    ``_frame`` batches and how many rows), copied from it."""
    rows = parsed.rows if clean and typed is None else []
    kept = {
        "headers": parsed.headers,
        "mapping": parsed.mapping,
        "columns": parsed.columns,
        "count": len(rows) if typed is None else typed[1] if clean else 0,
        **({"frames": FRAMES} if typed is not None else {}),  # the rows after the line: _frame's batches
        "raw": parsed.raw,
        "parts": {
            name: {"headers": part.headers, "mapping": part.mapping, "columns": part.columns, "raw": part.raw}
            for name, part in parsed.parts.items()
        },
    }
    out.write(_dumps(kept).encode() + b"\n")
    if typed is not None and clean:
        typed[0].seek(0)
        shutil.copyfileobj(typed[0], out)
    for start in range(0, len(rows), IMPORT_BATCH):
        out.write("".join(_dumps(row) + "\n" for row in rows[start : start + IMPORT_BATCH]).encode())


class KeptRows:
    """The typed rows a preview kept, read from its file a batch at a time each time they are walked (a
    kind that ``streams``): the run holds one batch of them, never every row."""

    def __init__(self, job: AnyImportJob, count: int, frames: str = "") -> None:
        self.job, self.count, self.frames = job, count, frames

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict]:
        try:
            with self.job.file.open("rb") as fh:
                fh.readline()  # the columns
                if self.frames == FRAMES:
                    yield from _unframe(fh)
                    return
                if self.frames:  # written by another version of this pipeline
                    raise ValueError(f"kept rows in {self.frames!r}")
                # JSON lines (a preview kept before the frames): a batch of lines decoded at once (a File's
                # own iteration starts again from the top)
                for lines in batches(iter(fh.readline, b"")):
                    yield from _loads_lines(lines)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError) as exc:
            raise PreviewGone(self.job.pk) from exc


def stored(job: AnyImportJob) -> Parsed:
    """What the job's preview kept: typed rows, column names, and the rows in error as they were. The rows
    of a kind that ``streams`` are read as they are walked (``KeptRows``), the others' all at once."""
    if not job.file:
        raise PreviewGone(job.pk)
    try:
        with job.file.open("rb") as fh:
            kept = _loads(fh.readline())
            if "rows" in kept:  # a preview kept before rows were written a line each
                rows: list[dict] | KeptRows = kept["rows"]
            elif getattr(_KINDS.get(job.kind), "streams", False):
                rows = KeptRows(job, kept["count"], kept.get("frames", ""))
            else:
                rows = [row for lines in batches(iter(fh.readline, b"")) for row in _loads_lines(lines)]
    except (OSError, ValueError) as exc:  # deleted from disk, or not a preview of this pipeline
        raise PreviewGone(job.pk) from exc
    parts = {name: Parsed(headers=part["headers"], mapping=part["mapping"], columns=part["columns"],
                          raw=part["raw"]) for name, part in kept.get("parts", {}).items()}  # fmt: skip
    return Parsed(headers=kept["headers"], mapping=kept["mapping"], columns=kept["columns"],
                  rows=rows, raw=kept["raw"], parts=parts)  # type: ignore[arg-type]  # fmt: skip


def preview_rows(job: AnyImportJob, *, limit: int) -> list[dict]:
    """The typed rows of a clean preview of at most ``limit`` rows, to list before the user confirms."""
    if job.stage != job.Stage.PREVIEW or not job.file or job.error_count or job.total_rows > limit:
        return []
    try:
        return list(stored(job).rows)
    except PreviewGone:
        return []


def error_sheet(job: AnyImportJob, *, reveal: bool) -> tuple[str, list[str], Iterator[list[object]]]:
    """The rows of the file that have errors, as they were, with an 错误信息 column (for write_workbook).

    Personal numbers (the kind's masked columns) are masked as in the exports unless the user may reveal them.
    Raises PreviewGone when the preview's file is gone.
    """
    return _error_rows(stored(job), job.errors, kind_of(job.kind), _("错误明细"), reveal=reveal)


def error_sheets(job: AnyImportJob, *, reveal: bool) -> list[tuple[str, list[str], Iterator[list[object]]]]:
    """``error_sheet`` of any kind: for a workbook import, one sheet per sheet with errors (named after it),
    plus the errors that name no sheet row. Raises PreviewGone when the preview's file is gone."""
    kind = kind_of(job.kind)
    if isinstance(kind, FilesKind):
        return _batch_error_sheets(job, kind, reveal=reveal)
    if not isinstance(kind, WorkbookKind):
        return [error_sheet(job, reveal=reveal)]
    kept, sheets = stored(job), []
    for sheet in kind.sheets:
        errors = [e for e in job.errors if e.get("sheet") == sheet.name]
        if errors and sheet.name in kept.parts:
            part = kept.parts[sheet.name]
            sheets.append(_error_rows(part, errors, sheet.kind, sheet.name, reveal=reveal))
    return sheets


def _batch_error_sheets(
    job: AnyImportJob, kind: FilesKind, *, reveal: bool
) -> list[tuple[str, list[str], Iterator[list[object]]]]:
    """A batch's errors: every one listed first (file or sheet, row, column, reason), then a sheet per part
    with errors in its rows, as the rows were."""
    kept = stored(job)
    summary = ([e.get("sheet", ""), e["row"] or None, e["column"], e["message"]] for e in job.errors)
    headers = [_("文件／工作表"), _("行号"), _("列"), _("错误原因")]
    sheets: list[tuple[str, list[str], Iterator[list[object]]]] = [(_("错误汇总"), headers, summary)]
    for name, part in kept.parts.items():
        errors = [e for e in job.errors if e.get("sheet") == name and e["row"]]
        if errors and part.raw:
            sheets.append(_error_rows(part, errors, kind.part_kind(name), name, reveal=reveal))
    return sheets


def _error_rows(
    kept: Parsed, errors: list[dict], kind: ImportKind, title: str, *, reveal: bool
) -> tuple[str, list[str], Iterator[list[object]]]:
    reasons: defaultdict[int, list[str]] = defaultdict(list)
    for e in errors:
        reasons[e["row"]].append(f"{e['column']}：{e['message']}")
    columns = () if reveal else kind.columns
    masks = {kept.mapping[c.key]: c.mask for c in columns if c.mask and c.key in kept.mapping}
    rows = (
        [number, *[_cell(v, masks.get(i)) for i, v in enumerate(values)], "；".join(reasons[number])]
        for number, values in kept.raw
        if number in reasons
    )
    return (title, [_("行号"), *kept.headers, _("错误信息")], rows)


def _cell(value: object, mask: Callable[[Any], str] | None = None) -> object:
    if isinstance(value, str):
        value = normalise_text(value)
    if mask is None or value in (None, ""):
        return value
    if isinstance(value, float):  # a long number Excel kept as a float: its digits, not 1.3e+10
        value = f"{value:.0f}"
    return mask(value)


# ---------------------------------------------------------------- the file leaves MEDIA_ROOT
def upload_delete(job: AnyImportJob) -> None:
    """Delete what an import kept of its upload (personal data) from MEDIA_ROOT and forget its name."""
    if job.file.name:
        job.file.delete(save=False)
    type(job).objects.filter(pk=job.pk).exclude(file="").update(file="")


def uploads_cleanup(model: type[AnyImportJob], *, now: datetime.datetime | None = None) -> int:
    """Delete the files of previews not confirmed within a day (and any left by a finished import)."""
    now = now or timezone.now()
    stale = model.objects.exclude(file="").filter(
        Q(stage=model.Stage.PREVIEW, created_at__lt=now - UPLOAD_KEEP)
        | Q(stage=model.Stage.CONFIRM, status__in=[JobStatus.DONE, JobStatus.FAILED])
    )
    count = 0
    for job in stale.only("pk", "file"):
        upload_delete(job)
        count += 1
    return count
