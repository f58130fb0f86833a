"""The pay-sheet and attendance samples behave exactly as samples/README.md says (issue 16, ways in 1 and 2).

The samples cover the workers of ../shared/samples/roster_clean.xlsx: the roster is imported first."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from projects.imports import roster_import_confirm, roster_import_preview
from projects.models import ImportJob, RosterEntry
from projects.tasks import run_import
from tests.conftest import ROOT, SAMPLES
from tests.projects.factories import make_project, make_roster_entry, make_worker, valid_id
from tests.wages.factories import make_pay_line
from wages.imports import PAY_SHEET, wage_import_preview
from wages.models import PayLine
from wagewatch.imports import pipeline
from wagewatch.imports.kinds import parse
from wagewatch.imports.reading import ImportFileError
from wagewatch.lib.cardhash import card_hash
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.masking import mask_card, mask_id

pytestmark = pytest.mark.postgres
WAGE_SAMPLES = ROOT / "samples"
FEB = datetime.date(2024, 2, 1)
PAY_DAY = datetime.date(2024, 3, 15)
PAY, ATTENDANCE = ImportJob.Kind.PAY_SHEET, ImportJob.Kind.ATTENDANCE
DIRTY_ERRORS = {
    6: "身份证号码",  # not on the roster
    8: "姓名",  # not the roster's name
    10: "实发工资（元）",  # -100
    12: "出勤天数",  # 35 days
    14: "实发工资（元）",  # 五千元
    16: "身份证号码",  # repeats row 4
    18: "银行卡号",  # too short
    20: "姓名",  # a formula
    22: "实发工资（元）",  # more than due − deductions
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def project(township_a, department, inspector_a):
    """城南安置房二期项目 with the shared sample roster imported."""
    project = make_project(township_a, department)
    data = (SAMPLES / "roster_clean.xlsx").read_bytes()
    job, _ = roster_import_preview(project=project, user=inspector_a, filename="roster_clean.xlsx", data=data)
    roster_import_confirm(job=job, user=inspector_a)
    return project


def _data(name: str) -> bytes:
    return (WAGE_SAMPLES / name).read_bytes()


def _sheet(name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(WAGE_SAMPLES / name)).get_sheet_by_index(0).to_python()


def preview(project, user, name, *, kind=PAY, data=None, pay_date=PAY_DAY, month=FEB) -> ImportJob:
    data = _data(name) if data is None else data
    return wage_import_preview(
        kind=kind, project=project, user=user, month=month, pay_date=pay_date, filename=name, data=data
    )


def imported(project, user, name, **kw) -> ImportJob:
    job = preview(project, user, name, **kw)
    assert job.error_count == 0, job.errors
    return pipeline.confirm(job)


def lines(project) -> dict[str, PayLine]:
    """The project's February lines by the worker's ID hash."""
    found = PayLine.objects.filter(project=project, month=FEB).select_related("entry__worker")
    return {line.entry.worker.id_number_hash: line for line in found}


# ---------------------------------------------------------------- the pay sheet
def test_clean_pay_sheet_imports_60_lines_and_leaves_the_totals_row(project, inspector_a):
    job = preview(project, inspector_a, "pay_sheet_clean.xlsx")
    assert (job.total_rows, job.created_count, job.error_count, job.warnings) == (60, 60, 0, [])
    job = pipeline.confirm(job)
    assert (job.status, job.created_count, job.updated_count) == ("done", 60, 0)
    by_hash, rows = lines(project), _sheet("pay_sheet_clean.xlsx")[3:63]
    assert len(by_hash) == 60
    for r in rows:
        line = by_hash[keyed_hash(r[2])]
        assert (line.days, line.due, line.deductions, line.net) == tuple(
            Decimal(str(v)).quantize(Decimal(q))
            for v, q in zip(r[5:6] + r[7:10], ["0.1", "0.01", "0.01", "0.01"], strict=True)
        )
        assert line.card_hash == card_hash(r[11]) and line.card_masked.endswith(r[11][-4:])
        assert r[11] not in line.card_masked
        assert (line.paid_on, line.signed, line.source, line.via_account) == (PAY_DAY, True, "sheet", None)
    assert sum(line.net for line in by_hash.values()) == Decimal("530050.00")  # the 合计 row's figure


def test_variant_layout_lands_the_same_amounts_exact_to_the_fen(project, inspector_a):
    job = imported(project, inspector_a, "pay_sheet_variant.xlsx")
    assert job.total_rows == 60 and job.created_count == 60
    floats = {keyed_hash(r[2]): r[9] for r in _sheet("pay_sheet_variant.xlsx")[4:64]}  # header on row 4
    assert sum(1 for net in floats.values() if net != int(net)) == 40  # 9359.000000001 and the like
    found = lines(project).values()
    assert all(line.net == line.due - line.deductions for line in found)
    assert all(line.net.as_tuple().exponent == -2 for line in found)
    assert sum(line.net for line in found) == Decimal("525690.00")


def test_dirty_pay_sheet_reports_the_nine_errors_and_saves_nothing(project, inspector_a):
    job = preview(project, inspector_a, "pay_sheet_dirty.xlsx")
    assert {e["row"]: e["column"] for e in job.errors} == DIRTY_ERRORS
    assert job.error_count == 9 and job.total_rows == 30  # rows 34-35 are blank
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in job.errors)
    with pytest.raises(ValidationError):
        pipeline.confirm(job)
    assert not PayLine.objects.exists() and not PayLine.history.exists()


def test_dirty_pay_sheet_accepts_the_rows_the_readme_accepts():
    rows = {r["row"]: r for r in parse(PAY_SHEET, _data("pay_sheet_dirty.xlsx"), "d.xlsx").rows}
    assert rows[24]["due"] == rows[24]["net"] == Decimal("8840.00")  # "8,840.00元"
    card = _sheet("pay_sheet_dirty.xlsx")[25][11]
    assert card.startswith(" ") and rows[26]["card_hash"] == card_hash(card.strip())
    assert "card" not in rows[26] and card.strip() not in str(rows)  # only masked and hashed
    assert rows[28]["signed"] is False and rows[4]["signed"] is True
    assert 20 not in rows and not any(str(r["name"]).startswith("=") for r in rows.values())


def test_totals_row_that_differs_from_the_rows_is_a_warning(project, inspector_a):
    worker = RosterEntry.objects.filter(project=project).select_related("worker").first().worker
    data = (
        "姓名,身份证号,出勤天数,应发工资,扣款,实发工资,发放日期\n"
        f"{worker.name},{worker.id_number},20,6000,0,6000,2024-03-10\n"
        "合计,,,6000,0,5000,\n"
    ).encode()
    job = preview(project, inspector_a, "p.csv", data=data, pay_date=None)
    assert job.total_rows == 1 and job.error_count == 0
    assert [(w["row"], "实发工资" in w["message"]) for w in job.warnings] == [(3, True)]


def test_a_pay_sheet_without_pay_dates_needs_the_form_date(project, inspector_a):
    worker = RosterEntry.objects.filter(project=project).select_related("worker").first().worker
    data = f"姓名,身份证号,应发工资,实发工资\n{worker.name},{worker.id_number},6000,6000\n".encode()
    with pytest.raises(ImportFileError, match="发放日期"):
        preview(project, inspector_a, "p.csv", data=data, pay_date=None)
    imported(project, inspector_a, "p.csv", data=data, pay_date=PAY_DAY)
    assert PayLine.objects.get().paid_on == PAY_DAY


def test_worker_outside_the_month_or_left_before_it_is_an_error(project, inspector_a):
    left = make_roster_entry(
        project, entry_date=datetime.date(2023, 5, 1), exit_date=datetime.date(2024, 1, 20)
    )
    data = f"姓名,身份证号,应发工资,实发工资\n{left.worker.name},{left.worker.id_number},6000,6000\n".encode()
    job = preview(project, inspector_a, "p.csv", data=data)
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "身份证号")]
    assert "当月不在" in job.errors[0]["message"]


def test_reimport_writes_only_what_changed_with_history(project, inspector_a):
    imported(project, inspector_a, "pay_sheet_clean.xlsx")
    assert PayLine.history.filter(history_type="+", history_user=inspector_a).count() == 60
    again = imported(project, inspector_a, "pay_sheet_clean.xlsx")
    assert (again.created_count, again.updated_count) == (0, 0)
    assert PayLine.history.count() == 60
    variant = imported(project, inspector_a, "pay_sheet_variant.xlsx")  # other days and amounts
    assert variant.created_count == 0 and 0 < variant.updated_count <= 60
    assert PayLine.history.filter(history_type="~").count() == variant.updated_count
    assert PayLine.objects.count() == 60


def test_a_line_the_bank_reported_keeps_the_banks_figures(project, inspector_a):
    entry = RosterEntry.objects.get(project=project, worker__id_number_hash=keyed_hash("522422197105190556"))
    bank = make_pay_line(
        entry, FEB, net=Decimal("7000.00"), bank_reference="B-1", paid_on=datetime.date(2024, 3, 9)
    )
    job = preview(project, inspector_a, "pay_sheet_clean.xlsx")
    assert [w["row"] for w in job.warnings] == [4]
    assert (job.created_count, job.updated_count) == (59, 1)
    pipeline.confirm(job)
    bank.refresh_from_db()
    assert (bank.net, bank.paid_on, bank.source, bank.via_account) == (
        Decimal("7000.00"),
        datetime.date(2024, 3, 9),
        "bank",
        True,
    )
    assert (bank.due, bank.deductions, bank.days) == (Decimal("7750.00"), Decimal("100.00"), Decimal("25.0"))


def test_roster_changed_after_the_preview_refuses_the_whole_file(project, inspector_a):
    job = preview(project, inspector_a, "pay_sheet_clean.xlsx")
    RosterEntry.objects.filter(
        project=project, worker__id_number_hash=keyed_hash("510623197907211519")
    ).update(exit_date=datetime.date(2024, 1, 31))
    job = pipeline.confirm(job)
    assert job.status == "failed" and "花名册已变更" in job.error
    assert [e["row"] for e in job.errors] == [5]
    assert not PayLine.objects.exists()


# ---------------------------------------------------------------- attendance
def test_monthly_attendance_sets_the_days_of_60_lines(project, inspector_a):
    job = imported(project, inspector_a, "attendance_monthly.xlsx", kind=ATTENDANCE, pay_date=None)
    assert (job.total_rows, job.created_count) == (60, 60)
    by_hash = lines(project)
    for r in _sheet("attendance_monthly.xlsx")[3:63]:
        line = by_hash[keyed_hash(r[2])]
        assert (line.days, line.due, line.net, line.source) == (Decimal(str(r[5])), None, None, "attendance")


def test_daily_gate_export_is_counted_per_worker(project, inspector_a):
    data = _data("attendance_daily.csv")
    days: dict[str, set] = {}
    for text in data.decode("utf-8-sig").splitlines()[1:]:
        _name, number, day, *_rest = text.split(",")
        days.setdefault(number, set()).add(day)
    job = imported(project, inspector_a, "attendance_daily.csv", kind=ATTENDANCE, data=data, pay_date=None)
    assert job.total_rows == sum(len(d) for d in days.values()) and job.created_count == 20
    assert {h: line.days for h, line in lines(project).items()} == {
        keyed_hash(number): Decimal(len(d)) for number, d in days.items()
    }


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_dirty_gate_export_reports_three_errors_and_saves_nothing(project, inspector_a, encoding):
    data = _data("attendance_dirty.csv").decode("utf-8-sig").encode(encoding)
    job = preview(project, inspector_a, "attendance_dirty.csv", kind=ATTENDANCE, data=data)
    assert {e["row"]: e["column"] for e in job.errors} == {13: "证件号码", 14: "打卡日期", 15: "打卡日期"}
    assert "花名册" in job.errors[0]["message"] and "2024年2月" in job.errors[2]["message"]
    with pytest.raises(ValidationError):
        pipeline.confirm(job)
    assert not PayLine.objects.exists()


def test_gate_export_counts_a_day_clocked_twice_once(project, inspector_a):
    lines_ = _data("attendance_dirty.csv").decode("utf-8-sig").splitlines()
    data = "\n".join(lines_[:12] + lines_[15:]).encode()  # the good lines: 2-12 and 16
    imported(project, inspector_a, "a.csv", kind=ATTENDANCE, data=data)
    assert sorted(line.days for line in lines(project).values()) == [Decimal(1), Decimal(10)]


def test_attendance_after_the_pay_sheet_changes_the_days_only(project, inspector_a):
    imported(project, inspector_a, "pay_sheet_clean.xlsx")
    before = {h: (line.due, line.net, line.source) for h, line in lines(project).items()}
    job = imported(project, inspector_a, "attendance_monthly.xlsx", kind=ATTENDANCE)
    assert job.created_count == 0 and job.updated_count > 0
    assert {h: (line.due, line.net, line.source) for h, line in lines(project).items()} == before
    sheet = {keyed_hash(r[2]): Decimal(str(r[5])) for r in _sheet("attendance_monthly.xlsx")[3:63]}
    assert {h: line.days for h, line in lines(project).items()} == sheet


def test_attendance_of_someone_not_on_the_roster_names_the_row(project, inspector_a):
    stranger = valid_id()
    data = f"姓名,身份证号,出勤天数\n路人,{stranger},20\n".encode()
    job = preview(project, inspector_a, "a.csv", kind=ATTENDANCE, data=data)
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "身份证号")]
    make_roster_entry(project, worker=make_worker(id_number=stranger, name="路人"), entry_date=FEB)
    assert preview(project, inspector_a, "a.csv", kind=ATTENDANCE, data=data).error_count == 0


# ---------------------------------------------------------------- the job: Celery, the file, masking
def test_large_pay_sheet_runs_as_a_celery_job_with_progress(project, inspector_a, settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "IMPORT_SYNC_MAX_ROWS": 10}
    job = pipeline.confirm(preview(project, inspector_a, "pay_sheet_clean.xlsx"))
    assert job.status == "queued" and not PayLine.objects.exists()
    run_import(job.pk)  # the Celery task body; a second run does nothing
    run_import(job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress, job.created_count) == ("done", 100, 60)
    assert PayLine.objects.count() == 60 and not job.file


def test_the_kept_preview_holds_no_full_card_or_id_number(project, inspector_a):
    job = preview(project, inspector_a, "pay_sheet_clean.xlsx")
    with job.file.open("rb") as fh:
        kept = fh.read().decode()
    for r in _sheet("pay_sheet_clean.xlsx")[3:63]:
        assert r[2] not in kept and r[11] not in kept


def test_error_workbook_masks_id_and_card_numbers(project, inspector_a):
    from openpyxl import load_workbook

    from wagewatch.lib.xlsx import write_workbook

    job = preview(project, inspector_a, "pay_sheet_dirty.xlsx")
    book = load_workbook(io.BytesIO(write_workbook([pipeline.error_sheet(job, reveal=False)])))
    text = str(list(book.active.iter_rows(values_only=True)))
    for r in _sheet("pay_sheet_dirty.xlsx")[3:33]:
        assert r[2] not in text and r[11].strip() not in text
    assert "522***********0556" in text and "****0212" in text


# ---------------------------------------------------------------- the pages
@pytest.fixture
def workbook_reads(monkeypatch):
    """Every time the import code opens an uploaded workbook (the parse of an upload)."""
    from wagewatch.imports import xlsx

    calls = []
    original = xlsx.Book.__init__
    monkeypatch.setattr(xlsx.Book, "__init__", lambda book, data: calls.append(1) or original(book, data))
    return calls


def _upload(client, project, name, *, kind="pay_sheet", **extra):
    url = reverse(f"wages:import_{kind}", args=[project.pk])
    with open(WAGE_SAMPLES / name, "rb") as fh:
        return client.post(url, {"file": fh, "month": "2024-02", "pay_date": "2024-03-15", **extra})


@pytest.mark.parametrize("sync_max", [2000, 10])  # confirmed in the request / queued for the worker
def test_a_pay_sheet_is_parsed_once_from_upload_to_import(
    client_for, inspector_a, project, workbook_reads, settings, sync_max
):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "IMPORT_SYNC_MAX_ROWS": sync_max}
    c = client_for(inspector_a)
    r = _upload(c, project, "pay_sheet_clean.xlsx")
    preview_page = c.get(r["Location"])
    body = preview_page.content.decode()
    assert body.count("<tr><td>") == 60 and "2024-02" in body  # the preview lists the lines
    job = preview_page.context["job"]
    assert c.post(reverse("projects:import_confirm", args=[job.pk]))["Location"].endswith(
        reverse("projects:import_progress", args=[job.pk])
    )
    run_import(job.pk)  # the worker's task body (in the sync case it finds the job done)
    status = c.get(reverse("projects:import_status", args=[job.pk])).json()
    assert (status["status"], status["created"]) == ("done", 60)
    assert len(workbook_reads) == 1 and PayLine.objects.count() == 60
    progress = c.get(reverse("projects:import_progress", args=[job.pk])).content.decode()
    assert reverse("wages:project_tab", args=[project.pk]) + "?month=2024-02" in progress


def test_preview_and_error_pages_show_id_and_card_numbers_masked(client_for, inspector_a, project):
    from openpyxl import load_workbook

    c = client_for(inspector_a)
    clean = c.get(_upload(c, project, "pay_sheet_clean.xlsx")["Location"]).content.decode()
    dirty = _upload(c, project, "pay_sheet_dirty.xlsx")
    page = c.get(dirty["Location"])
    workbook = c.get(reverse("projects:import_errors", args=[page.context["job"].pk]))
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    cells = str(list(sheet.iter_rows(values_only=True)))
    for r in _sheet("pay_sheet_clean.xlsx")[3:63]:
        assert r[2] not in clean and r[11] not in clean
    assert mask_id("522422197105190556") in clean and mask_card("6256042304114426942") in clean
    for r in _sheet("pay_sheet_dirty.xlsx")[3:33]:
        assert r[2] not in cells + page.content.decode() and r[11].strip() not in cells
    assert sheet.max_row == 10 and "****0212" in cells  # the header and the nine rows


def test_the_upload_needs_a_month_and_a_readable_file(client_for, inspector_a, project):
    c = client_for(inspector_a)
    r = _upload(c, project, "pay_sheet_clean.xlsx", month="")
    assert "month" in r.context["form"].errors and not ImportJob.objects.filter(kind=PAY).exists()
    data = "姓名,身份证号\n张三,1\n".encode()
    url = reverse("wages:import_pay_sheet", args=[project.pk])
    r = c.post(url, {"file": SimpleUploadedFile("p.csv", data), "month": "2024-02"})
    assert "应发工资" in str(r.context["form"].errors["file"])  # 缺少必需的列


def test_another_townships_inspector_cannot_import_into_the_project(
    client_for, inspector_a, inspector_b, dept_user, project
):
    for user in (inspector_b, dept_user):
        assert _upload(client_for(user), project, "pay_sheet_clean.xlsx").status_code in (403, 404)
        r = _upload(client_for(user), project, "attendance_monthly.xlsx", kind="attendance")
        assert r.status_code in (403, 404)
    job = preview(project, inspector_a, "pay_sheet_clean.xlsx")
    b = client_for(inspector_b)
    for name in ("import_preview", "import_progress", "import_status", "import_errors"):
        assert b.get(reverse(f"projects:{name}", args=[job.pk])).status_code == 404
    assert b.post(reverse("projects:import_confirm", args=[job.pk])).status_code == 404
    assert not PayLine.objects.exists() and ImportJob.objects.filter(kind=PAY).count() == 1


def test_the_wages_tab_offers_both_imports_to_who_may_write(client_for, inspector_a, dept_user, project):
    url = reverse("wages:project_tab", args=[project.pk])
    body = client_for(inspector_a).get(url).content.decode()
    assert reverse("wages:import_pay_sheet", args=[project.pk]) in body
    assert reverse("wages:import_attendance", args=[project.pk]) in body
    assert (
        reverse("wages:import_pay_sheet", args=[project.pk])
        not in client_for(dept_user).get(url).content.decode()
    )
