"""The streaming .xlsx reader (wagewatch.imports.xlsx, issue 19) gives the rows python-calamine gives.

Every sheet of every sample workbook (../shared/samples and samples/), workbooks written by openpyxl, and
hand-written sheet XML for what openpyxl never writes (shared strings with rich text and phonetic runs,
``t="str"`` and error cells, cells and rows without ``r``, a namespace prefix, whitespace between elements)
are read both ways and compared row by row; then small chunks (every piece boundary) and the ``Table`` /
``Workbook`` the imports use: row numbers, formula cells, walking twice, broken files, flat memory.
"""

import datetime
import io
import re
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from python_calamine import CalamineWorkbook

from tests.conftest import ROOT, SAMPLES
from wagewatch.imports import xlsx
from wagewatch.imports.reading import ImportFileError, Table, Workbook

SAMPLE_FILES = sorted([*SAMPLES.glob("*.xlsx"), *(ROOT / "samples").glob("*.xlsx")])


def calamine_rows(data: bytes, index: int = 0) -> list[tuple[int, list]]:
    """The sheet as python-calamine reads it, numbered by sheet row: its iter_rows starts at row 1 (the
    rows above the first cell come empty, as wide as the used range) and at the range's first column."""
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(index)
    if sheet.start is None:
        return []
    first_row, first_col = sheet.start
    width = sheet.end[1] + 1
    return [
        (number, [""] * first_col + row if number > first_row else [""] * width)
        for number, row in enumerate(sheet.iter_rows(), start=1)
    ]


def stream_rows(data: bytes, index: int = 0) -> list[tuple[int, list]]:
    return list(xlsx.Book(data).sheet(index).rows())


def assert_same(data: bytes) -> None:
    names = CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
    assert xlsx.Book(data).names == names
    for index in range(len(names)):
        expected, got = calamine_rows(data, index), stream_rows(data, index)
        for want, have in zip(expected, got, strict=False):
            assert have == want
            assert [type(v) for v in have[1]] == [
                type(v) for v in want[1]
            ]  # 1.0 is not True, date not datetime
        assert len(got) == len(expected)


# ---------------------------------------------------------------- the samples
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_every_sample_reads_as_calamine_reads_it(path: Path):
    assert_same(path.read_bytes())


def test_the_samples_are_there():
    assert {p.name for p in SAMPLE_FILES} >= {"roster_clean.xlsx", "roster_dirty.xlsx", "projects_clean.xlsx"}


# ---------------------------------------------------------------- written by openpyxl
def _save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def typed_book(*, epoch_1904: bool = False) -> bytes:
    book = openpyxl.Workbook()
    if epoch_1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "类型"
    naive = datetime.datetime  # Excel's date-times have no zone
    values = [
        "文本", "  两边空格  ", "a & b < c > d \"q\" 'a'", "第一行\r\n第二行", "tab\there", "_x000D_ literal",
        "", 0, 1, -1, 3.5, 77.06999999999999, 12345678901234567890, 1e-7, True, False,
        datetime.date(2024, 3, 5), datetime.date(1900, 1, 1), datetime.date(1900, 3, 1),
        datetime.date(9999, 12, 31), naive(2024, 3, 5, 10, 30), naive(2024, 3, 5, 23, 59, 59, 999000),
        datetime.time(0, 0), datetime.time(10, 30, 15), datetime.timedelta(hours=30, minutes=5),
        "=1+1", "=A1&\"x\"", "=SUM(H1:H3)",
    ]  # fmt: skip
    for i, value in enumerate(values, start=1):
        sheet.cell(row=i, column=1, value=value)
        sheet.cell(row=i, column=3, value=f"行{i}")
    formats = ['yyyy"年"m"月"d"日"', "0.00", "[h]:mm", "@", "[Red]0", '"Y"0', "mm:ss", "h:mm AM/PM", "d-mmm",
               "[$-404]e/m/d", "#,##0;[Red]-#,##0", "0%", "yy.mm", 'dd"日"', "General"]  # fmt: skip
    for i, code in enumerate(formats, start=1):
        for column, value in ((5, 45356.75), (6, 0.25), (7, 45356), (8, -1.5)):
            cell = sheet.cell(row=i, column=column, value=value)
            cell.number_format = code
    for column, code in ((9, "yyyy-mm-dd"), (10, "h:mm:ss"), (11, "[h]:mm:ss"), (12, "m/d/yy h:mm")):
        for i, value in enumerate((0, 0.5, 1, 59, 60, 61, 45356.999999, 2958465, 3e6), start=1):
            sheet.cell(row=i, column=column, value=value).number_format = code
    sheet.cell(row=40, column=20, value="far away")  # a gap of rows and columns
    sheet.cell(row=45, column=2).number_format = "yyyy-mm-dd"  # a styled empty cell past the last row
    rich = CellRichText(["普通", TextBlock(InlineFont(b=True), " 加粗 "), "尾"])
    book.create_sheet("富文本").cell(row=2, column=2, value=rich)
    offset = book.create_sheet("从C3开始")
    offset["C3"], offset["D3"], offset["C4"], offset["E6"] = "表头", "列2", 1, datetime.date(2024, 1, 2)
    book.create_sheet("空表")
    return _save(book)


