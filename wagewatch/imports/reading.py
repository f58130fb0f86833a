"""Reading an uploaded .xlsx (python-calamine) or .csv once, after the upload guard, into a ``Table``."""

import csv
import io
import re
import zipfile
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import CalamineSheet, CalamineWorkbook

from wagewatch.lib.uploads import check_spreadsheet_upload

Rows = Iterator[tuple[int, list]]  # (sheet row number, cell values)
_CELL_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?<!/)>\s*<f[ >/]')
_SHEET_RE = re.compile(rb"<sheet [^>]*?r:id=\"([^\"]+)\"")


class ImportFileError(Exception):
    """The file cannot be read as an import at all (not a row-level error)."""


class Table:
    """A file's first sheet as read once: ``rows()`` walks it again from memory, never from the file."""

    _text: str
    _sheet: CalamineSheet | None
    formulas: set[tuple[int, int]]

    def __init__(self, data: bytes, filename: str) -> None:
        try:  # zip bombs, XML entities and non-spreadsheets are refused before anything unpacks them
            check_spreadsheet_upload(data, filename)
        except ValidationError as exc:
            raise ImportFileError(exc.messages[0]) from exc
        name = filename.lower()
        if name.endswith(".csv"):
            self._text, self._sheet, self.formulas = _read_csv(data), None, set()
        elif name.endswith((".xlsx", ".xlsm")):
            self._text, self._sheet, self.formulas = "", _read_xlsx(data), _formula_cells(data)
        else:
            raise ImportFileError(_("只支持 .xlsx 或 .csv 文件"))

    @classmethod
    def of_sheet(cls, sheet: CalamineSheet, formulas: set[tuple[int, int]]) -> "Table":
        """A sheet of a ``Workbook`` (already guarded and read)."""
        table = cls.__new__(cls)
        table._text, table._sheet, table.formulas = "", sheet, formulas
        return table

    def rows(self) -> Rows:
        """Every row with its sheet row number (1-based), from the top."""
        if self._sheet is None:
            return enumerate(csv.reader(io.StringIO(self._text)), start=1)
        first_row, first_col = self._sheet.start or (0, 0)
        pad = [""] * first_col
        return ((first_row + i + 1, pad + row) for i, row in enumerate(self._sheet.iter_rows()))


class Workbook:
    """An .xlsx workbook of several sheets, guarded and read once: ``table(name)`` gives a sheet by its tab
    name (trimmed), None when the workbook has no such sheet."""

    def __init__(self, data: bytes, filename: str) -> None:
        try:
            check_spreadsheet_upload(data, filename)
        except ValidationError as exc:
            raise ImportFileError(exc.messages[0]) from exc
        if not filename.lower().endswith((".xlsx", ".xlsm")):
            raise ImportFileError(_("只支持 .xlsx 文件（一个工作簿，每类数据一个工作表）"))
        try:
            self._book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:  # calamine raises its own error types for broken files
            raise ImportFileError(_("无法读取该 Excel 文件，请确认是 .xlsx 格式")) from exc
        self.names = [name.strip() for name in self._book.sheet_names]
        self._data = data

    def table(self, name: str) -> Table | None:
        if name not in self.names:
            return None
        index = self.names.index(name)
        try:
            sheet = self._book.get_sheet_by_index(index)
        except Exception as exc:
            raise ImportFileError(_("无法读取工作表“%(name)s”") % {"name": name}) from exc
        return Table.of_sheet(sheet, _formula_cells(self._data, index))


def _read_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV"))


def _read_xlsx(data: bytes) -> CalamineSheet:
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    except Exception as exc:  # calamine raises its own error types for broken files
        raise ImportFileError(_("无法读取该 Excel 文件，请确认是 .xlsx 格式")) from exc


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _formula_cells(data: bytes, index: int = 0) -> set[tuple[int, int]]:
    """(row, column index) of cells holding a formula in a sheet (the first by default): calamine shows only
    their value."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            path = _sheet_path(z, index)
            xml = z.read(path)
    except (KeyError, zipfile.BadZipFile):
        return set()
    if b"<f" not in xml:
        return set()
    return {(int(row), _col_index(col)) for col, row in _CELL_RE.findall(xml)}


def _sheet_path(z: zipfile.ZipFile, index: int) -> str:
    matches = list(_SHEET_RE.finditer(z.read("xl/workbook.xml")))
    match = matches[index] if index < len(matches) else None
    rels = z.read("xl/_rels/workbook.xml.rels")
    if match:
        target = re.search(
            rb'Id="' + re.escape(match.group(1)) + rb'"[^>]*Target="([^"]+)"', rels
        ) or re.search(rb'Target="([^"]+)"[^>]*Id="' + re.escape(match.group(1)) + rb'"', rels)
        if target:
            path = target.group(1).decode().lstrip("/")
            return path if path.startswith("xl/") else "xl/" + path
    return f"xl/worksheets/sheet{index + 1}.xml"


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
