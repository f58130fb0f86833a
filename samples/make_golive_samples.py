#!/usr/bin/env python3
"""Write the go-live workbooks of this folder (上线初始化, DESIGN §5 and §9) for the demo county.

    .venv/bin/python samples/make_golive_samples.py

The codes are the demo county's (``seed_demo``): projects DEMO-001…DEMO-024 (project i in township i mod 6:
城关镇, 东郊街道, 西河镇, 南山乡, 北坪镇, 青石镇), builders with USCC 91341122 + 000001000+i, contractors
91341122 + 000002000+(i mod 20), the sweep's rule codes. Upload with 初始数据截至日期 2026-10-08.
Deterministic; every person is synthetic. README.md lists what each file must produce.
"""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from stdnum.cn import uscc

HERE = Path(__file__).resolve().parent
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
HEADERS = {
    "案件": CASE_HEADERS,
    "保证金": [
        "项目编号",
        "缴存金额（元）",
        "缴存日期",
        "动用金额（元）",
        "动用日期",
        "退还金额（元）",
        "退还日期",
    ],
    "保函": ["项目编号", "保函类型", "出具银行", "保函编号", "担保金额（元）", "有效期自", "有效期至"],
    "失信名单": [
        "统一社会信用代码",
        "单位名称",
        "列入情形",
        "列入事由",
        "列入日期",
        "期满日期",
        "移出日期",
        "移出理由",
    ],
    "应急周转金": ["注资金额（元）", "注资日期", "说明"],
    "隐患": ["项目编号", "规则代码", "隐患等级", "发现日期", "整改期限", "隐患情况"],
}


def demo_uscc(n: int) -> str:
    body = f"91341122{n:09d}"
    return body + uscc.calc_check_digit(body)


def case(number: str, project: int, status: str, received: str, **kw: object) -> list:
    """A case against project DEMO-<project>'s contractor; ``kw`` by header."""
    i = project - 1
    row: dict[str, object] = dict.fromkeys(CASE_HEADERS, "")
    row.update(
        {
            "案件编号": number,
            "投诉渠道": "12333",
            "登记日期": received,
            "投诉人姓名": f"工友{project:02d}",
            "投诉人电话": f"1391122{project:04d}",
            "被投诉单位统一社会信用代码": demo_uscc(2000 + i % 20),
            "项目编号": f"DEMO-{project:03d}",
            "涉及人数": 4,
            "反映欠薪金额（元）": 48000,
            "投诉内容": "项目班组工人反映拖欠工资",
            "状态": status,
        }
    )
    row.update(kw)
    return [row[h] for h in CASE_HEADERS]


def clean() -> dict[str, list[list]]:
    closed = {"处理结果": "协调处理", "追回金额（元）": 48000, "兑付人数": 4}
    return {
        "案件": [
            case(
                "ZD2026-0031",
                1,
                "已结案",
                "2026-03-10",
                受理日期="2026-03-12",
                立案日期="2026-03-20",
                结案日期="2026-05-15",
                **closed,
            ),
            case(
                "ZD2026-0047",
                2,
                "已结案",
                "2026-04-22",
                受理日期="2026-04-23",
                结案日期="2026-06-30",
                **closed,
            ),
            case("ZD2026-0088", 3, "已立案", "2026-08-05", 受理日期="2026-08-06", 立案日期="2026-08-12"),
            case("", 4, "已受理", "2026-09-28", 受理日期="2026-09-30", 投诉渠道="来访"),
            case(
                "ZD2026-0052",
                5,
                "不予受理",
                "2026-05-06",
                不予受理日期="2026-05-08",
                不予受理理由="属劳动争议，已引导申请仲裁",
                投诉渠道="12345",
            ),
        ],
        "保证金": [
            ["DEMO-006", 260000, "2026-06-10", "", "", "", ""],
            ["DEMO-012", 180000, "2026-02-01", 30000, "2026-07-15", "", ""],
            ["DEMO-024", 120000, "2025-09-01", "", "", 120000, "2026-09-15"],
        ],
        "保函": [
            ["DEMO-018", "银行保函", "中国农业银行县支行", "BH2026-018", 350000, "2026-03-01", "2028-03-01"]
        ],
        "失信名单": [
            [
                demo_uscc(1020),
                "",
                "拖欠数额达到拒不支付劳动报酬罪追诉标准",
                "拒不支付农民工工资，经责令仍不支付",
                "2025-08-20",
                "",
                "",
                "",
            ],
            [
                demo_uscc(1021),
                "",
                "引发群体性或极端事件",
                "拖欠工资引发群体性上访",
                "2025-12-01",
                "",
                "2026-07-01",
                "已清偿欠薪并提交信用承诺",
            ],
        ],
        "应急周转金": [[2000000, "2026-01-15", "县财政注入应急周转金"]],
        "隐患": [
            ["DEMO-001", "NOTICE_BOARD", "一般", "2026-09-20", "", "维权信息告示牌未设置"],
            ["DEMO-002", "NOTICE_BOARD", "一般", "2026-09-25", "", "维权信息告示牌内容缺失"],
        ],
    }


def dirty() -> dict[str, list[list]]:
    sheets = clean()
    sheets["案件"] += [
        case("ZD2026-0031", 7, "已受理", "2026-06-01", 受理日期="2026-06-02"),  # row 7: number repeats row 2
        case(
            "", 8, "已结案", "2026-06-01", 受理日期="2026-06-02", 处理结果="协调处理"
        ),  # row 8: no closed date
        case(
            "", 9, "已立案", "2026-06-10", 受理日期="2026-06-08", 立案日期="2026-06-12"
        ),  # row 9: before received
        case(
            "", 10, "已结案", "2025-06-10", 受理日期="2025-06-11", 结案日期="2025-08-01", 处理结果="协调处理"
        ),
        case("", 11, "已受理", "2026-07-01", 受理日期="2026-07-02", 投诉人电话='=HYPERLINK("x")'),  # row 11
    ]
    sheets["保证金"] += [
        ["DEMO-999", 50000, "2026-05-01", "", "", "", ""],  # row 5: no such project
        ["DEMO-013", 40000, "2026-05-01", "", "", 40000, "2026-04-01"],  # row 6: returned before paid in
    ]
    sheets["保函"] += [["DEMO-017", "银行保函", "建行", "BH-X", 200000, "2026-05-01", "2026-04-01"]]  # row 3
    sheets["失信名单"] += [[demo_uscc(1022), "", "", "", "2026-03-01", "", "", ""]]  # row 4: no reason
    sheets["应急周转金"] += [["五十万", "2026-02-01", ""]]  # row 3: not a number
    sheets["隐患"] += [
        ["DEMO-001", "NOTICE_BOARD", "严重", "2026-09-30", "", ""],  # row 4: a second open one, same rule
        [
            "DEMO-003",
            "NO_SUCH_RULE",
            "一般",
            "2026-11-30",
            "",
            "",
        ],  # row 5: unknown rule, after the go-live day
    ]
    return sheets


def save(sheets: dict[str, list[list]], path: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(HEADERS[name])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
    book.save(path)


if __name__ == "__main__":
    save(clean(), HERE / "golive_clean.xlsx")
    save(dirty(), HERE / "golive_dirty.xlsx")
    print("wrote golive_clean.xlsx, golive_dirty.xlsx")
