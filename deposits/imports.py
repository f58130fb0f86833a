"""Go-live import of the project list with its deposit columns (在建工程项目清单, DESIGN §5), plugged into the
import pipeline (wagewatch/imports).

Projects and enterprises are written through ``projects.services``; deposits here: cash as an opening-balance
entry, letters as guarantees. The whole file is one transaction: any bad row and nothing is saved, and every
bad row is reported with its sheet row, column and a Chinese reason. The preview writes every row and rolls
back, so what the services would refuse is reported before the user confirms. Amounts in 万元 arrive as Excel
floats (77.06999999999999) and land as exact yuan: Decimal(str(x)) × 10000, rounded to the fen half up.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects import services as project_services
from projects.models import Enterprise, ImportJob, Project
from wagewatch.accounts.models import Department, Township
from wagewatch.imports import pipeline
from wagewatch.imports.cells import Choice, Date, Text
from wagewatch.imports.kinds import Check, Column, ImportKind, Refused, parse
from wagewatch.lib import bounds
from wagewatch.lib.validators import normalise_text

from . import services
from .models import Guarantee, WageDeposit
from .selectors import money

_MONEY_MAX = bounds.decimal_limit(*bounds.MONEY_DIGITS)
TEN_THOUSAND = Decimal(10000)
FORMS = {
    "现金": None,
    "银行保函": Guarantee.IssuerKind.BANK,
    "保险保函": Guarantee.IssuerKind.INSURANCE,
    "工程担保公司保函": Guarantee.IssuerKind.GUARANTOR,
    "担保公司保函": Guarantee.IssuerKind.GUARANTOR,
}
ALIASES = {"政府和社会资本合作（PPP）": "ppp", "政府和社会资本合作(PPP)": "ppp", "国企投资": "state"}
_REQUIRED = gettext_lazy("必填项为空")


def wan_to_yuan(value) -> Decimal:
    """万元 (an Excel float, int or text) → exact yuan to the fen."""
    text = normalise_text(value).replace(",", "") if isinstance(value, str) else str(value)
    return money(Decimal(text) * TEN_THOUSAND)


class Wan:
    """An amount in 万元, given back in yuan; blank gives None."""

    def __init__(self, *, required=None):
        self.required = required

    def __call__(self, value) -> Decimal | None:
        if value in (None, "") or not normalise_text(value):
            if self.required:
                raise ValidationError(self.required)
            return None
        try:
            amount = wan_to_yuan(value)
        except (InvalidOperation, ValueError):
            raise ValidationError(_("不是有效的金额")) from None
        if amount < 0:
            raise ValidationError(_("金额不能为负数"))
        if amount > _MONEY_MAX:
            raise ValidationError(bounds.TOO_BIG % {"limit_value": _MONEY_MAX})
        return amount


def _named(model) -> Choice:
    """A township or department, given by its name in the system."""
    names = lambda: model.objects.values_list("id", "name")  # noqa: E731
    return Choice(names, invalid=gettext_lazy("系统中没有“%(name)s”"), required=_REQUIRED)


_TEXT, _REQUIRED_TEXT = Text(), Text(required=_REQUIRED)
_DATE = Date(required=_REQUIRED, invalid=gettext_lazy("日期无法识别"))
_column = partial(Column, formula_cells=True)  # a formula cell counts by its value (lists are often summed)
_number = partial(_column, formula_text=False)  # "-5" is a negative amount, not a formula: the type says so
COLUMNS = (
    _column("name", ("项目名称",), _REQUIRED_TEXT),
    _column("code", ("项目编号",), _REQUIRED_TEXT, unique=gettext_lazy("项目编号与第 %(row)s 行重复")),
    _column("township", ("所属乡镇",), _named(Township)),
    _column("department", ("行业主管部门",), _named(Department)),
    _column("investment_type", ("投资类型",), Choice(
        lambda: [*((value, label) for label, value in ALIASES.items()), *Project.Investment.choices],
        invalid=gettext_lazy("无法识别的投资类型"), required=_REQUIRED)),
    _column("builder", ("建设单位",), _REQUIRED_TEXT),
    _column("builder_uscc", ("建设单位统一社会信用代码",), _REQUIRED_TEXT),
    _column("contractor", ("施工总承包单位",), _REQUIRED_TEXT),
    _column("contractor_uscc", ("总承包单位统一社会信用代码",), _REQUIRED_TEXT),
    _number("contract_price", ("合同价款（万元）",), Wan(required=_REQUIRED)),
    _number("start_date", ("开工日期",), _DATE),
    _number("planned_finish", ("计划竣工日期",), _DATE),
    _column("status", ("项目状态",), Choice(lambda: Project.Status.choices, default="在建",
                                          invalid=gettext_lazy("无法识别的项目状态"))),
    _column("bank", ("专用账户开户银行",), _TEXT),
    _column("account_number", ("专用账户账号",), _TEXT),
    _column("deposit_form", ("保证金形式",), Choice(
        lambda: [(form, form) for form in FORMS],
        invalid=gettext_lazy("保证金形式应为 现金/银行保函/保险保函/工程担保公司保函"))),
    _number("deposit_amount", ("保证金金额（万元）",), Wan()),
    _column("wage_admin", ("劳资专管员",), _TEXT),
    _column("wage_admin_phone", ("劳资专管员电话",), _TEXT),
)  # fmt: skip


@dataclass
class Result:
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)  # the rows the services took, each with "created"


class ProjectListImport(ImportKind):
    name = ImportJob.Kind.PROJECTS
    columns = COLUMNS
    identify = ("name", "code")
    header_missing = gettext_lazy("未找到表头行：须含“项目名称”和“项目编号”列")
    formula_message = gettext_lazy("内容不能以 = + - @ 开头（疑似公式）")
    background = False  # a county has ~1,000 projects: the page shows the result at once

    def check(self, job, parsed):
        result = _write(parsed.rows, user=job.created_by, on=timezone.localdate(), keep=False)
        return Check(result.errors, created=result.created, updated=result.updated)

    def apply(self, job, parsed, progress):
        result = _write(parsed.rows, user=job.created_by, on=timezone.localdate(), keep=True)
        if result.errors:
            message = _("文件有 %(n)s 处错误，未导入任何数据") % {"n": len(result.errors)}
            raise Refused(result.errors, message)
        return result.created, result.updated


PROJECT_LIST = ProjectListImport()


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


def _write(rows: list[dict], *, user, on, keep: bool) -> Result:
    """Write every row in one transaction, kept only when ``keep`` and no row was refused; a row the services
    refuse is an error (row, no column, their reason)."""
    result = Result()
    with transaction.atomic():
        for v in rows:
            try:
                with transaction.atomic():
                    v["created"] = _write_row(v, user=user, on=on)
            except ValidationError as exc:
                result.errors.append({"row": v["row"], "column": "", "message": "；".join(exc.messages)})
                continue
            result.created += v["created"]
            result.updated += not v["created"]
            result.preview.append(v)
        if not keep or result.errors:
            transaction.set_rollback(True)
    return result


def import_project_list(*, data: bytes, filename: str, user=None, dry_run: bool = False, on=None) -> Result:
    """Check and write the whole file in one transaction; any error (or dry_run) rolls everything back."""
    parsed = parse(PROJECT_LIST, data, filename)
    result = _write(
        parsed.rows, user=user, on=on or timezone.localdate(), keep=not dry_run and not parsed.errors
    )
    result.total = parsed.total
    result.errors = sorted([e.as_dict() for e in parsed.errors] + result.errors, key=lambda e: e["row"])
    return result


def project_list_preview(*, user, filename: str, data: bytes) -> tuple[ImportJob, Result]:
    """Check an uploaded project list (every row written and rolled back) and keep it as a preview job."""
    job = ImportJob(kind=ImportJob.Kind.PROJECTS, created_by=user)
    job, parsed, check = pipeline.preview(job, filename=filename, data=data)
    preview = [r for r in parsed.rows if "created" in r]
    return job, Result(parsed.total, check.created, check.updated, job.errors, preview)
