"""Pay sheets (工资支付表) and attendance (考勤) from Excel or CSV: two kinds of the import pipeline
(wagewatch/imports) that write the pay lines of one project and month (DESIGN §8).

A row names its worker by ID number, and the worker is found on the project's roster only: a row for
someone not on the roster in the import's month (entered by its end, not left before its start), or under
another name than the roster's, is an error — an unregistered worker on site is itself a finding. Any bad
row and nothing is saved; every bad row is listed with its row, column and a Chinese reason.

Pay sheet: one row per worker — days, wage due (应发), deductions (扣款), net paid (实发), the card paid to,
the worker's signature; title lines may sit above the header. A 合计 row is not a worker: it is checked
against the sums of the rows (a warning where they differ) and not imported; 制表人/审核人 lines below the
table are skipped. Card numbers are kept masked and as their keyed hash only, never in full (not in the
preview kept with the job either). A line takes its row's pay date, else the one given on the upload page.
``via_account`` is left as it is (unknown on a new line): a pay sheet does not say from which account the
wages went — the bank's pay-line feed does. A line the bank reported keeps the bank's net, pay date, card
and source (what reached the worker is the bank's word); the preview warns where the sheet says otherwise.

Attendance: one row per worker for the month (出勤天数), or a gate export with one row per worker per day
(考勤日期; his days are his distinct dates, all within the month) — told apart by the header. It sets the
days only; a line it creates has the source 考勤.
"""

import calendar
import datetime
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.imports import CARD_EXAMPLE, ID_EXAMPLE, ID_NOTE
from projects.imports import COLUMNS as ROSTER_COLUMNS
from projects.models import ImportJob, Project
from wagewatch.imports import pipeline
from wagewatch.imports.cells import Date, Month, Number
from wagewatch.imports.kinds import Check, Column, ImportKind, Parsed, Refused, header_key
from wagewatch.imports.reading import ImportFileError
from wagewatch.lib import bounds
from wagewatch.lib.cardhash import card_hash, validate_card_number
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.masking import mask_card, mask_id
from wagewatch.lib.validators import normalise_text

from . import selectors, services
from .models import PayLine

_ROSTER = {c.key: c for c in ROSTER_COLUMNS}
_WAGE_MAX = bounds.decimal_limit(12, 2)  # PayLine's amount columns
_UNSIGNED = {"否", "未签", "未签字", "无"}
_TOTALS = {"合计", "总计", "合计金额"}
_SUBTOTALS = ("小计",)
_FOOTERS = ("制表", "审核", "复核", "填表", "填报", "负责人", "劳资专管员", "项目经理", "盖章")


def _yuan(*names: str) -> tuple[str, ...]:
    """A money header as written, and with （元） after it."""
    return names + tuple(f"{name}（元）" for name in names)


def _card(value: Any) -> str:
    """The digits of a card number (spaces and dashes allowed); blank gives ''."""
    text = normalise_text(value)
    return validate_card_number(text) if text else ""


def _signed(value: Any) -> bool:
    """A signature cell: a name (or 是/已签) is signed; blank, 否, 未签 are not."""
    text = normalise_text(value)
    return bool(text) and text not in _UNSIGNED


_money = partial(Column, formula_cells=True, formula_text=False)  # amounts are often formulas; -5 a number
_DAYS = Number(
    1, high=Decimal(31), units=("天",), out_of_range=gettext_lazy("出勤天数应在%(low)s至%(high)s之间")
)
NAME = Column(
    "name",
    (*_ROSTER["name"].headers, "领款人", "收款人"),
    _ROSTER["name"].type,
    example=_ROSTER["name"].example,
)
ID_NUMBER = Column(
    "id_number",
    _ROSTER["id_number"].headers,
    _ROSTER["id_number"].type,
    mask=mask_id,
    example=ID_EXAMPLE,
    note=ID_NOTE,
)
DAYS_HEADERS = ("出勤天数", "出勤（天）", "出勤", "出勤天", "考勤天数", "实际出勤天数", "工作天数",
                "出工天数")  # fmt: skip
