"""A streaming .xlsx reader with the standard library only: a sheet is walked from its zip member a chunk at
a time (``CHUNK`` bytes of XML), never held whole, so memory stays flat in the file's length (issue 19).

It gives the values python-calamine (0.9) gives, cell for cell: text as ``str`` (shared strings, inline
strings with their rich-text runs, ``t="str"`` formula results), numbers as ``float``, booleans, error
cells as ``""``, dates and times through the cell's number format (``date``, ``datetime``, ``time``, and
``timedelta`` for an elapsed ``[h]``), empty cells as ``""``. Rows come from sheet row 1 to the last row
holding a value, each as wide as the widest (column A first), blank rows between included; row numbers are
the sheet's.

Only the shared-string table (a list) and one chunk are in memory. Before its rows are walked, a sheet is
scanned once (``Sheet.scan``) for what a row needs from the whole sheet: the width, and the cells holding a
formula (``formulas``, as (row, column index)); the scan is one regular-expression search of the bytes.
The walk parses cells with compiled regular expressions (5x faster than ``xml.etree``'s XMLPullParser on a
50,000-row roster): the common cell shapes (``<c r="B4" s="3" t="s"><v>7</v></c>``) in one ``findall`` per
chunk, any other (rich text, ``<v/>``, whitespace between elements) through a general path, cell by cell;
a sheet with a cell whose ``r`` is missing or not first is walked by the general path whole.

Not read as calamine does: error cells calamine does not know (``#SPILL!``, ``#CALC!``…, which fail its whole
sheet) are ``""`` like the others; rows out of order fail the sheet (calamine sorts them); elements with
different namespace prefixes in one part (calamine ignores prefixes; the reader takes the root's).
"""

import datetime
import io
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

CHUNK = 1 << 20  # bytes of sheet XML read at a time
STEP = 1 << 17  # compressed bytes inflated at a time (about a CHUNK of XML)
EPOCH = datetime.datetime(1899, 12, 30)  # noqa: DTZ001  (Excel's times have no zone)
DAY_MS = 86_400_000
OTHER, DATETIME, TIMEDELTA = 0, 1, 2  # a cell format's kind, as calamine's CellFormat


class XlsxError(Exception):
    """The workbook or a sheet cannot be read."""


class _Empty:
    """A cell without a value (calamine's Data::Empty: not counted in the sheet's extent)."""


EMPTY: Any = _Empty()


# ---------------------------------------------------------------- text
_ENTITY_RE = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][\w.-]*);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_EXCEL_ESCAPE_RE = re.compile(r"_x00([0-9A-Fa-f]{2})_")
_CDATA_RE = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)


def _entity(match: "re.Match[str]") -> str:
    name = match.group(1)
    if name[0] != "#":
        try:
            return _ENTITIES[name]
        except KeyError:
            raise XlsxError(f"unknown entity &{name};") from None
    try:
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    except (ValueError, OverflowError):
        raise XlsxError(f"bad character reference &{name};") from None


def _xml_text(raw: str) -> str:
    """Element text as an XML parser gives it: line ends normalised (before entities), entities decoded."""
    if "<![CDATA[" in raw:
        out, last = [], 0
        for match in _CDATA_RE.finditer(raw):
            out.append(_xml_text(raw[last : match.start()]))
            out.append(_eol(match.group(1)))
            last = match.end()
        out.append(_xml_text(raw[last:]))
        return "".join(out)
    raw = _eol(raw)
    return _ENTITY_RE.sub(_entity, raw) if "&" in raw else raw


def _eol(raw: str) -> str:
    return raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw


def _t_text(raw: str, preserve: bool) -> str:
    """The text of a ``<t>`` as calamine reads it: XML text, trimmed of ASCII blanks unless xml:space is
    "preserve", then Excel's ``_x000D_`` escapes decoded."""
    text = _xml_text(raw)
    if not preserve:
        text = text.strip(" \t\r\n")
    if "_x00" in text:
        text = _EXCEL_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


_ATTR_RE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attrs(text: str) -> dict[str, str]:
    return {name: a if b is None or a else b for name, a, b in _ATTR_RE.findall(text)}


