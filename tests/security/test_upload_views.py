"""Hostile uploads through the real upload views are refused before anything unpacks or parses them.

Views: the roster import (projects:import_upload), the pay-sheet and attendance imports (wages:import_*) and
the deposits project-list import (deposits:import).
The readers (the .xlsx reader of wagewatch.imports, openpyxl, the CSV reader) are replaced by tripwires:
a refused file must never reach them. Nothing is stored (no ImportJob).
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import ImportJob
from tests.projects.factories import make_project
from wagewatch.imports import reading as imports

pytestmark = pytest.mark.django_db


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<worksheet><sheetData><row><c><v>&x;</v></c></row></sheetData></worksheet>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><worksheet>&lol3;</worksheet>'
)
CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)
HOSTILE = {
    "pdf-named-xlsx": (b"%PDF-1.7\n1 0 obj<<>>endobj\n", "花名册.xlsx"),
    "old-xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "花名册.xlsx"),
    "program-named-csv": (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "花名册.csv"),
    "zip-named-csv": (_zip({"a.txt": b"x"}), "花名册.csv"),
    "zip-not-xlsx": (_zip({"readme.txt": b"hello"}), "花名册.xlsx"),
    "zip-bomb": (
        _zip({"[Content_Types].xml": CONTENT_TYPES, "xl/worksheets/sheet1.xml": b"0" * (60 * 1024 * 1024)}),
        "花名册.xlsx",
    ),
    "xxe": (_zip({"[Content_Types].xml": CONTENT_TYPES, "xl/worksheets/sheet1.xml": XXE}), "花名册.xlsx"),
    "billion-laughs": (
        _zip({"[Content_Types].xml": CONTENT_TYPES, "xl/sharedStrings.xml": LAUGHS}),
        "花名册.xlsx",
    ),
    "entity-in-content-types": (
        _zip({"[Content_Types].xml": LAUGHS, "xl/workbook.xml": b"<workbook/>"}),
        "花名册.xlsx",
    ),
}


@pytest.fixture
def tripwires(monkeypatch):
    """Record any call of a spreadsheet or zip reader of the import code (errors there may be swallowed)."""
    calls = []

    def tripped(*args, **kwargs):
        calls.append(args)
        raise AssertionError("a hostile upload reached a parser")

    monkeypatch.setattr(imports.xlsx, "Book", tripped)
    monkeypatch.setattr(imports, "_read_csv", tripped)
    monkeypatch.setattr(openpyxl, "load_workbook", tripped)
    yield calls
    assert calls == [], "a hostile upload reached a parser"


def test_the_bomb_is_small_on_the_wire():
    assert len(HOSTILE["zip-bomb"][0]) < 200_000


@pytest.mark.parametrize(
    "view", ["projects:import_upload", "wages:import_pay_sheet", "wages:import_attendance"]
)
@pytest.mark.parametrize("case", list(HOSTILE))
def test_project_import_views_refuse_before_parsing(
    case, view, tripwires, inspector_a, township_a, department, client_for
):
    project = make_project(township_a, department)
    data, name = HOSTILE[case]
    response = client_for(inspector_a).post(
        reverse(view, args=[project.pk]), {"file": SimpleUploadedFile(name, data), "month": "2024-02"}
    )
    assert response.status_code == 200  # the form again, with the reason on the file field
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_project_list_import_view_refuses_before_parsing(case, tripwires, admin, client_for):
    data, name = HOSTILE[case]
    response = client_for(admin).post(
        reverse("deposits:import"), {"file": SimpleUploadedFile(name, data)}, follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not ImportJob.objects.exists()


def test_a_real_roster_still_passes_the_guard(inspector_a, township_a, department, client_for):
    from tests.conftest import SAMPLES

    project = make_project(township_a, department)
    sample = SAMPLES / "roster_clean.xlsx"
    response = client_for(inspector_a).post(
        reverse("projects:import_upload", args=[project.pk]),
        {"file": SimpleUploadedFile("roster_clean.xlsx", sample.read_bytes())},
    )
    assert response.status_code == 302
    assert ImportJob.objects.get().total_rows == 200
