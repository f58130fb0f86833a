"""The sample rosters behave exactly as ../shared/samples/README.md says."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from projects.imports import parse_roster, roster_import_confirm, roster_import_preview
from projects.models import ImportJob, RosterEntry, Worker
from projects.tasks import run_import as roster_import_run
from tests.conftest import SAMPLES
from tests.projects.factories import make_project, make_roster_entry, make_worker, valid_id
from wagewatch.imports.cells import parse_date
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
    assert worker.phone and worker.phone_hash == keyed_hash(worker.phone)  # found by phone too


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


# ---------------------------------------------------------------- identity across jurisdictions (issue 14)
def _roster_csv(*rows, header=("姓名", "身份证号", "手机号码", "进场日期")) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    for row in rows:
        w.writerow(row)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def project_b(township_b, department):
    return make_project(township_b, department)


@pytest.fixture
def sun_ming(project_b):
    """孙明, on township B's roster only."""
    worker = make_worker(name="孙明", phone="13900000001")
    make_roster_entry(project_b, worker=worker)
    return worker


def test_inspector_import_cannot_rename_worker_of_other_township(project, inspector_a, sun_ming):
    data = _roster_csv(["孙小明", sun_ming.id_number, "13700000002", "2024-03-05"])
    job, _parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=data)
    assert job.errors == [{"row": 2, "column": "姓名", "message": "此身份证号已在其他项目登记为孙明"}]
    assert job.created_count == 0
    with pytest.raises(ValidationError):
        roster_import_confirm(job=job, user=inspector_a)
    sun_ming.refresh_from_db()
    assert (sun_ming.name, sun_ming.phone) == ("孙明", "13900000001")
    assert not RosterEntry.objects.filter(project=project).exists()


def test_inspector_import_cannot_change_phone_of_other_township_worker(project, inspector_a, sun_ming):
    data = _roster_csv(["孙明", sun_ming.id_number, "13700000002", "2024-03-05"])
    job, _parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=data)
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "手机号码")]
    assert "139****0001" in job.errors[0]["message"] and "13900000001" not in job.errors[0]["message"]


def test_conflict_arising_after_preview_refuses_the_whole_import(project, project_b, inspector_a):
    fresh, other = valid_id(), make_worker(name="孙明")
    data = _roster_csv(["李四", fresh, "", "2024-03-05"], ["孙小明", other.id_number, "", "2024-03-05"])
    job, _parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=data)
    assert job.error_count == 0  # 孙明 is on nobody's roster yet
    make_roster_entry(project_b, worker=other)  # township B registers him before the confirm
    job = roster_import_confirm(job=job, user=inspector_a)
    assert job.status == "failed" and "第3行" in job.error
    assert job.errors == [{"row": 3, "column": "姓名", "message": "此身份证号已在其他项目登记为孙明"}]
    other.refresh_from_db()
    assert other.name == "孙明" and not RosterEntry.objects.filter(project=project).exists()
    assert not Worker.objects.filter(id_number_hash=keyed_hash(fresh)).exists()


def test_office_import_changes_identity_and_keeps_history(project, office, sun_ming):
    data = _roster_csv(["孙小明", sun_ming.id_number, "13700000002", "2024-03-05"])
    job, _parsed = roster_import_preview(project=project, user=office, filename="r.csv", data=data)
    assert job.error_count == 0
    assert job.warnings[0]["row"] == 2 and "孙明" in job.warnings[0]["message"]
    before = sun_ming.history.count()
    roster_import_confirm(job=job, user=office)
    sun_ming.refresh_from_db()
    assert (sun_ming.name, sun_ming.phone) == ("孙小明", "13700000002")
    assert sun_ming.phone_hash == keyed_hash("13700000002")
    assert sun_ming.history.count() == before + 1
    record = sun_ming.history.order_by("-history_id").first()
    assert record.history_user == office and record.name == "孙小明"
    assert "孙明" in record.history_change_reason and "孙小明" in record.history_change_reason
    assert "139****0001" in record.history_change_reason and "137****0002" in record.history_change_reason
    assert "13700000002" not in record.history_change_reason


def test_own_township_import_renames_with_history_and_unchanged_rows_write_none(project, inspector_a):
    renamed, same = make_worker(name="孙明"), make_worker(name="周五")
    for worker in (renamed, same):
        make_roster_entry(project, worker=worker)
    data = _roster_csv(
        ["孙小明", renamed.id_number, "", "2024-03-05"], ["周五", same.id_number, "", "2024-03-05"]
    )
    job, _parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=data)
    assert job.error_count == 0
    roster_import_confirm(job=job, user=inspector_a)
    assert renamed.history.count() == 2 and same.history.count() == 1
    record = renamed.history.order_by("-history_id").first()
    assert record.history_user == inspector_a and record.history_change_reason == "姓名：孙明 → 孙小明"


