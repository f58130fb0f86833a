"""Excel export helpers: formula-safe cells, streaming workbooks and a download response."""

import datetime
import io
import math
import re
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

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAX_CELL_TEXT = 32767  # Excel's limit for one cell
_BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")
_BAD_FILENAME_CHARS = re.compile(r'[\x00-\x1f\x7f/\\"]')
_NATIVE = (int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)


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


def write_workbook(sheets: list[tuple[str, list[str], Iterable[Iterable[object]]]]) -> bytes:
    """An .xlsx file of (title, headers, rows) sheets: bold frozen header row, formula-safe text cells."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for title, headers, rows in sheets or [("Sheet", [], [])]:
        sheet = workbook.create_sheet(_sheet_title(title, used))
        if headers:
            sheet.freeze_panes = "A2"
            sheet.append([_header_cell(sheet, header, bold) for header in headers])
        for row in rows:
            sheet.append([_cell_value(value) for value in row])
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
