"""What an import declares (``ImportKind``: a column map and a row check) and the one parse every kind goes
through: find the header row, type and check every cell of every row, collect each error with its sheet row,
column and Chinese reason. Nothing here touches the database except what a kind's own checks read."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagewatch.lib.validators import looks_like_formula, normalise_text

from .reading import ImportFileError, Table, Workbook, column_letter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# An app's import job (projects.models.ImportJob: the Job fields plus kind, stage, file, counts, errors) is
# passed in, never imported (the kernel imports no app): the pipeline types it as Any.
AnyImportJob = Any

HEADER_SCAN_ROWS = 20  # the header row is looked for among the first rows (title and company lines above it)
_HEADER_NOISE = re.compile(r"[\s*＊:：]|（必填）|\(必填\)")


@runtime_checkable
class PerFile(Protocol):
    """A column type that prepares once a file: ``for_file()`` gives the converter of one cell."""

    def for_file(self) -> Callable[[Any], Any]: ...


@dataclass(frozen=True)
class Column:
    """A field of an import and the header texts it is known by (the first names it if the file lacks it)."""

    key: str
    headers: tuple[str, ...]
    # cells.Text(), cells.Date(), …: cell -> typed value, or ValidationError
    type: Callable[[Any], Any] | PerFile
    mask: Callable[[Any], str] | None = None  # personal numbers: masked in the error workbook unless revealed
    # a value repeated within the file is an error: this reason, with %(n)d the first row
    unique: "StrOrPromise" = ""
    formula_cells: bool = False  # True: a formula cell counts by its computed value; False: it is refused
    formula_text: bool = True  # text that starts like a formula (= + - @) is refused before ``type`` sees it
    # the download template's 说明 sheet (wagewatch/imports/template.py): a valid value, and the format where
    # the type does not say it (a plain function such as the ID number's validator)
    example: object = ""
    note: "StrOrPromise" = ""


@dataclass
class RowError:
    row: int
    column: str
    message: str
    sheet: str = ""  # the sheet of a workbook import (``WorkbookKind``); a one-sheet import leaves it out

    def as_dict(self) -> dict[str, Any]:
        error = {"row": self.row, "column": self.column, "message": self.message}
        return {"sheet": self.sheet, **error} if self.sheet else error


@dataclass
class Check:
    """What a kind's database checks found in the clean rows at preview; nothing is written."""

    errors: list[dict] = field(
        default_factory=list
    )  # {"row", "column", "message"}: the file cannot be imported
    warnings: list[dict] = field(default_factory=list)  # {"row", "message"}: shown before the user confirms
    created: int = 0
    updated: int = 0
    parts: list[dict] = field(default_factory=list)  # a batch (``FilesKind``): what each file or sheet holds


class HeaderMissing(ImportFileError):
    """No row among the first ``HEADER_SCAN_ROWS`` is the kind's header row (an empty or notes sheet)."""


class Refused(Exception):
    """The writes found rows they may not make: nothing is saved; the errors replace the job's."""

    def __init__(self, errors: list[dict], message: str) -> None:
        super().__init__(message)
        self.errors, self.message = errors, message


@dataclass
class Parsed:
    header_row: int = 0
    headers: list[str] = field(default_factory=list)  # the header row's texts
    above: list[str] = field(default_factory=list)  # the texts of the rows above the header (title lines)
    mapping: dict[str, int] = field(default_factory=dict)  # field -> column index in the file
    columns: dict[str, str] = field(default_factory=dict)  # field -> its name in messages
    rows: list[dict] = field(default_factory=list)  # typed values of the rows without errors, + "row"
    errors: list[RowError] = field(default_factory=list)
    total: int = 0  # data rows (blank rows are not counted)
    ignored: list[str] = field(default_factory=list)  # "E列“离职日期”": columns that are not imported
    notes: dict[str, Any] = field(default_factory=dict)  # what a kind's ``aside`` kept (e.g. a 合计 row)
    raw: list[tuple[int, list]] = field(default_factory=list)  # rows in error as they were, for the workbook
    table: Table | None = field(default=None, repr=False)
    # a workbook import: {sheet name: that sheet's Parsed}; ``rows`` then holds every sheet's rows, each
    # with its "sheet", and ``errors`` every sheet's errors, each with its sheet
    parts: dict[str, "Parsed"] = field(default_factory=dict)

    def keep_raw(self, numbers: set[int]) -> None:
        """Keep the cells of these sheet rows as the file had them (walking again the sheet read once, in
        memory), then let the sheet go."""
        if numbers and self.table is not None:
            self.raw = [(n, values) for n, values in self.table.rows() if n in numbers]
        self.table = None


