"""Real-name roster import (花名册): read .xlsx (python-calamine) or .csv, find the header, normalise, check.

Reading and checking are pure: ``parse_roster(data, filename)`` returns a ``ParsedRoster`` with the clean rows
and every error as (sheet row, column, reason). Writing is ``services_import.roster_import_apply``.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from wagewatch.lib.bounds import check_date, date_limits
from wagewatch.lib.cardhash import card_hash
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.masking import mask_card
from wagewatch.lib.uploads import check_spreadsheet_upload
from wagewatch.lib.validators import (
    looks_like_formula,
    normalise_text,
    validate_mobile,
    validate_resident_id,
)

# field -> accepted header texts (after normalisation: no spaces, no *, half-width)
HEADERS = {
    "name": ("姓名", "工人姓名", "人员姓名", "职工姓名"),
    "id_number": (
        "公民身份号码", "身份证号", "身份证号码", "身份证", "证件号码", "证件号", "居民身份证号码",
        "身份证件号码", "公民身份证号码",
    ),
    "phone": (
        "联系电话", "手机号码", "电话", "手机号", "手机", "联系方式", "电话号码", "移动电话", "联系手机",
    ),
    "team": ("所属班组", "班组", "班组名称"),
    "trade": ("工种",),
    "employer": ("用工单位", "所属单位", "劳务企业", "劳务公司"),
    "entry_date": ("进场日期", "进场时间", "入场日期", "入场时间", "进场"),
    "exit_date": ("退场日期", "退场时间", "离场日期", "离场时间", "出场日期", "出场时间", "退场", "离场"),
    "contract_signed": ("是否签订劳动合同", "签订合同", "签订劳动合同", "劳动合同", "是否签订合同"),
    "pay_method": ("工资发放方式", "发放方式"),
    "bank": ("开户银行", "工资卡开户银行", "开户行", "银行"),
    "card": ("工资卡号", "银行卡号", "卡号", "银行账号"),
}  # fmt: skip
# Headers read on purpose and not listed as ignored: row numbers, and what the ID number already says.
_NOT_DATA = {"序号", "编号", "行号", "性别", "出生日期", "年龄"}
REQUIRED = ("name", "id_number", "entry_date")
_LOOKUP = {text: key for key, texts in HEADERS.items() for text in texts}
_HEADER_NOISE = re.compile(r"[\s*＊:：]|（必填）|\(必填\)")
_HEADER_SCAN_ROWS = 20
_DATE_RE = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?$")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_YES = {"是", "已签", "已签订", "y", "yes", "√", "1", "true"}
_NO = {"否", "未签", "未签订", "n", "no", "×", "0", "false"}
_PAY = {"银行代发": "bank", "银行": "bank", "代发": "bank", "现金": "cash"}
_CELL_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?<!/)>\s*<f[ >/]')
_SHEET_RE = re.compile(rb"<sheet [^>]*?r:id=\"([^\"]+)\"")


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedRoster:
    header_row: int = 0
    headers: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # clean values + "row" + "hash"
    errors: list[RowError] = field(default_factory=list)
    total: int = 0
    on_roster: set = field(default_factory=set)
    columns: dict = field(default_factory=dict)  # field -> its header text in the file
    ignored: list[str] = field(default_factory=list)  # "E列“离职日期”": columns that are not imported


class ImportFileError(Exception):
    """The file cannot be read as a roster at all (not a row-level error)."""


# ---------------------------------------------------------------- reading
def read_table(data: bytes, filename: str):
    """(rows iterator of (sheet row number, values), formula cell set) for an .xlsx or .csv file."""
    try:  # zip bombs, XML entities and non-spreadsheets are refused before anything unpacks them
        check_spreadsheet_upload(data, filename)
    except ValidationError as exc:
        raise ImportFileError(exc.messages[0]) from exc
    name = filename.lower()
    if name.endswith(".csv"):
        return _read_csv(data), set()
    if name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data), _formula_cells(data)
    raise ImportFileError(_("只支持 .xlsx 或 .csv 文件"))


def _read_csv(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV"))
    return enumerate(csv.reader(io.StringIO(text)), start=1)


def _read_xlsx(data: bytes):
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    except Exception as exc:  # calamine raises its own error types for broken files
        raise ImportFileError(_("无法读取该 Excel 文件，请确认是 .xlsx 格式")) from exc
    first_row, first_col = sheet.start or (0, 0)
    pad = [""] * first_col
    return ((first_row + i + 1, pad + row) for i, row in enumerate(sheet.iter_rows()))


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _formula_cells(data: bytes) -> set[tuple[int, int]]:
    """(row, column index) of cells holding a formula in the first sheet: calamine shows only their value."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            path = _first_sheet_path(z)
            xml = z.read(path)
    except (KeyError, zipfile.BadZipFile):
        return set()
    if b"<f" not in xml:
        return set()
    return {(int(row), _col_index(col)) for col, row in _CELL_RE.findall(xml)}


