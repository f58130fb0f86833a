import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Project, RosterEntry
from tests.conftest import SAMPLES
from tests.projects.factories import make_project, make_roster_entry, make_worker, valid_id
from wagewatch.accounts.models import RevealLog


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def project_a(township_a, department):
    return make_project(township_a, department, name="甲镇安置房")


@pytest.fixture
def project_b(township_b, other_department):
    return make_project(township_b, other_department, name="乙镇污水管网")


def test_inspector_sees_only_his_township_in_list(client_for, inspector_a, project_a, project_b):
    body = client_for(inspector_a).get(reverse("projects:list")).content.decode()
    assert project_a.name in body and project_b.name not in body


@pytest.mark.parametrize(
    "name",
    ["projects:detail", "projects:roster", "projects:roster_export", "projects:edit",
     "projects:import_upload",
     "projects:account", "projects:payroll",
     "projects:inspections", "projects:history",
     "projects:inspection_add"],
)  # fmt: skip
def test_inspector_cannot_open_other_township_project(client_for, inspector_a, project_b, name):
    assert client_for(inspector_a).get(reverse(name, args=[project_b.pk])).status_code == 404


def test_inspector_cannot_import_into_other_township(client_for, inspector_a, project_b):
    with open(SAMPLES / "roster_clean.xlsx", "rb") as fh:
        r = client_for(inspector_a).post(reverse("projects:import_upload", args=[project_b.pk]), {"file": fh})
    assert r.status_code == 404 and RosterEntry.objects.count() == 0


def test_project_list_export_is_scoped(client_for, inspector_a, project_a, project_b):
    r = client_for(inspector_a).get(reverse("projects:export"))
    names = [
        row[1] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=2, values_only=True)
    ]
    assert names == [project_a.name]


def test_department_user_reads_only_his_department(client_for, dept_user, project_a, project_b):
    c = client_for(dept_user)
    assert c.get(reverse("projects:detail", args=[project_a.pk])).status_code == 200
    assert c.get(reverse("projects:detail", args=[project_b.pk])).status_code == 404
    assert c.get(reverse("projects:edit", args=[project_a.pk])).status_code == 403


def test_admin_changelist_is_scoped_for_staff_inspector(client_for, inspector_a, project_a, project_b):
    from django.contrib.auth.models import Permission

    inspector_a.is_staff = True
    inspector_a.save()
    inspector_a.user_permissions.add(Permission.objects.get(codename="view_project"))
    body = client_for(inspector_a).get(reverse("admin:projects_project_changelist")).content.decode()
    assert project_a.code in body and project_b.code not in body


def test_roster_shows_masked_numbers(client_for, inspector_a, project_a):
    entry = make_roster_entry(project_a)
    body = client_for(inspector_a).get(reverse("projects:roster", args=[project_a.pk])).content.decode()
    assert entry.worker.masked_id in body and entry.worker.id_number not in body
    assert entry.worker.phone not in body


def test_reveal_is_logged_and_needs_permission(client_for, inspector_a, office, project_a):
    entry = make_roster_entry(project_a)
    url = reverse("projects:roster_reveal", args=[project_a.pk, entry.pk])
    assert client_for(inspector_a).post(url).status_code == 403
    body = client_for(office).post(url).content.decode()
    assert entry.worker.id_number in body
    assert RevealLog.objects.filter(user=office, field="id_number").count() == 1


def test_roster_export_masks_and_escapes_formulas(client_for, inspector_a, project_a):
    make_roster_entry(project_a, worker=make_worker(name="张三"), team="=HYPERLINK(1)")
    r = client_for(inspector_a).get(reverse("projects:roster_export", args=[project_a.pk]))
    row = next(load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=2, values_only=True))
    assert "*" in row[2] and "*" in row[3]
    assert row[5].startswith("'=")


def test_project_form_errors_are_chinese(client_for, inspector_a, project_a):
    r = client_for(inspector_a).post(reverse("projects:edit", args=[project_a.pk]), {"name": ""})
    form = r.context["form"]
    assert "该字段是必填项。" in form.errors["name"]
    r = client_for(inspector_a).post(
        reverse("projects:roster_add", args=[project_a.pk]),
        {"id_number": "110101199001011230", "name": "王五", "entry_date": "2024-03-05", "pay_method": "bank"},
    )
    assert "身份证号码校验位错误，请核对" in r.context["form"].errors["id_number"]


