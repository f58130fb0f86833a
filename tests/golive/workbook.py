"""Go-live workbooks for tests: a sheet per subject, built with openpyxl."""

import io

from openpyxl import Workbook

from samples.make_golive_samples import CASE_HEADERS, HEADERS  # the format is the sample files'

DEPOSIT_HEADERS = HEADERS["保证金"]
GUARANTEE_HEADERS = HEADERS["保函"]
BLACKLIST_HEADERS = HEADERS["失信名单"]
FUND_HEADERS = HEADERS["应急周转金"]
HAZARD_HEADERS = HEADERS["隐患"]


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
