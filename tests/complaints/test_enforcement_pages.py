"""Enforcement document pages: scoping, filters, create and follow-up steps, PDF, export, query counts."""

import contextlib
import datetime
import io

import pytest
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from complaints.models import EnforcementOrder, Interview
from tests.once import with_token

from .factories import make_complaint, make_project
from .test_enforcement import DAY, TODAY, make_hazard, make_interview, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_a(township_a, department):
    return make_project(township=township_a, department=department)


@pytest.fixture
def docs_a(office, project_a):
    """An overdue order to pay and an interview in township A."""
    order = make_order(office, project_a, kind="pay", deadline=TODAY - DAY)
    interview = make_interview(office, project_a, interviewee_name='=HYPERLINK("http://x")')
    return order, interview


def test_inspector_b_cannot_see_township_a_documents(client_for, inspector_a, inspector_b, docs_a):
    order, interview = docs_a
    other = client_for(inspector_b)
    assert list(other.get(reverse("complaints:orders")).context["page"].object_list) == []
    assert list(other.get(reverse("complaints:interviews")).context["page"].object_list) == []
    for name, pk in [
        ("complaints:order_detail", order.pk),
        ("complaints:order_pdf", order.pk),
        ("complaints:interview_detail", interview.pk),
        ("complaints:interview_pdf", interview.pk),
    ]:
        assert other.get(reverse(name, args=[pk])).status_code == 404
    for step in ("serve", "comply", "refer"):
        assert (
            other.post(
                reverse("complaints:order_step", args=[order.pk, step]), {"on": "2026-01-01"}
            ).status_code
            == 404
        )
    book = load_workbook(io.BytesIO(other.get(reverse("complaints:documents_export")).content))
    assert [ws.max_row for ws in book.worksheets] == [1, 1]  # headers only
    own = client_for(inspector_a)
    assert own.get(reverse("complaints:order_detail", args=[order.pk])).status_code == 200
    assert [o.pk for o in own.get(reverse("complaints:orders")).context["page"].object_list] == [order.pk]


def test_department_user_has_no_document_pages(client_for, dept_user, docs_a):
    client = client_for(dept_user)
    assert client.get(reverse("complaints:orders")).status_code == 403
    assert client.get(reverse("complaints:interview_detail", args=[docs_a[1].pk])).status_code == 403


def test_export_holds_both_kinds_with_formula_escaped(client_for, office, docs_a):
    response = client_for(office).get(reverse("complaints:documents_export"))
    book = load_workbook(io.BytesIO(response.content))
    orders, interviews = book.worksheets
    assert orders.cell(2, 1).value == docs_a[0].number
    assert orders.cell(2, 13).value == "逾期未履行"
    assert interviews.cell(2, 1).value == docs_a[1].number
    assert interviews.cell(2, 4).value == '\'=HYPERLINK("http://x")'


def test_order_list_filters_and_flags_overdue(client_for, office, project_a, docs_a):
    make_order(office, project_a, deadline=TODAY + 9 * DAY)
    client = client_for(office)
    response = client.get(reverse("complaints:orders"), {"status": "overdue"})
    assert [o.pk for o in response.context["page"].object_list] == [docs_a[0].pk]
    assert "逾期未履行" in response.content.decode()
    assert len(client.get(reverse("complaints:orders"), {"kind": "rectify"}).context["page"].object_list) == 1
    assert not client.get(reverse("complaints:orders"), {"year": TODAY.year - 1}).context["page"].object_list


def test_overdue_order_page_offers_blacklist_and_referral(client_for, office, docs_a):
    order = docs_a[0]
    page = client_for(office).get(reverse("complaints:order_detail", args=[order.pk])).content.decode()
    with contextlib.suppress(NoReverseMatch):  # blacklist app absent: the page still renders
        assert reverse("blacklist:propose_from_order", args=[order.pk]) in page
    assert reverse("complaints:order_step", args=[order.pk, "refer"]) in page


def test_referral_from_the_page(client_for, inspector_a, project_a):
    from complaints.models import Complaint

    case = make_complaint(project=project_a, status=Complaint.Status.FILED, filed_on=TODAY - 9 * DAY)
    order = make_order(inspector_a, project_a, kind="pay", complaint=case, deadline=TODAY - DAY)
    url = reverse("complaints:order_step", args=[order.pk, "refer"])
    assert client_for(inspector_a).post(url, {"note": "移送县公安局"}).status_code == 302
    case.refresh_from_db()
    order.refresh_from_db()
    assert order.referral_note == "移送县公安局" and case.outcome == "criminal"