class ImportKind:
    """An import: a column map and a row check; the pipeline (``pipeline.py``) does everything else."""

    name = ""  # the job's kind (ImportJob.Kind)
    columns: tuple[Column, ...] = ()
    identify: tuple[str, ...] = ()  # the fields whose headers make a row the header row
    header_missing: "StrOrPromise" = ""  # the reason a file without such a row is refused
    # a file without one of these columns is refused; a tuple entry names columns of which one is enough
    required_columns: tuple[str | tuple[str, ...], ...] = ()
    not_data = frozenset({"序号", "编号", "行号"})  # headers read on purpose and not listed as ignored
    formula_message: "StrOrPromise" = gettext_lazy("单元格是公式或以 = + - @ 开头，不予导入")
    background = True  # above IMPORT_SYNC_MAX_ROWS rows the run is queued for Celery; False: always at once
    # True: the run's ``parsed.rows`` are read from the preview's file as they are walked (pipeline.KeptRows:
    # an iterable with a length, read again each walk; changes to a row are not kept): ``apply`` walks them
    # once, in batches (pipeline.chunks), so a long file is never held whole
    streams = False
    # the columns of the download template, in order (empty: every column); alternatives leave one out
    template_columns: tuple[str, ...] = ()

    def aside(self, number: int, values: list, parsed: Parsed) -> bool:
        """True for a non-blank row that is not data (a pay sheet's 合计 row): it is neither checked nor
        counted; the kind may keep what it needs of it in ``parsed.notes``."""
        return False

    def check_row(self, row: dict, error: Callable[[str, str], None]) -> None:
        """Cross-field checks and derived values of one typed row; ``error(field, reason)``."""

    def check(self, job: AnyImportJob, parsed: Parsed) -> Check:
        """Database checks of the clean rows at preview (nothing written); may note things on the rows."""
        return Check(created=len(parsed.rows))

    def check_rows(self, job: AnyImportJob, rows: list[dict], parsed: Parsed, check: Check) -> None:
        """A kind that ``streams``: the database checks of a batch of clean rows at preview, added to
        ``check`` (errors, warnings, counts); its rows are kept after it, so it may note things on them.
        The preview then holds a batch of rows, never the file's (``parsed.rows`` is not filled)."""
        raise NotImplementedError

    def apply(self, job: AnyImportJob, parsed: Parsed, progress: Callable[[int], None]) -> tuple[int, int]:
        """Write the rows of a confirmed job in batches; (created, updated). Raise Refused to save nothing."""
        raise NotImplementedError


# ---------------------------------------------------------------- header
def header_key(text: object) -> str:
    """A header as it is looked up: trimmed, half-width, without spaces, stars, colons or （必填）."""
    return _HEADER_NOISE.sub("", normalise_text(text))


def _find_header(
    kind: ImportKind, rows: Iterator[tuple[int, list[Any]]], above: list[str]
) -> tuple[int, dict[str, int], list[str]]:
    """Consume rows until the header; returns (row number, {field: column index}, header texts) and puts the
    texts of the rows above it in ``above``."""
    lookup = {header_key(text): c.key for c in kind.columns for text in c.headers}
    for number, values in rows:
        mapping: dict[str, int] = {}
        for index, value in enumerate(values):
            key = lookup.get(header_key(value))
            if key and key not in mapping:
                mapping[key] = index
        if all(key in mapping for key in kind.identify):
            return number, mapping, [normalise_text(v) for v in values]
        above.append(" ".join(text for text in map(normalise_text, values) if text))
        if number >= HEADER_SCAN_ROWS:
            break
    raise HeaderMissing(str(kind.header_missing))


