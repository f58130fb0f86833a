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
