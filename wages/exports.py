"""Sheets for .xlsx exports of pay lines (write_workbook escapes formula text): ID and card always masked."""

from django.utils.translation import gettext as _

HEADERS = [
    "项目编号", "项目名称", "工资月份", "姓名", "公民身份号码", "出勤天数", "应发工资（元）", "扣款（元）",
    "实发工资（元）", "发放日期", "收款卡号（脱敏）", "与登记卡一致", "通过专用账户代发", "银行处理结果",
    "失败原因", "欠付（元）",
]  # fmt: skip


def _yes_no(value) -> str:
    return "" if value is None else (_("是") if value else _("否"))


def _row(line) -> list:
    worker = line.entry.worker
    owed = _("金额不明") if line.owed_unknown else line.owed
    return [
        line.project.code, line.project.name, line.month.strftime("%Y-%m"), worker.name, worker.masked_id,
        line.days, line.due, line.deductions, line.net, line.paid_on, line.card_masked,
        _yes_no(line.card_matches), _yes_no(line.via_account), line.get_bank_status_display(),
        line.bank_reason, owed,
    ]  # fmt: skip


def lines_sheet(lines, *, title: str) -> tuple:
    """Pay lines annotated by ``selectors.lines_with_owed`` (with project and entry__worker selected)."""
    return (title, [_(h) for h in HEADERS], (_row(line) for line in lines.iterator(chunk_size=1000)))