def _attr_value(raw: str) -> str:
    return _ENTITY_RE.sub(_entity, raw) if "&" in raw else raw


# ---------------------------------------------------------------- rich text (<si>, <is>)
@lru_cache(maxsize=8)
def _rich_patterns(p: str) -> tuple["re.Pattern[str]", "re.Pattern[str]"]:
    phonetic = re.compile(rf"<{p}rPh\b[^>]*?(?:/>|>.*?</{p}rPh\s*>)", re.S)
    runs = re.compile(rf"<{p}t\b([^>]*?)(?:/>|>(.*?)</{p}t\s*>)", re.S)
    return phonetic, runs


def _rich_text(inner: str, p: str) -> str:
    """The text of a string item: every ``<t>`` outside the phonetic runs, in order ("" when none)."""
    phonetic, runs = _rich_patterns(p)
    if "rPh" in inner:
        inner = phonetic.sub("", inner)
    return "".join(
        _t_text(text, _attrs(attrs).get("xml:space") == "preserve") for attrs, text in runs.findall(inner)
    )


# ---------------------------------------------------------------- number formats (styles.xml)
def custom_format_kind(code: str) -> int:
    """calamine's detect_custom_number_format: is this format code a date/time, an elapsed time, or other?"""
    escaped = is_quote = ap = hms = False
    brackets = 0
    prev = " "
    for s in code:
        if escaped:
            escaped = False
        elif s in "_\\*":
            escaped = True
        elif is_quote:
            if s == '"':
                is_quote = False
        elif s == '"':
            is_quote = True
        elif s == ";":
            return OTHER
        elif s == "[":
            brackets += 1
        elif s == "]" and brackets == 1 and hms:
            return TIMEDELTA
        elif s == "]":
            brackets = max(brackets - 1, 0)
        elif s in "aA" and not ap and brackets == 0:
            ap = True
        elif brackets == 0 and (s in "pm/PM" if ap else s in "dmhysDMHYS"):
            return DATETIME
        elif hms and s.lower() == prev.lower():
            pass
        else:
            hms = prev == "[" and s in "mhsMHS"
        prev = s
    return OTHER


_BUILTIN_KINDS = {str(i): DATETIME for i in (*range(14, 23), 45, 47)} | {"46": TIMEDELTA}


def _style_kinds(xml: str) -> list[int]:
    """The kind of each cell format (cellXfs) of styles.xml, by index."""
    custom = {}
    for attrs in re.findall(r"<(?:\w+:)?numFmt\b([^>]*)>", xml):
        found = _attrs(attrs)
        if "numFmtId" in found and "formatCode" in found:
            custom[found["numFmtId"]] = custom_format_kind(_attr_value(found["formatCode"]))
    block = re.search(r"<(?:\w+:)?cellXfs\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?cellXfs\s*>)", xml, re.S)
    kinds = []
    for attrs in re.findall(r"<(?:\w+:)?xf\b([^>]*)>", block.group(1) or "" if block else ""):
        fmt = _attrs(attrs).get("numFmtId")
        kinds.append(
            OTHER if fmt is None else custom[fmt] if fmt in custom else _BUILTIN_KINDS.get(fmt, OTHER)
        )
    return kinds


# ---------------------------------------------------------------- dates (python-calamine's conversions)
def _round(x: float) -> int:
    """Rust's f64::round: halves away from zero."""
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def excel_date(value: float, kind: int, is_1904: bool) -> Any:
    """The cell of a date/time format as python-calamine gives it: a timedelta for an elapsed-time format,
    else a time below 1, a date when whole, a datetime otherwise; the number itself when out of range."""
    try:
        if kind == TIMEDELTA:
            return datetime.timedelta(milliseconds=_round(value * DAY_MS))
        days = value + 1462 if is_1904 else value
        if days < 60:  # Excel's 1900-02-29
            days += 1
        ms = _round(days * DAY_MS)
        if value < 1.0:
            ms %= DAY_MS
            return datetime.time(ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60, ms % 1000 * 1000)
        moment = EPOCH + datetime.timedelta(milliseconds=ms)
        return moment.date() if value == int(value) else moment
    except (OverflowError, ValueError):
        return value