PERIOD = Column(
    "period",
    ("工资月份", "考勤月份", "所属月份", "月份", "工资所属期"),
    Month(),
    example="2024-02",
    note=gettext_lazy("月份，如 2024-02；填写时须与上传页选择的月份一致"),
)
_yuan_cell = partial(Number, 2, high=_WAGE_MAX, units=("元",))
_AMOUNTS = {
    "due": _yuan_cell(required=gettext_lazy("应发工资不能为空")),
    "deductions": _yuan_cell(blank=Decimal("0.00")),
    "net": _yuan_cell(),
}
PAY_COLUMNS = (
    NAME,
    Column("id_number", ID_NUMBER.headers, ID_NUMBER.type, mask=mask_id,
           unique=gettext_lazy("身份证号码与第%(n)d行重复"), example=ID_EXAMPLE, note=ID_NOTE),
    _money("days", DAYS_HEADERS, _DAYS, example="22"),
    _money("due", _yuan("应发工资", "应发金额", "应发", "应发合计", "应付工资", "应发工资总额"),
           _AMOUNTS["due"], example="6600.00"),
    _money("deductions", _yuan("扣款", "代扣款项", "扣款金额", "代扣款", "扣款合计", "应扣款", "扣除金额"),
           _AMOUNTS["deductions"], example="0.00"),
    _money("net", _yuan("实发工资", "实发金额", "实发", "实发合计", "实付工资", "实领工资", "实发数"),
           _AMOUNTS["net"], example="6600.00"),
    _money("paid_on", ("发放日期", "发放时间", "支付日期", "发薪日期", "付款日期"), Date(past=True),
           example="2024-03-15"),
    Column("card", ("银行卡号", "工资卡号", "卡号", "银行账号", "收款卡号", "社保卡号", "社会保障卡号"),
           _card, mask=mask_card, example=CARD_EXAMPLE, note=gettext_lazy("银行卡号，只保存遮蔽后的号码")),
    Column("signed", ("本人签字", "签字", "领款人签名", "领款人签字", "工人签字", "本人签名", "签名", "签收"),
           _signed, formula_text=False, example=gettext_lazy("张三"),
           note=gettext_lazy("本人签名；空白、否、未签视为未签字")),  # only whether it is signed is kept
    PERIOD,
)  # fmt: skip
ATTENDANCE_COLUMNS = (
    NAME,
    ID_NUMBER,
    _money("days", DAYS_HEADERS, _DAYS, example="22"),
    Column("date", ("考勤日期", "打卡日期", "出勤日期", "刷卡日期", "日期", "打卡时间", "刷卡时间",
                    "通行时间"), Date(invalid=gettext_lazy("日期“%(v)s”不存在或无法识别"))),
    PERIOD,
)  # fmt: skip
# read on purpose and not imported: the roster holds them, or they say nothing about the month's pay
_KNOWN = ("序号", "编号", "行号", "班组", "所属班组", "工种", "性别", "备注", "开户行", "开户银行",
          "工资卡开户银行", "日工资", "日工资标准", "日工资标准（元）", "工资标准", "单价", "首次打卡",
          "末次打卡", "设备名称", "门禁")  # fmt: skip


def _scope(job: ImportJob) -> tuple[Project, datetime.date]:
    """The project and month of a wage import (both set by ``wage_import_preview``)."""
    if job.project is None or job.month is None:
        raise ValueError(f"import job {job.pk} has no project or month")
    return job.project, job.month


def _month_name(month: datetime.date) -> str:
    return _("%(y)d年%(m)d月") % {"y": month.year, "m": month.month}


def _error(parsed: Parsed, row: dict, key: str, message: str) -> dict:
    return {"row": row["row"], "column": parsed.columns[key], "message": message}


def match_roster(job: ImportJob, parsed: Parsed) -> list[dict]:
    """Each row's roster entry (``row["entry"]``, None when refused; the ID number is kept only as its hash
    and masked); errors for a worker not on the project's roster in the month or named otherwise there."""
    project, month = _scope(job)
    roster, errors = selectors.roster_by_id_hash(project), []
    for row in parsed.rows:
        if "id_number" in row:
            number = row.pop("id_number")
            row["hash"], row["id_masked"] = keyed_hash(number), mask_id(number)
        ref, row["entry"] = roster.get(row["hash"]), None
        if ref is None:
            errors.append(_error(parsed, row, "id_number", _("该工人未在本项目实名制花名册中登记")))
        elif not ref.covers(month):
            errors.append(
                _error(parsed, row, "id_number", _("该工人当月不在本项目花名册（进场、退场日期之外）"))
            )
        elif row.get("name") and row["name"] != ref.name and row["name"] != normalise_text(ref.name):
            message = _("姓名与花名册登记的“%(name)s”不符") % {"name": ref.name}
            errors.append(_error(parsed, row, "name", message))
        else:
            row["entry"] = ref.id
    return errors


