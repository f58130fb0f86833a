"""Double submission: a labour-cost transfer or payroll posted twice with one token is written once."""

import pytest
from django.urls import reverse

from projects.models import LabourCostTransfer, Payroll
from tests.once import messages_of, token_in_form, with_token
from tests.projects.factories import make_project

TRANSFER = {"month": "2026-05-01", "amount": "30000", "transferred_on": "2026-05-10", "bank_reference": "B1"}


@pytest.fixture
def project_a(township_a, department):
    return make_project(township_a, department)


def test_transfer_posted_twice_with_one_token_is_written_once(client_for, inspector_a, project_a):
    client = client_for(inspector_a)
    url = reverse("projects:transfer_add", args=[project_a.pk])
    data = {**TRANSFER, "bank_reference": "", "once_token": token_in_form(client.get(url).content.decode())}
    first = client.post(url, data)
    second = client.post(url, data)
    assert LabourCostTransfer.objects.filter(project=project_a).count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert any("第一次提交的结果" in t for t in messages_of(second))


def test_payroll_posted_twice_with_one_token_is_written_once(client_for, inspector_a, project_a):
    client = client_for(inspector_a)
    url = reverse("projects:payroll_add", args=[project_a.pk])
    data = {"month": "2026-05-01", "attended": "5", "paid": "5", "gross": "100", "net": "100"}
    data |= {
        "paid_on": "2026-06-10",
        "via_account": "on",
        "once_token": token_in_form(client.get(url).content.decode()),
    }
    client.post(url, data)
    client.post(url, data)
    assert Payroll.objects.filter(project=project_a).count() == 1


def test_transfer_without_a_token_is_refused_in_chinese(client_for, inspector_a, project_a):
    response = client_for(inspector_a).post(reverse("projects:transfer_add", args=[project_a.pk]), TRANSFER)
    assert response.status_code == 200 and "防重复提交令牌" in response.content.decode()
    assert not LabourCostTransfer.objects.exists()


def test_transfer_with_another_users_token_is_refused(client_for, inspector_a, office, project_a):
    url = reverse("projects:transfer_add", args=[project_a.pk])
    response = client_for(inspector_a).post(url, with_token(TRANSFER, office))
    assert response.status_code == 200 and "不是为当前用户生成" in response.content.decode()
    assert not LabourCostTransfer.objects.exists()


def test_transfer_repeat_goes_to_the_first_result_even_when_it_no_longer_validates(
    client_for, inspector_a, project_a
):
    client = client_for(inspector_a)
    url = reverse("projects:transfer_add", args=[project_a.pk])
    data = with_token(TRANSFER, inspector_a)  # its bank reference is taken once the first is saved
    first = client.post(url, data)
    second = client.post(url, data)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert LabourCostTransfer.objects.filter(project=project_a).count() == 1
