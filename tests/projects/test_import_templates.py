"""Templates to download from the import pages (issue 18 item 9): built from each import's own column map,
so a filled template passes the import's preview without a header error."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.imports import ROSTER, roster_import_preview
from projects.models import ImportJob
from tests.conftest import SAMPLES
from tests.projects.factories import make_project, make_roster_entry, make_worker
from wages.imports import ATTENDANCE, PAY_SHEET, wage_import_preview
from wagewatch.imports.kinds import header_key, parse

KINDS = {"roster": ROSTER, "pay_sheet": PAY_SHEET, "attendance": ATTENDANCE}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _template(client, kind):
    r = client.get(reverse("projects:import_template", args=[kind]))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(r.content))


def _filled(book) -> bytes:
    """The template with the 说明 sheet's examples written as its first data row."""
    data, notes = book.worksheets
    examples = {row[0]: row[3] for row in notes.iter_rows(min_row=2, values_only=True)}
    headers = [cell.value for cell in data[1]]
    data.append([examples[h] for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", list(KINDS))
def test_template_headers_are_what_the_import_reads(client_for, inspector_a, kind):
    book = _template(client_for(inspector_a), kind)
    data, notes = book.worksheets
    assert notes.title == "说明" and data.freeze_panes == "A2"
    headers = [cell.value for cell in data[1]]
    known = {header_key(h): c.key for c in KINDS[kind].columns for h in c.headers}
    assert all(header_key(h) in known for h in headers)
    required = {row[0]: row[1] for row in notes.iter_rows(min_row=2, values_only=True)}
    assert set(required) == set(headers)
    assert required[headers[1]] == "必填"  # 身份证号 (name first, then the ID number)
    out = io.BytesIO()
    book.save(out)
    parsed = parse(KINDS[kind], out.getvalue(), "template.xlsx")  # as downloaded: no header error, no row
    assert parsed.rows == [] and parsed.errors == [] and parsed.ignored == []


def test_roster_template_filled_with_its_example_imports_clean(
    client_for, inspector_a, township_a, department
):
    project = make_project(township_a, department)
    data = _filled(_template(client_for(inspector_a), "roster"))
    job, _parsed = roster_import_preview(project=project, user=inspector_a, filename="模板.xlsx", data=data)
    assert (job.error_count, job.total_rows, job.ignored_columns) == (0, 1, [])


def test_roster_template_matches_the_sample_roster_headers(client_for, inspector_a):
    book = _template(client_for(inspector_a), "roster")
    ours = {header_key(c.value) for c in book.worksheets[0][1]}
    sample = load_workbook(SAMPLES / "roster_clean.xlsx").worksheets[0]
    theirs = {header_key(c.value) for c in sample[3]}
    assert {"姓名", "公民身份号码", "联系电话", "所属班组", "工种", "用工单位", "进场日期"} <= ours & theirs


@pytest.mark.postgres
@pytest.mark.parametrize("kind", [ImportJob.Kind.PAY_SHEET, ImportJob.Kind.ATTENDANCE])
def test_wage_templates_filled_with_their_example_import_clean(
    client_for, inspector_a, township_a, department, kind
):
    project = make_project(township_a, department)
    book = _template(client_for(inspector_a), kind)
    notes = {row[0]: row[3] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    worker = make_worker(id_number=notes["身份证号码"] if "身份证号码" in notes else notes["公民身份号码"],
                         name=notes["姓名"])  # fmt: skip
    make_roster_entry(project, worker=worker, entry_date=datetime.date(2024, 1, 2))
    job = wage_import_preview(kind=kind, project=project, user=inspector_a, month=datetime.date(2024, 2, 1),
                              pay_date=None, filename="模板.xlsx", data=_filled(book))  # fmt: skip
    assert (job.error_count, job.total_rows, job.ignored_columns) == (0, 1, []), job.errors


@pytest.mark.parametrize(
    ("url", "kind"),
    [("projects:import_upload", "roster"), ("wages:import_pay_sheet", "pay_sheet"),
     ("wages:import_attendance", "attendance")],
)  # fmt: skip
def test_each_import_page_links_its_template(client_for, inspector_a, township_a, department, url, kind):
    project = make_project(township_a, department)
    page = client_for(inspector_a).get(reverse(url, args=[project.pk]))
    assert reverse("projects:import_template", args=[kind]) in page.content.decode()


def test_batch_template_has_the_project_code_and_imports_clean(
    client_for, inspector_a, township_a, department
):
    from projects.imports_batch import rosters_import_preview

    project = make_project(township_a, department)
    book = _template(client_for(inspector_a), ImportJob.Kind.ROSTERS)
    data = book.worksheets[0]
    assert data[1][0].value == "项目编号"
    notes = book.worksheets[1]
    notes.cell(row=2, column=4, value=project.code)  # the example row of 项目编号: a project of the user's
    job = rosters_import_preview(user=inspector_a, files=[("模板.xlsx", _filled(book))])
    assert (job.error_count, job.total_rows, job.created_count) == (0, 1, 1), job.errors
    assert job.parts[0]["projects"][0]["code"] == project.code


def test_unknown_template_is_not_found(client_for, inspector_a):
    url = reverse("projects:import_template", args=["golive"])
    assert client_for(inspector_a).get(url).status_code == 404


def test_attendance_template_is_the_monthly_form_with_days_required(client_for, inspector_a):
    notes = _template(client_for(inspector_a), "attendance").worksheets[1]
    required = {row[0]: row[1] for row in notes.iter_rows(min_row=2, values_only=True)}
    assert "考勤日期" not in required and required["出勤天数"] == "必填"
