"""Rows are typed and checked in batches of 1,000 (wagewatch.imports.kinds.BATCH): at a batch's edge an error
keeps its sheet row, a number repeated in a later batch is still a repeat, and every row is written."""

import csv
import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from projects.imports import ROSTER, parse_roster, roster_import_confirm, roster_import_preview
from projects.models import RosterEntry, Worker
from projects.tasks import run_import
from tests.projects.factories import make_project, make_roster_entry, make_worker, valid_id
from wagewatch.imports.kinds import BATCH
from wagewatch.imports.pipeline import (
    UPDATE_BATCH,
    KeptRows,
    PreviewGone,
    _dumps,
    error_sheet,
    preview_rows,
    stored,
)
from wagewatch.lib.fields import keyed_hash

HEADER = ("姓名", "身份证号", "手机号码", "进场日期")
ROWS = 2 * BATCH + 100  # three batches


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _rows(n: int = ROWS) -> list[list[str]]:
    # valid_id(n=...) is unique for n < 500 * 365 days: these do not repeat
    return [[f"工人{i}", valid_id(n=10_000 + i), "13800138000", "2024-03-05"] for i in range(n)]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _sheet_row(index: int) -> int:
    return index + 2  # the header is sheet row 1


def test_errors_at_batch_edges_keep_their_sheet_rows():
    rows = _rows()
    # the last row of the first batch, the first of the second, and the same at the next edge
    edges = [BATCH - 1, BATCH, 2 * BATCH - 1, 2 * BATCH]
    for i in edges:
        rows[i][3] = "2024-13-45"
    parsed = parse_roster(_csv(rows), "r.csv")
    assert [(e.row, e.column) for e in parsed.errors] == [(_sheet_row(i), "进场日期") for i in edges]
    assert [_sheet_row(i) for i in edges] == [1001, 1002, 2001, 2002]
    assert len(parsed.rows) == ROWS - 4 and parsed.total == ROWS
    kept = {r["row"] for r in parsed.rows}
    assert not kept & {1001, 1002, 2001, 2002} and {1000, 1003, 2000, 2003} <= kept


def test_a_number_repeated_in_a_later_batch_names_the_first_row():
    rows = _rows()
    rows[2 * BATCH + 50][1] = rows[10][1]  # in the third batch, the ID of the first batch's 11th row
    rows[BATCH + 5][1] = rows[BATCH - 1][1]  # across the first edge
    parsed = parse_roster(_csv(rows), "r.csv")
    assert [(e.row, e.message) for e in parsed.errors] == [
        (_sheet_row(BATCH + 5), f"身份证号码与第{_sheet_row(BATCH - 1)}行重复"),
        (_sheet_row(2 * BATCH + 50), f"身份证号码与第{_sheet_row(10)}行重复"),
    ]


def test_blank_rows_and_formula_cells_past_the_first_batch_keep_their_rows():
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    rows = _rows(BATCH + 20)
    for i, row in enumerate(rows):
        if i == BATCH + 3:
            sheet.append([])  # a blank row: not counted, and the rows below keep their numbers
        sheet.append(row)
    sheet.cell(row=BATCH + 10, column=1, value="=A2")  # a formula in the name column
    sheet.cell(row=BATCH + 12, column=1, value="+86 张三")  # text that reads as one
    out = io.BytesIO()
    book.save(out)
    parsed = parse_roster(out.getvalue(), "r.xlsx")
    assert [(e.row, e.column) for e in parsed.errors] == [(BATCH + 10, "姓名"), (BATCH + 12, "姓名")]
    assert parsed.total == BATCH + 20
    assert max(r["row"] for r in parsed.rows) == BATCH + 22  # the blank row shifted the last one down


def test_every_row_of_several_batches_is_written_with_its_history(township_a, department, inspector_a):
    project = make_project(township_a, department)
    rows = _rows()
    job, _parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=_csv(rows))
    assert job.error_count == 0 and job.total_rows == ROWS
    job = roster_import_confirm(job=job, user=inspector_a)
    run_import(job_id=job.pk)  # the Celery task body (a file this long is queued)
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == ROWS
    assert RosterEntry.objects.filter(project=project).count() == ROWS
    hashes = Worker.objects.filter(roster_entries__project=project).values_list("id_number_hash", flat=True)
    assert Worker.history.filter(id_number_hash__in=list(hashes), history_type="+").count() == ROWS


def test_the_run_reads_the_kept_rows_a_batch_at_a_time(township_a, department, inspector_a):
    project = make_project(township_a, department)
    job, _parsed = roster_import_preview(
        project=project, user=inspector_a, filename="r.csv", data=_csv(_rows(5))
    )
    rows = stored(job).rows
    assert isinstance(rows, KeptRows) and len(rows) == 5
    assert [r["row"] for r in rows] == [2, 3, 4, 5, 6] == [r["row"] for r in rows]  # walked again: read again
    assert len(preview_rows(job, limit=10)) == 5


