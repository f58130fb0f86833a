"""The desk (工作台): every figure in the user's own scope; no role or no jurisdiction shows nothing."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

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


def _two_town_inspector(township_a, township_b):
    return make_user("inspector_ab", Role.INSPECTOR, townships=[township_a, township_b])


def _due_case(township, number):
    from tests.complaints.factories import make_complaint

    overdue = timezone.localdate() - datetime.timedelta(
        days=3
    )  # the desk reads the deadline, not the nightly mark
    return make_complaint(township=township, number=number, accept_due=overdue)


def test_desk_of_inspector_with_two_townships_covers_both(client_for, township_a, township_b, department):
    county(3, [township_a, township_b], department)  # projects 0 and 2 in A, 1 in B
    _due_case(township_a, "TS2026-100001")
    _due_case(township_b, "TS2026-100002")
    response = _desk(client_for, _two_town_inspector(township_a, township_b))
    assert response.context["data"]["projects"]["active"] == 3
    due = response.context["due_cases"]
    assert {c.number for c in due} >= {"TS2026-100001", "TS2026-100002"}
    assert {c.township_id for c in due} == {township_a.pk, township_b.pk}
    page = response.content.decode()
    assert "甲镇" in page and "乙镇" in page and 'name="township"' in page  # the switcher


def test_desk_filter_narrows_to_one_of_his_townships(client_for, township_a, township_b, department):
    county(3, [township_a, township_b], department)
    _due_case(township_a, "TS2026-100001")
    _due_case(township_b, "TS2026-100002")
    client = client_for(_two_town_inspector(township_a, township_b))
    response = client.get(DESK, {"township": township_b.pk})
    assert response.context["data"]["projects"]["active"] == 1
    due = response.context["due_cases"]
    assert "TS2026-100002" in {c.number for c in due} and {c.township_id for c in due} == {township_b.pk}
    assert "工作台 · 乙镇" in response.content.decode()


def test_desk_filter_refuses_a_township_not_his(client_for, inspector_a, township_a, township_b, department):
    county(3, [township_a, township_b], department)
    assert client_for(inspector_a).get(DESK, {"township": township_b.pk}).status_code == 404
    assert client_for(inspector_a).get(DESK, {"township": "x"}).status_code == 200  # junk: ignored


def test_office_may_narrow_the_desk_to_a_township(client_for, office, township_a, township_b, department):
    county(3, [township_a, township_b], department)
    assert _desk(client_for, office).context["data"]["projects"]["active"] == 3
    response = client_for(office).get(DESK, {"township": township_a.pk})
    assert response.context["data"]["projects"]["active"] == 2


@pytest.mark.parametrize("towns", [1, 3])
def test_desk_query_count_is_constant_in_the_number_of_townships(
    towns, client_for, township_a, township_b, department, django_assert_num_queries
):
    from wagewatch.accounts.models import Township

    extra = [Township.objects.create(code=f"TX{i}", name=f"丙{i}镇") for i in range(towns - 1)]
    county(3, [township_a, township_b], department)
    client = client_for(make_user("inspector_n", Role.INSPECTOR, townships=[township_a, *extra]))
    # 45, the same for one township or three: the request's own (atomic request, user, profile),
    # his townships (one query, whatever their number), report_data (39, tests/reports/test_figures.py),
    # due cases, overdue orders
    with django_assert_num_queries(45):
        assert client.get(DESK).status_code == 200
