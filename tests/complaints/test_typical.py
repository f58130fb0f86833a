"""Typical cases (典型案例曝光): published by office staff from closed cases, refused when the text holds
personal data, shown on the public page without anything personal, withdrawn without losing the row."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import demo
from complaints.claimants import claimant_create
from complaints.models import Complaint, TypicalCase
from complaints.typical import typical_case_publish, typical_case_withdraw
from tests.projects.factories import valid_id

from .factories import make_complaint, make_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
CLOSED_ON = TODAY - datetime.timedelta(days=20)
SUMMARY = "某建筑公司拖欠农民工王某等12人工资，经责令限期支付，已全额兑付135000元。"


@pytest.fixture
def project(township_a, department):
    return make_project(township=township_a, department=department)


@pytest.fixture
def closed_case(project):
    case = make_complaint(
        project=project,
        status=Complaint.Status.CLOSED,
        outcome=Complaint.Outcome.INVESTIGATED,
        closed_on=CLOSED_ON,
        amount_recovered=Decimal("135000"),
        workers_paid=12,
    )
    claimant_create(
        complaint=case,
        name="赵铁柱",
        id_number=valid_id(),
        phone="13700001111",
        month_from=datetime.date(2026, 1, 1),
        month_to=datetime.date(2026, 3, 1),
    )
    return case


def _post(case, **extra):
    data = {
        "title": "某建筑公司拖欠农民工工资案",
        "summary": SUMMARY,
        "enterprise_name": case.respondent_name,
        "amount_recovered": "135000",
        "workers_paid": "12",
        "published_on": TODAY.isoformat(),
    }
    return {**data, **extra}


def _publish(case, user, **extra):
    fields = {"title": "典型案例", "summary": SUMMARY, "enterprise_name": case.respondent_name}
    return typical_case_publish(complaint=case, user=user, **{**fields, **extra})


def test_office_publishes_a_closed_case_from_its_page(client_for, office, closed_case):
    client = client_for(office)
    page = client.get(reverse("complaints:detail", args=[closed_case.pk])).content.decode()
    assert reverse("complaints:typical_create", args=[closed_case.pk]) in page
    response = client.post(reverse("complaints:typical_create", args=[closed_case.pk]), _post(closed_case))
    assert response.status_code == 302
    row = TypicalCase.objects.get(complaint=closed_case)
    assert (row.summary, row.published_by, row.workers_paid) == (SUMMARY, office, 12)
    assert row.history.count() == 1 and row.history.first().history_user == office
    listing = client.get(reverse("complaints:typical_list")).content.decode()
    assert "某建筑公司拖欠农民工工资案" in listing


@pytest.mark.parametrize(
    ("field", "text", "named"),
    [
        ("summary", "投诉人身份证号110101199003074514，", "身份证号码 110***********4514"),
        ("summary", "联系电话 139 1234 5678", "手机号码 139****5678"),
        ("summary", "联系电话１３９－１２３４－５６７８", "手机号码 139****5678"),
        ("summary", "座机（0571）8765-4321", "固定电话号码"),
        ("summary", "投诉人王小二反映被拖欠工资", "王小二"),  # the complainant (reporter)
        ("title", "赵 铁 柱等工人欠薪案", "赵铁柱"),  # a claimant, with spaces
    ],
)
def test_personal_data_is_refused_naming_what_was_found(client_for, office, closed_case, field, text, named):
    url = reverse("complaints:typical_create", args=[closed_case.pk])
    response = client_for(office).post(url, _post(closed_case, **{field: text}))
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert "含有个人信息，不能公开" in errors[0] and named in errors[0]
    assert not TypicalCase.objects.exists()


def test_a_case_not_closed_cannot_be_published(client_for, office, project):
    case = make_complaint(project=project, status=Complaint.Status.FILED, filed_on=CLOSED_ON)
    client = client_for(office)
    assert "typical" not in client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    response = client.post(reverse("complaints:typical_create", args=[case.pk]), _post(case))
    assert response.status_code == 302 and not TypicalCase.objects.exists()
    with pytest.raises(Exception, match="只有已结案的案件"):
        _publish(case, office)


def test_publication_date_is_real_not_ahead_not_before_closure(client_for, office, closed_case):
    url = reverse("complaints:typical_create", args=[closed_case.pk])
    for day in (TODAY + datetime.timedelta(days=1), CLOSED_ON - datetime.timedelta(days=1)):
        response = client_for(office).post(url, _post(closed_case, published_on=day.isoformat()))
        assert response.status_code == 400 and "published_on" in response.context["form"].errors
    assert not TypicalCase.objects.exists()


def test_one_typical_case_per_case(office, closed_case):
    _publish(closed_case, office)
    with pytest.raises(Exception, match="已发布过"):
        _publish(closed_case, office)


@pytest.mark.parametrize("who", ["inspector_a", "dept_user"])
def test_only_office_publishes_and_sees_the_list(request, client_for, closed_case, who):
    client = client_for(request.getfixturevalue(who))
    create = reverse("complaints:typical_create", args=[closed_case.pk])
    assert client.post(create, _post(closed_case)).status_code == 403
    assert client.get(reverse("complaints:typical_list")).status_code == 403
    assert not TypicalCase.objects.exists()


def test_inspector_cannot_withdraw_nor_see_it_in_admin(client_for, office, inspector_a, closed_case):
    row = _publish(closed_case, office)
    client = client_for(inspector_a)
    url = reverse("complaints:typical_withdraw", args=[row.pk])
    assert client.post(url, {"withdrawn_on": TODAY.isoformat()}).status_code == 403
    with pytest.raises(Exception, match="只有治欠办"):
        typical_case_withdraw(typical=row, user=inspector_a)
    assert TypicalCase.objects.visible_to(inspector_a).count() == 0


def test_public_page_shows_the_summary_and_nothing_personal(anonymous, office, closed_case):
    _publish(closed_case, office, title="公开的标题")
    response = anonymous.get(reverse("complaints:typical_public"))
    page = response.content.decode()
    assert response.status_code == 200 and SUMMARY in page and "公开的标题" in page
    assert closed_case.respondent_name in page
    for personal in ("王小二", "赵铁柱", "13912345678", "139****5678", "13700001111", "110101199003074514"):
        assert personal not in page
    assert closed_case.number not in page  # the case number leads to the status lookup: not published
    assert reverse("blacklist:public") in page
    assert reverse("complaints:typical_public") in anonymous.get(reverse("blacklist:public")).content.decode()


def test_withdrawn_disappears_from_the_public_page_and_the_row_stays(
    client_for, anonymous, office, closed_case
):
    row = _publish(closed_case, office, title="将撤下的案例")
    url = reverse("complaints:typical_public")
    assert "将撤下的案例" in anonymous.get(url).content.decode()
    response = client_for(office).post(
        reverse("complaints:typical_withdraw", args=[row.pk]),
        {"withdrawn_on": TODAY.isoformat(), "withdraw_reason": "案情更正"},
    )
    assert response.status_code == 302
    assert "将撤下的案例" not in anonymous.get(url).content.decode()
    row.refresh_from_db()
    assert (row.withdrawn_on, row.withdrawn_by, row.withdraw_reason) == (TODAY, office, "案情更正")
    assert row.history.count() == 2
    with pytest.raises(Exception, match="已撤下"):
        typical_case_withdraw(typical=row, user=office)


def test_public_page_is_paginated_newest_first(anonymous, office, project):
    for i in range(12):
        case = make_complaint(project=project, status="closed", outcome="mediated", closed_on=CLOSED_ON)
        _publish(case, office, title=f"案例{i:02d}", published_on=CLOSED_ON + datetime.timedelta(days=i))
    first = anonymous.get(reverse("complaints:typical_public")).content.decode()
    assert "案例11" in first and "案例00" not in first
    second = anonymous.get(reverse("complaints:typical_public") + "?page=2").content.decode()
    assert "案例00" in second and "案例11" not in second


def test_office_list_filters_by_publication_date(client_for, office, project):
    for i, day in enumerate([CLOSED_ON, CLOSED_ON + datetime.timedelta(days=5)]):
        case = make_complaint(project=project, status="closed", outcome="mediated", closed_on=CLOSED_ON)
        _publish(case, office, title=f"筛选{i}", published_on=day)
    query = f"?date_from={(CLOSED_ON + datetime.timedelta(days=1)).isoformat()}"
    page = client_for(office).get(reverse("complaints:typical_list") + query).content.decode()
    assert "筛选1" in page and "筛选0" not in page


def test_demo_publishes_two_typical_cases_idempotently(township_a, township_b, department, office):
    for township in (township_a, township_b, township_a):
        make_project(township=township, department=department)
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    rows = TypicalCase.objects.all()
    assert rows.count() == 2
    assert all(r.complaint.status == Complaint.Status.CLOSED and r.withdrawn_on is None for r in rows)