def _first_sheet_path(z: zipfile.ZipFile) -> str:
    match = _SHEET_RE.search(z.read("xl/workbook.xml"))
    rels = z.read("xl/_rels/workbook.xml.rels")
    if match:
        target = re.search(
            rb'Id="' + re.escape(match.group(1)) + rb'"[^>]*Target="([^"]+)"', rels
        ) or re.search(rb'Target="([^"]+)"[^>]*Id="' + re.escape(match.group(1)) + rb'"', rels)
        if target:
            path = target.group(1).decode().lstrip("/")
            return path if path.startswith("xl/") else "xl/" + path
    return "xl/worksheets/sheet1.xml"


# ---------------------------------------------------------------- header
def _header_key(text) -> str:
    return _HEADER_NOISE.sub("", normalise_text(text))


def find_header(rows):
    """Consume rows until the header; returns (row number, {field: column index}, header texts)."""
    for number, values in rows:
        mapping = {}
        for index, value in enumerate(values):
            key = _LOOKUP.get(_header_key(value))
            if key and key not in mapping:
                mapping[key] = index
        if "name" in mapping and "id_number" in mapping:
            return number, mapping, [normalise_text(v) for v in values]
        if number >= _HEADER_SCAN_ROWS:
            break
    raise ImportFileError(_("未找到表头行：须含“姓名”和“公民身份号码（身份证号）”列"))


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _ignored_columns(mapping: dict, headers: list[str]) -> list[str]:
    """Named columns of the header row that no field reads (unknown headers, a second 姓名 column…)."""
    used = set(mapping.values())
    return [
        _("%(col)s列“%(name)s”") % {"col": column_letter(i), "name": text}
        for i, text in enumerate(headers)
        if text and i not in used and _header_key(text) not in _NOT_DATA
    ]


