"""Many rosters at once (issue 18 item 14): several files, or one workbook with a sheet per project or a
项目编号 column, previewed together with errors per file, sheet, row and column, confirmed all or none.

The files are the real format of ../shared/samples/roster_clean.xlsx (title row, company line, header on
row 3), its workers split between the projects."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from projects.imports_batch import rosters_import_preview
from projects.models import ImportJob, RosterEntry, Worker
from projects.tasks import run_import
from tests.conftest import SAMPLES
from tests.projects.factories import make_project
from wagewatch.imports import pipeline

HEADERS = ["序号", "姓名", "性别", "公民身份号码", "联系电话", "所属班组", "工种", "进场日期"]
HEADERS += ["是否签订劳动合同"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture(scope="module")
def sample_rows():
    """The sample roster's workers as rows of HEADERS."""
    rows = CalamineWorkbook.from_path(str(SAMPLES / "roster_clean.xlsx")).get_sheet_by_index(0).to_python()
    header = rows[2]
    pick = [header.index(h) for h in HEADERS]
    return [[row[i] for i in pick] for row in rows[3:]]


@pytest.fixture
def projects(township_a, department):
    return [make_project(township_a, department) for _ in range(3)]


@pytest.fixture
def project_b(township_b, department):
    return make_project(township_b, department)


COMPANY = "填报单位：中建华东建设集团有限公司"


def _sheet(ws, rows, *, title="建筑工人实名制花名册", company=COMPANY, headers=HEADERS):
    ws.append([title])
    ws.append([company])
    ws.append(headers)
    for row in rows:
        ws.append(row)


