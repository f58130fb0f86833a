"""The report workbook keeps the report's figures and their display: every figure the PDF prints has its
cell, numbers are stored as numbers with their format (万元 '0.00', rates '0.0'), columns are sized to their
content, header rows are frozen and the list sheets carry an autofilter."""

import datetime
import io
import re
import unicodedata
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from complaints.models import Complaint
from reports import pdf
from reports.excel import build_workbook
from reports.figures import Scope, figure_rows, report_data
from tests.reports.factories import END, START, county

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(township_a, township_b, department):
    county(4, [township_a, township_b], department)
    return report_data(scope=Scope(), start=START, end=END)


@pytest.fixture
def book(data):
    return load_workbook(io.BytesIO(build_workbook(data=data)))


def _number(cell) -> Decimal:
    assert cell.data_type == "n" and isinstance(cell.value, int | float), (cell.coordinate, cell.value)
    return Decimal(str(cell.value))


def test_every_figure_has_its_cell_as_a_number_in_its_format(data, book):
    sheet = book["主要指标"]
    cells = {
        (r[0].value, r[1].value, r[3].value or ""): r[2]
        for r in sheet.iter_rows(min_row=2)
        if r[0].value != "说明"  # the footnote of "—" (unknown stocks), not a figure
    }
    rows = figure_rows(data)
    assert len(cells) == len(rows)  # one row per figure, none merged away
    for section, figure, value, unit in rows:
        cell = cells[(section, figure, unit)]
        if value is None or isinstance(value, str):
            assert cell.value == ("—" if value is None else value)
            continue
        assert _number(cell) == value, figure
        if unit == "万元":
            assert cell.number_format == "0.00", figure
        elif unit == "%":
            assert cell.number_format == "0.0", figure  # rates are kept in percent, one decimal
    assert cells[("投诉举报案件", "为农民工追回工资", "万元")].number_format == "0.00"
    assert cells[("工资保证金", "结存余额", "万元")].number_format == "0.00"


def _printed_numbers(data) -> set[Decimal]:
    """The numbers the PDF's figures section prints (dates, channel names and captions left out)."""
    context = pdf.context(run=SimpleNamespace(plan=""), data=data)
    context["charts"] = {}
    html = render_to_string("reports/pdf/_figures.html", context)
    text = strip_tags(re.sub(r"<", " <", html))  # table cells apart
    text = re.sub(r"\d{4}年(\d{1,2}月\d{1,2}日|度)?|\d{4}-\d{2}|图\d|近12个月", "", text)
    for _key, label in Complaint.Channel.choices:
        text = text.replace(str(label), "")
    return {Decimal(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}


def test_every_number_the_pdf_prints_is_in_the_workbook(data, book):
    numbers = set()
    for title in ("主要指标", "近12个月趋势", "乡镇排名", "部门排名"):
        for row in book[title].iter_rows(min_row=2):
            numbers |= {_number(c) for c in row if isinstance(c.value, int | float)}
    printed = _printed_numbers(data)
    assert len(printed) >= 8  # distinct values: many figures share one
    assert printed <= numbers, printed - numbers


def test_the_trend_the_charts_draw_is_a_sheet(data, book):
    rows = list(book["近12个月趋势"].iter_rows(min_row=2))
    assert len(rows) == len(data["trend"]) == 12
    for row, t in zip(rows, data["trend"], strict=True):
        assert row[0].value == f"{t['month']:%Y-%m}"
        expected = [t["received"], t["opened"], t["open"], t["balance"]]
        assert [c.value if v is None else _number(c) for c, v in zip(row[1:], expected, strict=True)] == [
            "—" if v is None else v for v in expected
        ]
        assert t["balance"] is None or row[4].number_format == "0.00"


def _shown(value) -> int:
    if isinstance(value, datetime.datetime):  # a date reads back as a datetime at midnight
        text = f"{value:%Y-%m-%d}" if value.time() == datetime.time() else f"{value:%Y-%m-%d %H:%M:%S}"
    else:
        text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_sheets_have_frozen_headers_an_autofilter_and_columns_sized_to_content(book):
    assert [s.title for s in book.worksheets][:5] == [
        "主要指标",
        "存在的问题",
        "乡镇排名",
        "部门排名",
        "近12个月趋势",
    ]
    for sheet in book.worksheets:
        last = get_column_letter(sheet.max_column)
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}", sheet.title
        for i, column in enumerate(sheet.iter_cols(values_only=True), 1):
            need = max(_shown(v) for v in column if v is not None)
            width = sheet.column_dimensions[get_column_letter(i)].width
            assert min(need, 58) <= width <= 60, (sheet.title, column[0], need, width)


def test_list_sheets_keep_money_as_numbers_in_yuan_with_two_decimals(book):
    for title, header in (("在建工程项目清单", "合同价款（元）"), ("案件台账", "追回金额（元）")):
        sheet = book[title]
        headers = [c.value for c in sheet[1]]
        cells = [row[headers.index(header)] for row in sheet.iter_rows(min_row=2)]
        money = [c for c in cells if c.value is not None]
        assert money, title
        for cell in money:
            _number(cell)
            assert cell.number_format == "0.00", (title, cell.coordinate)