def test_inspector_creates_project_only_in_his_township(
    client_for, inspector_a, township_b, project_a, department
):
    data = {
        "code": "NEW1", "name": "新项目", "township": township_b.pk, "department": department.pk,
        "investment_type": "government", "builder": project_a.builder.pk,
        "contractor": project_a.contractor.pk,
        "contract_price": "100", "contract_date": "2024-01-01", "start_date": "2024-01-02",
        "planned_finish": "2025-01-01", "status": "building", "labour_share": "0.2", "payday": 15,
    }  # fmt: skip
    r = client_for(inspector_a).post(reverse("projects:create"), data)
    assert "township" in r.context["form"].errors and not Project.objects.filter(code="NEW1").exists()
    data["township"] = project_a.township.pk
    r = client_for(inspector_a).post(reverse("projects:create"), data)
    assert r.status_code == 302 and Project.objects.filter(code="NEW1").exists()


def test_import_upload_preview_confirm_through_pages(client_for, inspector_a, project_a):
    c = client_for(inspector_a)
    with open(SAMPLES / "roster_dirty.xlsx", "rb") as fh:
        r = c.post(reverse("projects:import_upload", args=[project_a.pk]), {"file": fh})
    preview = c.get(r["Location"])
    assert preview.content.decode().count("<tr><td>") == 9
    errors = c.get(reverse("projects:import_errors", args=[preview.context["job"].pk]))
    sheet = load_workbook(io.BytesIO(errors.content)).active
    assert sheet.cell(1, sheet.max_column).value == "错误信息" and sheet.max_row == 10
    with open(SAMPLES / "roster_clean.xlsx", "rb") as fh:
        r = c.post(reverse("projects:import_upload", args=[project_a.pk]), {"file": fh})
    job_pk = c.get(r["Location"]).context["job"].pk
    r = c.post(reverse("projects:import_confirm", args=[job_pk]))
    assert r.status_code == 302
    status = c.get(reverse("projects:import_status", args=[job_pk])).json()
    assert status["status"] == "done" and status["created"] == 200


def test_tabs_of_other_apps_appear_only_when_their_urls_exist(client_for, office, project_a):
    body = client_for(office).get(reverse("projects:detail", args=[project_a.pk])).content.decode()
    assert reverse("projects:roster", args=[project_a.pk]) in body


def _list_queries(django_assert_num_queries, client, n_expected):
    # SAVEPOINT (ATOMIC_REQUESTS), user, profile (role), COUNT for the paginator, unread-messages
    # badge COUNT, townships filter, departments filter, the page of projects with township/department/
    # builder/contractor joined, RELEASE SAVEPOINT
    with django_assert_num_queries(9):
        r = client.get(reverse("projects:list"))
    assert len(r.context["page"].object_list) == n_expected


@pytest.mark.parametrize("rows", [2, 50])
def test_project_list_query_count_does_not_grow(client_for, office, township_a, department, rows,
                                                django_assert_num_queries):  # fmt: skip
    for _ in range(rows):
        make_project(township_a, department)
    _list_queries(django_assert_num_queries, client_for(office), rows)


# ---------------------------------------------------------------- issue 14: roster entry form, import pages
def test_roster_edit_form_masks_id_for_inspector_and_still_saves(client_for, inspector_a, project_a):
    entry = make_roster_entry(project_a)
    worker = entry.worker
    id_number, phone = worker.id_number, worker.phone
    c = client_for(inspector_a)
    url = reverse("projects:roster_edit", args=[project_a.pk, entry.pk])
    body = c.get(url).content.decode()
    assert worker.id_number not in body and worker.masked_id in body
    assert worker.phone not in body
    data = {"id_number": worker.masked_id, "name": worker.name, "phone": worker.masked_phone,
            "entry_date": "2024-03-05", "pay_method": "bank", "team": "木工班组"}  # fmt: skip
    r = c.post(url, data)
    assert r.status_code == 302
    entry.refresh_from_db()
    worker.refresh_from_db()
    assert entry.team == "木工班组" and (worker.id_number, worker.phone) == (id_number, phone)
    assert RevealLog.objects.count() == 0


def test_roster_edit_form_reveals_to_approver_and_logs_it(client_for, office, project_a):
    entry = make_roster_entry(project_a)
    body = client_for(office).get(reverse("projects:roster_edit", args=[project_a.pk, entry.pk])).content
    assert entry.worker.id_number in body.decode()
    assert (
        RevealLog.objects.filter(user=office, object_id=str(entry.worker.pk), field="id_number").count() == 1
    )


