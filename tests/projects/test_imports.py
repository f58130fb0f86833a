"""The sample rosters behave exactly as ../shared/samples/README.md says."""

import csv
import io

import pytest

from projects.imports import parse_date, parse_roster
from projects.models import ImportJob, RosterEntry, Worker
from projects.services import roster_import_confirm, roster_import_preview, roster_import_run
from tests.conftest import SAMPLES
from tests.projects.factories import make_project
from wagewatch.lib.fields import keyed_hash

DIRTY_ERRORS = {
    7: "公民身份号码",
    9: "姓名",
    11: "公民身份号码",
    13: "联系电话",
    15: "进场日期",
    17: "退场日期",
    19: "公民身份号码",
    21: "姓名",
    29: "是否签订劳动合同",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def project(township_a, department):
    return make_project(township_a, department)


def _read(name):
    return (SAMPLES / name).read_bytes()


def test_dirty_roster_reports_nine_errors_with_row_and_column():
    parsed = parse_roster(_read("roster_dirty.xlsx"), "roster_dirty.xlsx")
    assert {e.row: e.column for e in parsed.errors} == DIRTY_ERRORS
    assert len(parsed.errors) == 9
    assert parsed.header_row == 3
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e.message) for e in parsed.errors)


def test_dirty_roster_normalises_the_accepted_rows():
    rows = {r["row"]: r for r in parse_roster(_read("roster_dirty.xlsx"), "roster_dirty.xlsx").rows}
    assert rows[23]["team"] == "钢筋班组"
    assert rows[25]["id_number"].endswith("X")
    assert str(rows[27]["entry_date"]) == "2024-03-05"
    assert 44 not in rows and 45 not in rows


def test_dirty_roster_saves_nothing(project, inspector_a):
    job, _parsed = roster_import_preview(
        project=project, user=inspector_a, filename="roster_dirty.xlsx", data=_read("roster_dirty.xlsx")
    )
    assert job.error_count == 9
    with pytest.raises(Exception):  # noqa: B017  a preview with errors cannot be confirmed
        roster_import_confirm(job=job, user=inspector_a)
    assert Worker.objects.count() == 0 and RosterEntry.objects.count() == 0


def test_formula_name_is_never_stored(project, inspector_a):
    parsed = parse_roster(_read("roster_dirty.xlsx"), "roster_dirty.xlsx")
    assert not any(str(r["name"]).startswith("=") for r in parsed.rows)
    assert not Worker.objects.filter(name__startswith="=").exists()


def test_clean_roster_imports_200_and_reimport_updates(project, inspector_a):
    data = _read("roster_clean.xlsx")
    job, _ = roster_import_preview(project=project, user=inspector_a, filename="roster_clean.xlsx", data=data)
    assert (job.total_rows, job.created_count, job.error_count) == (200, 200, 0)
    job = roster_import_confirm(job=job, user=inspector_a)
    assert job.status == "done" and job.created_count == 200
    assert RosterEntry.objects.filter(project=project).count() == 200
    again, _ = roster_import_preview(
        project=project, user=inspector_a, filename="roster_clean.xlsx", data=data
    )
    assert (again.created_count, again.updated_count) == (0, 200)
    again = roster_import_confirm(job=again, user=inspector_a)
    assert (again.created_count, again.updated_count) == (0, 200)
    assert Worker.objects.count() == 200 and RosterEntry.objects.count() == 200
    assert ImportJob.objects.filter(project=project, sha256=job.sha256).count() == 2


def test_imported_worker_is_encrypted_and_found_by_hash(project, inspector_a):
    job, _ = roster_import_preview(
        project=project, user=inspector_a, filename="roster_clean.xlsx", data=_read("roster_clean.xlsx")
    )
    roster_import_confirm(job=job, user=inspector_a)
    worker = Worker.objects.get(id_number_hash=keyed_hash("410403198403236610"))
    assert worker.name == "孔磊" and worker.sex == "M" and str(worker.birth_date) == "1984-03-23"


def _csv_bytes(encoding):
    parsed_rows = parse_roster(_read("roster_clean.xlsx"), "roster_clean.xlsx").rows[:5]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["某项目花名册"])
    w.writerow(["身份证号", "姓名", "手机号码", "班组", "进场时间", "签订合同"])
    for r in parsed_rows:
        w.writerow([r["id_number"].lower(), f" {r['name']} ", r["phone"], r["team"], "2024年3月5日", "是"])
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_gb18030_and_utf8_with_header_variants(encoding):
    parsed = parse_roster(_csv_bytes(encoding), "roster.csv")
    assert parsed.errors == [] and len(parsed.rows) == 5
    assert parsed.header_row == 2
    assert str(parsed.rows[0]["entry_date"]) == "2024-03-05" and parsed.rows[0]["contract_signed"] is True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024.3.5", "2024-03-05"),
        ("2024年3月5日", "2024-03-05"),
        ("２０２４-03-05", "2024-03-05"),
        (45356.0, "2024-03-05"),
    ],
)
def test_dates_are_normalised(value, expected):
    assert str(parse_date(value)) == expected


def test_large_import_runs_as_job_with_progress(project, inspector_a, settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "IMPORT_SYNC_MAX_ROWS": 100}
    job, _ = roster_import_preview(
        project=project, user=inspector_a, filename="roster_clean.xlsx", data=_read("roster_clean.xlsx")
    )
    job = roster_import_confirm(job=job, user=inspector_a)
    roster_import_run(job_id=job.pk)  # the Celery task body; a second run does nothing
    roster_import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.progress == 100
    assert RosterEntry.objects.filter(project=project).count() == 200