def test_typed_values_read_as_calamine_reads_them():
    assert_same(typed_book())


def test_a_1904_workbook_reads_as_calamine_reads_it():
    data = typed_book(epoch_1904=True)
    assert xlsx.Book(data).is_1904
    assert_same(data)


def test_dates_are_dates_and_numbers_floats():
    rows = dict(stream_rows(typed_book()))
    assert rows[9][0] == 1.0 and type(rows[9][0]) is float  # a whole number is a float, as calamine's
    assert rows[15][0] is True
    assert rows[17][0] == datetime.date(2024, 3, 5)
    assert rows[21][0] == datetime.datetime(2024, 3, 5, 10, 30)  # noqa: DTZ001
    assert rows[24][0] == datetime.time(10, 30, 15)
    assert rows[2][0] == "  两边空格  "  # written with xml:space="preserve"
    assert rows[4][0] == "第一行\n第二行"  # line ends as an XML parser gives them
    assert rows[6][0] == "\r literal"  # Excel's escape _x000D_


# ---------------------------------------------------------------- hand-written XML
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade(sheets: list[str], *, strings: str = "", styles: str = "", workbook_pr: str = "",
             prefix: str = "") -> bytes:  # fmt: skip
    """A workbook of the given <sheetData> contents (written with ``prefix`` on every element)."""
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}"'
    sheet_list = "".join(
        f'<{p}sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, len(sheets) + 1)
    )
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<{p}workbook {ns} xmlns:r="{RELS}">{workbook_pr}<{p}sheets>{sheet_list}'
        f"</{p}sheets></{p}workbook>",
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Relationships>",
    }
    for i, data in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<{p}worksheet {ns}><{p}dimension ref="A1"/>'
            f"<{p}sheetData>{data}</{p}sheetData></{p}worksheet>"
        )
    if strings:
        parts["xl/sharedStrings.xml"] = f'<{p}sst {ns} count="1">{strings}</{p}sst>'
    if styles:
        parts["xl/styles.xml"] = f"<{p}styleSheet {ns}>{styles}</{p}styleSheet>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode())
    return out.getvalue()