def _labels(kind: ImportKind, mapping: dict[str, int], headers: list[str]) -> dict[str, str]:
    """Each field's name in messages: the header as the column map spells it, else as the file does."""
    labels = {}
    for c in kind.columns:
        if c.key in mapping:
            text = headers[mapping[c.key]]
            labels[c.key] = {normalise_text(h): h for h in c.headers}.get(text, text) or c.key
        else:
            labels[c.key] = c.headers[0]
    return labels


def _ignored(kind: ImportKind, mapping: dict[str, int], headers: list[str]) -> list[str]:
    """Named columns of the header row that no field reads (unknown headers, a second 姓名 column…)."""
    used = set(mapping.values())
    return [
        _("%(col)s列“%(name)s”") % {"col": column_letter(i), "name": text}
        for i, text in enumerate(headers)
        if text and i not in used and header_key(text) not in kind.not_data
    ]


# ---------------------------------------------------------------- rows
BATCH = 1000  # rows typed and checked together, column by column (and written by an apply per statement)
_FORMULA_FIRST = frozenset("=+-@\t\r")


def _may_be_formula(v: str) -> bool:
    """False for text that ``looks_like_formula`` is sure to pass: plain ASCII not starting with = + - @, a
    tab, CR or a space; or text starting with a CJK ideograph or an ASCII letter or digit (neither
    half-width nor NFKC changes such a first character, and nothing composes into = + - @)."""
    first = v[0]
    if first in _FORMULA_FIRST or first.isspace():
        return True
    if v.isascii() or "\u4e00" <= first <= "\u9fff":
        return False
    return not (first.isascii() and first.isalnum())


def _formula_texts(cells: list) -> set[int]:
    """Indexes of the cells whose text starts like a formula: each distinct text of a column of a batch
    looked at once, and only text that could start one goes to ``looks_like_formula``."""
    texts = {v for v in cells if type(v) is str and v}  # (only text: hashable)
    found = {v for v in texts if _may_be_formula(v) and looks_like_formula(v)}
    if not found:  # the common case
        return set()
    return {i for i, v in enumerate(cells) if type(v) is str and v in found}


def _convert_all(convert: Callable[[Any], Any], cells: list) -> list:
    """``convert`` of each cell of a column of a batch: a column whose texts repeat (teams, employers,
    trades, 是/否) converts each distinct text once; converters are functions of the cell alone, and give
    immutable values (text, dates, numbers)."""
    try:
        distinct = set(cells)
    except TypeError:  # a cell that is not hashable
        return list(map(convert, cells))
    if len(distinct) * 2 > len(cells):  # mostly distinct (names, ID numbers): no memo
        return list(map(convert, cells))
    if set(map(type, cells)) == {str}:
        memo = {text: convert(text) for text in distinct}
        return list(map(memo.__getitem__, cells))
    # text only through the memo: 1, 1.0 and True are equal keys, not equal cells
    memo = {text: convert(text) for text in distinct if type(text) is str}
    return [memo[v] if type(v) is str else convert(v) for v in cells]


