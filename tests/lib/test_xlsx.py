import datetime
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.utils.translation import gettext_lazy

from wagewatch.lib.xlsx import XLSX_CONTENT_TYPE, escape_cell, write_workbook, xlsx_response


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil","点我")', '\'=HYPERLINK("http://evil","点我")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("张三", "张三"),
        ("a=b", "a=b"),
        ("", ""),
        (None, None),
        (-5, -5),
        (Decimal("-1.50"), Decimal("-1.50")),
    ],
)
def test_escape_cell(value, expected):
    assert escape_cell(value) == expected


def _load(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def test_workbook_has_bold_frozen_headers_and_safe_cells():
    rows = (
        [1, '=HYPERLINK("http://evil","点我")', Decimal("1234.56"), datetime.date(2024, 3, 5), None, "ok\x07"]
        for _ in range(3)
    )
    content = write_workbook([("花名册", ["序号", "姓名", "金额", "进场日期", "备注", "状态"], rows)])
    sheet = _load(content)["花名册"]
    assert [c.value for c in sheet[1]] == ["序号", "姓名", "金额", "进场日期", "备注", "状态"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    name = sheet["B2"]
    assert name.data_type == "s"
    assert name.value == '\'=HYPERLINK("http://evil","点我")'
    assert sheet["C2"].value == pytest.approx(1234.56)
    assert sheet["D2"].value == datetime.datetime(2024, 3, 5)  # noqa: DTZ001 - Excel dates are naive
    assert sheet["E2"].value is None
    assert sheet["F2"].value == "ok"  # control characters Excel refuses are dropped
    assert sheet.max_row == 4


def test_header_formula_is_escaped_too():
    sheet = _load(write_workbook([("S", ["=1+1"], [])]))["S"]
    assert sheet["A1"].value == "'=1+1"
    assert sheet["A1"].data_type == "s"


def test_several_sheets_with_awkward_titles_and_values():
    aware = datetime.datetime(2024, 3, 5, 1, 30, tzinfo=datetime.UTC)
    content = write_workbook(
        [
            ("项目/清单[2024]", ["A"], [[gettext_lazy("是")], [aware], [True]]),
            ("项目/清单[2024]", ["B"], iter([[float("nan")]])),
            ("x" * 40, [], [["no header"]]),
        ]
    )
    workbook = _load(content)
    assert workbook.sheetnames == ["项目_清单_2024_", "项目_清单_2024__2", "x" * 31]
    first = workbook.worksheets[0]
    assert first["A2"].value == "是"
    assert first["A3"].value == datetime.datetime(2024, 3, 5, 9, 30)  # noqa: DTZ001 - Asia/Shanghai local time
    assert first["A4"].value is True
    assert workbook.worksheets[1]["A2"].value == "nan"
    assert workbook.worksheets[2]["A1"].value == "no header"


def test_empty_sheet_list_still_gives_a_valid_file():
    assert _load(write_workbook([])).sheetnames == ["Sheet"]


def test_response_has_type_and_utf8_filename():
    response = xlsx_response("城南项目花名册.xlsx", b"PK-data")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote("城南项目花名册.xlsx")
    assert response["Content-Length"] == "7"
    assert "no-store" in response["Cache-Control"]
    assert response.content == b"PK-data"


def test_response_filename_is_made_safe():
    assert xlsx_response("report", b"")["Content-Disposition"] == 'attachment; filename="report.xlsx"'
    header = xlsx_response('a"b\r\nSet-Cookie: x/..\\y', b"")["Content-Disposition"]
    assert "\r" not in header
    assert "\n" not in header
    assert "/" not in header.split(";", 1)[1]
    assert xlsx_response("", b"")["Content-Disposition"] == 'attachment; filename="export.xlsx"'


def test_decimals_keep_their_places_as_number_formats_and_columns_fit_their_content():
    rows = [
        ["结存余额", Decimal("12.50"), Decimal("97.5"), 3, Decimal("0.0001"), Decimal("NaN")],
        ["在建工程项目名称很长很长很长很长", Decimal("7.00"), None, 12, Decimal("5"), "x"],
    ]
    content = write_workbook([("主要指标", ["指标", "万元", "比率", "个", "亿元", "其他"], iter(rows))])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    money, rate, count, yi, bad = sheet["B2"], sheet["C2"], sheet["D2"], sheet["E2"], sheet["F2"]
    assert (money.value, money.number_format, money.data_type) == (12.5, "0.00", "n")
    assert (rate.value, rate.number_format) == (97.5, "0.0")
    assert (count.value, count.number_format) == (3, "General")
    assert (yi.number_format, sheet["E3"].number_format) == ("0.0000", "General")
    assert (bad.value, bad.data_type) == ("NaN", "s")  # not a number Excel could read
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F3"
    assert sheet.column_dimensions["A"].width == 2 * 16 + 2  # sixteen Chinese characters, two each
    assert sheet.column_dimensions["D"].width == 6  # narrow columns keep a minimum


def test_a_long_sheet_streams_after_its_sampled_rows():
    rows = ([i, "短"] for i in range(1000))
    sheet = openpyxl.load_workbook(io.BytesIO(write_workbook([("清单", ["序号", "名称"], rows)]))).active
    assert sheet.max_row == 1001 and sheet["A1001"].value == 999
    assert sheet.auto_filter.ref == "A1:B1001"