def test_roster_edit_form_cannot_rename_worker_of_other_township(
    client_for, inspector_a, project_a, project_b
):
    entry = make_roster_entry(project_a, worker=make_worker(name="孙明"))
    make_roster_entry(project_b, worker=entry.worker)
    data = {"id_number": entry.worker.masked_id, "name": "孙小明", "entry_date": "2024-03-05",
            "pay_method": "bank"}  # fmt: skip
    r = client_for(inspector_a).post(reverse("projects:roster_edit", args=[project_a.pk, entry.pk]), data)
    assert "此身份证号已在其他项目登记为孙明" in r.context["form"].errors["name"]
    entry.worker.refresh_from_db()
    assert entry.worker.name == "孙明"


def test_import_error_workbook_masks_id_and_phone(client_for, inspector_a, project_a):
    raw = load_workbook(SAMPLES / "roster_dirty.xlsx").active
    rows = raw.iter_rows(min_row=4, values_only=True)
    numbers = {str(v).strip() for row in rows for v in (row[4], row[6], row[15]) if v and len(str(v)) > 6}
    c = client_for(inspector_a)
    with open(SAMPLES / "roster_dirty.xlsx", "rb") as fh:
        r = c.post(reverse("projects:import_upload", args=[project_a.pk]), {"file": fh})
    job = c.get(r["Location"]).context["job"]
    sheet = load_workbook(io.BytesIO(c.get(reverse("projects:import_errors", args=[job.pk])).content)).active
    cells = {str(v).strip() for row in sheet.iter_rows(min_row=2, values_only=True) for v in row if v}
    assert sheet.max_row == 10 and not cells & numbers


def test_preview_page_lists_ignored_columns(client_for, inspector_a, project_a):
    data = "姓名,身份证号,进场日期,籍贯\n王五,110101199003076996,2024-03-05,2024-06-30\n".encode()
    c = client_for(inspector_a)
    r = c.post(
        reverse("projects:import_upload", args=[project_a.pk]), {"file": SimpleUploadedFile("r.csv", data)}
    )
    body = c.get(r["Location"]).content.decode()
    assert "未识别、不会导入的列" in body and "D列“籍贯”" in body


def test_office_resolves_identity_through_the_entry_form_with_history(
    client_for, office, project_a, project_b
):
    entry = make_roster_entry(project_a, worker=make_worker(name="孙明"))
    make_roster_entry(project_b, worker=entry.worker)
    data = {"id_number": "", "name": "孙小明", "entry_date": "2024-03-05", "pay_method": "bank"}
    r = client_for(office).post(reverse("projects:roster_edit", args=[project_a.pk, entry.pk]), data)
    assert r.status_code == 302
    record = entry.worker.history.order_by("-history_id").first()
    assert (record.name, record.history_user, record.history_change_reason) == (
        "孙小明",
        office,
        "姓名：孙明 → 孙小明",
    )


def test_roster_form_stores_the_card_masked_and_hashed_and_keeps_it_when_left_as_shown(
    client_for, inspector_a, project_a
):
    from wagewatch.lib.cardhash import card_hash

    c = client_for(inspector_a)
    data = {"id_number": valid_id(), "name": "王五", "entry_date": "2024-03-05", "pay_method": "bank",
            "card_number": "6228 4800 1234 5678 901"}  # fmt: skip
    assert c.post(reverse("projects:roster_add", args=[project_a.pk]), data).status_code == 302
    entry = RosterEntry.objects.get(project=project_a)
    assert (entry.card_masked, entry.card_hash) == (
        "6228 **** **** *** 8901",
        card_hash("6228480012345678901"),
    )
    url = reverse("projects:roster_edit", args=[project_a.pk, entry.pk])
    body = c.get(url).content.decode()
    assert "6228 **** **** *** 8901" in body and "6228480012345678901" not in body
    edit = {**data, "id_number": entry.worker.masked_id, "card_number": entry.card_masked, "team": "木工班组"}
    assert c.post(url, edit).status_code == 302
    entry.refresh_from_db()
    assert entry.team == "木工班组" and entry.card_hash == card_hash("6228480012345678901")
    r = c.post(url, {**edit, "card_number": "6228-48"})
    assert "工资卡号应为10至25位数字" in r.context["form"].errors["card_number"]


def test_a_mistyped_tab_url_name_raises_instead_of_dropping_the_tab(monkeypatch, project_a):
    from django.urls import NoReverseMatch

    from projects import views

    assert [t["key"] for t in views.project_tabs(project_a)] == [key for key, _l, _n in views.TABS]
    monkeypatch.setattr(views, "TABS", [*views.TABS, ("typo", "错字", "projects:rostr")])
    with pytest.raises(NoReverseMatch):
        views.project_tabs(project_a)