_ISO_DATETIME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?")
_ISO_TIME_RE = re.compile(r"(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?")
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _iso(value: str) -> Any:
    """A ``t="d"`` cell (ISO 8601 text) as python-calamine gives it; the text when it does not parse."""
    try:
        if "T" in value:
            if m := _ISO_DATETIME_RE.fullmatch(value):
                y, mo, d, h, mi, sec = map(int, m.groups()[:6])
                return datetime.datetime(y, mo, d, h, mi, sec, _micro(m.group(7)))  # noqa: DTZ001
        elif ":" in value:
            if m := _ISO_TIME_RE.fullmatch(value):
                h, mi, sec = map(int, m.groups()[:3])
                return datetime.time(h, mi, sec, _micro(m.group(4)))
        elif m := _ISO_DATE_RE.fullmatch(value):
            y, mo, d = map(int, m.groups())
            return datetime.date(y, mo, d)
    except ValueError:
        pass
    return value


def _micro(fraction: str | None) -> int:
    return int((fraction or "0").ljust(6, "0")[:6])


# ---------------------------------------------------------------- the workbook
def col_index(letters: str) -> int:
    """0-based index of spreadsheet column letters: A -> 0, AB -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


class _Columns(dict[Any, int]):
    """Column letters (str or bytes) -> 0-based index, computed once per letters."""

    def __missing__(self, key: Any) -> int:
        value = self[key] = col_index(key.decode() if isinstance(key, bytes) else key)
        return value


_COLUMNS = _Columns()
_REF_RE = re.compile(r"([A-Za-z]{1,3})([0-9]+)")
_RELS_RE = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)>")


class Book:
    """An .xlsx workbook: its sheet names, shared strings, cell formats and date system, read at once; each
    sheet is then walked from the zip as often as needed (``sheet(index).rows()``)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self._members = {name.lower(): name for name in self.zip.namelist()}
            base, sheets, self.is_1904 = self._workbook()
            self.names = [name for name, _path in sheets]
            self.paths = [path for _name, path in sheets]
            styles = self._read(base + "styles.xml")
            self.formats = _style_kinds(styles) if styles else []
            self.strings = _shared_strings(self, base + "sharedStrings.xml")
        except XlsxError:
            raise
        except Exception as exc:  # zipfile, zlib and decoding errors of a broken file
            raise XlsxError(str(exc)) from exc

    def member(self, path: str) -> str | None:
        return self._members.get(path.lower().lstrip("/"))

    def _read(self, path: str) -> str:
        name = self.member(path)
        return self.zip.read(name).decode("utf-8-sig") if name else ""

    def _workbook(self) -> tuple[str, list[tuple[str, str | None]], bool]:
        root = _relationships(self._read("_rels/.rels"), "")
        path = next((t for t, kind in root.values() if kind.endswith("/officeDocument")), "xl/workbook.xml")
        base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        xml = self._read(path)
        if not xml:
            raise XlsxError("no workbook.xml")
        rels = _relationships(self._read(base + "_rels/" + path.rsplit("/", 1)[-1] + ".rels"), base)
        sheets: list[tuple[str, str | None]] = []
        for attrs in re.findall(r"<(?:\w+:)?sheet\b([^>]*)>", xml):
            found = _attrs(attrs)
            rel = next((v for k, v in found.items() if k == "id" or k.endswith(":id")), "")
            if rel not in rels:
                raise XlsxError("sheet relationship not found")
            target, kind = rels[rel]
            sheets.append(
                (_attr_value(found.get("name", "")), target if kind.endswith("/worksheet") else None)
            )
        pr = re.search(r"<(?:\w+:)?workbookPr\b([^>]*)>", xml)
        is_1904 = bool(pr) and _attrs(pr.group(1) if pr else "").get("date1904") in ("1", "true")
        return base, sheets, is_1904

    def sheet(self, index: int) -> "Sheet":
        return Sheet(self, self.paths[index])


