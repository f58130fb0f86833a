"""Go-live workbooks for tests: a sheet per subject, built with openpyxl."""

import io

from openpyxl import Workbook

CASE_HEADERS = [
    "案件编号",
    "投诉渠道",
    "登记日期",
    "投诉人姓名",
    "投诉人电话",
    "投诉人身份证号",
    "被投诉单位统一社会信用代码",
    "被投诉单位名称",
    "项目编号",
    "所属乡镇",
    "涉及人数",
    "反映欠薪金额（元）",
    "投诉内容",
    "状态",
    "受理日期",
    "不予受理日期",
    "不予受理理由",
    "立案日期",
    "结案日期",
    "处理结果",
    "追回金额（元）",
    "兑付人数",
]
DEPOSIT_HEADERS = [
    "项目编号",
    "缴存金额（元）",
    "缴存日期",
    "动用金额（元）",
    "动用日期",
    "退还金额（元）",
    "退还日期",
]
GUARANTEE_HEADERS = ["项目编号", "保函类型", "出具银行", "保函编号", "担保金额（元）", "有效期自", "有效期至"]
BLACKLIST_HEADERS = [
    "统一社会信用代码",
    "单位名称",
    "列入情形",
    "列入事由",
    "列入日期",
    "期满日期",
    "移出日期",
    "移出理由",
]
FUND_HEADERS = ["注资金额（元）", "注资日期", "说明"]
HAZARD_HEADERS = ["项目编号", "规则代码", "隐患等级", "发现日期", "整改期限", "隐患情况"]


def case(**kw) -> list:
    """A case row: a closed one received in March and closed in May unless told otherwise."""
    row = {
        "案件编号": "",
        "投诉渠道": "12333",
        "登记日期": "2026-03-10",
        "投诉人姓名": "张工",
        "投诉人电话": "13912345678",
        "投诉人身份证号": "",
        "被投诉单位统一社会信用代码": "",
        "被投诉单位名称": "某建筑公司",
        "项目编号": "",
        "所属乡镇": "",
        "涉及人数": 3,
        "反映欠薪金额（元）": 30000,
        "投诉内容": "拖欠工资三个月",
        "状态": "已结案",
        "受理日期": "2026-03-12",
        "不予受理日期": "",
        "不予受理理由": "",
        "立案日期": "2026-03-20",
        "结案日期": "2026-05-15",
        "处理结果": "协调处理",
        "追回金额（元）": 30000,
        "兑付人数": 3,
    }
    row.update({k if k in row else f"{k}（元）": v for k, v in kw.items()})  # 追回金额= for 追回金额（元）
    return [row[h] for h in CASE_HEADERS]


def workbook(sheets: dict[str, tuple[list[str], list[list]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, (headers, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
