"""Reading an uploaded .xlsx (streamed by ``xlsx``, the standard library only) or .csv, after the upload
guard, into a ``Table``: an .xlsx sheet is walked again from the kept bytes each time its rows are needed,
never held whole (issue 19: memory flat in the file's length)."""

import csv
import io
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wagewatch.lib.uploads import check_spreadsheet_upload

from . import xlsx

Rows = Iterator[tuple[int, list]]  # (sheet row number, cell values)


class ImportFileError(Exception):
    """The file cannot be read as an import at all (not a row-level error)."""


class Table:
    """A file's first sheet: ``rows()`` walks it from the top each time (an .xlsx from the kept bytes, a .csv
    from its text); ``formulas`` are the (row, column index) of its cells holding a formula."""

    _text: str
    _sheet: xlsx.Sheet | None
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
            self._text, self._sheet = "", _read_xlsx(data)
            self.formulas = self._sheet.formulas
        else:
            raise ImportFileError(_("只支持 .xlsx 或 .csv 文件"))

    @classmethod
    def of_sheet(cls, sheet: xlsx.Sheet) -> "Table":
        """A sheet of a ``Workbook`` (already guarded and scanned)."""
        table = cls.__new__(cls)
        table._text, table._sheet, table.formulas = "", sheet, sheet.formulas
        return table

    def rows(self) -> Rows:
        """Every row with its sheet row number (1-based), from row 1."""
        if self._sheet is None:
            return enumerate(csv.reader(io.StringIO(self._text)), start=1)
        return _sheet_rows(self._sheet)


class Workbook:
    """An .xlsx workbook of several sheets, guarded and opened once: ``table(name)`` gives a sheet by its tab
    name (trimmed), None when the workbook has no such sheet."""

    def __init__(self, data: bytes, filename: str) -> None:
        try:
            check_spreadsheet_upload(data, filename)
        except ValidationError as exc:
            raise ImportFileError(exc.messages[0]) from exc
        if not filename.lower().endswith((".xlsx", ".xlsm")):
            raise ImportFileError(_("只支持 .xlsx 文件（一个工作簿，每类数据一个工作表）"))
        try:
            self._book = xlsx.Book(data)
        except xlsx.XlsxError as exc:
            raise ImportFileError(_("无法读取该 Excel 文件，请确认是 .xlsx 格式")) from exc
        self.names = [name.strip() for name in self._book.names]

    def table(self, name: str) -> Table | None:
        if name not in self.names:
            return None
        try:
            sheet = self._book.sheet(self.names.index(name)).scan()
        except xlsx.XlsxError as exc:
            raise ImportFileError(_("无法读取工作表“%(name)s”") % {"name": name}) from exc
        return Table.of_sheet(sheet)


def _read_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV"))


def _read_xlsx(data: bytes) -> xlsx.Sheet:
    try:
        book = xlsx.Book(data)
        if not book.paths:
            raise xlsx.XlsxError("no sheet")
        return book.sheet(0).scan()
    except xlsx.XlsxError as exc:
        raise ImportFileError(_("无法读取该 Excel 文件，请确认是 .xlsx 格式")) from exc


def _sheet_rows(sheet: xlsx.Sheet) -> Rows:
    """A sheet's rows; a fault found on the way (the scan read the whole sheet, so hardly ever) is the
    file's."""
    try:
        yield from sheet.rows()
    except xlsx.XlsxError as exc:
        raise ImportFileError(_("无法读取该 Excel 文件，请确认是 .xlsx 格式")) from exc


column_letter = xlsx.column_letters  # spreadsheet column letters of a 0-based index: 0 -> A, 27 -> AB