def _relationships(xml: str, base: str) -> dict[str, tuple[str, str]]:
    """Id -> (member path, relationship type) of a .rels part; targets resolved against ``base``."""
    rels = {}
    for attrs in _RELS_RE.findall(xml):
        found = _attrs(attrs)
        target = _attr_value(found.get("Target", ""))
        path = target[1:] if target.startswith("/") else base + target
        parts: list[str] = []
        for part in path.split("/"):
            if part == "..":
                if parts:
                    parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        rels[found.get("Id", "")] = ("/".join(parts), found.get("Type", ""))
    return rels


def _stream(book: Book, path: str, start: bytes, end: bytes, cut: bytes, *, crc: bool) -> Iterator[bytes]:
    """The bytes of a zip member's XML between ``start`` (an element's opening tag, e.g. ``<sheetData``)
    and ``end`` (its closing tag), read ``CHUNK`` bytes at a time and each piece cut just before the last
    ``cut`` (the next item's opening tag) so that pieces hold whole items. ``start`` and the others are
    found with the member's namespace prefix, if its root element has one."""
    name = book.member(path)
    if name is None:
        return
    blocks = _inflate(book, name, crc)
    pending_head = next(blocks, b"")
    while True:  # the root element, for its prefix, and the start tag
        root = re.search(rb"<(?![?!])([\w.-]+:)?[\w.-]+[\s>/]", pending_head)
        if root:
            p = root.group(1) or b""
            i = pending_head.find(b"<" + p + start[1:])
            if i >= 0:
                j = pending_head.find(b">", i)
                if j >= 0:
                    break
        block = next(blocks, None)
        if block is None:
            return
        pending_head += block
    if pending_head[j - 1 : j] == b"/":  # <sheetData/>
        for _block in blocks:  # to the end (the CRC)
            pass
        return
    end, cut = b"</" + p + end[2:], b"<" + p + cut[1:]
    pending = b""
    for block in itertools.chain([pending_head[j + 1 :]], blocks):
        i = block.rfind(cut)
        if i >= 0 and block[i + len(cut) : i + len(cut) + 1] in _NAME_ENDS and block.find(end, i) < 0:
            # the last item starting in this block: what comes before it is whole items (no end tag can
            # come before an item starts), it waits for the next block
            if i or pending:
                yield pending + memoryview(block)[:i]
            pending = block[i:]
            continue
        pending += block  # the end tag is in this block, or no item starts in it
        stop = pending.find(end)
        if stop >= 0:
            for _block in blocks:  # the rest of the part (its CRC)
                pass
            yield pending[:stop]
            return
    raise XlsxError(f"{path}: no {end.decode()}")


_NAME_ENDS = (b" ", b">", b"/", b"\t", b"\n", b"\r")


def _inflate(book: Book, name: str, crc: bool) -> Iterator[bytes]:
    """A zip member's bytes, about ``CHUNK`` at a time, inflated straight from the kept bytes (zlib, not
    ``zipfile``'s reader: a third faster); its CRC checked when ``crc``. A member stored otherwise than
    deflated or not at all goes through ``zipfile``."""
    info = book.zip.getinfo(name)
    data, h = book.data, info.header_offset
    if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED) or info.flag_bits & 1:
        with book.zip.open(info) as f:
            while block := f.read(CHUNK):
                yield block
        return
    if data[h : h + 4] != b"PK\x03\x04":
        raise XlsxError(f"{name}: bad local header")
    names, extra = struct.unpack("<HH", data[h + 26 : h + 30])
    start = h + 30 + names + extra
    raw = memoryview(data)[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise XlsxError(f"{name}: cut short")
    check, size = 0, 0
    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(raw), CHUNK):
            block = bytes(raw[i : i + CHUNK])
            if crc:
                check, size = zlib.crc32(block, check), size + len(block)
            yield block
    else:
        inflater, pos = zlib.decompressobj(-15), 0
        source: bytes | memoryview
        while not inflater.eof:
            if inflater.unconsumed_tail:
                source = inflater.unconsumed_tail
            elif pos < len(raw):
                source, pos = raw[pos : pos + STEP], pos + STEP
            else:
                raise XlsxError(f"{name}: cut short")
            block = inflater.decompress(source, CHUNK)
            if block:
                if crc:
                    check, size = zlib.crc32(block, check), size + len(block)
                yield block
    if crc and (check != info.CRC or size != info.file_size):
        raise XlsxError(f"{name}: bad CRC")