# ---------------------------------------------------------------- headers the app does not know (issue 14)
@pytest.mark.parametrize("exit_header", ["离场时间", "离场日期", "出场日期", "出场时间", "退场时间"])
@pytest.mark.parametrize(("id_header", "phone_header"), [("证件号码", "手机"), ("身份证件号码", "联系电话")])
def test_header_variants_are_known(exit_header, id_header, phone_header):
    ident = valid_id()
    data = _roster_csv(
        ["王五", ident, "13700000002", "2024-03-05", "2024-06-30"],
        header=("姓名", id_header, phone_header, "进场日期", exit_header),
    )
    parsed = parse_roster(data, "r.csv")
    assert parsed.errors == [] and parsed.ignored == []
    row = parsed.rows[0]
    assert (row["id_number"], row["phone"], str(row["exit_date"])) == (ident, "13700000002", "2024-06-30")


def test_ignored_columns_are_listed_in_the_preview(project, inspector_a):
    data = _roster_csv(
        ["1", "王五", valid_id(), "2024-03-05", "2024-06-30", "老乡介绍", ""],
        header=("序号", "姓名", "身份证号", "进场日期", "撤场日期", "备注", "姓名"),
    )
    job, parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=data)
    assert parsed.ignored == job.ignored_columns == ["E列“撤场日期”", "F列“备注”", "G列“姓名”"]


# ---------------------------------------------------------------- uploads leave MEDIA_ROOT (issue 14)
def _stored(job) -> bool:
    return bool(job.file.name) and job.file.storage.exists(job.file.name)


def test_upload_is_deleted_when_the_import_is_done(project, inspector_a):
    data = _roster_csv(["王五", valid_id(), "", "2024-03-05"])
    job, _parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=data)
    path = job.file.name
    assert _stored(job)
    job = roster_import_confirm(job=job, user=inspector_a)
    assert job.status == "done" and job.file.name == "" and not job.file.storage.exists(path)


def test_upload_is_deleted_when_the_import_fails(project, project_b, inspector_a):
    other = make_worker(name="孙明")
    data = _roster_csv(["孙小明", other.id_number, "", "2024-03-05"])
    job, _parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=data)
    path = job.file.name
    make_roster_entry(project_b, worker=other)
    job = roster_import_confirm(job=job, user=inspector_a)
    assert job.status == "failed" and job.file.name == "" and not job.file.storage.exists(path)


def test_cleanup_deletes_uploads_of_previews_abandoned_for_a_day(project, inspector_a):
    from projects.tasks import import_uploads_cleanup  # the beat task, called as a function

    data = _roster_csv(["王五", valid_id(), "", "2024-03-05"])
    old, _parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=data)
    fresh, _parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=data)
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    old_path = old.file.name
    assert import_uploads_cleanup() == 1
    assert import_uploads_cleanup() == 0  # a second run finds nothing left
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.file.name == "" and not old.file.storage.exists(old_path)
    assert _stored(fresh)
    with pytest.raises(ValidationError):  # the abandoned preview cannot be confirmed any more
        roster_import_confirm(job=old, user=inspector_a)


def test_cleanup_task_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "projects.tasks.import_uploads_cleanup" in tasks


def test_import_creating_workers_keeps_their_creation_in_history(project, inspector_a):
    data = _roster_csv(["周六", valid_id(), "13700000003", "2024-03-05"])
    job, _parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=data)
    roster_import_confirm(job=job, user=inspector_a)
    worker = RosterEntry.objects.get(project=project).worker
    record = worker.history.get()
    assert (record.history_type, record.history_user, record.name) == ("+", inspector_a, "周六")
    assert record.history_change_reason == "名册导入"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1900-01-01"])
def test_implausible_entry_dates_are_row_errors(day):
    parsed = parse_roster(_roster_csv(["周七", valid_id(), "", day]), "r.csv")
    assert not parsed.rows
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "进场日期")]
    assert "日期超出合理范围" in parsed.errors[0].message


def test_a_failed_import_shows_a_plain_reason_not_a_python_error(project, inspector_a):
    data = _roster_csv(["周八", valid_id(), "", "2024-03-05"])
    job, _parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=data)
    job.file.storage.delete(job.file.name)  # the upload vanished from disk under the job
    ImportJob.objects.filter(pk=job.pk).update(stage="confirm", status="queued")
    roster_import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.error.startswith("后台任务出错")
    assert "FileNotFoundError" not in job.error and "No such file" not in job.error


def test_import_keeps_the_card_masked_with_its_keyed_hash_only(project, inspector_a):
    from wagewatch.lib.cardhash import card_hash

    parsed = parse_roster(_read("roster_clean.xlsx"), "roster_clean.xlsx").rows[0]
    job, _ = roster_import_preview(
        project=project, user=inspector_a, filename="roster_clean.xlsx", data=_read("roster_clean.xlsx")
    )
    roster_import_confirm(job=job, user=inspector_a)
    entry = RosterEntry.objects.get(project=project, worker__id_number_hash=keyed_hash(parsed["id_number"]))
    assert entry.card_masked == parsed["card_masked"] and "*" in entry.card_masked
    assert entry.card_hash == parsed["card_hash"] != "" and len(entry.card_hash) == 64
    assert card_hash(entry.card_masked) == ""  # a masked number is never hashed
