"""Go-live project list import: exact yuan from 万元 floats, opening balances, all-or-nothing with reasons."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from deposits.imports import import_project_list, wan_to_yuan
from deposits.models import DepositEntry, Guarantee, WageDeposit
from projects.models import Enterprise, Project
from tests.conftest import SAMPLES
from wagewatch.accounts.models import Department, Township

TOWNSHIPS = ["城关镇", "城南街道", "城北街道", "经济开发区", "大桥镇", "马庄乡", "新店乡", "黄岗镇"]
DEPARTMENTS = ["县住房和城乡建设局", "县交通运输局", "县水利局", "县农业农村局", "县教育体育局"]


@pytest.fixture
def county(db):
    for i, name in enumerate(TOWNSHIPS):
        Township.objects.get_or_create(name=name, defaults={"code": f"T{i:02d}"})
    for i, name in enumerate(DEPARTMENTS):
        Department.objects.get_or_create(name=name, defaults={"code": f"D{i:02d}"})


def clean_file() -> bytes:
    return (SAMPLES / "projects_clean.xlsx").read_bytes()


@pytest.mark.parametrize(
    ("value", "yuan"),
    [
        (77.06999999999999, "770700.00"),
        (77.07, "770700.00"),
        (22386.32, "223863200.00"),
        ("1,234.5678", "12345678.00"),
        (0.000049, "0.49"),
        (0.0000005, "0.01"),
    ],
)
def test_wan_to_yuan_is_exact(value, yuan):
    assert wan_to_yuan(value) == Decimal(yuan)


def test_projects_clean_lands_exact_yuan(county):
    result = import_project_list(data=clean_file(), filename="projects_clean.xlsx")
    assert result.errors == [] and result.total == 30 and result.created == 30
    assert Project.objects.count() == 30 and WageDeposit.objects.count() == 30
    p8 = Project.objects.get(code="XM20230008")
    assert p8.contract_price == Decimal("38535300.00")
    letter = Guarantee.objects.get(deposit__project=p8)
    assert letter.amount == Decimal("770700.00") and letter.issuer_kind == "insurance"
    assert "有效期未登记" in letter.flags
    p6 = Project.objects.get(code="XM20220006")
    assert p6.deposit.balance == Decimal("4299500.00")
    opening = DepositEntry.objects.get(deposit__project=p6)
    assert opening.kind == "opening_balance" and opening.amount == Decimal("4299500.00")
    assert p6.wage_account.account_number
    assert Enterprise.objects.get(uscc="91341100NFHTHFCL1T").kind == "contractor"


def test_reimport_changes_nothing(county):
    import_project_list(data=clean_file(), filename="projects_clean.xlsx")
    again = import_project_list(data=clean_file(), filename="projects_clean.xlsx")
    assert again.errors == [] and again.updated == 30
    assert DepositEntry.objects.count() == 5 and Guarantee.objects.count() == 25


def _dirty() -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(clean_file()))
    sheet = book.active
    sheet["D5"] = "火星镇"  # unknown township
    sheet["H6"] = "913411032K0XTF8H79"  # USCC check digit wrong
    sheet["K7"] = "很多"  # not an amount
    sheet["C8"] = "XM20230001"  # repeats row 4's code
    sheet["B9"] = '=HYPERLINK("http://x")'  # formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_bad_rows_all_reported_and_nothing_saved(county):
    result = import_project_list(data=_dirty(), filename="dirty.xlsx")
    found = {(e["row"], e["column"]) for e in result.errors}
    assert {(5, "所属乡镇"), (7, "合同价款（万元）"), (8, "项目编号"), (9, "项目名称")} <= found
    assert any(e["row"] == 6 for e in result.errors)  # USCC refused by projects.services
    assert all(e["message"] for e in result.errors)
    assert (
        Project.objects.count() == 0
        and WageDeposit.objects.count() == 0
        and DepositEntry.objects.count() == 0
    )


def test_dry_run_writes_nothing(county):
    result = import_project_list(data=clean_file(), filename="projects_clean.xlsx", dry_run=True)
    assert result.created == 30 and Project.objects.count() == 0


def test_management_command(county, capsys):
    path = SAMPLES / "projects_clean.xlsx"
    call_command("import_project_list", str(path))
    assert Project.objects.count() == 30


def test_admin_upload_preview_then_confirm(county, client_for, admin, inspector_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("deposits:import")
    assert client_for(inspector_a).get(url).status_code == 403
    client = client_for(admin)
    with open(SAMPLES / "projects_clean.xlsx", "rb") as fh:
        response = client.post(url, {"file": fh})
    job = response.context["job"]
    assert Project.objects.count() == 0 and len(response.context["result"].preview) == 30
    client.post(reverse("deposits:import_confirm", args=[job.pk]))
    assert Project.objects.count() == 30


def test_upload_is_deleted_after_confirm(county, client_for, admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(admin)
    with open(SAMPLES / "projects_clean.xlsx", "rb") as fh:
        job = client.post(reverse("deposits:import"), {"file": fh}).context["job"]
    path = job.file.name
    assert job.file.storage.exists(path)
    client.post(reverse("deposits:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert Project.objects.count() == 30 and job.file.name == "" and not job.file.storage.exists(path)
    r = client.post(reverse("deposits:import_confirm", args=[job.pk]), follow=True)  # a second confirm
    assert r.status_code == 200 and "上传文件已删除" in r.content.decode() and Project.objects.count() == 30


def test_amounts_beyond_the_column_and_implausible_dates_are_row_errors(county):
    book = openpyxl.load_workbook(io.BytesIO(clean_file()))
    sheet = book.active
    sheet["K4"] = 1e20  # 万元: far beyond numeric(16,2)
    sheet["L5"] = "0001-01-01"
    sheet["M6"] = "9999-12-31"
    out = io.BytesIO()
    book.save(out)
    result = import_project_list(data=out.getvalue(), filename="bounds.xlsx")
    found = {(e["row"], e["column"]): e["message"] for e in result.errors}
    assert "数值过大" in found[(4, "合同价款（万元）")]
    assert "日期超出合理范围" in found[(5, "开工日期")]
    assert "日期超出合理范围" in found[(6, "计划竣工日期")]
    assert Project.objects.count() == 0


def test_project_list_is_parsed_once_from_upload_to_import(county, client_for, admin, settings, tmp_path,
                                                           monkeypatch):  # fmt: skip
    from wagewatch.imports import xlsx

    settings.MEDIA_ROOT = tmp_path
    calls = []
    original = xlsx.Book.__init__
    monkeypatch.setattr(xlsx.Book, "__init__", lambda book, data: calls.append(1) or original(book, data))
    client = client_for(admin)
    with open(SAMPLES / "projects_clean.xlsx", "rb") as fh:
        job = client.post(reverse("deposits:import"), {"file": fh}).context["job"]
    client.post(reverse("deposits:import_confirm", args=[job.pk]))
    assert Project.objects.count() == 30 and len(calls) == 1


def test_a_preview_is_not_left_queued_for_the_worker(county, client_for, admin, settings, tmp_path):
    """A preview waits for the user, not for Celery: the requeue beat must not send it again and again."""
    from projects.models import ImportJob

    settings.MEDIA_ROOT = tmp_path
    with open(SAMPLES / "projects_clean.xlsx", "rb") as fh:
        client_for(admin).post(reverse("deposits:import"), {"file": fh})
    assert ImportJob.objects.get().status == "done"