def _prefix(book: Book, path: str) -> str:
    """The namespace prefix of a part's elements ("" or e.g. "x:")."""
    name = book.member(path)
    if name is None:
        return ""
    with book.zip.open(name) as f:
        head = f.read(4096)
    root = re.search(rb"<(?![?!])([\w.-]+:)?[\w.-]+[\s>/]", head)
    return (root.group(1) or b"").decode() if root else ""


def _shared_strings(book: Book, path: str) -> list[str]:
    p = _prefix(book, path)
    fast = re.compile(
        rf"<{p}si><{p}t>([^<&\r_]*)</{p}t>(?:<{p}phoneticPr\b[^>]*/>)?</{p}si>|<{p}si\b[^>]*?(?:/>|>(.*?)</{p}si\s*>)",
        re.S,
    )
    strings: list[str] = []
    append = strings.append
    for piece in _stream(book, path, b"<sst", b"</sst>", b"<si", crc=True):
        for text, inner in fast.findall(piece.decode("utf-8")):
            append(text.strip(" \t\n") if text or not inner else _rich_text(inner, p))
    return strings


# ---------------------------------------------------------------- a sheet
@lru_cache(maxsize=8)
def _sheet_patterns(p: str) -> dict[str, Any]:
    """The compiled patterns of a sheet whose elements have the namespace prefix ``p``."""
    c, v, f, is_, t = (f"<{p}{name}" for name in ("c", "v", "f", "is", "t"))
    return {
        # the common cells, groups: column, row, the other attributes, value, text, ">" + text kept as it
        # is (xml:space="preserve"), a formula's value, the end tag (absent: a cell of another shape); text
        # with an entity, a CR or an underscore (Excel's _x000D_) is of another shape
        "fast": re.compile(
            rf'{c} r="([A-Z]{{1,3}})([0-9]+)"([^>]*)>(?:(?:{v}>([^<]+)</{p}v>'
            rf"|{is_}>{t}>([^<&\r_]+)</{p}t></{p}is>"
            rf'|{is_}>{t} xml:space="preserve"(>[^<&\r_]*)</{p}t></{p}is>'
            rf"|{f}\b[^<>]*(?:/>|>[^<]*</{p}f>)(?:{v}>([^<]+)</{p}v>)?)?(</{p}c>))?"
        ),
        "c_r": f'{c} r="',
        "any": re.compile(
            rf"(<{p}row)\b([^>]*?)(/?)>|(</{p}row)\s*>|({c})\b([^>]*?)(?:/>|>(.*?)</{p}c\s*>)", re.S
        ),
        "child": re.compile(rf"<{p}(f|v|is)\b([^>]*?)(?:/>|>(.*?)</{p}\1\s*>)", re.S),
        "formula": re.compile(rf'{c} r="([A-Z]{{1,3}})([0-9]+)"[^>]*?(?<!/)>\s*{f}[\s>/]'.encode()),
        "close": re.compile(rf"</{p}c\s*>".encode()),
        "close_text": re.compile(rf"</{p}c\s*>"),
    }


@lru_cache(maxsize=128)
def _scan_pattern(p: str, width: int, formulas: bool) -> "re.Pattern[bytes]":
    """What the scan looks for, in one search: a cell that does not start with an r of the columns within
    ``width`` (group 1: a cell beyond, or whose r is missing or not first), or a formula (group 2; unless
    ``formulas`` is False: this piece's are found). One leading "<": the search goes from "<" to "<"."""
    within = "|".join(_columns_up_to(width - 1)) if width else "(?!)"
    pattern = rf'<(?:{p}c(?! r="(?:{within})[0-9])()'
    pattern += rf"|{p}f[\s>/]())" if formulas else ")"
    return re.compile(pattern.encode())