@pytest.fixture
def workbook_reads(monkeypatch):
    """Every time the import code opens an uploaded workbook (the parse of an upload)."""
    from wagewatch.imports import xlsx

    calls = []
    original = xlsx.Book.__init__
    monkeypatch.setattr(xlsx.Book, "__init__", lambda book, data: calls.append(1) or original(book, data))
    return calls


@pytest.mark.parametrize("sync_max", [2000, 100])  # confirmed in the request / queued for the worker
def test_a_roster_is_parsed_once_from_upload_to_import(
    client_for, inspector_a, project_a, workbook_reads, settings, sync_max
):
    from projects.models import ImportJob
    from projects.tasks import run_import

    settings.WAGEWATCH = {**settings.WAGEWATCH, "IMPORT_SYNC_MAX_ROWS": sync_max}
    c = client_for(inspector_a)
    with open(SAMPLES / "roster_clean.xlsx", "rb") as fh:
        r = c.post(reverse("projects:import_upload", args=[project_a.pk]), {"file": fh})
    preview = c.get(r["Location"])
    assert preview.content.decode().count("<tr><td>") == 200  # the preview page lists the rows
    job = preview.context["job"]
    c.post(reverse("projects:import_confirm", args=[job.pk]))
    run_import(job.pk)  # the worker's task body (a second run, in the sync case, does nothing)
    job.refresh_from_db()
    assert job.status == "done" and RosterEntry.objects.filter(project=project_a).count() == 200
    assert len(workbook_reads) == 1
    assert ImportJob.objects.count() == 1


def test_error_workbook_lists_the_rows_the_identity_check_refused(
    client_for, inspector_a, project_a, project_b
):
    held = make_roster_entry(project_b, worker=make_worker(name="孙明")).worker
    data = f"姓名,身份证号,进场日期\n孙小明,{held.id_number},2024-03-05\n周五,123,2024-03-05\n".encode()
    c = client_for(inspector_a)
    r = c.post(
        reverse("projects:import_upload", args=[project_a.pk]), {"file": SimpleUploadedFile("r.csv", data)}
    )
    job = c.get(r["Location"]).context["job"]
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "姓名"), (3, "身份证号")]
    sheet = load_workbook(io.BytesIO(c.get(reverse("projects:import_errors", args=[job.pk])).content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1]) for row in rows] == [(2, "孙小明"), (3, "周五")]
    assert held.id_number not in str(rows) and held.masked_id in str(rows)
    assert "此身份证号已在其他项目登记为孙明" in rows[0][-1]


def test_every_apps_project_tab_shows_the_whole_tab_bar(client_for, office, project_a):
    """The risk and complaints tabs drew their own bar from URL names and left out 工资明细: one bar now."""
    from projects import views

    c = client_for(office)
    for _key, _label, name in views.TABS:
        body = c.get(reverse(name, args=[project_a.pk])).content.decode()
        links = [reverse(n, args=[project_a.pk]) for _k, _l, n in views.TABS]
        assert all(f'href="{link}"' in body for link in links), name


def test_project_page_writes_money_and_ratios_for_people(client_for, office, township_a, department):
    """Issue 18 item 7: 40,000,000.00 元 with separators and 20.0%, not 40000000.00 and 0.2000."""
    project = make_project(
        township_a, department, contract_price=Decimal("40000000.00"), labour_share=Decimal("0.2000")
    )
    body = client_for(office).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "40,000,000.00 元" in body and "20.0%" in body
    assert "40000000.00" not in body and "0.2000" not in body


def test_project_list_writes_contract_price_in_wan(client_for, office, township_a, department):
    make_project(township_a, department, contract_price=Decimal("40000000.00"))
    body = client_for(office).get(reverse("projects:list")).content.decode()
    assert "合同价款（万元）" in body and "4,000.00" in body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_project_list_page_is_read_in_index_order(office, township_a, department):
    """The list's default order has its index: a page is read from it (a nested loop over 50 rows), not by
    joining and sorting every project (6 ms of PostgreSQL time a page at 1,000 projects, bench/load.py)."""
    from projects import selectors

    contractor = make_project(township_a, department).contractor
    Project.objects.bulk_create(
        Project(code=f"IX{n:05d}", name=f"索引项目{n}", township=township_a, department=department,
                builder=contractor, contractor=contractor, investment_type=Project.Investment.GOVERNMENT,
                contract_price=Decimal("1000000.00"), contract_date=datetime.date(2019, 12, 1),
                start_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=n % 1500),
                planned_finish=datetime.date(2027, 1, 1), status=Project.Status.BUILDING)
        for n in range(2000)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
    page = selectors.project_list(user=office, filters={})[:50]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "project_list_order" in plan, plan
    assert "Sort" not in plan.split("project_list_order")[0], plan
