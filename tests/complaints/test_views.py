import datetime
import io

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import Complaint
from tests.once import with_token
from wagewatch.accounts.models import RevealLog
from wagewatch.lib import workdays

from .factories import make_complaint, make_project

pytestmark = pytest.mark.django_db
LIST = reverse("complaints:list")
EXPORT = reverse("complaints:export")


@pytest.fixture
def project_a(township_a, department):
    return make_project(township=township_a, department=department)


@pytest.fixture
def case_a(project_a, inspector_a):
    return make_complaint(project=project_a, handler=inspector_a, complainant_name="=HYPERLINK(1)")


def _rows(n, project):
    for _ in range(n):
        make_complaint(project=project)


@pytest.mark.parametrize("n", [2, 50])
def test_ledger_query_count_does_not_grow(n, client_for, inspector_a, project_a, django_assert_num_queries):
    _rows(n, project_a)
    client = client_for(inspector_a)
    workdays.is_workday(timezone.localdate())  # holiday data loaded once per process, not per page
    # SAVEPOINT + RELEASE (atomic request), user, profile (role), his townships (the cached table's key),
    # COUNT for the paginator, the page's rows (project, township, handler joined), unread-messages COUNT
    # in the header, townships for the filter select; the next load reads the table from the cache
    with django_assert_num_queries(9):
        response = client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(n, 50)


def test_ledger_filters_and_search(client_for, office, project_a):
    make_complaint(project=project_a, channel="letter", respondent_name="甲公司")
    make_complaint(
        project=project_a,
        channel="visit",
        respondent_name="乙公司",
        accept_due=timezone.localdate() - datetime.timedelta(days=1),
    )
    client = client_for(office)
    assert [c.respondent_name for c in client.get(LIST, {"channel": "letter"}).context["page"]] == ["甲公司"]
    assert [c.respondent_name for c in client.get(LIST, {"deadline": "overdue"}).context["page"]] == [
        "乙公司"
    ]
    assert [c.respondent_name for c in client.get(LIST, {"q": "乙"}).context["page"]] == ["乙公司"]
    assert (
        client.get(LIST, {"date_from": "2000-01-01", "status": "received"}).context["page"].paginator.count
        == 2
    )


def test_inspector_b_cannot_reach_township_a_case(client_for, inspector_b, case_a):
    client = client_for(inspector_b)
    assert client.get(LIST).context["page"].paginator.count == 0
    assert client.get(reverse("complaints:detail", args=[case_a.pk])).status_code == 404
    assert client.post(reverse("complaints:step", args=[case_a.pk, "accept"])).status_code == 404
    workbook = load_workbook(io.BytesIO(client.get(EXPORT).content))
    assert workbook.active.max_row == 1  # header only
    assert client.get(reverse("complaints:project_tab", args=[case_a.project_id])).status_code == 404


def test_inspector_b_cannot_reach_case_in_admin(client_for, inspector_b, case_a):
    inspector_b.is_staff = True
    inspector_b.user_permissions.add(*Permission.objects.filter(codename__endswith="complaint"))
    inspector_b.save()
    client = client_for(User.objects.get(pk=inspector_b.pk))
    assert client.get(reverse("admin:complaints_complaint_changelist")).context["cl"].result_count == 0
    assert client.get(reverse("admin:complaints_complaint_change", args=[case_a.pk])).status_code in (
        302,
        404,
    )


def test_department_user_sees_no_cases(client_for, dept_user, case_a):
    client = client_for(dept_user)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("complaints:detail", args=[case_a.pk])).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert client.post(reverse("complaints:step", args=[case_a.pk, "accept"])).status_code == 403


def test_reporter_shown_to_handler_and_approver_only(client_for, inspector_a, office, office_clerk, case_a):
    url = reverse("complaints:detail", args=[case_a.pk])
    assert "=HYPERLINK(1)" in client_for(inspector_a).get(url).content.decode()
    assert "139****5678" in client_for(office).get(url).content.decode()
    page = client_for(office_clerk).get(url).content.decode()
    assert "=HYPERLINK(1)" not in page and "5678" not in page
    Complaint.objects.filter(pk=case_a.pk).update(handler=None)
    assert "=HYPERLINK(1)" not in client_for(inspector_a).get(url).content.decode()


def test_reveal_is_logged_and_only_for_approvers(client_for, office, inspector_a, case_a):
    url = reverse("complaints:reveal", args=[case_a.pk])
    assert client_for(inspector_a).post(url).status_code == 403
    response = client_for(office).post(url)
    assert "13912345678" in response.content.decode()
    assert RevealLog.objects.filter(user=office, object_id=str(case_a.pk)).count() == 2