def _columns_up_to(index: int) -> list[str]:
    """Alternatives matching the column letters of indexes 0 to ``index``."""
    letters = column_letters(index)
    alts = [f"[A-Z]{{1,{len(letters) - 1}}}"] if len(letters) > 1 else []
    for i, ch in enumerate(letters):
        if ch != "A":
            alts.append(f"{letters[:i]}[A-{chr(ord(ch) - 1)}][A-Z]{{{len(letters) - i - 1}}}")
    alts.append(letters)
    return alts


_SCAN_REF_RE = re.compile(rb' r="([A-Z]{1,3})[0-9]+"')


def column_letters(index: int) -> str:
    """Spreadsheet column letters of a 0-based index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


Rows = Iterator[tuple[int, list]]
_NUMBER, _SHARED, _OTHER_TYPE = 0, 3, 4  # what a cell's attributes make of its <v> (1, 2: date kinds)
_T_ATTR_RE = re.compile(r"""\bt\s*=\s*["']([^"']*)["']""")
_S_ATTR_RE = re.compile(r"""\bs\s*=\s*["']([^"']*)["']""")


class Sheet:
    """A worksheet of a ``Book``: ``scan()`` once, then ``rows()`` as often as needed."""

    def __init__(self, book: Book, path: str | None) -> None:
        self.book, self.path = book, path
        self.width = 0  # columns of each row: the last column holding a value, + 1
        self.formulas: set[tuple[int, int]] = set()  # (sheet row number, column index) of formula cells
        self._regular = True  # every cell's r attribute first (else the general path walks it all)
        self._scanned = False
        self._p = _prefix(book, path) if path else ""
        # a cell's attributes after r -> what its <v> is: _NUMBER, a date kind, _SHARED, _OTHER_TYPE
        self._kinds: dict[str, int] = {}

    def _pieces(self) -> Iterator[bytes]:
        """The sheet's XML in pieces of whole rows; its CRC is checked by the scan (the first walk)."""
        if self.path is None:  # a chart sheet: no cells
            return iter(())
        return _stream(self.book, self.path, b"<sheetData", b"</sheetData>", b"<row", crc=not self._scanned)

    def scan(self) -> "Sheet":
        """Read the sheet once for its width and its formula cells."""
        if not self._scanned:
            try:
                self._scan()
            except XlsxError:
                raise
            except Exception as exc:  # zipfile, zlib and decoding errors of a broken file
                raise XlsxError(str(exc)) from exc
            self._scanned = True
        return self

    def _scan(self) -> None:
        pat = _sheet_patterns(self._p)
        formula_re, close = pat["formula"], pat["close"]
        width = 0
        for piece in self._pieces():
            formulas = True  # this piece's formulas are still to be looked for
            m = _scan_pattern(self._p, width, formulas).search(piece)
            while m:
                if m.group(1) is not None:
                    ref = _SCAN_REF_RE.match(piece, m.end())
                    if ref is None:  # a cell without r first: the general path reads the whole sheet
                        self._regular = False
                        self._scan_walking()
                        return
                    end = close.search(piece, ref.end())  # beyond the widest so far: does it hold a value?
                    pos = end.end() if end else len(piece)
                    for _number, values in self._walk(piece[m.start() : pos].decode("utf-8"), [1, 0]):
                        width = max(width, len(values))
                else:  # a formula: all of this piece's, then look no more for them in it
                    self.formulas.update((int(r), _COLUMNS[col]) for col, r in formula_re.findall(piece))
                    formulas, pos = False, m.end()
                m = _scan_pattern(self._p, width, formulas).search(piece, pos)
        self.width = width

    def _scan_walking(self) -> None:
        """The scan of a sheet the byte scan cannot read: the general path walks it all."""
        self.formulas, gathered, state = set(), dict[int, list](), [1, 0]
        for piece in self._pieces():
            for _row in self._walk(piece.decode("utf-8"), state, gathered, formulas=self.formulas):
                pass
        self.width = max(map(len, gathered.values()), default=0)

    def rows(self) -> Rows:
        """(sheet row number, values) of every row from row 1 to the last holding a value."""
        self.scan()
        try:
            yield from self._rows() if self._regular else self._rows_gathered()
        except XlsxError:
            raise
        except Exception as exc:  # zipfile, zlib and decoding errors of a broken file
            raise XlsxError(str(exc)) from exc

    def _rows_gathered(self) -> Rows:
        """A sheet with cells without r: every row gathered first (memory is not flat for these)."""
        gathered: dict[int, list] = {}
        state = [1, 0]
        for piece in self._pieces():
            for _row in self._walk(piece.decode("utf-8"), state, gathered):
                pass
        width = self.width
        for number in range(1, max(gathered, default=0) + 1):
            values = gathered.get(number, [])
            yield number, values + [""] * (width - len(values))

    def _kind(self, attrs: str) -> int:
        """What a cell's other attributes make of its ``<v>`` (cached per distinct attributes)."""
        t = _T_ATTR_RE.search(attrs)
        typ = t.group(1) if t else None
        if typ is None or typ == "n":
            s = _S_ATTR_RE.search(attrs)
            kind = _style(self.book, s.group(1)) if s else OTHER
            value = kind or _NUMBER
        else:
            value = _SHARED if typ == "s" else _OTHER_TYPE
        self._kinds[attrs] = value
        return value

    def _rows(self) -> Rows:
        """The walk of a regular sheet: ``findall`` of the common cell shapes, piece by piece; a cell of
        another shape through the general path."""
        width = self.width
        if not width:
            return
        pat = _sheet_patterns(self._p)
        fast, c_r, close = pat["fast"], pat["c_r"], pat["close_text"]
        strings, is_1904, kinds = self.book.strings, self.book.is_1904, self._kinds
        columns = dict(_COLUMNS)  # a plain dict: its subscript is the fastest lookup
        dates: dict[tuple[str, int], Any] = {}  # (value, date kind) -> its date: dates repeat down a column
        cur_s, cur, last, vals, nonempty = "", 0, 0, [""] * width, False
        for chunk in self._pieces():
            piece = chunk.decode("utf-8")
            for col, rn, attrs, v, text, kept, fv, end in fast.findall(piece):
                if rn != cur_s:
                    number = int(rn)
                    if number < cur:
                        raise XlsxError("rows out of order")
                    if nonempty:
                        while last + 1 < cur:
                            last += 1
                            yield last, [""] * width
                        yield cur, vals
                        last = cur
                    cur_s, cur, vals, nonempty = rn, number, [""] * width, False
                if text:
                    value: Any = text.strip(" \t\n")
                elif v or fv:
                    try:
                        kind = kinds[attrs]
                    except KeyError:
                        kind = self._kind(attrs)
                    if kind == _NUMBER:
                        try:
                            value = float(v or fv)
                        except ValueError:  # text in a cell without a type; an error with t="n"
                            typ = _T_ATTR_RE.search(attrs)
                            value = _value(typ.group(1) if typ else None, v or fv, None, self.book)
                    elif kind == _SHARED:
                        value = strings[int(v or fv)]
                    elif kind == _OTHER_TYPE:
                        typ = _T_ATTR_RE.search(attrs)
                        value = _typed(typ.group(1) if typ else "", _xml_text(v or fv))
                        if value is EMPTY:
                            continue
                    else:
                        key = (v or fv, kind)
                        value = dates.get(key, EMPTY)
                        if value is EMPTY:
                            if len(dates) > 100_000:
                                dates.clear()
                            value = dates[key] = excel_date(float(v or fv), kind, is_1904)
                elif kept:
                    value = kept[1:]
                elif end or attrs[-1:] == "/":
                    continue  # no value
                else:  # another shape: this cell through the general path
                    start = piece.find(c_r + col + rn + '"')
                    stop = close.search(piece, start)
                    cell = piece[start : stop.end() if stop else len(piece)]
                    found = [values for _n, values in self._walk(cell, [cur, 0])]
                    if not found or found[0][-1] is EMPTY:
                        continue
                    value = found[0][-1]
                try:
                    vals[columns[col]] = value
                except KeyError:
                    vals[_COLUMNS[col]] = value
                    columns[col] = _COLUMNS[col]
                nonempty = True
        if nonempty:
            while last + 1 < cur:
                last += 1
                yield last, [""] * width
            yield cur, vals

    def _walk(
        self,
        piece: str,
        state: list[int],
        gathered: dict[int, list] | None = None,
        *,
        formulas: set[tuple[int, int]] | None = None,
    ) -> Rows:
        """The general path, as calamine walks a sheet: every row and cell of a piece, a cell without r
        placed after the previous one (``state``: [row number of a row without r, column index of a cell
        without r], carried across pieces). Yields (row number, values) for each row holding a value, in the
        order of the piece, the values EMPTY where a cell has none; with ``gathered``, merges the rows into
        it by number instead (a later cell wins) and yields nothing."""
        pat = _sheet_patterns(self._p)
        child_re = pat["child"]
        row_index, col_index = state
        found_rows: dict[int, dict[int, Any]] = {}
        for row_tag, row_attrs, closed, row_end, _cell, cell_attrs, inner in pat["any"].findall(piece):
            if row_end:
                row_index, col_index = row_index + 1, 0
                continue
            if row_tag:
                r = _attrs(row_attrs).get("r")
                if r:
                    row_index = int(r)
                if closed:
                    row_index, col_index = row_index + 1, 0
                continue
            attrs = _attrs(cell_attrs)
            ref = attrs.get("r")
            if ref:
                m = _REF_RE.fullmatch(ref)
                if not m:
                    raise XlsxError(f"bad cell reference {ref!r}")
                number, column = int(m.group(2)), _COLUMNS[m.group(1).upper()]
            else:
                number, column = row_index, col_index
            col_index = column + 1
            value: Any = EMPTY
            typ, style = attrs.get("t"), attrs.get("s")
            for name, _child_attrs, text in child_re.findall(inner):
                if name == "f":
                    value = EMPTY
                    if formulas is not None:
                        formulas.add((number, column))
                elif name == "is":
                    value = _rich_text(text, self._p)
                elif typ in ("inlineStr", "is"):
                    value = EMPTY
                elif typ in (None, "n", "s", "b", "e"):
                    value = _value(typ, text, style, self.book)
                else:
                    value = _typed(typ, _xml_text(text))
            if value is not EMPTY:
                found_rows.setdefault(number, {})[column] = value
        state[0], state[1] = row_index, col_index
        for number, cells in found_rows.items():
            if gathered is not None:
                values = gathered.setdefault(number, [])
                for i, v in cells.items():
                    if i >= len(values):
                        values.extend([""] * (i + 1 - len(values)))
                    values[i] = v
                continue
            values = [EMPTY] * (max(cells) + 1)
            for i, v in cells.items():
                values[i] = v
            yield number, values