class _Rows:
    """Turns data rows into typed values, collecting (column name, reason) errors: an import's hot path.

    Rows come in batches (``check_batch``) and each column of a batch is checked as a whole: its formula
    cells and formula-like texts found in one pass, its cells converted in one ``map`` (cell by cell only
    in a batch where a cell of that column is refused)."""

    def __init__(self, kind: ImportKind, parsed: Parsed, formulas: set[tuple[int, int]]) -> None:
        self.kind, self.labels = kind, parsed.columns
        self.formula_message = str(kind.formula_message)
        self.formulas: dict[int, set[int]] = {}  # sheet row -> columns holding a formula: the scan, once
        for number, index in formulas:
            self.formulas.setdefault(number, set()).add(index)
        # per column: key, index in the file, converter, name, formula cells refused, formula text refused
        self.plan = [
            (c.key, parsed.mapping.get(c.key), _converter(c.type), self.labels[c.key], not c.formula_cells,
             c.formula_text)
            for c in kind.columns
        ]  # fmt: skip
        self.unique: list[tuple[str, StrOrPromise, str, dict[Any, int]]] = [
            (c.key, c.unique, self.labels[c.key], {}) for c in kind.columns if c.unique
        ]

    def check_batch(self, batch: list[tuple[int, list]]) -> list[tuple[dict, list[tuple[str, str]]]]:
        """(typed row, errors) of each (sheet row number, cells) of the batch, in order."""
        rows: list[dict] = [{"row": number} for number, _values in batch]
        errors: list[list[tuple[str, str]]] = [[] for _row in batch]
        formulas = self.formulas
        for key, index, convert, label, refuse_cells, refuse_text in self.plan:
            if index is None:
                cells: list = [None] * len(batch)
            else:
                cells = [values[index] if index < len(values) else None for _number, values in batch]
            refused: set[int] = set()
            if refuse_cells and formulas:
                refused = {i for i, (number, _v) in enumerate(batch) if index in formulas.get(number, ())}
            if refuse_text:
                refused |= _formula_texts(cells)
            for i in refused:
                errors[i].append((label, self.formula_message))
            typed = None
            if not refused:
                try:
                    typed = _convert_all(convert, cells)
                except ValidationError:
                    typed = None  # a cell is refused: find which, cell by cell
            if typed is not None:
                for row, value in zip(rows, typed, strict=True):
                    row[key] = value
                continue
            for i, value in enumerate(cells):
                if i in refused:
                    continue
                try:
                    rows[i][key] = convert(value)
                except ValidationError as exc:
                    errors[i].append((label, "；".join(exc.messages)))
        labels, check_row = self.labels, self.kind.check_row
        for row, found in zip(rows, errors, strict=True):

            def error(key: str, message: str, found: list[tuple[str, str]] = found) -> None:
                found.append((labels[key], message))

            check_row(row, error)
            number = row["row"]
            for key, message, label, seen in self.unique:
                value = row.get(key)
                first = seen.setdefault(value, number) if value else number
                if first != number:
                    found.append((label, message % {"n": first, "row": first}))
        return list(zip(rows, errors, strict=True))


def _blank(values: list, number: int, formulas: set[tuple[int, int]]) -> bool:
    """A row with nothing in it (no text once normalised, no formula): not counted, not checked."""
    for v in values:  # the common case first: a number, a date or plain text says the row is not blank
        kind = type(v)
        if kind is str:
            if v and v.isascii() and not v.isspace():
                return False
        elif kind is not bool and v is not None:
            return False
    if any(normalise_text(v) for v in values):
        return False
    return not any((number, i) in formulas for i in range(len(values)))


def _converter(cell_type: Callable[[Any], Any] | PerFile) -> Callable[[Any], Any]:
    return cell_type.for_file() if isinstance(cell_type, PerFile) else cell_type


@dataclass(frozen=True)
class Sheet:
    """A sheet of a workbook import: its tab name (which also names it in messages) and its columns."""

    name: str
    kind: ImportKind


class WorkbookKind(ImportKind):
    """An import of one workbook with a sheet per subject (the go-live workbook): each sheet is parsed as
    its own ``ImportKind``; a sheet the workbook lacks means none of that subject. ``check`` and ``apply``
    see every sheet's rows in ``parsed.rows`` (each with its "sheet") and report errors with a "sheet"."""

    sheets: tuple[Sheet, ...] = ()

    def sheet_order(self, error: dict[str, Any]) -> tuple[int, int]:
        names = [s.name for s in self.sheets]
        sheet = error.get("sheet", "")
        return (names.index(sheet) if sheet in names else len(names), error["row"])


class FilesKind(ImportKind):
    """An import of a batch: several files of one kind at once, and every sheet of a workbook (a roster per
    project). Each file, or each sheet of a workbook of several, is a part parsed as ``part`` and named
    "file" or "file／sheet"; rows carry that name as their "sheet" and errors name it. A part that cannot be
    read is an error of that part (row 0), never of the batch, so one preview lists every file's faults; a
    sheet without a header row beside sheets that have one (a 说明 sheet) is listed as not imported."""

    part: ImportKind

    def part_kind(self, name: str) -> ImportKind:
        return self.part