def test_export_never_carries_reporter_and_escapes_formulas(client_for, office, case_a, project_a):
    make_complaint(project=project_a, respondent_name="=cmd|' /C calc'!A0")
    response = client_for(office).get(EXPORT)
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not any("HYPERLINK" in c or "1391234" in c or "王小二" in c for c in cells)
    assert "'=cmd|' /C calc'!A0" in cells


def test_steps_over_http(client_for, inspector_a, office, case_a):
    client = client_for(inspector_a)
    client.post(reverse("complaints:step", args=[case_a.pk, "accept"]), with_token({}, inspector_a))
    client.post(reverse("complaints:step", args=[case_a.pk, "file"]), with_token({}, inspector_a))
    response = client.post(
        reverse("complaints:step", args=[case_a.pk, "extend"]),
        with_token({"reason": "复杂", "confirm": "on"}, inspector_a),
        follow=True,
    )
    assert "延期须经" in response.content.decode() or response.status_code == 403
    case_a.refresh_from_db()
    assert case_a.status == "filed" and not case_a.extended
    extend = with_token({"reason": "复杂", "confirm": "on"}, office)
    client_for(office).post(reverse("complaints:step", args=[case_a.pk, "extend"]), extend)
    client.post(
        reverse("complaints:step", args=[case_a.pk, "close"]),
        with_token(
            {"outcome": "mediated", "amount_recovered": "100", "workers_paid": "1", "confirm": "on"},
            inspector_a,
        ),
    )
    case_a.refresh_from_db()
    assert case_a.extended and case_a.status == "closed"


def test_intake_form_links_enterprise_by_uscc(client_for, inspector_a, project_a):
    response = client_for(inspector_a).post(
        reverse("complaints:create"),
        {
            "channel": "visit",
            "complainant_name": "李四",
            "complainant_phone": "13800138000",
            "respondent": project_a.contractor.uscc,
            "project": project_a.pk,
            "workers_involved": 3,
            "amount_claimed": "9000",
            "description": "欠薪",
        }
        | with_token({}, inspector_a),
    )
    case = Complaint.objects.get()
    assert response.status_code == 302
    assert case.respondent == project_a.contractor and case.township_id == project_a.township_id


def test_orders_page_create_and_comply(client_for, inspector_a, project_a, django_assert_max_num_queries):
    client = client_for(inspector_a)
    response = client.post(
        reverse("complaints:orders"),
        {
            "kind": "pay",
            "enterprise": project_a.contractor.name,
            "project": project_a.pk,
            "amount": "5000",
            "requirement": "限期支付工资",
            "deadline": "2026-12-31",
        }
        | with_token({}, inspector_a),
    )
    assert response.status_code == 302
    order = project_a.orders.get()
    today = timezone.localdate()  # compliance is a past event: never after today
    client.post(reverse("complaints:order_comply", args=[order.pk]), {"on": today.isoformat()})
    order.refresh_from_db()
    assert order.complied_on == today
    assert client.get(reverse("complaints:orders")).status_code == 200


def test_cases_due_selector(inspector_a, inspector_b, project_a):
    from complaints.selectors import cases_due

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    make_complaint(project=project_a, accept_due=yesterday, handler=inspector_a)
    make_complaint(project=project_a, accept_due=timezone.localdate() + datetime.timedelta(days=30))
    assert len(cases_due(inspector_a)) == 1
    assert cases_due(inspector_b) == []


def test_desk_and_ledger_show_a_case_overdue_today_before_the_nightly_mark(
    client_for, inspector_a, project_a
):
    """A case typed in after the fact is overdue at once: the desk's list and the ledger's 期限 filter read
    its deadlines, not the state the nightly job writes (left empty here, as before the night)."""
    from complaints.selectors import cases_due

    today = timezone.localdate()
    late = make_complaint(project=project_a, accept_due=today - datetime.timedelta(days=3), deadline_state="")
    filed = make_complaint(
        project=project_a,
        status="filed",
        close_due=today + datetime.timedelta(days=60),
        deadline_state="overdue",
    )
    assert [c.pk for c in cases_due(inspector_a)] == [late.pk]
    ledger = client_for(inspector_a).get(reverse("complaints:list"), {"deadline": "overdue"})
    numbers = [c.number for c in ledger.context["page"].object_list]
    assert numbers == [late.number] and filed.number not in numbers