class _WageImport(ImportKind):
    """What both wage imports share: the roster match, the month, the write."""

    identify: tuple[str, ...] = ("id_number",)
    header_missing = gettext_lazy("未找到表头行：须含“公民身份号码（身份证号）”列")
    not_data = frozenset(header_key(text) for text in _KNOWN)
    fields: tuple[str, ...] = ()
    source = ""
    claim = False  # an updated line takes the import's source
    reason = gettext_lazy("导入")

    def _rows_checked(self, job: ImportJob, parsed: Parsed, errors: list[dict]) -> None:
        """Errors of the rows against the month (a 考勤月份/工资月份 column, days in the month)."""
        _project, month = _scope(job)
        length = calendar.monthrange(month.year, month.month)[1]
        for row in parsed.rows:
            if row.get("period") and row["period"] != month:
                message = _("月份与导入的月份（%(month)s）不符") % {"month": _month_name(month)}
                errors.append(_error(parsed, row, "period", message))
            if (row.get("days") or 0) > length:
                message = _("出勤天数超过当月天数（%(n)d天）") % {"n": length}
                errors.append(_error(parsed, row, "days", message))

    def _counts(self, parsed: Parsed, lines: dict, errors: list[dict], warnings: list[dict]) -> Check:
        for row in parsed.rows:
            row["update"] = row["entry"] in lines
        entries = [row["entry"] for row in parsed.rows if row["entry"]]
        updated = sum(1 for entry in entries if entry in lines)
        return Check(errors, warnings, created=len(entries) - updated, updated=updated)

    def apply(self, job: ImportJob, parsed: Parsed, progress: Callable[[int], None]) -> tuple[int, int]:
        errors = match_roster(job, parsed)  # the roster may have changed since the preview
        if errors:
            lines = "；".join(_("第%(row)d行 %(column)s：%(message)s") % e for e in errors)
            raise Refused(errors, _("花名册已变更，全部未导入：%(lines)s") % {"lines": lines})
        values = itemgetter("entry", *self.fields)
        rows = [values(row) for row in parsed.rows]
        project, month = _scope(job)
        return services.pay_lines_import(
            project=project, month=month, fields=self.fields, rows=rows, source=self.source,
            claim=self.claim, user=job.created_by, reason=str(self.reason), progress=progress,
        )  # fmt: skip


class PaySheetImport(_WageImport):
    name = ImportJob.Kind.PAY_SHEET
    columns = PAY_COLUMNS
    identify = ("name", "id_number")
    header_missing = gettext_lazy("未找到表头行：须含“姓名”和“公民身份号码（身份证号）”列")
    required_columns = ("name", "id_number", "due", "net")
    fields = ("days", "due", "deductions", "net", "paid_on", "card_masked", "card_hash", "signed")
    source, claim, reason = PayLine.Source.SHEET, True, gettext_lazy("工资支付表导入")

    def aside(self, number: int, values: list, parsed: Parsed) -> bool:
        first = next((v for v in values if v not in (None, "")), "")
        label = header_key(first) if isinstance(first, str) else ""
        if label in _TOTALS:
            parsed.notes["totals"] = (number, values)
        return label in _TOTALS or label.startswith(_SUBTOTALS + _FOOTERS)

    def check_row(self, row: dict, error: Callable[[str, str], None]) -> None:
        card = row.pop("card", "")
        row["card_masked"], row["card_hash"] = (mask_card(card), card_hash(card)) if card else ("", "")
        due, deductions, net = row.get("due"), row.get("deductions"), row.get("net")
        if due is None or deductions is None:
            return
        if deductions > due:
            error("deductions", _("扣款多于应发工资"))
        elif net is not None and net > due - deductions:
            error("net", _("实发工资多于应发工资减扣款（%(n)s元）") % {"n": due - deductions})

    def check(self, job: ImportJob, parsed: Parsed) -> Check:
        """The roster match, the month, the pay date; warnings: a 合计 row that differs from the sums,
        lines the bank reported that the sheet contradicts."""
        if (
            "paid_on" not in parsed.mapping
            and job.pay_date is None
            and any(r.get("net") for r in parsed.rows)
        ):
            raise ImportFileError(_("文件中没有“发放日期”列，请在上传页填写发放日期"))
        errors = match_roster(job, parsed)
        self._rows_checked(job, parsed, errors)
        for row in parsed.rows:
            row["paid_on"] = row["paid_on"] or (job.pay_date if row["net"] is not None else None)
        warnings = [] if parsed.errors or errors else _totals_warnings(parsed)
        lines = selectors.month_lines(*_scope(job))
        warnings += _bank_warnings(parsed, lines)
        return self._counts(parsed, lines, errors, warnings)