STRINGS = (
    '<si><t>姓名</t><phoneticPr fontId="1" type="noConversion"/></si>'
    '<si><t xml:space="preserve">  空格  </t></si>'
    "<si><t>  修剪  </t></si>"
    '<si><r><rPr><b/></rPr><t>富</t></r><r><t xml:space="preserve"> 文 </t></r><r><t> 本 </t></r></si>'
    '<si><t>日本</t><rPh sb="0" eb="2"><t>ニホン</t></rPh></si>'
    "<si><t>a &amp; b &lt;c&gt; &#x41;&#66; &quot;</t></si>"
    "<si><t>line\r\nbreak_x000D_</t></si>"
    "<si/><si><t/></si><si></si>"
    "<si><t><![CDATA[<cdata> & ]]>tail</t></si>"
    "<si><t>_x005F_x0041_</t></si>"
)
STYLES = (
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/>'
    '<numFmt numFmtId="165" formatCode="&quot;d&quot;0.00"/>'
    '<numFmt numFmtId="14" formatCode="0.0"/></numFmts>'
    '<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="14"/>'
    '<xf numFmtId="22"/><xf numFmtId="46"/><xf/></cellXfs>'
)
SHEETS = {
    "shared strings": '<row r="1">'
    + "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(STRINGS.count("<si")))
    + "</row>",
    "types": '<row r="2" spans="1:9"><c r="A2" t="str"><f>A1&amp;"x"</f><v>a &amp; x\r\n</v></c>'
    '<c r="B2" t="b"><v>1</v></c><c r="C2" t="b"><v>0</v></c><c r="D2" t="e"><v>#DIV/0!</v></c>'
    '<c r="E2" t="e"><f>NA()</f><v>#N/A</v></c><c r="F2" t="n"><v>1e3</v></c><c r="G2"><v>abc</v></c>'
    '<c r="H2" t="str"><v></v></c><c r="I2" t="d"><v>2024-03-05T10:30:00</v></c>'
    '<c r="J2" t="d"><v>2024-03-05</v></c><c r="K2" t="inlineStr"><v>ignored</v></c></row>',
    "styles": '<row r="3">'
    + "".join(f'<c r="{chr(65 + i)}3" s="{i}"><v>45356.5</v></c>' for i in range(8))
    + '<c r="I3" s="01"><v>45356</v></c><c r="J3" s="99"><v>45356</v></c></row>',
    "inline": '<row r="1"><c r="A1" t="inlineStr"><is><t></t></is></c><c r="B1" t="inlineStr"><is>'
    '<t xml:space="preserve"></t></is></c>'
    '<c r="C1" t="inlineStr"><is><r><t>富</t></r><r><t>文</t></r></is></c>'
    '<c r="D1" t="inlineStr"><is><t> 修 </t></is></c><c r="E1" t="inlineStr"/>'
    '<c r="F1" t="inlineStr"><is><t>&lt;&amp;&gt;</t></is></c></row>'
    '<row r="3"><c r="B3" t="inlineStr"><is><t xml:space="preserve"> 留 </t></is></c></row>',
    "no references": '<row><c><v>1</v></c><c/><c t="inlineStr"><is><t>x</t></is></c></row>'
    '<row><c t="s"><v>0</v></c></row><row r="5"><c><v>5</v></c><c r="D5"><v>4</v></c><c><v>6</v></c></row>'
    "<row/><row><c><v>7</v></c></row>",
    "attributes in another order": '<row r="1"><c t="s" s="1" r="A1"><v>0</v></c><c s="1" r="B1"><v>45356</v>'
    '</c><c r="C1" cm="1" t="n"><v>2</v></c></row>',
    "whitespace": '\n  <row r="1">\n    <c r="A1" t="s">\n      <v>1</v>\n    </c>\n    <c r="B1">\n'
    '      <v>2</v>\n    </c>\n  </row>\n  <row r="2"><c r="A2"><f>1/0</f><v/></c>'
    '<c r="B2"><f t="shared" si="0"/><v>3</v></c>'
    '<c r="C2"><f>1+1</f></c></row>\n',
    "gaps and styled empties": '<row r="2"><c r="B2" s="1"/><c r="D2"><v>1</v></c><c r="Z2" s="1"/></row>'
    '<row r="7"><c r="C7" t="inlineStr"><is><t>x</t></is></c></row><row r="9"><c r="A9" s="1"/></row>'
    '<row r="10"><c r="A10"><v></v></c><c r="B10" t="s"><v></v></c></row>',
    "two-letter columns": '<row r="1"><c r="AA1"><v>1</v></c>'
    '<c r="AB1" t="inlineStr"><is><t>x</t></is></c></row>'
    '<row r="2"><c r="B2"><v>2</v></c></row>',
}