def test_a_preview_kept_in_the_former_single_document_still_runs(township_a, department, inspector_a):
    project = make_project(township_a, department)
    job, _parsed = roster_import_preview(
        project=project, user=inspector_a, filename="r.csv", data=_csv(_rows(3))
    )
    kept = stored(job)
    former = {"headers": kept.headers, "mapping": kept.mapping, "columns": kept.columns,
              "rows": list(kept.rows), "raw": [], "parts": {}}  # fmt: skip
    job.file.save("former.json", ContentFile(_dumps(former).encode()), save=True)
    assert isinstance(stored(job).rows, list) and len(stored(job).rows) == 3
    job = roster_import_confirm(job=job, user=inspector_a)
    assert job.status == "done" and job.created_count == 3


# ---------------------------------------------------------------- the preview holds a batch, not the file
def test_the_preview_keeps_what_a_whole_parse_and_check_would(township_a, department, inspector_a):
    project = make_project(township_a, department)
    rows = _rows()
    on_roster = make_roster_entry(
        project, worker=make_worker(id_number=rows[BATCH + 7][1], name=rows[BATCH + 7][0])
    )
    job, parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=_csv(rows))
    assert isinstance(parsed.rows, KeptRows)  # read back from the job's file, never a list of every row
    whole = parse_roster(_csv(rows), "r.csv")
    check = ROSTER.check(job, whole)
    assert list(stored(job).rows) == list(parsed.rows) == whole.rows
    assert [r["row"] for r in whole.rows if r["update"]] == [_sheet_row(BATCH + 7)]
    assert (job.total_rows, job.created_count, job.updated_count) == (ROWS, ROWS - 1, 1)
    assert (check.created, check.updated, check.warnings) == (ROWS - 1, 1, job.warnings)
    assert on_roster.worker.id_number_hash == keyed_hash(rows[BATCH + 7][1])


def test_a_preview_with_errors_in_later_batches_keeps_their_cells_and_no_rows(
    township_a, department, inspector_a, township_b
):
    project, elsewhere = make_project(township_a, department), make_project(township_b, department)
    rows = _rows()
    rows[BATCH][3] = "2024-13-45"  # a cell error at the second batch's first row
    rows[2 * BATCH + 99][1] = rows[3][1]  # a repeat in the last row
    held = make_worker(id_number=rows[BATCH + 500][1], name="孙明")
    make_roster_entry(elsewhere, worker=held)  # another township's worker, renamed by the file: a check error
    job, parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=_csv(rows))
    numbers = [_sheet_row(BATCH), _sheet_row(BATCH + 500), _sheet_row(2 * BATCH + 99)]
    assert [e["row"] for e in job.errors] == numbers and job.error_count == 3
    assert [e["column"] for e in job.errors] == ["进场日期", "姓名", "身份证号"]
    assert parsed.rows == [] and len(stored(job).rows) == 0
    assert [number for number, _cells in stored(job).raw] == numbers
    _title, _headers, lines = error_sheet(job, reveal=True)
    assert [line[1:5] for line in lines] == [rows[i] for i in (BATCH, BATCH + 500, 2 * BATCH + 99)]


def test_kept_rows_changed_on_disk_are_not_read(township_a, department, inspector_a):
    project = make_project(township_a, department)
    job, _parsed = roster_import_preview(
        project=project, user=inspector_a, filename="r.csv", data=_csv(_rows(3))
    )
    with job.file.open("rb") as fh:
        data = bytearray(fh.read())
    data[-3] ^= 1  # a byte of the last frame's pickle
    job.file.save("changed.jsonl", ContentFile(bytes(data)), save=True)
    with pytest.raises(PreviewGone):
        list(stored(job).rows)


def test_a_reimport_updates_its_entries_from_a_staging_table_with_jit_off(
    township_a, department, inspector_a
):
    """(found by review) With 5,000 rows a batch, a re-import updated 5,000 entries in one bulk_update: a CASE
    of 5,000 branches a column, which PostgreSQL's JIT compiled for minutes (and which cost a second of
    Python a thousand rows). Entries are updated from a staging table (copy.update_rows), with JIT off."""
    project = make_project(township_a, department)
    rows = _rows(UPDATE_BATCH + 100)
    moved = [[*r[:3], "2024-03-06"] for r in rows]  # the second file changes every entry date
    for data in (_csv(rows), _csv(moved)):
        job, _parsed = roster_import_preview(project=project, user=inspector_a, filename="r.csv", data=data)
        with CaptureQueriesContext(connection) as queries:
            job = roster_import_confirm(job=job, user=inspector_a)
            if job.status != "done":  # a file this long may be queued: the Celery task's body
                run_import(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == "done"
    assert job.updated_count == UPDATE_BATCH + 100
    updates = [q["sql"] for q in queries if 'UPDATE "projects_rosterentry"' in q["sql"]]
    assert updates and not any("CASE WHEN" in sql for sql in updates)
    if connection.vendor == "postgresql":
        assert "SET LOCAL jit = off" in [q["sql"] for q in queries]
    assert set(RosterEntry.objects.filter(project=project).values_list("entry_date", flat=True)) == {
        datetime.date(2024, 3, 6)
    }