# ---------------------------------------------------------------- values
def parse_date(value) -> datetime.date | None:
    """A date from a cell: date/datetime, Excel serial number, 2024-3-5, 2024.3.5, 2024/3/5, 2024年3月5日."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError
    text = normalise_text(value)
    if not text:
        return None
    if text.isdigit() and len(text) == 5:
        return _EXCEL_EPOCH + datetime.timedelta(days=int(text))
    if text.isdigit() and len(text) == 8:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    match = _DATE_RE.match(text.split(" ")[0] if "日" not in text else text)
    if not match:
        raise ValueError
    return datetime.date(*map(int, match.groups()))


def parse_bool(value) -> bool | None:
    """是/否 (and a few common spellings); None when blank; ValueError otherwise."""
    text = normalise_text(value).lower()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError


def _message(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


# ---------------------------------------------------------------- rows
class _RowChecker:
    """Turns one data row into clean values, collecting (column, reason) errors."""

    def __init__(self, mapping, headers, formulas):
        self.mapping, self.headers, self.formulas = mapping, headers, formulas
        # entry may be planned ahead, but never in year 1 or 9999; taken once, not per cell (the hot path)
        self.date_limits = date_limits(past=False)

    def label(self, key) -> str:
        return self.headers[self.mapping[key]] or key

    def check(self, number: int, values: list) -> tuple[dict, list[tuple[str, str]]]:
        raw = {key: (values[i] if i < len(values) else "") for key, i in self.mapping.items()}
        errors: list[tuple[str, str]] = []
        clean: dict = {"row": number}
        for key, value in raw.items():
            if (number, self.mapping[key]) in self.formulas or (looks_like_formula(value) and key != "phone"):
                errors.append((self.label(key), _("单元格是公式或以 = + - @ 开头，不予导入")))
                raw[key] = None
        self._text(raw, clean, errors)
        self._person(raw, clean, errors)
        self._dates(raw, clean, errors)
        self._contract(raw, clean, errors)
        return clean, errors

    def _text(self, raw, clean, errors):
        for key in ("name", "team", "trade", "employer", "bank"):
            clean[key] = normalise_text(raw.get(key))
        if raw.get("name") is not None and not clean["name"]:
            errors.append((self.label("name"), _("姓名不能为空")))
        elif len(clean["name"]) > 50:
            errors.append((self.label("name"), _("姓名过长")))
        for key, limit in (("team", 50), ("trade", 50), ("employer", 100), ("bank", 50)):
            if len(clean[key]) > limit:
                errors.append((self.label(key), _("内容过长（最多%(n)d字）") % {"n": limit}))
        pay = normalise_text(raw.get("pay_method"))
        clean["pay_method"] = _PAY.get(pay, "other" if pay else "bank")
        card = normalise_text(raw.get("card")).replace(" ", "")
        clean["card_masked"] = mask_card(card) if card else ""
        clean["card_hash"] = card_hash(card)

    def _person(self, raw, clean, errors):
        value = raw.get("id_number")
        clean["id_number"] = clean["hash"] = ""
        if value is None:
            return
        try:
            number = validate_resident_id(value)
            # the validator checked the birth date; derive here rather than resident_id_info(), whose
            # birthplace lookup costs more than the rest of the row
            birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            sex = "M" if int(number[16]) % 2 else "F"
            clean.update(id_number=number, sex=sex, birth_date=birth, hash=keyed_hash(number))
        except ValidationError as exc:
            errors.append((self.label("id_number"), _message(exc)))
        phone = raw.get("phone")
        clean["phone"] = ""
        if phone not in (None, "") and normalise_text(phone):
            try:
                clean["phone"] = validate_mobile(phone)
            except ValidationError as exc:
                errors.append((self.label("phone"), _message(exc)))

    def _date(self, raw, key, errors):
        if key not in self.mapping or raw.get(key) is None:
            return None
        try:
            value = parse_date(raw[key])
        except (ValueError, OverflowError):
            errors.append((self.label(key), _("日期“%(v)s”无效") % {"v": normalise_text(raw[key])}))
            return False
        try:
            if value is not None:
                check_date(value, *self.date_limits)
        except ValidationError as exc:
            errors.append((self.label(key), _message(exc)))
            return False
        return value

    def _dates(self, raw, clean, errors):
        entry = self._date(raw, "entry_date", errors)
        exit_ = self._date(raw, "exit_date", errors)
        if entry is None and "entry_date" in self.mapping and raw.get("entry_date") is not None:
            errors.append((self.label("entry_date"), _("进场日期不能为空")))
        if entry and exit_ and exit_ < entry:
            errors.append((self.label("exit_date"), _("退场日期早于进场日期")))
        clean["entry_date"], clean["exit_date"] = entry or None, exit_ or None

    def _contract(self, raw, clean, errors):
        clean["contract_signed"] = False
        if "contract_signed" not in self.mapping or raw.get("contract_signed") is None:
            return
        try:
            clean["contract_signed"] = bool(parse_bool(raw["contract_signed"]))
        except ValueError:
            value = normalise_text(raw["contract_signed"])
            errors.append((self.label("contract_signed"), _("应填“是”或“否”，不能是“%(v)s”") % {"v": value}))


def parse_roster(data: bytes, filename: str) -> ParsedRoster:
    """Read, normalise and check every row of a roster file; rows with any error are left out of ``rows``."""
    rows, formulas = read_table(data, filename)
    header_row, mapping, headers = find_header(rows)
    missing = [HEADERS[key][0] for key in REQUIRED if key not in mapping]
    if missing:
        raise ImportFileError(_("缺少必需的列：%(cols)s") % {"cols": "、".join(missing)})
    checker = _RowChecker(mapping, headers, formulas)
    result = ParsedRoster(header_row=header_row, headers=headers, ignored=_ignored_columns(mapping, headers))
    result.columns = {key: checker.label(key) for key in mapping}
    unnamed = {i for i, text in enumerate(headers) if not text}
    seen: dict[str, int] = {}
    for number, values in rows:
        if not any(normalise_text(v) for v in values) and not any(
            (number, i) in formulas for i in range(len(values))
        ):
            continue  # blank row
        result.total += 1
        _note_unnamed(result, unnamed, values)
        clean, errors = checker.check(number, values)
        first = seen.setdefault(clean["hash"], number) if clean["hash"] else number
        if first != number:
            errors.append((checker.label("id_number"), _("身份证号码与第%(n)d行重复") % {"n": first}))
        if errors:
            result.errors.extend(RowError(number, column, message) for column, message in errors)
        else:
            result.rows.append(clean)
    return result


def _note_unnamed(result: ParsedRoster, unnamed: set[int], values: list) -> None:
    """A column without a header that holds data is ignored too: list it once."""
    for i in [i for i in unnamed if i < len(values) and normalise_text(values[i])]:
        unnamed.discard(i)
        result.ignored.append(_("%(col)s列（无表头）") % {"col": column_letter(i)})