def parse(kind: ImportKind, data: bytes, filename: str) -> Parsed:
    """Read the file once and type and check every row; rows with any error are left out of ``rows``."""
    if isinstance(kind, WorkbookKind):
        return parse_workbook(kind, data, filename)
    return parse_table(kind, Table(data, filename))


def parse_workbook(kind: WorkbookKind, data: bytes, filename: str) -> Parsed:
    """Read the workbook once and parse each of the kind's sheets it holds."""
    book = Workbook(data, filename)
    parsed = Parsed()
    for sheet in kind.sheets:
        table = book.table(sheet.name)
        if table is None:
            continue
        try:
            part = parse_table(sheet.kind, table)
        except ImportFileError as exc:
            raise ImportFileError(
                _("工作表“%(name)s”：%(reason)s") % {"name": sheet.name, "reason": exc}
            ) from exc
        parsed.parts[sheet.name] = part
        parsed.total += part.total
        parsed.rows.extend({**row, "sheet": sheet.name} for row in part.rows)
        parsed.errors.extend(RowError(e.row, e.column, e.message, sheet.name) for e in part.errors)
        parsed.ignored.extend(f"{sheet.name}：{text}" for text in part.ignored)
    if not parsed.parts:
        names = _("、").join(s.name for s in kind.sheets)
        raise ImportFileError(_("工作簿中没有可导入的工作表（工作表名应为：%(names)s）") % {"names": names})
    return parsed


def parse_table(kind: ImportKind, table: Table) -> Parsed:
    """Type and check every row of one sheet read once."""
    parsed, walk = parse_start(kind, table)
    for _batch, checked in walk:
        _take(parsed, checked)
    return parsed


Checked = list[tuple[dict, list[tuple[str, str]]]]  # (typed row, [(column name, reason)]) of a batch's rows


def parse_start(
    kind: ImportKind, table: Table
) -> tuple[Parsed, Iterator[tuple[list[tuple[int, list]], Checked]]]:
    """The header of a sheet read once (its columns, what is ignored), and a walk of its data rows a batch at
    a time: (sheet row number and cells, as read; each row typed and checked). The walk counts the rows in
    ``parsed.total``; ``parse_table`` keeps what it gives in ``parsed``, a kind that ``streams`` a batch at
    a time (pipeline.preview)."""
    rows, above = table.rows(), list[str]()
    header_row, mapping, headers = _find_header(kind, rows, above)
    missing = _missing(kind, mapping)
    if missing:
        raise ImportFileError(_("缺少必需的列：%(cols)s") % {"cols": _("、").join(missing)})
    parsed = Parsed(header_row, headers, above, mapping, _labels(kind, mapping, headers), table=table)
    parsed.ignored = _ignored(kind, mapping, headers)
    return parsed, _walk(kind, parsed, table, rows)


def _walk(
    kind: ImportKind, parsed: Parsed, table: Table, rows: Iterator[tuple[int, list]]
) -> Iterator[tuple[list[tuple[int, list]], Checked]]:
    checker, formulas = _Rows(kind, parsed, table.formulas), table.formulas
    unnamed = {i for i, text in enumerate(parsed.headers) if not text}
    aside, batch = kind.aside, list[tuple[int, list]]()
    for number, values in rows:
        if _blank(values, number, formulas):
            continue
        if aside(number, values, parsed):
            continue
        parsed.total += 1
        if unnamed:
            _note_unnamed(parsed, unnamed, values)
        batch.append((number, values))
        if len(batch) == BATCH:
            yield batch, checker.check_batch(batch)
            batch = []
    yield batch, checker.check_batch(batch)


def _take(parsed: Parsed, checked: Checked) -> None:
    """A checked batch into ``parsed``: the clean rows, and each error with its sheet row."""
    for row, errors in checked:
        if errors:
            parsed.errors.extend(RowError(row["row"], column, message) for column, message in errors)
        else:
            parsed.rows.append(row)


