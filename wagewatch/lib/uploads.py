"""Uploaded spreadsheets are checked before anything unpacks or parses them.

Refused: files that are not .xlsx/.csv by content, oversize files, zip bombs (too many members, too much
uncompressed data, extreme compression ratios), and XML that declares a DOCTYPE or entities (XXE,
billion laughs). Only then may openpyxl or the import reader (wagewatch.imports.xlsx) read the file.
"""

import io
import zipfile
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_MEMBERS = 2_000
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200
XML_SCAN_BYTES = 4096


def check_spreadsheet_upload(data: bytes, filename: str) -> str:
    """Return "xlsx" or "csv" for an acceptable upload; raise ValidationError with a Chinese reason."""
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(_("文件过大（超过 %(mb)d MB）") % {"mb": settings.MAX_UPLOAD_BYTES // 2**20})
    if not data:
        raise ValidationError(_("文件为空"))
    name = (filename or "").lower()
    if name.endswith(".csv"):
        _check_csv(data)
        return "csv"
    if name.endswith(".xlsx"):
        _check_xlsx(data)
        return "xlsx"
    raise ValidationError(_("只支持 .xlsx 或 .csv 文件"))


def _check_csv(data: bytes) -> None:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise ValidationError(_("文件内容不是 CSV 文本"))


def _check_xlsx(data: bytes) -> None:
    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError(_("文件内容不是 Excel (.xlsx) 格式；旧版 .xls 请另存为 .xlsx"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationError(_("Excel 文件已损坏，无法打开")) from exc
    _check_members(members)
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ValidationError(_("文件内容不是 Excel (.xlsx) 格式"))
    for member in members:
        if member.filename.endswith((".xml", ".rels", ".vml")):
            _check_xml_head(archive, member)


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise ValidationError(_("Excel 文件结构异常（压缩成员过多），已拒绝"))
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        raise ValidationError(_("Excel 文件解压后体积异常（疑似压缩炸弹），已拒绝"))


def _check_xml_head(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    try:
        with archive.open(member) as fh:
            head = fh.read(XML_SCAN_BYTES).upper()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise ValidationError(_("Excel 文件已损坏，无法打开")) from exc  # a part damaged, or compressed oddly
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ValidationError(_("Excel 文件包含不允许的 XML 实体声明，已拒绝"))
