"""Excel export helpers: formula-safe cells, streaming workbooks and a download response.

A workbook keeps the display of its numbers: a Decimal is stored as a number with a number format of its
own places ('0.00' for 万元 and yuan, '0.0' for a rate in percent), columns are sized to their content
(the header and the first rows), the header row is frozen and carries an autofilter."""

import datetime
import io
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAX_CELL_TEXT = 32767  # Excel's limit for one cell
_BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")
_BAD_FILENAME_CHARS = re.compile(r'[\x00-\x1f\x7f/\\"]')
_NATIVE = (int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)
_WIDTH_SAMPLE = 200  # rows read ahead to size the columns; the rest stream after them
_WIDTH_MIN, _WIDTH_MAX = 6, 60  # in characters (a Chinese character counts two)


def escape_cell(value: Any) -> Any:
    """Prefix ' to text a spreadsheet would run as a formula (= + - @ tab CR); other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell_value(value: object) -> object:
    """A value openpyxl writes as data: numbers and dates as such, everything else as escaped text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.make_naive(value)  # Excel has no time zones: show local time
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, Decimal) and not value.is_finite():
        return str(value)
    if isinstance(value, _NATIVE):
        return value
    text = str(value)  # also lazy translations, UUIDs, model choices
    return escape_cell(ILLEGAL_CHARACTERS_RE.sub("", text)[:_MAX_CELL_TEXT])


def _sheet_title(title: object, used: set[str]) -> str:
    """A sheet title Excel accepts: no []:*?/\\, at most 31 characters, unique in the workbook."""
    base = _BAD_TITLE_CHARS.sub("_", str(title or "Sheet")).strip("'")[:31] or "Sheet"
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{base[: 31 - len(str(n)) - 1]}_{n}"
    used.add(candidate.lower())
    return candidate


def number_format(value: object) -> str | None:
    """The number format that shows a Decimal with its own places ('0.00', '0.0'); None for others."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return None
    places = -int(value.as_tuple().exponent)
    return "0." + "0" * places if places > 0 else None


def _cell(sheet: Any, value: object) -> object:
    """The value to append: a Decimal as a number cell with its number format, others as data."""
    value = _cell_value(value)
    fmt = number_format(value)
    if fmt is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = fmt
    return cell


def _width(value: object) -> int:
    """Characters a value takes on screen (East Asian wide characters count two)."""
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 19
    text = str(value) if not isinstance(value, Decimal) else f"{value:f}"
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _size_columns(sheet: Any, headers: list[str], rows: list[list[object]]) -> None:
    """Column widths from the header and the sampled rows (write-only sheets take them before rows)."""
    widths: dict[int, int] = {}
    table: list[list[object]] = [list(headers or []), *rows]
    for row in table:
        for i, value in enumerate(row, 1):
            widths[i] = max(widths.get(i, 0), _width(value))
    for i, width in widths.items():
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, _WIDTH_MIN), _WIDTH_MAX)


def write_workbook(sheets: list[tuple[str, list[str], Iterable[Iterable[object]]]]) -> bytes:
    """An .xlsx file of (title, headers, rows) sheets: bold frozen header row with an autofilter, columns
    sized to content, Decimals as numbers in their own format, formula-safe text cells."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for title, headers, rows in sheets or [("Sheet", [], [])]:
        sheet = workbook.create_sheet(_sheet_title(title, used))
        stream = iter(rows)
        head = [[_cell_value(v) for v in row] for row in itertools.islice(stream, _WIDTH_SAMPLE)]
        _size_columns(sheet, headers, head)
        if headers:
            sheet.freeze_panes = "A2"
            sheet.append([_header_cell(sheet, header, bold) for header in headers])
        count = 0
        for row in itertools.chain(head, stream):
            sheet.append([_cell(sheet, value) for value in row])
            count += 1
        if headers:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_cell(sheet: Any, header: object, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=_cell_value(header))
    cell.font = font
    return cell


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    """A download response for an .xlsx file; the name may be Chinese (RFC 5987 filename*=UTF-8'')."""
    name = _BAD_FILENAME_CHARS.sub("_", str(filename or "").strip()) or "export"
    if not name.lower().endswith(".xlsx"):
        name += ".xlsx"
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["Content-Length"] = str(len(content))
    add_never_cache_headers(response)  # exports carry personal data: keep them out of shared caches
    return response