def test_create_order_from_hazard_and_serve_it(client_for, inspector_a, project_a):
    hazard = make_hazard(project_a)
    client = client_for(inspector_a)
    form = client.get(reverse("complaints:order_create"), {"hazard": hazard.pk}).context["form"]
    assert form.initial["hazard"] == hazard.pk and form.initial["project"] == project_a.pk
    response = client.post(
        reverse("complaints:order_create"),
        {
            "kind": "rectify",
            "enterprise": project_a.contractor.name,
            "project": project_a.pk,
            "hazard": hazard.pk,
            "amount": "0",
            "legal_basis": "《保障农民工工资支付条例》第五十五条",
            "requirement": "按月拨付人工费",
            "deadline": (TODAY + 10 * DAY).isoformat(),
        }
        | with_token({}, inspector_a),
    )
    order = EnforcementOrder.objects.get(hazard=hazard)
    assert response.url == reverse("complaints:order_detail", args=[order.pk])
    client.post(reverse("complaints:order_step", args=[order.pk, "serve"]), {"on": TODAY.isoformat()})
    order.refresh_from_db()
    assert order.served_on == TODAY


def test_create_interview_from_case(client_for, inspector_a, project_a):
    case = make_complaint(project=project_a)
    client = client_for(inspector_a)
    form = client.get(reverse("complaints:interview_create"), {"complaint": case.pk}).context["form"]
    assert form.initial["complaint"] == case.number
    response = client.post(
        reverse("complaints:interview_create"),
        {
            "enterprise": project_a.contractor.name,
            "interviewee_name": "李总",
            "interviewee_position": "法定代表人",
            "held_on": TODAY.isoformat(),
            "place": "县人社局",
            "interviewers": [inspector_a.pk],
            "complaint": case.number,
            "reason": "拖欠工资",
            "agreed": "十日内结清",
            "deadline": (TODAY + 10 * DAY).isoformat(),
        }
        | with_token({}, inspector_a),
    )
    interview = Interview.objects.get()
    assert response.url == reverse("complaints:interview_detail", args=[interview.pk])
    assert interview.complaint == case and interview.township_id == project_a.township_id


def test_pdfs_render(client_for, office, docs_a):
    client = client_for(office)
    for name, pk in [("complaints:order_pdf", docs_a[0].pk), ("complaints:interview_pdf", docs_a[1].pk)]:
        response = client.get(reverse(name, args=[pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("n", [2, 50])
def test_order_list_query_count_does_not_grow(
    n, client_for, inspector_a, project_a, django_assert_num_queries
):
    case = make_complaint(project=project_a)
    for _ in range(n):
        make_order(inspector_a, project_a, complaint=case, deadline=TODAY - DAY)
    client = client_for(inspector_a)
    # SAVEPOINT + RELEASE, user, profile (role), townships for the filter select, COUNT for the
    # paginator, the page's orders (enterprise, project, case, township joined), unread-messages COUNT
    with django_assert_num_queries(8):
        response = client.get(reverse("complaints:orders"), {"status": "overdue"})
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [2, 50])
def test_interview_list_query_count_does_not_grow(
    n, client_for, inspector_a, project_a, django_assert_num_queries
):
    for _ in range(n):
        make_interview(inspector_a, project_a)
    client = client_for(inspector_a)
    # SAVEPOINT + RELEASE, user, profile (role), townships for the filter select, COUNT for the
    # paginator, the page's interviews (enterprise, project, case, township joined), unread-messages COUNT
    with django_assert_num_queries(8):
        response = client.get(reverse("complaints:interviews"))
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [2, 50])
def test_orders_overdue_query_count_does_not_grow(n, inspector_a, project_a, django_assert_num_queries):
    from complaints.selectors import orders_overdue

    for _ in range(n):
        make_order(inspector_a, project_a, deadline=TODAY - DAY)
    inspector_a.__dict__.pop("_ww_profile", None)
    # profile (role), the overdue orders with enterprise and township
    with django_assert_num_queries(2):
        rows = orders_overdue(inspector_a, limit=100)
    assert len(rows) == n


def test_order_keeps_its_real_issue_day_and_numbers_in_that_year(client_for, inspector_a, project_a):
    """An order typed in after the fact: issued last year, numbered in last year's sequence; served before
    issued and a deadline before the issue day are refused on their fields with nothing written."""
    client = client_for(inspector_a)
    issued = datetime.date(TODAY.year - 1, 12, 20)
    data = {
        "kind": "rectify",
        "enterprise": project_a.contractor.name,
        "project": project_a.pk,
        "amount": "0",
        "requirement": "按月拨付人工费",
        "issued_on": issued.isoformat(),
        "served_on": (issued - DAY).isoformat(),
        "deadline": (issued - 2 * DAY).isoformat(),
    }
    response = client.post(reverse("complaints:order_create"), data | with_token({}, inspector_a))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"served_on", "deadline"}
    assert not EnforcementOrder.objects.exists()
    data |= {"served_on": (issued + DAY).isoformat(), "deadline": (issued + 15 * DAY).isoformat()}
    response = client.post(reverse("complaints:order_create"), data | with_token({}, inspector_a))
    order = EnforcementOrder.objects.get()
    assert order.issued_on == issued and order.year == issued.year
    assert f"〔{issued.year}〕" in order.number
    future = client.post(
        reverse("complaints:order_create"),
        data | {"issued_on": (TODAY + DAY).isoformat()} | with_token({}, inspector_a),
    )
    assert "issued_on" in future.context["form"].errors and EnforcementOrder.objects.count() == 1