def _missing(kind: ImportKind, mapping: dict[str, int]) -> list[str]:
    """The names of the required columns the file lacks ("A或B" where either would do)."""
    labels = {c.key: c.headers[0] for c in kind.columns}
    missing = []
    for required in kind.required_columns:
        keys = (required,) if isinstance(required, str) else required
        if not any(key in mapping for key in keys):
            missing.append(_("或").join(labels[key] for key in keys))
    return missing


def _note_unnamed(parsed: Parsed, unnamed: set[int], values: list) -> None:
    """A column without a header that holds data is ignored too: list it once."""
    for i in [i for i in unnamed if i < len(values) and normalise_text(values[i])]:
        unnamed.discard(i)
        parsed.ignored.append(_("%(col)s列（无表头）") % {"col": column_letter(i)})


def parse_files(kind: FilesKind, files: list[tuple[str, bytes]]) -> Parsed:
    """Read every file of a batch once and parse each of its parts (see ``FilesKind``)."""
    parsed = Parsed()
    for filename, data in files:
        for name, part in _file_parts(kind.part, filename, data, taken=parsed.parts):
            parsed.parts[name] = part
            part.notes["file"] = filename
            parsed.total += part.total
            parsed.rows.extend({**row, "sheet": name} for row in part.rows)
            parsed.errors.extend(RowError(e.row, e.column, e.message, name) for e in part.errors)
            parsed.ignored.extend(f"{name}：{text}" for text in part.ignored)
    return parsed


def _file_parts(
    kind: ImportKind, filename: str, data: bytes, *, taken: dict[str, Parsed]
) -> Iterator[tuple[str, Parsed]]:
    """(name, parsed) of each part of one file; a part that cannot be read has only its error (row 0)."""
    name = _unique(filename, taken)
    try:
        if not filename.lower().endswith((".xlsx", ".xlsm")):
            yield name, _headed(kind, _parse_part(kind, Table(data, filename)))
            return
        book = Workbook(data, filename)
    except ImportFileError as exc:
        yield name, _unreadable(str(exc))
        return
    if len(book.names) == 1:
        part = _headed(kind, _parse_part(kind, book.table(book.names[0])))
        part.notes["sheet"] = book.names[0]
        yield name, part
        return
    parts = [(_unique(f"{filename}／{sheet}", taken), sheet, _parse_part(kind, book.table(sheet)))
             for sheet in book.names]  # fmt: skip
    headed = [(n, sheet, part) for n, sheet, part in parts if part.header_row]
    if not headed:
        yield name, _unreadable(str(kind.header_missing))
        return
    skipped = [f"“{sheet}”" for _n, sheet, part in parts if not part.header_row]
    if skipped:  # the other sheets hold no header row: notes, or empty
        headed[0][2].ignored.append(_("未找到表头、未导入的工作表：%(s)s") % {"s": _("、").join(skipped)})
    for n, sheet, part in headed:
        part.notes["sheet"] = sheet
        yield n, part


def _parse_part(kind: ImportKind, table: Table | None) -> Parsed:
    """One part parsed; a sheet without a header row gives an empty Parsed (``header_row`` 0)."""
    if table is None:
        return Parsed()
    try:
        return parse_table(kind, table)
    except HeaderMissing:
        return Parsed()
    except ImportFileError as exc:  # a column missing, an unreadable sheet
        return _unreadable(str(exc))


def _headed(kind: ImportKind, part: Parsed) -> Parsed:
    """The part of a file of one sheet: without a header row, that is its error."""
    return part if part.header_row else _unreadable(str(kind.header_missing))


def _unreadable(reason: str) -> Parsed:
    # header_row -1: a part that failed to read, kept to show its error (0 means a sheet without a header)
    return Parsed(header_row=-1, errors=[RowError(0, "", reason)])


def _unique(name: str, taken: dict[str, Parsed]) -> str:
    """A part's name, numbered when two files of the batch have the same name."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}（{n}）"
    return candidate
