"""Go-live import of the project list with its deposit columns (在建工程项目清单, DESIGN §5).

Projects and enterprises are written through ``projects.services``; deposits here: cash as an opening-balance
entry, letters as guarantees. The whole file is one transaction: any bad row and nothing is saved, and every
bad row is reported with its sheet row, column and a Chinese reason. Amounts in 万元 arrive as Excel floats
(77.06999999999999) and land as exact yuan: Decimal(str(x)) × 10000, rounded to the fen half up.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import services as project_services
from projects.imports import ImportFileError, parse_date, read_table
from projects.models import Enterprise, Project
from wagewatch.accounts.models import Department, Township
from wagewatch.lib import bounds
from wagewatch.lib.validators import looks_like_formula, normalise_text

from . import services
from .models import Guarantee, WageDeposit
from .selectors import money

_MONEY_MAX = bounds.decimal_limit(*bounds.MONEY_DIGITS)
_PLAUSIBLE = bounds.DateInRange(past=False)

TEN_THOUSAND = Decimal(10000)
COLUMNS = {
    "name": "项目名称",
    "code": "项目编号",
    "township": "所属乡镇",
    "department": "行业主管部门",
    "investment_type": "投资类型",
    "builder": "建设单位",
    "builder_uscc": "建设单位统一社会信用代码",
    "contractor": "施工总承包单位",
    "contractor_uscc": "总承包单位统一社会信用代码",
    "contract_price": "合同价款（万元）",
    "start_date": "开工日期",
    "planned_finish": "计划竣工日期",
    "status": "项目状态",
    "bank": "专用账户开户银行",
    "account_number": "专用账户账号",
    "deposit_form": "保证金形式",
    "deposit_amount": "保证金金额（万元）",
    "wage_admin": "劳资专管员",
    "wage_admin_phone": "劳资专管员电话",
}
REQUIRED = ("name", "code", "township", "department", "investment_type", "builder", "builder_uscc",
            "contractor", "contractor_uscc", "contract_price", "start_date", "planned_finish")  # fmt: skip
FORMS = {
    "现金": None,
    "银行保函": Guarantee.IssuerKind.BANK,
    "保险保函": Guarantee.IssuerKind.INSURANCE,
    "工程担保公司保函": Guarantee.IssuerKind.GUARANTOR,
    "担保公司保函": Guarantee.IssuerKind.GUARANTOR,
}
ALIASES = {"政府和社会资本合作（PPP）": "ppp", "政府和社会资本合作(PPP)": "ppp", "国企投资": "state"}


@dataclass
class Result:
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)


def wan_to_yuan(value) -> Decimal:
    """万元 (an Excel float, int or text) → exact yuan to the fen."""
    text = normalise_text(value).replace(",", "") if isinstance(value, str) else str(value)
    return money(Decimal(text) * TEN_THOUSAND)


def _choice(text: str, choices, aliases=None):
    by_label = {str(label): value for value, label in choices}
    return by_label.get(text) or (aliases or {}).get(text)


class _Row:
    """Clean one sheet row; ``errors`` collects (column header, reason)."""

    def __init__(self, number: int, cells: dict, lookups: dict):
        self.number, self.cells, self.lookups = number, cells, lookups
        self.errors: list[dict] = []
        self.values: dict = {}

    def error(self, key: str, reason: str) -> None:
        self.errors.append({"row": self.number, "column": COLUMNS.get(key, key), "message": reason})

    def text(self, key: str) -> str:
        value = normalise_text(self.cells.get(key))
        if looks_like_formula(value):
            self.error(key, _("内容不能以 = + - @ 开头（疑似公式）"))
            return ""
        return value

    def clean(self) -> dict:
        v = self.values
        for key in COLUMNS:
            if key not in ("contract_price", "deposit_amount", "start_date", "planned_finish"):
                v[key] = self.text(key)
        for key in REQUIRED:
            if self.cells.get(key) in (None, ""):
                self.error(key, _("必填项为空"))
        self._lookups()
        self._amounts()
        self._dates()
        return v

    def _lookups(self) -> None:
        v = self.values
        for key, table in (("township", "townships"), ("department", "departments")):
            if v[key]:
                v[key] = self.lookups[table].get(v[key]) or self.error(
                    key, _("系统中没有“%(name)s”") % {"name": v[key]}
                )
        if v["investment_type"]:
            v["investment_type"] = _choice(
                v["investment_type"], Project.Investment.choices, ALIASES
            ) or self.error("investment_type", _("无法识别的投资类型"))
        v["status"] = _choice(v["status"] or "在建", Project.Status.choices) or self.error(
            "status", _("无法识别的项目状态")
        )
        form = v["deposit_form"]
        if form and form not in FORMS:
            self.error("deposit_form", _("保证金形式应为 现金/银行保函/保险保函/工程担保公司保函"))

    def _amounts(self) -> None:
        for key in ("contract_price", "deposit_amount"):
            raw = self.cells.get(key)
            if raw in (None, ""):
                self.values[key] = None
                continue
            try:
                amount = wan_to_yuan(raw)
            except (InvalidOperation, ValueError):
                self.error(key, _("不是有效的金额"))
                continue
            if amount < 0:
                self.error(key, _("金额不能为负数"))
            elif amount > _MONEY_MAX:
                self.error(key, bounds.TOO_BIG % {"limit_value": _MONEY_MAX})
            self.values[key] = amount

    def _dates(self) -> None:
        for key in ("start_date", "planned_finish"):
            try:
                self.values[key] = parse_date(self.cells.get(key))
                if self.values[key] is not None:
                    _PLAUSIBLE(self.values[key])
            except (ValueError, TypeError):
                self.error(key, _("日期无法识别"))
            except ValidationError as exc:
                self.error(key, "；".join(exc.messages))


def _read(data: bytes, filename: str):
    rows, _formulas = read_table(data, filename)
    wanted = {normalise_text(text): key for key, text in COLUMNS.items()}
    for number, values in rows:
        mapping = {wanted[t]: i for i, v in enumerate(values) if (t := normalise_text(v)) in wanted}
        if "code" in mapping and "name" in mapping:
            return mapping, rows
        if number >= 20:
            break
    raise ImportFileError(_("未找到表头行：须含“项目名称”和“项目编号”列"))


def parse_project_list(data: bytes, filename: str) -> tuple[list[tuple[int, dict]], list[dict], int]:
    """(clean rows with their sheet row numbers, errors, data row count); nothing is written."""
    mapping, rows = _read(data, filename)
    lookups = {
        "townships": dict(Township.objects.values_list("name", "id")),
        "departments": dict(Department.objects.values_list("name", "id")),
    }
    clean, errors, total, seen = [], [], 0, {}
    for number, values in rows:
        cells = {key: values[i] if i < len(values) else None for key, i in mapping.items()}
        if all(c in (None, "") for c in cells.values()):
            continue
        total += 1
        row = _Row(number, cells, lookups)
        values_clean = row.clean()
        code = values_clean.get("code")
        if code and code in seen:
            row.error("code", _("项目编号与第 %(row)s 行重复") % {"row": seen[code]})
        seen.setdefault(code, number)
        errors.extend(row.errors)
        if not row.errors:
            clean.append((number, values_clean))
    return clean, errors, total


def _write_row(v: dict, *, user, on: datetime.date) -> bool:
    builder, _new = project_services.enterprise_get_or_create(
        uscc=v["builder_uscc"], name=v["builder"], kind=Enterprise.Kind.BUILDER
    )
    contractor, _new = project_services.enterprise_get_or_create(
        uscc=v["contractor_uscc"], name=v["contractor"], kind=Enterprise.Kind.CONTRACTOR
    )
    fields = {
        "name": v["name"], "township_id": v["township"], "department_id": v["department"],
        "investment_type": v["investment_type"], "builder": builder, "contractor": contractor,
        "contract_price": v["contract_price"], "contract_date": v["start_date"],
        "start_date": v["start_date"],
        "planned_finish": v["planned_finish"], "status": v["status"], "wage_admin": v["wage_admin"],
        "wage_admin_phone": v["wage_admin_phone"],
    }  # fmt: skip
    project, created = project_services.project_upsert(code=v["code"], user=user, **fields)
    if v["bank"] and v["account_number"] and not hasattr(project, "wage_account"):
        project_services.wage_account_save(
            project=project, bank=v["bank"], account_number=v["account_number"], opened_on=v["start_date"]
        )
    _write_deposit(project, v, user=user, on=on)
    return created


def _write_deposit(project: Project, v: dict, *, user, on) -> None:
    if not v["deposit_form"] or not v["deposit_amount"]:
        return
    kind = FORMS[v["deposit_form"]]
    form = WageDeposit.Form.CASH if kind is None else WageDeposit.Form.GUARANTEE
    deposit = services.deposit_open(project=project, form=form, user=user)
    if kind is None:
        services.deposit_opening_balance(deposit=deposit, amount=v["deposit_amount"], on=on, user=user)
    elif not deposit.guarantees.filter(issuer_kind=kind, amount=v["deposit_amount"], number="").exists():
        services.guarantee_register(
            deposit=deposit, issuer_kind=kind, issuer_name="", number="", amount=v["deposit_amount"],
            valid_from=None, valid_to=None, user=user, on=on,
        )  # fmt: skip


def import_project_list(*, data: bytes, filename: str, user=None, dry_run: bool = False, on=None) -> Result:
    """Check and write the whole file in one transaction; any error (or dry_run) rolls everything back."""
    on = on or timezone.localdate()
    clean, errors, total = parse_project_list(data, filename)
    result = Result(total=total, errors=errors)
    with transaction.atomic():
        for number, v in clean:
            try:
                with transaction.atomic():
                    created = _write_row(v, user=user, on=on)
            except ValidationError as exc:
                result.errors.append({"row": number, "column": "", "message": "；".join(exc.messages)})
                continue
            result.created += created
            result.updated += not created
            result.preview.append(
                {
                    "row": number,
                    "code": v["code"],
                    "name": v["name"],
                    "created": created,
                    "deposit_form": v["deposit_form"],
                    "deposit_amount": v["deposit_amount"],
                }
            )
        if dry_run or result.errors:
            transaction.set_rollback(True)
    result.errors.sort(key=lambda e: e["row"])
    return result
