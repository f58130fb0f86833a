#!/usr/bin/env python3
"""Write the pay-sheet (工资支付表) and attendance (考勤) samples of this folder from the shared roster.

    .venv/bin/python samples/make_wage_samples.py

The workers are those of ``../shared/samples/roster_clean.xlsx`` (城南安置房二期项目): import that roster
into a project first, then these files into the same project. Deterministic (fixed seed); every person is
synthetic. README.md lists what each file must produce.
"""

import csv
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from python_calamine import CalamineWorkbook

HERE = Path(__file__).resolve().parent
ROSTER = HERE.parent.parent / "shared" / "samples" / "roster_clean.xlsx"
MONTH = dt.date(2024, 2, 1)
EMPLOYER = "河南中原建工劳务有限公司"
DAILY = {
    "钢筋班组": 360,
    "木工班组": 380,
    "混凝土班组": 330,
    "架子工班组": 350,
    "水电班组": 400,
    "瓦工班组": 340,
    "抹灰班组": 320,
    "防水班组": 310,
}
SHEET_HEADERS = [
    "序号",
    "姓名",
    "身份证号码",
    "班组",
    "工种",
    "出勤天数",
    "日工资标准（元）",
    "应发工资（元）",
    "扣款（元）",
    "实发工资（元）",
    "工资卡开户银行",
    "银行卡号",
    "本人签字",
    "备注",
]
# The same columns as another contractor names them (the import knows these variants).
VARIANT_HEADERS = [
    "编号",
    "姓名",
    "公民身份号码",
    "所属班组",
    "工种",
    "出勤（天）",
    "日工资",
    "应发金额",
    "代扣款项",
    "实发金额",
    "开户行",
    "工资卡号",
    "领款人签名",
    "备注",
]


def with_check_digit(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


def roster_workers() -> list[dict]:
    """The roster's workers on site in MONTH with EMPLOYER, in roster order."""
    # our own sample roster: its date columns hold dates
    rows: list[list[Any]] = CalamineWorkbook.from_path(str(ROSTER)).get_sheet_by_index(0).to_python()
    month_end = dt.date(MONTH.year, MONTH.month + 1, 1) - dt.timedelta(days=1)
    workers = []
    for r in rows[3:]:
        entry, left = r[10], r[11] or None
        if r[9] == EMPLOYER and entry <= month_end and (left is None or left >= MONTH):
            workers.append(
                {"name": r[1], "id": r[4], "team": r[7], "trade": r[8], "bank": r[14], "card": r[15]}
            )
    return workers


def pay_rows(rng: random.Random, workers: list[dict]) -> list[list]:
    rows = []
    for i, w in enumerate(workers, 1):
        days = rng.choice([22, 24, 25, 26, 26, 27, 28])
        rate = DAILY[w["team"]]
        due = Decimal(days * rate)
        deduction = Decimal(rng.choice([0, 0, 0, 100, 200]))
        rows.append(
            [
                i,
                w["name"],
                w["id"],
                w["team"],
                w["trade"],
                days,
                rate,
                due,
                deduction,
                due - deduction,
                w["bank"],
                w["card"],
                w["name"],
                "",
            ]
        )
    return rows


def titled(ws, title: str, subtitles: list[str], headers: list[str]) -> None:
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    for line in subtitles:
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(headers))
    ws.append(headers)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def total_row(rows: list[list], width: int) -> list:
    row: list[object] = ["合计"] + [None] * (width - 1)
    for col in (7, 8, 9):
        row[col] = sum(Decimal(str(r[col])) for r in rows if isinstance(r[col], (int, float, Decimal)))
    return row