@pytest.mark.parametrize("case", list(SHEETS))
def test_handmade_sheets_read_as_calamine_reads_them(case):
    assert_same(handmade([SHEETS[case]], strings=STRINGS, styles=STYLES))


def _prefixed(xml: str) -> str:
    return re.sub(r"<(/?)(?![?!])", r"<\1x:", xml)


def test_a_namespace_prefix_reads_as_without():
    sheets = [SHEETS["shared strings"], SHEETS["styles"], SHEETS["types"]]
    data = handmade([_prefixed(s) for s in sheets], strings=_prefixed(STRINGS), styles=_prefixed(STYLES),
                    prefix="x")  # fmt: skip
    assert_same(data)
    assert stream_rows(data, 1) == stream_rows(handmade([SHEETS["styles"]], strings=STRINGS, styles=STYLES))


def test_a_1904_date_system_from_workbook_pr():
    data = handmade(
        [SHEETS["styles"]], strings=STRINGS, styles=STYLES, workbook_pr='<workbookPr date1904="1"/>'
    )
    assert xlsx.Book(data).is_1904
    assert_same(data)


@pytest.mark.parametrize("chunk", [7, 64, 1000])
def test_any_chunk_size_gives_the_same_rows(monkeypatch, chunk):
    data = handmade(list(SHEETS.values()), strings=STRINGS, styles=STYLES)
    whole = [stream_rows(data, i) for i in range(len(SHEETS))]
    monkeypatch.setattr(xlsx, "CHUNK", chunk)
    assert [stream_rows(data, i) for i in range(len(SHEETS))] == whole
    big = (SAMPLES / "roster_clean.xlsx").read_bytes()
    assert stream_rows(big) == calamine_rows(big)


@pytest.mark.parametrize(
    ("code", "kind"),
    [("yyyy-mm-dd", xlsx.DATETIME), ("DD/MM/YY", xlsx.DATETIME), ("H:MM:SS;@", xlsx.DATETIME),
     ('m"M"d"D";@', xlsx.DATETIME), ("[h]:mm:ss", xlsx.TIMEDELTA), ("[ss]", xlsx.TIMEDELTA),
     ("[Blue]\\+[h]:mm;[Red]\\-[h]:mm", xlsx.TIMEDELTA), ("#,##0\\ [$\\u20bd-46D]", xlsx.OTHER),
     ('"Y: "0.00"m";"Y: "-0.00"m"', xlsx.OTHER), ("\\Y000000", xlsx.OTHER), ('#,##0.0####" YMD"', xlsx.OTHER),
     ('"$"#,##0_);[Red]("$"#,##0)', xlsx.OTHER), ("[$-404]e\"\\xfc\"m", xlsx.DATETIME),
     ("0.00_ ", xlsx.OTHER),
     ("AM/PM h", xlsx.DATETIME), ("@", xlsx.OTHER)],
)  # fmt: skip
def test_number_format_codes_as_calamine_detects_them(code, kind):
    """The cases of calamine's own test of detect_custom_number_format."""
    assert xlsx.custom_format_kind(code) == kind


# ---------------------------------------------------------------- Table and Workbook
def _sheet_with_formulas() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["标题"])
    sheet.append([])
    sheet.append(["姓名", "金额", "备注"])
    sheet.append(["张三", "=1+1", ""])
    sheet.append(['=HYPERLINK("x")', 3, "=B5*2"])
    return _save(book)


def test_table_gives_sheet_row_numbers_and_formula_cells():
    table = Table(_sheet_with_formulas(), "a.xlsx")
    rows = list(table.rows())
    assert [n for n, _v in rows] == [1, 2, 3, 4, 5]
    assert rows[2] == (3, ["姓名", "金额", "备注"])
    assert table.formulas == {(4, 1), (5, 0), (5, 2)}
    assert list(table.rows()) == rows  # walked again, from the file


