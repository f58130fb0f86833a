"""Sheets for .xlsx exports (write_workbook escapes formula text): project list, roster."""

from django.utils.translation import gettext as _


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


def inspection_sheet(inspections) -> tuple:
    """检查记录: one row per inspection (of a project's site or of an employer without a project)."""
    headers = [
        _("检查日期"), _("被检查用人单位"), _("统一社会信用代码"), _("检查项目"), _("投资类型"),
        _("所在乡镇"), _("七项检查不符合"), _("检查发现的问题"), _("责令整改"), _("整改期限"),
        _("整改完成日期"), _("追回工资金额（元）"), _("涉及农民工人数"), _("兑付农民工人数"),
    ]  # fmt: skip

    def row(i):
        firm, town = i.employer, i.jurisdiction
        return [
            i.date, firm.name if firm else "", firm.uscc if firm else "", i.project.name if i.project else "",
            i.project.get_investment_type_display() if i.project else "", town.name if town else "",
            "、".join(i.failed_checks), i.findings, _("是") if i.rectification_required else _("否"),
            i.rectification_deadline, i.rectified_on, i.amount_recovered, i.workers_involved, i.workers_paid,
        ]  # fmt: skip

    return (_("检查记录"), headers, (row(i) for i in inspections.iterator(chunk_size=1000)))
