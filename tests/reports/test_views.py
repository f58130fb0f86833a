"""The desk (工作台): every figure in the user's own scope; no role or no jurisdiction shows nothing."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.conftest import make_user
from tests.reports.factories import county
from wagewatch.accounts.models import Role

pytestmark = pytest.mark.django_db
DESK = reverse("reports:dashboard")


def _desk(client_for, user):
    response = client_for(user)
    return response.get(DESK)


def test_desk_of_inspector_counts_his_township_only(
    client_for, inspector_a, township_a, township_b, department
):
    county(3, [township_a, township_b], department)  # projects 0 and 2 in A, 1 in B
    response = _desk(client_for, inspector_a)
    assert response.context["data"]["projects"]["active"] == 2


@pytest.mark.parametrize("who", ["no_role", "inspector_without_township"])
def test_desk_without_role_or_jurisdiction_shows_no_figures(client_for, who, township_a, department):
    county(3, [township_a], department)
    user = {
        "no_role": lambda: User.objects.create_user("nobody", password="x"),
        "inspector_without_township": lambda: make_user("lost_inspector", Role.INSPECTOR),
    }[who]()
    response = _desk(client_for, user)
    assert response.status_code == 200
    assert response.context["data"] is None
    assert "暂无可查看的统计数据" in response.content.decode()
