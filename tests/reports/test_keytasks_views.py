import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.models import KeyTask, TaskAssignment, TaskProgress

from .factories_keytasks import make_progress, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def tasks(department, other_department, township_a, township_b):
    """One task per unit, each with one progress report carrying an attachment."""
    made = {
        "dept": make_task(departments=[department], title="住建任务"),
        "other": make_task(departments=[other_department], title="交通任务", days=-2),
        "ta": make_task(townships=[township_a], title="甲镇任务"),
        "tb": make_task(townships=[township_b], title="乙镇任务"),
    }
    for key, task in made.items():
        make_progress(
            task.assignments.get(),
            text=f"{key}进展",
            attachment=SimpleUploadedFile(f"{key}.pdf", b"%PDF-1.4 x"),
        )
    return made


def _titles(response):
    return {t.title for t in response.context["page"].object_list}


def _export_titles(client):
    response = client.get(reverse("reports:task_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}


def _attachment(task):
    return reverse("reports:task_attachment", args=[task.assignments.get().progress.get().pk])


def test_department_user_sees_only_his_department_tasks(client_for, dept_user, tasks):
    client = client_for(dept_user)
    assert _titles(client.get(reverse("reports:tasks"))) == {"住建任务"}
    assert _export_titles(client) == {"住建任务"}
    assert client.get(reverse("reports:task_detail", args=[tasks["dept"].pk])).status_code == 200
    for key in ("other", "ta", "tb"):
        assert client.get(reverse("reports:task_detail", args=[tasks[key].pk])).status_code == 404
        assert client.get(_attachment(tasks[key])).status_code == 404
    response = client.get(_attachment(tasks["dept"]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 x"
    assert "attachment" in response["Content-Disposition"]


def test_inspector_sees_only_his_townships_tasks(client_for, inspector_a, tasks):
    client = client_for(inspector_a)
    assert _titles(client.get(reverse("reports:tasks"))) == {"甲镇任务"}
    assert _export_titles(client) == {"甲镇任务"}
    assert client.get(reverse("reports:task_detail", args=[tasks["tb"].pk])).status_code == 404
    assert client.get(_attachment(tasks["tb"])).status_code == 404
    assert client.get(_attachment(tasks["ta"])).status_code == 200


def test_office_sees_all_and_filters(client_for, office, tasks, other_department):
    client = client_for(office)
    url = reverse("reports:tasks")
    assert len(_titles(client.get(url))) == 4
    assert _titles(client.get(url, {"overdue": "on"})) == {"交通任务"}
    assert _titles(client.get(url, {"unit": f"d{other_department.pk}"})) == {"交通任务"}
    assert _titles(client.get(url, {"status": "done"})) == set()
    html = client.get(url).content.decode()
    assert 'class="overdue"' in html


def test_department_user_does_not_read_other_units_progress_on_shared_task(
    client_for, dept_user, department, other_department
):
    task = make_task(departments=[department, other_department])
    make_progress(task.assignments.get(department=department), text="我方进展")
    make_progress(task.assignments.get(department=other_department), text="他方进展")
    html = client_for(dept_user).get(reverse("reports:task_detail", args=[task.pk])).content.decode()
    assert "我方进展" in html and "他方进展" not in html


def test_department_user_reports_progress_with_attachment(
    client_for, dept_user, department, other_department
):
    task = make_task(departments=[department, other_department])
    own = task.assignments.get(department=department)
    other = task.assignments.get(department=other_department)
    client = client_for(dept_user)
    data = {"text": "已完成", "on": timezone.localdate().isoformat()}
    upload = SimpleUploadedFile("说明.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(reverse("reports:task_report", args=[own.pk]), {**data, "attachment": upload})
    assert response.status_code == 302
    progress = TaskProgress.objects.get()
    assert progress.reported_by == dept_user and progress.attachment.name.startswith("tasks/")
    assert client.post(reverse("reports:task_report", args=[other.pk]), data).status_code == 403
    assert TaskProgress.objects.count() == 1


def test_attachment_type_is_checked(client_for, dept_user, department):
    own = make_task(departments=[department]).assignments.get()
    upload = SimpleUploadedFile("x.html", b"<script>", content_type="text/html")
    data = {"text": "x", "on": timezone.localdate().isoformat(), "attachment": upload}
    client_for(dept_user).post(reverse("reports:task_report", args=[own.pk]), data)
    assert not TaskProgress.objects.exists()


@pytest.mark.parametrize("who", ["dept_user", "inspector_a"])
def test_only_office_creates_accepts_and_sends_back(request, client_for, who, department, township_a):
    user = request.getfixturevalue(who)
    task = make_task(departments=[department], townships=[township_a])
    TaskAssignment.objects.update(status=TaskAssignment.Status.REPORTED)
    client = client_for(user)
    assert client.get(reverse("reports:task_create")).status_code == 403
    assert client.get(reverse("reports:task_edit", args=[task.pk])).status_code == 403
    for a in task.assignments.all():
        for action in ("accept", "return"):
            url = reverse("reports:task_review", args=[a.pk, action])
            assert client.post(url, {"note": "x"}).status_code == 403
    assert set(TaskAssignment.objects.values_list("status", flat=True)) == {TaskAssignment.Status.REPORTED}


def test_office_creates_then_accepts(client_for, office, department, township_a):
    client = client_for(office)
    data = {
        "title": "落实实名制",
        "source": "joint_meeting",
        "deadline": "2026-12-31",
        "lead_person": "王主任",
        "departments": [department.pk],
        "townships": [township_a.pk],
    }
    response = client.post(reverse("reports:task_create"), data)
    task = KeyTask.objects.get()
    assert response.status_code == 302 and task.assignments.count() == 2
    TaskAssignment.objects.update(status=TaskAssignment.Status.REPORTED)
    for a in task.assignments.all():
        client.post(reverse("reports:task_review", args=[a.pk, "accept"]))
    task.refresh_from_db()
    assert task.status == KeyTask.Status.DONE
    assert client.get(reverse("reports:task_detail", args=[task.pk])).status_code == 200


def test_anonymous_is_sent_to_login(anonymous, tasks):
    assert anonymous.get(reverse("reports:tasks")).status_code == 302
    assert anonymous.get(_attachment(tasks["dept"])).status_code == 302


def _many(n, department, township_a):
    for i in range(n):
        task = make_task(departments=[department], townships=[township_a], title=f"任务{i}", days=i - 5)
        make_progress(task.assignments.first())


@pytest.mark.parametrize("n", [2, 50])
def test_task_list_query_count_is_constant_for_office(
    n, client_for, office, department, township_a, django_assert_num_queries
):
    _many(n, department, township_a)
    client = client_for(office)
    # SAVEPOINT + RELEASE (atomic request), user, profile (role), departments and townships (unit
    # filter), COUNT (paginator), page of tasks with latest progress (subqueries), their units, unread badge
    with django_assert_num_queries(10):
        response = client.get(reverse("reports:tasks"))
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [2, 50])
def test_task_list_query_count_is_constant_for_department(
    n, client_for, dept_user, department, township_a, django_assert_num_queries
):
    _many(n, department, township_a)
    client = client_for(dept_user)
    # SAVEPOINT + RELEASE (atomic request), user, profile (role), COUNT (paginator), page of tasks,
    # their units, unread badge
    with django_assert_num_queries(8):
        response = client.get(reverse("reports:tasks"))
    assert len(response.context["page"].object_list) == n
