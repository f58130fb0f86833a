"""Irreversible steps (结案, 不予受理, 延期) ask for an explicit confirmation the server checks; closing warns
with what is still open (unpaid orders to pay, with their numbers and deadlines)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import CaseEvent, Complaint, EnforcementOrder
from tests.once import with_token

from .factories import make_complaint, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed_case(township_a, department, inspector_a):
    project = make_project(township=township_a, department=department)
    day = timezone.localdate() - datetime.timedelta(days=3)
    return make_complaint(
        project=project, handler=inspector_a, status=Complaint.Status.FILED, accepted_on=day, filed_on=day,
        close_due=day + datetime.timedelta(days=60),
    )  # fmt: skip


@pytest.fixture
def unpaid_order(filed_case):
    return EnforcementOrder.objects.create(
        kind=EnforcementOrder.Kind.PAY, year=2026, seq=417, enterprise=filed_case.project.contractor,
        project=filed_case.project, township=filed_case.township, complaint=filed_case,
        requirement="支付工资", issued_on=timezone.localdate(), deadline=datetime.date(2026, 12, 30),
    )  # fmt: skip


CLOSE = {"outcome": "mediated", "amount_recovered": "100", "workers_paid": "1"}


def _post(client_for, user, case, step, data):
    url = reverse("complaints:step", args=[case.pk, step])
    return client_for(user).post(url, with_token(data, user))


def test_closing_with_an_unpaid_order_and_no_confirmation_changes_nothing(
    client_for, inspector_a, filed_case, unpaid_order
):
    events = CaseEvent.objects.count()
    response = _post(client_for, inspector_a, filed_case, "close", CLOSE)
    assert response.status_code == 400
    page = response.content.decode()
    assert unpaid_order.number in page and "2026-12-30" in page  # the warning names the open order
    assert "请勾选确认" in page
    filed_case.refresh_from_db()
    assert filed_case.status == Complaint.Status.FILED and CaseEvent.objects.count() == events


def test_the_case_page_warns_of_the_unpaid_order_before_closing(
    client_for, inspector_a, filed_case, unpaid_order
):
    page = client_for(inspector_a).get(reverse("complaints:detail", args=[filed_case.pk])).content.decode()
    assert "尚未了结" in page and unpaid_order.number in page and 'name="confirm"' in page


def test_closing_with_confirmation_closes(client_for, inspector_a, filed_case, unpaid_order):
    response = _post(client_for, inspector_a, filed_case, "close", {**CLOSE, "confirm": "on"})
    assert response.status_code == 302
    filed_case.refresh_from_db()
    assert filed_case.status == Complaint.Status.CLOSED


def test_refusing_without_confirmation_changes_nothing(client_for, inspector_a, township_a, department):
    case = make_complaint(
        project=make_project(township=township_a, department=department), handler=inspector_a
    )
    response = _post(client_for, inspector_a, case, "refuse", {"reason": "不属于受理范围"})
    assert response.status_code == 400 and "请勾选确认" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Complaint.Status.RECEIVED
    response = _post(client_for, inspector_a, case, "refuse", {"reason": "不属于受理范围", "confirm": "on"})
    case.refresh_from_db()
    assert response.status_code == 302 and case.status == Complaint.Status.REFUSED


def test_extending_without_confirmation_changes_nothing(client_for, office, filed_case):
    response = _post(client_for, office, filed_case, "extend", {"reason": "案情复杂"})
    assert response.status_code == 400 and "请勾选确认" in response.content.decode()
    filed_case.refresh_from_db()
    assert not filed_case.extended
    _post(client_for, office, filed_case, "extend", {"reason": "案情复杂", "confirm": "on"})
    filed_case.refresh_from_db()
    assert filed_case.extended