def _style(book: Book, s: bytes | str | None) -> int:
    """The date kind of a cell's s attribute (calamine: not a number reads as 0, out of range as none)."""
    if s is None:
        return OTHER
    try:
        index = int(s)
    except ValueError:
        index = 0
    return book.formats[index] if 0 <= index < len(book.formats) else OTHER


def _value(typ: str | None, raw: str, style: str | None, book: Book) -> Any:
    """A ``<v>`` of type n, s, b, e or none, as calamine reads it."""
    if not raw:
        return EMPTY
    if typ == "s":
        try:
            index = int(raw)
        except ValueError:
            index = 0
        if not 0 <= index < len(book.strings):
            raise XlsxError("shared string index out of range")
        return book.strings[index]
    if typ == "b":
        return raw != "0"
    if typ == "e":
        return ""  # python-calamine gives an error cell as ""
    try:
        number = float(raw)
    except ValueError:
        if typ:
            raise XlsxError(f"not a number: {raw!r}") from None
        return raw
    kind = _style(book, style)
    return excel_date(number, kind, book.is_1904) if kind else number


def _typed(typ: str, text: str) -> Any:
    """A ``<v>`` of type str, d, b or e (entities decoded) as calamine reads it; inline strings ignore
    their ``<v>``; another type is an error."""
    if typ == "str":
        return text
    if typ == "d":
        return _iso(text) if text else EMPTY
    if typ == "b":
        return text != "0" if text else EMPTY
    if typ == "e":
        return "" if text else EMPTY
    if typ in ("inlineStr", "is"):
        return EMPTY
    raise XlsxError(f"unknown cell type {typ!r}")