def _xlsx(sheets: dict[str, list], **kw) -> bytes:
    """A workbook of {sheet name: rows}, each sheet in the real format."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        _sheet(book.create_sheet(name), rows, **kw)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _files(projects, sample_rows, size=5):
    return [
        (f"{p.code}_花名册.xlsx", _xlsx({"花名册": sample_rows[i * size : (i + 1) * size]}))
        for i, p in enumerate(projects)
    ]


def test_three_files_one_bad_row_lists_file_row_column_and_nothing_is_written(
    projects, sample_rows, inspector_a
):
    files = _files(projects, sample_rows)
    bad = [list(r) for r in sample_rows[5:10]]
    bad[2][4] = "138123"  # sheet row 6 of the second file: a phone number too short
    files[1] = (files[1][0], _xlsx({"花名册": bad}))
    job = rosters_import_preview(user=inspector_a, files=files)
    assert job.error_count == 1
    [error] = job.errors
    assert (error["sheet"], error["row"], error["column"]) == (files[1][0], 6, "联系电话")
    assert job.total_rows == 15
    with pytest.raises(ValidationError):
        pipeline.confirm(job)
    assert not RosterEntry.objects.exists() and not Worker.objects.exists()


def test_three_clean_files_confirm_writes_all_three_rosters_with_history(projects, sample_rows, inspector_a):
    job = rosters_import_preview(user=inspector_a, files=_files(projects, sample_rows))
    assert (job.error_count, job.total_rows, job.created_count) == (0, 15, 15)
    job = pipeline.confirm(job)
    assert job.status == "done" and job.created_count == 15
    for project in projects:
        assert RosterEntry.objects.filter(project=project).count() == 5
        record = ImportJob.objects.get(project=project, kind=ImportJob.Kind.ROSTER)
        assert (record.status, record.stage, record.created_count) == ("done", "confirm", 5)
        assert record.created_by == inspector_a and record.filename == f"{project.code}_花名册.xlsx"
    worker = RosterEntry.objects.filter(project=projects[0]).first().worker
    assert worker.history.get().history_change_reason == "名册导入"


def test_workbook_with_a_sheet_per_project(projects, sample_rows, inspector_a):
    one, two = projects[:2]
    data = _xlsx({one.code: sample_rows[:4], two.code: sample_rows[4:7]})
    job = rosters_import_preview(user=inspector_a, files=[("县里的花名册.xlsx", data)])
    assert job.error_count == 0 and job.total_rows == 7
    pipeline.confirm(job)
    assert RosterEntry.objects.filter(project=one).count() == 4
    assert RosterEntry.objects.filter(project=two).count() == 3


def test_one_sheet_with_a_project_code_column(projects, sample_rows, inspector_a):
    one, two = projects[:2]
    rows = [[*r, one.code if i < 3 else two.code] for i, r in enumerate(sample_rows[:5])]
    data = _xlsx({"汇总": rows}, headers=[*HEADERS, "项目编号"])
    job = rosters_import_preview(user=inspector_a, files=[("汇总.xlsx", data)])
    assert job.error_count == 0
    pipeline.confirm(job)
    assert RosterEntry.objects.filter(project=one).count() == 3
    assert RosterEntry.objects.filter(project=two).count() == 2


def test_a_title_cell_names_the_project(projects, sample_rows, inspector_a):
    data = _xlsx({"花名册": sample_rows[:2]}, company=f"项目编号：{projects[2].code}  填报单位：某公司")
    job = rosters_import_preview(user=inspector_a, files=[("花名册.xlsx", data)])
    assert job.error_count == 0
    pipeline.confirm(job)
    assert RosterEntry.objects.filter(project=projects[2]).count() == 2


def test_a_project_of_another_township_is_an_error_naming_the_file(
    projects, project_b, sample_rows, inspector_a
):
    files = [*_files(projects[:1], sample_rows), *_files([project_b], sample_rows[5:])]
    job = rosters_import_preview(user=inspector_a, files=files)
    assert [(e["sheet"], e["column"]) for e in job.errors] == [(files[1][0], "项目编号")]
    assert project_b.code in job.errors[0]["message"]
    with pytest.raises(ValidationError):
        pipeline.confirm(job)
    assert not RosterEntry.objects.exists()


def test_a_file_naming_no_project_is_an_error(projects, sample_rows, inspector_a):
    files = [("花名册.xlsx", _xlsx({"花名册": sample_rows[:2]}))]
    job = rosters_import_preview(user=inspector_a, files=files)
    assert [(e["sheet"], e["column"]) for e in job.errors] == [("花名册.xlsx", "项目编号")]


def test_the_same_worker_twice_in_one_project_is_an_error(projects, sample_rows, inspector_a):
    files = [(f"{projects[0].code}_1.xlsx", _xlsx({"a": sample_rows[:3]})),
             (f"{projects[0].code}_2.xlsx", _xlsx({"a": sample_rows[2:4]}))]  # fmt: skip
    job = rosters_import_preview(user=inspector_a, files=files)
    assert [(e["sheet"], e["row"], e["column"]) for e in job.errors] == [(files[1][0], 4, "公民身份号码")]


def test_a_large_batch_runs_in_celery_with_progress(projects, sample_rows, inspector_a, settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "IMPORT_SYNC_MAX_ROWS": 10}
    job = pipeline.confirm(rosters_import_preview(user=inspector_a, files=_files(projects, sample_rows)))
    assert job.status == "queued"
    run_import(job.pk)  # the Celery task body; a second run does nothing
    run_import(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.progress == 100 and RosterEntry.objects.count() == 15


# ---------------------------------------------------------------- pages
def _uploads(files):
    return [SimpleUploadedFile(name, data) for name, data in files]


def test_pages_upload_several_files_preview_confirm(client_for, inspector_a, projects, sample_rows):
    c = client_for(inspector_a)
    form = c.get(reverse("projects:import_many")).content.decode()
    assert 'type="file" name="rosters" multiple' in form
    r = c.post(reverse("projects:import_many"), {"rosters": _uploads(_files(projects, sample_rows))})
    assert r.status_code == 302
    page = c.get(r.url)
    body = page.content.decode()
    for project in projects:
        assert f"{project.code}_花名册.xlsx" in body and project.name in body
    job = page.context["job"]
    r = c.post(reverse("projects:import_many_confirm", args=[job.pk]))
    assert r.status_code == 302
    assert c.get(r.url).status_code == 200
    status = c.get(reverse("projects:import_many_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["created"] == 15


def test_pages_error_workbook_names_the_file(client_for, inspector_a, projects, sample_rows):
    files = _files(projects, sample_rows)
    bad = [list(r) for r in sample_rows[:5]]
    bad[0][1] = ""  # no name, sheet row 4
    files[0] = (files[0][0], _xlsx({"花名册": bad}))
    c = client_for(inspector_a)
    r = c.post(reverse("projects:import_many"), {"rosters": _uploads(files)})
    page = c.get(r.url)
    assert "姓名不能为空" in page.content.decode()
    job = page.context["job"]
    book = load_workbook(io.BytesIO(c.get(reverse("projects:import_many_errors", args=[job.pk])).content))
    summary = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert summary[1][:3] == [files[0][0], 4, "姓名"]


def test_pages_refuse_too_many_files(client_for, inspector_a, projects, sample_rows, settings):
    from projects.forms import RostersImportForm

    files = _files(projects, sample_rows) * (RostersImportForm.MAX_FILES // 3 + 1)
    r = client_for(inspector_a).post(reverse("projects:import_many"), {"rosters": _uploads(files)})
    assert r.status_code == 400 and not ImportJob.objects.exists()


def test_pages_another_users_batch_is_not_found(client_for, inspector_a, inspector_b, projects, sample_rows):
    job = rosters_import_preview(user=inspector_a, files=_files(projects, sample_rows))
    c = client_for(inspector_b)
    assert c.get(reverse("projects:import_many_preview", args=[job.pk])).status_code == 404
    assert c.post(reverse("projects:import_many_confirm", args=[job.pk])).status_code == 404
    assert not RosterEntry.objects.exists()


def test_a_worker_of_another_township_renamed_is_an_error_naming_the_file(
    projects, project_b, sample_rows, inspector_a
):
    from tests.projects.factories import make_roster_entry, make_worker

    row = list(sample_rows[0])
    make_roster_entry(project_b, worker=make_worker(id_number=row[3], name="别的名字"))
    files = _files(projects[:2], [row, *sample_rows[1:10]])
    job = rosters_import_preview(user=inspector_a, files=files)
    assert [(e["sheet"], e["row"], e["column"]) for e in job.errors] == [(files[0][0], 4, "姓名")]
    assert "别的名字" in job.errors[0]["message"]


def test_an_unreadable_file_is_its_own_error_and_the_others_are_still_checked(
    projects, sample_rows, inspector_a
):
    files = [*_files(projects[:1], sample_rows), (f"{projects[1].code}.xlsx", b"not a workbook")]
    job = rosters_import_preview(user=inspector_a, files=files)
    assert [(e["sheet"], e["row"]) for e in job.errors] == [(files[1][0], 0)]
    assert [(p["sheet"], p["rows"]) for p in job.parts] == [(files[0][0], 5), (files[1][0], 0)]
    assert job.parts[0]["projects"][0]["code"] == projects[0].code and job.parts[0]["errors"] == 0


def test_a_notes_sheet_beside_the_rosters_is_listed_not_imported(projects, sample_rows, inspector_a):
    book = Workbook()
    book.remove(book.active)
    _sheet(book.create_sheet(projects[0].code), sample_rows[:2])
    book.create_sheet("说明").append(["列名", "是否必填"])
    out = io.BytesIO()
    book.save(out)
    job = rosters_import_preview(user=inspector_a, files=[("县里.xlsx", out.getvalue())])
    assert job.error_count == 0 and job.total_rows == 2
    assert any("说明" in text for text in job.ignored_columns)


def test_the_roster_import_page_and_the_project_list_lead_to_the_batch(client_for, inspector_a, projects):
    c = client_for(inspector_a)
    url = reverse("projects:import_many")
    assert url in c.get(reverse("projects:import_upload", args=[projects[0].pk])).content.decode()
    assert url in c.get(reverse("projects:list")).content.decode()


def test_the_sample_rosters_as_a_batch_report_the_dirty_ones_nine_errors_by_file(projects, inspector_a):
    from tests.projects.test_imports import DIRTY_ERRORS

    clean, dirty = (SAMPLES / "roster_clean.xlsx").read_bytes(), (SAMPLES / "roster_dirty.xlsx").read_bytes()
    files = [
        (f"{projects[0].code} 城南安置房二期.xlsx", clean),
        (f"{projects[1].code} 城北污水管网.xlsx", dirty),
    ]
    job = rosters_import_preview(user=inspector_a, files=files)
    assert {(e["sheet"], e["row"], e["column"]) for e in job.errors} == {
        (files[1][0], row, column) for row, column in DIRTY_ERRORS.items()
    }
    assert [(p["rows"], p["errors"]) for p in job.parts] == [(200, 0), (job.parts[1]["rows"], 9)]
    with pytest.raises(ValidationError):
        pipeline.confirm(job)
    assert not RosterEntry.objects.exists() and not Worker.objects.exists()
