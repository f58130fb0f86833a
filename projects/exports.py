"""Sheets for .xlsx exports (write_workbook escapes formula text): project list, roster, import errors."""

from collections import defaultdict

from django.utils.translation import gettext as _

from wagewatch.lib.masking import mask_card, mask_id, mask_phone
from wagewatch.lib.validators import normalise_text

from .imports import find_header, read_table


def project_sheet(projects) -> tuple:
    """在建工程项目清单: one row per project."""
    headers = [
        _("项目编号"), _("项目名称"), _("所在乡镇"), _("行业主管部门"), _("投资类型"), _("建设单位"),
        _("施工总承包单位"), _("合同价款（元）"), _("合同签订日期"), _("开工日期"), _("计划竣工日期"),
        _("项目状态"), _("隐患等级"), _("劳资专管员"), _("劳资专管员电话"),
    ]  # fmt: skip
    rows = (
        [
            p.code,
            p.name,
            p.township.name,
            p.department.name,
            p.get_investment_type_display(),
            p.builder.name,
            p.contractor.name,
            p.contract_price,
            p.contract_date,
            p.start_date,
            p.planned_finish,
            p.get_status_display(),
            p.get_risk_grade_display(),
            p.wage_admin,
            p.wage_admin_phone,
        ]
        for p in projects.iterator(chunk_size=1000)
    )
    return (_("在建工程项目清单"), headers, rows)


def roster_sheet(entries, *, reveal: bool) -> tuple:
    """A project's roster; ID and phone masked unless the user may reveal them."""
    headers = [
        _("姓名"), _("性别"), _("公民身份号码"), _("联系电话"), _("用工单位"), _("班组"), _("工种"),
        _("进场日期"), _("退场日期"), _("是否签订劳动合同"), _("工资发放方式"), _("开户银行"), _("工资卡号"),
    ]  # fmt: skip

    def row(e):
        w = e.worker
        return [
            w.name, w.get_sex_display(), w.id_number if reveal else w.masked_id,
            w.phone if reveal else w.masked_phone,
            e.employer.name if e.employer else e.employer_name, e.team, e.trade, e.entry_date, e.exit_date,
            _("是") if e.contract_signed else _("否"), e.get_pay_method_display(), e.bank, e.card_masked,
        ]  # fmt: skip

    return (_("花名册"), headers, (row(e) for e in entries.iterator(chunk_size=1000)))


def error_sheet(data: bytes, filename: str, errors: list[dict], *, reveal: bool = False) -> tuple:
    """The rows of an uploaded file that have errors, as they were, with an 错误信息 column.

    ID, phone and card numbers are masked as in the roster export unless the user may reveal them.
    """
    reasons = defaultdict(list)
    for e in errors:
        reasons[e["row"]].append(f"{e['column']}：{e['message']}")
    rows, _formulas = read_table(data, filename)
    _number, mapping, headers = find_header(rows)
    masks = {} if reveal else _masks(mapping)
    out = (
        [number, *[_cell(v, masks.get(i)) for i, v in enumerate(values)], "；".join(reasons[number])]
        for number, values in rows
        if number in reasons
    )
    return (_("错误明细"), [_("行号"), *headers, _("错误信息")], out)


def _masks(mapping: dict) -> dict:
    """Column index -> masking function for the columns that hold personal numbers."""
    fields = {"id_number": mask_id, "phone": mask_phone, "card": mask_card}
    return {mapping[key]: mask for key, mask in fields.items() if key in mapping}


def _cell(value, mask=None):
    if isinstance(value, str):
        value = normalise_text(value)
    if mask is None or value in (None, ""):
        return value
    if isinstance(value, float):  # a long number Excel kept as a float: its digits, not 1.3e+10
        value = f"{value:.0f}"
    return mask(value)