@pytest.mark.parametrize("n", [2, 50])
def test_cases_due_query_count_does_not_grow(n, inspector_a, project_a, django_assert_num_queries):
    from complaints.selectors import cases_due

    for _ in range(n):
        make_complaint(project=project_a, accept_due=timezone.localdate(), handler=inspector_a)
    workdays.is_workday(timezone.localdate())
    inspector_a.__dict__.pop("_ww_profile", None)
    # profile (role), the cases with their township
    with django_assert_num_queries(2):
        rows = cases_due(inspector_a, limit=100)
    assert len(rows) == n


@pytest.mark.parametrize("n", [2, 50])
def test_orders_page_query_count_does_not_grow(n, client_for, office, project_a, django_assert_num_queries):
    from complaints import services

    for _ in range(n):
        services.order_create(
            kind="pay",
            enterprise=project_a.contractor,
            project=project_a,
            deadline=timezone.localdate(),
            requirement="支付",
            user=office,
        )
    client = client_for(office)
    # SAVEPOINT + RELEASE, user, profile, projects for the form's select, COUNT for the
    # paginator, the page's orders (enterprise, project, complaint joined), unread-messages COUNT
    with django_assert_num_queries(8):
        response = client.get(reverse("complaints:orders"))
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [2, 50])
def test_project_tab_query_count_does_not_grow(
    n, client_for, inspector_a, project_a, django_assert_num_queries
):
    for _ in range(n):
        make_complaint(project=project_a)
    workdays.is_workday(timezone.localdate())
    client = client_for(inspector_a)
    # SAVEPOINT + RELEASE, user, profile, the project (township, department joined),
    # its cases (township, handler joined), unread-messages COUNT
    with django_assert_num_queries(7):
        response = client.get(reverse("complaints:project_tab", args=[project_a.pk]))
    assert len(response.context["cases"]) == n


def test_attachments_are_uploaded_and_served_in_scope(
    client_for, inspector_a, inspector_b, case_a, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    client = client_for(inspector_a)
    bad = SimpleUploadedFile("run.exe", b"MZ")
    client.post(reverse("complaints:attach", args=[case_a.pk]), {"file": bad})
    assert not case_a.attachments.exists()
    good = SimpleUploadedFile("工资条.pdf", b"%PDF-1.4 test")
    client.post(reverse("complaints:attach", args=[case_a.pk]), {"file": good})
    attachment = case_a.attachments.get()
    url = reverse("complaints:attachment", args=[attachment.pk])
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 test"
    assert client_for(inspector_b).get(url).status_code == 404
    assert case_a.events.filter(action="attached").count() == 1


SECRET_STORY = "王小二本人反映：工地拖欠三个月工资"


def test_description_only_for_handler_and_approver(client_for, inspector_a, office, office_clerk, case_a):
    # The description often names the reporter (劳动保障监察条例 art. 9): same audience as the reporter.
    Complaint.objects.filter(pk=case_a.pk).update(description=SECRET_STORY)
    url = reverse("complaints:detail", args=[case_a.pk])
    assert SECRET_STORY in client_for(inspector_a).get(url).content.decode()
    assert SECRET_STORY in client_for(office).get(url).content.decode()
    page = client_for(office_clerk).get(url).content.decode()
    assert page.count("<h1>") and SECRET_STORY not in page
    Complaint.objects.filter(pk=case_a.pk).update(handler=None)
    assert SECRET_STORY not in client_for(inspector_a).get(url).content.decode()


def test_description_hidden_in_admin_from_non_approvers(client_for, inspector_a, case_a):
    Complaint.objects.filter(pk=case_a.pk).update(description=SECRET_STORY, handler=None)
    inspector_a.is_staff = True
    inspector_a.user_permissions.add(*Permission.objects.filter(codename__endswith="complaint"))
    inspector_a.save()
    client = client_for(User.objects.get(pk=inspector_a.pk))
    response = client.get(reverse("admin:complaints_complaint_change", args=[case_a.pk]))
    assert response.status_code == 200
    assert SECRET_STORY not in response.content.decode()


def test_export_never_carries_description(client_for, office, case_a):
    Complaint.objects.filter(pk=case_a.pk).update(description=SECRET_STORY)
    sheet = load_workbook(io.BytesIO(client_for(office).get(EXPORT).content)).active
    assert sheet.max_row == 2
    assert not any(SECRET_STORY in str(c.value) for row in sheet.iter_rows() for c in row)