def test_a_sheet_starting_at_c3_keeps_its_row_numbers():
    """calamine gave the rows of such a sheet from row 1 but the old Table numbered them from its first
    row (row 3 came as row 5): the reader gives the sheet's numbers."""
    book = openpyxl.Workbook()
    book.active["C3"], book.active["D4"] = "姓名", "张三"
    rows = list(Table(_save(book), "c3.xlsx").rows())
    assert rows == [(1, ["", "", "", ""]), (2, ["", "", "", ""]), (3, ["", "", "姓名", ""]),
                    (4, ["", "", "", "张三"])]  # fmt: skip


def test_workbook_sheets_by_name():
    data = typed_book()
    book = Workbook(data, "book.xlsx")
    assert book.names == ["类型", "富文本", "从C3开始", "空表"]
    assert book.table("没有") is None
    assert list(book.table("空表").rows()) == []
    assert list(book.table("从C3开始").rows()) == calamine_rows(data, 2)


def test_a_broken_sheet_is_an_import_file_error():
    data = handmade(['<row r="1"><c r="A1" t="zz"><v>1</v></c></row>'])
    with pytest.raises(ImportFileError) as exc:
        list(Table(data, "broken.xlsx").rows())
    assert str(exc.value) == "无法读取该 Excel 文件，请确认是 .xlsx 格式"
    with pytest.raises(ImportFileError) as exc:
        Workbook(data, "broken.xlsx").table("S1")
    assert str(exc.value) == "无法读取工作表“S1”"


def _corrupt(data: bytes, member: str, offset: int) -> bytes:
    """The file with 50 bytes of a member's compressed data zeroed at ``offset``."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + offset
    assert start + 50 < info.header_offset + info.compress_size
    return data[:start] + b"\x00" * 50 + data[start + 50 :]


LONG_SHEET = "".join(f'<row r="{i}"><c r="A{i}"><v>{i * 7919 % 10007}</v></c></row>' for i in range(1, 20000))


def test_a_corrupt_sheet_stream_is_an_import_file_error():
    """Damage past what the upload guard reads (the first 4 KB of each part): the reader finds it."""
    data = handmade([LONG_SHEET])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        size = z.getinfo("xl/worksheets/sheet1.xml").compress_size
    broken = _corrupt(data, "xl/worksheets/sheet1.xml", size // 2)
    with pytest.raises(ImportFileError) as exc:
        list(Table(broken, "corrupt.xlsx").rows())
    assert str(exc.value) == "无法读取该 Excel 文件，请确认是 .xlsx 格式"
    with pytest.raises(ImportFileError) as exc:
        Workbook(broken, "corrupt.xlsx").table("S1")
    assert str(exc.value) == "无法读取工作表“S1”"


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_damage_the_upload_guard_reads_is_an_import_file_error(member):
    """The guard reads the head of every XML part: a part broken there is refused by the guard, as a
    damaged file (it raised zipfile's or zlib's own error before)."""
    data = handmade([LONG_SHEET])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        size = z.getinfo(member).compress_size
    for broken in (_corrupt(data, member, min(40, size - 60)), data[: len(data) // 2]):
        with pytest.raises(ImportFileError) as exc:
            list(Table(broken, "corrupt.xlsx").rows())
        assert str(exc.value) == "Excel 文件已损坏，无法打开"


def test_memory_is_flat_in_the_sheets_length():
    """Walking a sheet holds one chunk, whatever its length: the traced peak of 40,000 rows is that of
    10,000 rows (the file itself, compressed, is held by the caller)."""

    def peak(rows: int) -> int:
        body = "".join(
            f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>工人{i}</t></is></c><c r="B{i}"><v>{i}</v></c>'
            f'<c r="C{i}" t="inlineStr"><is><t>41010219900101{i % 10000:04d}</t></is></c></row>'
            for i in range(1, rows + 1)
        )
        data = handmade([body])
        tracemalloc.start()
        try:
            for _row in Table(data, "big.xlsx").rows():
                pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(10_000), peak(40_000)
    assert large < small * 1.3 + 1_000_000, (small, large)
