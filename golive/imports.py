"""The go-live workbook (DESIGN §5, §9): one .xlsx, a sheet per subject, plugged into the import pipeline
(wagewatch/imports) as a ``WorkbookKind``. A missing sheet means none of that subject.

Each sheet is a column map and a row check here (cells typed, steps' dates in order); the database checks
and the writes are ``services.opening_write``: the preview writes every row and rolls back, so what the
models and services would refuse is listed (sheet, row, column, reason) before anyone confirms, and the
confirmed run writes all or nothing."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blacklist.models import BlacklistEntry
from complaints.models import Complaint
from deposits.models import Guarantee
from projects.models import ImportJob, Project
from wagewatch.accounts.models import Township
from wagewatch.imports.cells import Choice, Date, Number, Text
from wagewatch.imports.kinds import Check, Column, ImportKind, Parsed, Refused, Sheet, WorkbookKind
from wagewatch.lib import bounds
from wagewatch.lib.masking import mask_id, mask_phone

from . import services
from .services import BLACKLIST, CASES, DEPOSITS, FUND, GUARANTEES, HAZARDS

_REQUIRED = gettext_lazy("必填项为空")
_MONEY = partial(Number, 2, high=bounds.decimal_limit(*bounds.MONEY_DIGITS), units=("元",), blank=Decimal(0))
_AMOUNT = _MONEY(blank=None, required=_REQUIRED)
_DATE = Date(past=True, invalid=gettext_lazy("日期无法识别"))
_DAY = Date(past=True, required=_REQUIRED, invalid=gettext_lazy("日期无法识别"))
_ANY_DATE = Date(invalid=gettext_lazy("日期无法识别"))  # a day ahead is fine: a letter's or a listing's end
_CODE = Text(40)
_WORKERS = Number(0, high=Decimal(100_000))
Row = dict[str, Any]
Error = Callable[[str, str], None]


def _choice(choices: Callable[[], Any], what: str, **kw: Any) -> Choice:
    return Choice(choices, invalid=gettext_lazy("无法识别的") + what + "：%(name)s", **kw)


def _townships() -> Any:
    return Township.objects.values_list("id", "name")


# ---------------------------------------------------------------- 案件
def _channels() -> list[tuple[str, Any]]:
    """The case channels by label, and the words older ledgers use for two of them."""
    old = [(Complaint.Channel.HOTLINE_12333, "电话"), (Complaint.Channel.ONLINE, "网络")]
    return [*Complaint.Channel.choices, *old]


_YES_NO = [(True, "是"), (False, "否")]

_STEPS = {  # a case's status: the step dates it must have, and the ones it may have
    "received": ((), ()),
    "accepted": (("accepted",), ("accepted",)),
    "refused": (("refused",), ("refused",)),
    "filed": (("accepted", "filed"), ("accepted", "filed")),
    "closed": (("accepted", "closed"), ("accepted", "filed", "closed")),
}


class CaseSheet(ImportKind):
    columns = (
        Column("number", ("案件编号",), Text(30), unique=gettext_lazy("案件编号与第 %(row)s 行重复")),
        Column("channel", ("投诉渠道", "渠道"), _choice(_channels, "渠道", required=_REQUIRED)),
        Column("kind", ("案件类别", "类别"), _choice(lambda: Complaint.Kind.choices, "案件类别")),
        Column("sector", ("所属领域", "领域"), _choice(lambda: Complaint.Sector.choices, "所属领域")),
        Column("group_incident", ("群体性事件", "是否群体性事件"), _choice(lambda: _YES_NO, "是/否")),
        Column("received", ("登记日期", "收到日期"), _DAY),
        Column("complainant_name", ("投诉人姓名", "投诉人"), Text(50, required=_REQUIRED)),
        Column("complainant_phone", ("投诉人电话", "联系电话"), Text(20), mask=mask_phone),
        Column("complainant_id", ("投诉人身份证号",), Text(18), mask=mask_id),
        Column("respondent_uscc", ("被投诉单位统一社会信用代码", "统一社会信用代码"), Text(18)),
        Column("respondent_name", ("被投诉单位名称", "被投诉单位"), Text(100)),
        Column("project", ("项目编号",), _CODE),
        Column("township", ("所属乡镇",), _choice(_townships, "乡镇")),
        Column("workers", ("涉及人数",), Number(0, low=Decimal(1), high=Decimal(100_000), blank=Decimal(1))),
        Column("amount_claimed", ("反映欠薪金额（元）", "反映欠薪金额"), _MONEY()),
        Column("description", ("投诉内容", "反映内容"), Text(2000, required=_REQUIRED)),
        Column("status", ("状态", "办理状态"), _choice(lambda: Complaint.Status.choices, "状态",
                                                  required=_REQUIRED)),
        Column("accepted", ("受理日期",), _DATE),
        Column("refused", ("不予受理日期",), _DATE),
        Column("refusal_reason", ("不予受理理由",), Text(500)),
        Column("filed", ("立案日期",), _DATE),
        Column("closed", ("结案日期",), _DATE),
        Column("outcome", ("处理结果", "结案方式"), _choice(lambda: Complaint.Outcome.choices, "处理结果")),
        Column("amount_recovered", ("追回金额（元）", "追回金额"), _MONEY()),
        Column("workers_paid", ("兑付人数",), _WORKERS),
    )  # fmt: skip
    identify = ("complainant_name", "status")
    header_missing = gettext_lazy("未找到表头行：须含“投诉人姓名”和“状态”列")
    required_columns = ("channel", "received", "complainant_name", "description", "status")

    def check_row(self, row: Row, error: Error) -> None:
        status = row.get("status")
        if status in _STEPS:
            _case_steps(row, error, status)
        if not row.get("respondent_uscc") and not row.get("respondent_name"):
            error("respondent_name", _("须填写被投诉单位名称或统一社会信用代码"))
        steps = [("received", row.get("received")), ("accepted", row.get("accepted") or row.get("refused")),
                 ("filed", row.get("filed")), ("closed", row.get("closed"))]  # fmt: skip
        for key, message in bounds.step_order_errors(steps):
            error("refused" if key == "accepted" and row.get("refused") else key, message)


def _case_steps(row: Row, error: Error, status: str) -> None:
    needed, allowed = _STEPS[status]
    label = Complaint.Status(status).label
    for key in ("accepted", "refused", "filed", "closed"):
        if row.get(key) and key not in allowed:
            error(key, _("状态为“%(s)s”的案件不应填写此日期") % {"s": label})
        elif key in needed and not row.get(key):
            error(key, _("状态为“%(s)s”的案件须填写此日期") % {"s": label})
    if status == "closed" and row.get("outcome") in ("", Complaint.Outcome.REFUSED):
        error("outcome", _("已结案的案件须填写处理结果"))
    elif status != "closed" and row.get("outcome"):
        error("outcome", _("未结案的案件不应填写处理结果"))
    if status == "refused" and not row.get("refusal_reason"):
        error("refusal_reason", _("不予受理必须填写理由"))


# ---------------------------------------------------------------- 保证金
class DepositSheet(ImportKind):
    columns = (
        Column("project", ("项目编号",), Text(40, required=_REQUIRED)),
        Column("paid_in", ("缴存金额（元）", "缴存金额"), _MONEY()),
        Column("paid_on", ("缴存日期",), _DATE),
        Column("drawn", ("动用金额（元）", "动用金额"), _MONEY()),
        Column("drawn_on", ("动用日期",), _DATE),
        Column("returned", ("退还金额（元）", "退还金额"), _MONEY()),
        Column("returned_on", ("退还日期",), _DATE),
    )
    identify = ("project", "paid_in")
    header_missing = gettext_lazy("未找到表头行：须含“项目编号”和“缴存金额（元）”列")

    def check_row(self, row: Row, error: Error) -> None:
        for amount, day in (("paid_in", "paid_on"), ("drawn", "drawn_on"), ("returned", "returned_on")):
            if row.get(amount) and not row.get(day):
                error(day, _("填写了金额，须填写日期"))
            elif row.get(day) and not row.get(amount):
                error(amount, _("填写了日期，须填写金额"))
        if not any(row.get(k) for k in ("paid_in", "drawn", "returned")):
            error("paid_in", _("缴存、动用、退还金额至少填写一项"))
        for after in ("drawn_on", "returned_on"):
            for key, message in bounds.step_order_errors(
                [("paid_on", row.get("paid_on")), (after, row.get(after))]
            ):
                error(key, message)


# ---------------------------------------------------------------- 保函
class GuaranteeSheet(ImportKind):
    columns = (
        Column("project", ("项目编号",), Text(40, required=_REQUIRED)),
        Column("issuer_kind", ("保函类型", "出具机构类型"), _choice(
            lambda: Guarantee.IssuerKind.choices, "保函类型", default=str(Guarantee.IssuerKind.BANK.label))),
        Column("bank", ("出具银行", "出具机构", "银行"), Text(100)),
        Column("number", ("保函编号",), Text(60)),
        Column("amount", ("担保金额（元）", "保函金额（元）", "担保金额"), _AMOUNT),
        Column("valid_from", ("有效期自", "有效期起"), _DAY),
        Column("valid_to", ("有效期至", "有效期止"), _ANY_DATE),
    )  # fmt: skip
    identify = ("project", "amount")
    header_missing = gettext_lazy("未找到表头行：须含“项目编号”和“担保金额（元）”列")

    def check_row(self, row: Row, error: Error) -> None:
        if row.get("amount") is not None and row["amount"] <= 0:
            error("amount", _("金额必须大于0"))
        if row.get("valid_from") and row.get("valid_to") and row["valid_to"] < row["valid_from"]:
            error("valid_to", _("有效期截止日不能早于起始日"))


# ---------------------------------------------------------------- 失信名单
class BlacklistSheet(ImportKind):
    columns = (
        Column("uscc", ("统一社会信用代码",), Text(18, required=_REQUIRED)),
        Column("name", ("单位名称", "失信单位"), Text(100)),
        Column("basis_kind", ("列入情形",), _choice(lambda: BlacklistEntry.BasisKind.choices, "列入情形",
                                                   default=str(BlacklistEntry.BasisKind.CRIMINAL.label))),
        Column("reason", ("列入事由",), Text(1000, required=_REQUIRED)),
        Column("listed_on", ("列入日期",), _DAY),
        Column("expires_on", ("期满日期", "移出期限"), _ANY_DATE),
        Column("removed_on", ("移出日期",), _DATE),
        Column("removal_reason", ("移出理由",), Text(500)),
    )  # fmt: skip
    identify = ("uscc", "listed_on")
    header_missing = gettext_lazy("未找到表头行：须含“统一社会信用代码”和“列入日期”列")

    def check_row(self, row: Row, error: Error) -> None:
        listed = row.get("listed_on")
        if listed and row.get("expires_on") and row["expires_on"] <= listed:
            error("expires_on", _("期满日期须晚于列入日期"))
        for key, message in bounds.step_order_errors(
            [("listed_on", listed), ("removed_on", row.get("removed_on"))]
        ):
            error(key, message)


# ---------------------------------------------------------------- 应急周转金
class FundSheet(ImportKind):
    columns = (
        Column("amount", ("注资金额（元）", "资金规模（元）", "注资金额"), _AMOUNT),
        Column("on", ("注资日期", "日期"), _DAY),
        Column("note", ("说明", "备注"), Text(200)),
    )  # fmt: skip
    identify = ("amount", "on")
    header_missing = gettext_lazy("未找到表头行：须含“注资金额（元）”和“注资日期”列")

    def check_row(self, row: Row, error: Error) -> None:
        if row.get("amount") is not None and row["amount"] <= 0:
            error("amount", _("金额必须大于0"))


# ---------------------------------------------------------------- 隐患
class HazardSheet(ImportKind):
    columns = (
        Column("project", ("项目编号",), Text(40, required=_REQUIRED)),
        Column("rule", ("规则代码", "隐患类型代码"), Text(30, required=_REQUIRED)),
        Column("severity", ("隐患等级",), _choice(
            lambda: [*Project.Grade.choices[1:], (1, "一般"), (2, "严重")], "隐患等级")),
        Column("found", ("发现日期",), _DAY),
        Column("deadline", ("整改期限",), _ANY_DATE),
        Column("detail", ("隐患情况",), Text(1000)),
    )  # fmt: skip
    identify = ("project", "rule")
    header_missing = gettext_lazy("未找到表头行：须含“项目编号”和“规则代码”列")

    def check_row(self, row: Row, error: Error) -> None:
        if row.get("found") and row.get("deadline") and row["deadline"] < row["found"]:
            error("deadline", _("整改期限不能早于发现日期"))


# ---------------------------------------------------------------- the workbook
class GoLiveImport(WorkbookKind):
    name = ImportJob.Kind.GOLIVE
    sheets = (
        Sheet(CASES, CaseSheet()),
        Sheet(DEPOSITS, DepositSheet()),
        Sheet(GUARANTEES, GuaranteeSheet()),
        Sheet(BLACKLIST, BlacklistSheet()),
        Sheet(FUND, FundSheet()),
        Sheet(HAZARDS, HazardSheet()),
    )
    background = False  # a county's opening entries are hundreds of rows: the page shows the result at once

    def check(self, job: ImportJob, parsed: Parsed) -> Check:
        result = services.opening_write(
            parsed.rows, labels=_labels(parsed), user=_user(job), as_of=_as_of(job), keep=False
        )
        return Check(result.errors, warnings=result.warnings, created=result.created)

    def apply(self, job: ImportJob, parsed: Parsed, progress: Callable[[int], None]) -> tuple[int, int]:
        result = services.opening_write(
            parsed.rows, labels=_labels(parsed), user=_user(job), as_of=_as_of(job), keep=True,
            note=job.filename, progress=progress,
        )  # fmt: skip
        if result.errors:
            raise Refused(result.errors, _("文件有 %(n)s 处错误，未导入任何数据") % {"n": len(result.errors)})
        return result.created, 0


def _as_of(job: ImportJob) -> datetime.date:
    assert job.as_of is not None  # set by the upload form
    return job.as_of


def _user(job: ImportJob) -> User:
    assert job.created_by is not None  # the upload view sets it
    return job.created_by


def _labels(parsed: Parsed) -> dict[str, dict[str, str]]:
    return {name: part.columns for name, part in parsed.parts.items()}


GOLIVE = GoLiveImport()