def save(ws_rows: list[list], path: Path, title: str, subtitles: list[str], headers: list[str]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "工资支付表"
    titled(ws, title, subtitles, headers)
    for r in ws_rows:
        ws.append([float(v) if isinstance(v, Decimal) else v for v in r])
    for col in ("C", "L"):
        for cell in ws[col]:
            cell.number_format = "@"
    wb.save(path)


def write_pay_sheets(workers: list[dict]) -> None:
    title = "城南安置房二期项目 农民工工资支付表"
    signers = "制表人：张会计    审核人：李经理"
    period = f"用工单位：{EMPLOYER}    工资所属期：2024年2月    发放日期：2024年3月15日"
    rows = pay_rows(random.Random(16), workers)
    save(
        [*rows, total_row(rows, len(SHEET_HEADERS))],
        HERE / "pay_sheet_clean.xlsx",
        title,
        [period],
        SHEET_HEADERS,
    )

    variant = pay_rows(random.Random(17), workers)
    for r in variant:  # amounts as a spreadsheet stores them after a formula: binary floats
        r[9] = float(r[9]) + 1e-9 if r[0] % 3 else float(r[9])
    save(
        [*variant, total_row(variant, len(VARIANT_HEADERS))],
        HERE / "pay_sheet_variant.xlsx",
        title + "（2024年2月）",
        [f"用工单位：{EMPLOYER}", signers],
        VARIANT_HEADERS,
    )

    dirty = pay_rows(random.Random(18), workers[:30])
    dirty[2][2] = with_check_digit("34110319900101123")  # row 6: a valid ID number not on the roster
    dirty[4][1] = "张冒名"  # row 8: name is not the roster's name for that ID number
    dirty[6][9] = -100  # row 10: negative net pay
    dirty[8][5] = 35  # row 12: 35 days in a month
    dirty[10][9] = "五千元"  # row 14: not a number
    dirty[12][2] = dirty[0][2]  # row 16: ID number repeats row 4's
    dirty[14][11] = "6222 0212"  # row 18: card number too short
    dirty[16][1] = '=HYPERLINK("http://example.invalid","点我")'  # row 20: a formula
    dirty[18][9] = dirty[18][7] - dirty[18][8] + 500  # row 22: paid more than due minus deductions
    dirty[20][7] = f"{dirty[20][7]:,.2f}元"  # row 24: "9,360.00元" — accepted
    dirty[20][9] = dirty[20][7]
    dirty[20][8] = 0
    dirty[22][11] = " " + str(dirty[22][11]) + " "  # row 26: card number with spaces — accepted
    dirty[24][12] = ""  # row 28: not signed — accepted, recorded unsigned
    save(
        [*dirty, [None] * len(SHEET_HEADERS), [None] * len(SHEET_HEADERS)],
        HERE / "pay_sheet_dirty.xlsx",
        title,
        [period],
        SHEET_HEADERS,
    )


def workdays(rng: random.Random, days: int) -> list[dt.date]:
    month_days = [MONTH + dt.timedelta(days=d) for d in range(29)]
    return sorted(rng.sample(month_days, days))


def write_attendance(workers: list[dict]) -> None:
    rng = random.Random(21)
    wb = Workbook()
    ws = wb.active
    ws.title = "考勤汇总"
    titled(
        ws,
        "城南安置房二期项目 2024年2月考勤汇总表",
        ["数据来源：工地实名制闸机"],
        ["序号", "姓名", "证件号码", "班组", "考勤月份", "出勤天数"],
    )
    for i, w in enumerate(workers, 1):
        ws.append([i, w["name"], w["id"], w["team"], "2024-02", rng.choice([20, 24, 26, 27, 28])])
    for cell in ws["C"]:
        cell.number_format = "@"
    wb.save(HERE / "attendance_monthly.xlsx")

    header = ["人员姓名", "证件号码", "打卡日期", "首次打卡", "末次打卡", "设备名称"]
    with open(HERE / "attendance_daily.csv", "w", newline="", encoding="utf-8-sig") as f:
        out = csv.writer(f)
        out.writerow(header)
        for w in workers[:20]:
            for day in workdays(rng, rng.choice([18, 22, 25])):
                out.writerow(
                    [
                        w["name"],
                        w["id"],
                        day.isoformat(),
                        f"07:0{rng.randrange(10)}",
                        f"17:3{rng.randrange(10)}",
                        "1号门闸机",
                    ]
                )

    with open(HERE / "attendance_dirty.csv", "w", newline="", encoding="utf-8-sig") as f:
        out = csv.writer(f)
        out.writerow(header)
        w0, w1 = workers[0], workers[1]
        lines = [
            [w0["name"], w0["id"], f"2024-02-{d:02d}", "07:01", "17:31", "1号门闸机"] for d in range(1, 11)
        ]
        lines.append(
            [w0["name"], w0["id"], "2024-02-03", "12:00", "12:05", "2号门闸机"]
        )  # line 12: same day twice — counted once
        lines.append(
            ["路人甲", with_check_digit("11010119900307123"), "2024-02-05", "08:00", "17:00", "1号门闸机"]
        )  # line 13: not on the roster
        lines.append(
            [w1["name"], w1["id"], "2024-02-30", "07:00", "17:00", "1号门闸机"]
        )  # line 14: no such date
        lines.append(
            [w1["name"], w1["id"], "2024-03-01", "07:00", "17:00", "1号门闸机"]
        )  # line 15: outside the month
        lines.append([w1["name"], w1["id"], "2024-02-06", "07:00", "17:00", "1号门闸机"])  # line 16: good
        out.writerows(lines)


def main() -> None:
    workers = roster_workers()
    write_pay_sheets(workers)
    write_attendance(workers)
    print(f"{len(workers)} workers of {EMPLOYER} in {MONTH:%Y-%m}: wrote the pay sheets and attendance files")


if __name__ == "__main__":
    main()
