import contextlib
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLES
from wagewatch.lib.uploads import check_spreadsheet_upload


def _xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "公民身份号码"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


def test_real_samples_pass():
    for name in ("roster_clean.xlsx", "roster_dirty.xlsx", "projects_clean.xlsx"):
        assert check_spreadsheet_upload((SAMPLES / name).read_bytes(), name) == "xlsx"


def test_csv_passes_in_gb18030():
    assert check_spreadsheet_upload("姓名,公民身份号码\n张三,1\n".encode("gb18030"), "花名册.csv") == "csv"


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "a.xlsx", "文件为空"),
        (b"%PDF-1.7 not a sheet", "a.xlsx", "不是 Excel"),
        (b"\xd0\xcf\x11\xe0 old xls", "a.xls", "只支持"),
        (b"MZ\x90\x00 program", "a.exe", "只支持"),
        (b"PK\x03\x04 broken", "a.xlsx", "已损坏"),
        (b"PK\x03\x04zip in disguise", "a.csv", "不是 CSV"),
    ],
)
def test_not_a_spreadsheet_is_refused(data, name, reason):
    with pytest.raises(ValidationError, match=reason):
        check_spreadsheet_upload(data, name)


def test_zip_bomb_is_refused_before_unpacking():
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"0" * (50 * 1024 * 1024)})
    assert len(bomb) < 200_000
    with pytest.raises(ValidationError, match="压缩炸弹"):
        check_spreadsheet_upload(bomb, "bomb.xlsx")


def test_xml_entities_are_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<worksheet>&lol2;</worksheet>"
    )
    evil = _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": laughs})
    with pytest.raises(ValidationError, match="XML 实体"):
        check_spreadsheet_upload(evil, "evil.xlsx")


def test_oversize_is_refused(settings):
    settings.MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError, match="文件过大"):
        check_spreadsheet_upload(_xlsx_bytes(), "a.xlsx")


@settings(max_examples=50, deadline=None)
@given(data=st.binary(max_size=2048), name=st.sampled_from(["a.xlsx", "a.csv", "a.txt", "", "A.XLSX"]))
def test_any_bytes_give_a_clean_answer(data, name):
    with contextlib.suppress(ValidationError):
        assert check_spreadsheet_upload(data, name) in ("xlsx", "csv")
