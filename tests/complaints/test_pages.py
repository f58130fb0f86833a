import pytest
from django.urls import reverse

from complaints import selectors
from wagewatch.lib import law

from .factories import make_complaint, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_a(township_a, department):
    return make_project(township=township_a, department=department)


def test_project_tab_lists_the_project_cases(client_for, inspector_a, project_a):
    case = make_complaint(project=project_a)
    response = client_for(inspector_a).get(reverse("complaints:project_tab", args=[project_a.pk]))
    assert response.status_code == 200
    assert response.context["active_tab"] == "complaints"
    page = response.content.decode()
    assert case.number in page and reverse("complaints:notice_board", args=[project_a.pk]) in page


def test_notice_board_context_has_article_34_contents(project_a, settings):
    context = selectors.notice_board_context(project=project_a)
    assert context["form_url"] == f"{settings.SITE_URL}/c/{project_a.code}/"
    assert context["minimum_wage"] == law.MINIMUM_WAGE_MONTHLY()
    assert context["qr"].startswith("<svg")


def test_notice_board_pdf_is_served_in_scope(client_for, inspector_a, inspector_b, project_a):
    url = reverse("complaints:notice_board", args=[project_a.pk])
    assert client_for(inspector_b).get(url).status_code == 404
    response = client_for(inspector_a).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_case_without_arrears_period_shows_no_question_marks(client_for, inspector_a, project_a):
    """Issue 18 item 7: "欠薪期间 ? — ?" never shows; a missing period reads 未填."""
    case = make_complaint(project=project_a, amount_claimed="123456.50")
    body = client_for(inspector_a).get(reverse("complaints:detail", args=[case.pk])).content.decode()
    period = body.split("欠薪期间", 1)[1].split("</dd>", 1)[0]
    assert "?" not in period and "未填" in period
    assert "123,456.50" in body and "123456.50" not in body