def _totals_warnings(parsed: Parsed) -> list[dict]:
    """A 合计 row whose amounts differ from the sums of the rows (it is not imported either way)."""
    if "totals" not in parsed.notes:
        return []
    number, values = parsed.notes["totals"]
    warnings = []
    for key, amount in _AMOUNTS.items():
        index = parsed.mapping.get(key)
        try:
            stated = amount(values[index]) if index is not None and index < len(values) else None
        except ValidationError:
            stated = None
        summed = sum((row[key] or Decimal(0) for row in parsed.rows), Decimal("0.00"))
        if stated is not None and stated != summed:
            message = _("合计行的“%(column)s”为%(stated)s，各行之和为%(sum)s")
            warnings.append(
                {
                    "row": number,
                    "message": message % {"column": parsed.columns[key], "stated": stated, "sum": summed},
                }
            )
    return warnings


def _bank_warnings(parsed: Parsed, lines: dict[int, tuple[bool, Decimal | None]]) -> list[dict]:
    """Rows for lines the bank reported with another net: the bank's figures are kept."""
    message = _("该工人该月已有银行代发记录（实发%(bank)s元），实发金额、发放日期和卡号以银行为准")
    return [
        {"row": row["row"], "message": message % {"bank": lines[row["entry"]][1]}}
        for row in parsed.rows
        if row["entry"] in lines and lines[row["entry"]][0] and lines[row["entry"]][1] != row["net"]
    ]


class AttendanceImport(_WageImport):
    name = ImportJob.Kind.ATTENDANCE
    columns = ATTENDANCE_COLUMNS
    required_columns = ("id_number", ("days", "date"))
    template_columns = ("name", "id_number", "days", "period")  # the monthly form; a gate export has its own
    fields = ("days",)
    source, reason = PayLine.Source.ATTENDANCE, gettext_lazy("考勤导入")

    def check(self, job: ImportJob, parsed: Parsed) -> Check:
        """The roster match and the month; a gate export's days (one row a day) are summed here into one
        row per worker, which is what the preview lists and the run writes."""
        daily = "date" in parsed.mapping
        errors = _daily_errors(job, parsed) if daily else _monthly_errors(parsed)
        refused = {e["row"] for e in errors}
        parsed.rows = [row for row in parsed.rows if row["row"] not in refused]
        errors += match_roster(job, parsed)
        self._rows_checked(job, parsed, errors)
        if daily and not errors:
            parsed.rows = _days_counted(parsed.rows)
        return self._counts(parsed, selectors.month_lines(*_scope(job)), errors, [])


def _monthly_errors(parsed: Parsed) -> list[dict]:
    errors: list[dict] = []
    seen: dict[str, int] = {}
    for row in parsed.rows:
        first = seen.setdefault(row["id_number"], row["row"])
        if row["days"] is None:
            errors.append(_error(parsed, row, "days", _("出勤天数不能为空")))
        elif first != row["row"]:
            errors.append(_error(parsed, row, "id_number", _("身份证号码与第%(n)d行重复") % {"n": first}))
    return errors


def _daily_errors(job: ImportJob, parsed: Parsed) -> list[dict]:
    _project, month = _scope(job)
    errors: list[dict] = []
    for row in parsed.rows:
        day = row["date"]
        if day is None:
            errors.append(_error(parsed, row, "date", _("考勤日期不能为空")))
        elif (day.year, day.month) != (month.year, month.month):
            message = _("考勤日期不在导入的月份（%(month)s）内") % {"month": _month_name(month)}
            errors.append(_error(parsed, row, "date", message))
    return errors


def _days_counted(rows: list[dict]) -> list[dict]:
    """One row per worker (his first row), his days the number of distinct dates he was on site."""
    workers: dict[int, dict] = {}
    dates: dict[int, set[datetime.date]] = {}
    for row in rows:
        workers.setdefault(row["entry"], row)
        dates.setdefault(row["entry"], set()).add(row["date"])
    return [{**row, "days": Decimal(len(dates[entry])), "date": None} for entry, row in workers.items()]


PAY_SHEET = PaySheetImport()
ATTENDANCE = AttendanceImport()


def wage_import_preview(
    *, kind: str, project: Project, user: Any, month: datetime.date, pay_date: datetime.date | None,
    filename: str, data: bytes,
) -> ImportJob:  # fmt: skip
    """Check an uploaded pay sheet or attendance file for one project and month and keep it as a preview
    job (nothing written); an unreadable file raises reading.ImportFileError. The lines are written with
    PostgreSQL statements (a staging table, ON CONFLICT): on the embedded SQLite the file is refused here,
    before anything is kept, rather than failing at confirm."""
    if connection.vendor != "postgresql":
        raise ImportFileError(_("工资支付表和考勤导入需要 PostgreSQL 数据库，当前的 SQLite 演示环境不支持"))
    job = ImportJob(kind=kind, project=project, township=project.township, created_by=user,
                    month=month.replace(day=1), pay_date=pay_date)  # fmt: skip
    pipeline.preview(job, filename=filename, data=data)  # saves the job
    return job
