"""Pages: ledger list (constant queries), detail and forms, project tab, account ledger, fund, export."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from deposits import services
from deposits.models import DrawRequest, WageDeposit
from projects.models import LabourCostTransfer, Payroll
from tests.once import with_token
from wagewatch.lib import workdays

from .factories import make_deposit, make_order, make_project

LIST = "/deposits/"


@pytest.fixture
def deposit_a(township_a, department, office):
    return make_deposit(make_project(township_a, department, name="甲镇工程"), cash="50000", user=office)


@pytest.fixture
def deposit_b(township_b, department, office):
    return make_deposit(make_project(township_b, department, name="乙镇工程"), cash="8000", user=office)


def test_urls_are_the_contract(deposit_a):
    assert reverse("deposits:list") == LIST
    assert reverse("deposits:project_tab", args=[7]) == "/projects/7/deposits/"
    assert reverse("deposits:account", args=[7]) == "/projects/7/account-ledger/"


@pytest.mark.parametrize("n", [2, 50])
def test_ledger_query_count_does_not_grow(
    n, township_a, department, client_for, inspector_a, django_assert_num_queries
):
    for _ in range(n):
        make_deposit(make_project(township_a, department), cash="1000")
    client = client_for(inspector_a)
    workdays.is_workday(timezone.localdate())
    # 1 user (the session comes from the cache), 2 SAVEPOINT (atomic request), 3 profile (role), 4 count,
    # 5 page of deposits with project/township/department/contractor, 6-11 deposit_positions (projects,
    # cases 2y, cases 1y, draws, blacklist, guarantees), 12 townships, 13 departments, 14 unread badge,
    # 15 RELEASE SAVEPOINT
    with django_assert_num_queries(15):
        response = client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(n, 50)


def test_inspector_sees_only_his_township(client_for, inspector_b, deposit_a, deposit_b):
    client = client_for(inspector_b)
    page = client.get(LIST).content.decode()
    assert "乙镇工程" in page and "甲镇工程" not in page
    assert client.get(reverse("deposits:detail", args=[deposit_a.pk])).status_code == 404
    assert client.get(reverse("deposits:project_tab", args=[deposit_a.project_id])).status_code == 404
    assert client.get(reverse("deposits:account", args=[deposit_a.project_id])).status_code == 404
    response = client.post(
        reverse("deposits:entry_add", args=[deposit_a.pk]),
        with_token({"kind": "paid_in", "amount": "1", "date": "2026-06-01"}, inspector_b),
    )
    assert response.status_code == 404
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("deposits:export")).content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["乙镇工程"]


def test_admin_is_scoped(client_for, inspector_b, deposit_a, deposit_b):
    inspector_b.is_staff = True
    inspector_b.save()
    from django.contrib.auth.models import Permission

    inspector_b.user_permissions.add(*Permission.objects.filter(content_type__app_label="deposits"))
    client = client_for(inspector_b)
    page = client.get("/admin/deposits/wagedeposit/").content.decode()
    assert "乙镇工程" in page and "甲镇工程" not in page
    assert client.get(f"/admin/deposits/wagedeposit/{deposit_a.pk}/change/").status_code in (302, 404)


def test_export_is_the_ledger(client_for, office, deposit_a, deposit_b):
    response = client_for(office).get(reverse("deposits:export"))
    assert "保证金台账" in response["Content-Disposition"] or "filename*" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][7] == "应缴额（元）" and len(rows) == 3


def test_detail_shows_required_amount_and_reason(client_for, inspector_a, deposit_a):
    response = client_for(inspector_a).get(reverse("deposits:detail", args=[deposit_a.pk]))
    assert response.status_code == 200
    assert response.context["required"] == Decimal("50000.00")
    assert "下浮" in response.content.decode()


def test_inspector_asks_and_office_approves_a_draw(client_for, inspector_a, office, deposit_a):
    order = make_order(deposit_a.project)
    url = reverse("deposits:draw", args=[deposit_a.pk])
    today = timezone.localdate().isoformat()
    client_for(inspector_a).post(
        url, with_token({"order": order.pk, "amount": "2000", "date": today}, inspector_a)
    )
    deposit_a.refresh_from_db()
    assert deposit_a.balance == Decimal("50000.00")
    request = DrawRequest.objects.get()
    assert (
        client_for(inspector_a)
        .post(reverse("deposits:draw_decide", args=[request.pk, "approve"]), with_token({}, inspector_a))
        .status_code
        == 403
    )
    client_for(office).post(
        reverse("deposits:draw_decide", args=[request.pk, "approve"]), with_token({}, office)
    )
    deposit_a.refresh_from_db()
    assert deposit_a.balance == Decimal("48000.00")


def test_dept_user_cannot_record(client_for, dept_user, deposit_a):
    url = reverse("deposits:entry_add", args=[deposit_a.pk])
    response = client_for(dept_user).post(url, {"kind": "paid_in", "amount": "1", "date": "2026-06-01"})
    assert response.status_code == 403


def test_pay_in_through_the_page(client_for, inspector_a, deposit_a):
    url = reverse("deposits:entry_add", args=[deposit_a.pk])
    data = with_token({"kind": "topped_up", "amount": "123.45", "date": "2026-06-01"}, inspector_a)
    client_for(inspector_a).post(url, data)
    deposit_a.refresh_from_db()
    assert deposit_a.balance == Decimal("50123.45")


def test_project_tab_opens_a_deposit(client_for, inspector_a, township_a, department):
    project = make_project(township_a, department)
    client = client_for(inspector_a)
    response = client.get(reverse("deposits:project_tab", args=[project.pk]))
    assert response.status_code == 200 and response.context["active_tab"] == "deposits"
    client.post(reverse("deposits:project_tab", args=[project.pk]), {"form": "cash"})
    assert WageDeposit.objects.filter(project=project).exists()


def test_account_ledger_marks_missing_months(client_for, inspector_a, township_a, department):
    today = timezone.localdate()
    first = today.replace(day=1)
    start = (first - datetime.timedelta(days=70)).replace(day=1)
    project = make_project(township_a, department, contract_date=start, start_date=start)
    LabourCostTransfer.objects.create(
        project=project, month=start, amount=Decimal(1000), transferred_on=start
    )
    Payroll.objects.create(
        project=project, month=start, attended=5, paid=5, gross=Decimal(100), net=Decimal(100), paid_on=start
    )
    response = client_for(inspector_a).get(reverse("deposits:account", args=[project.pk]))
    rows = response.context["rows"]
    assert rows[-1]["month"] == start and not rows[-1]["missing_transfer"] and not rows[-1]["missing_payroll"]
    assert rows[0]["month"] == first and rows[0]["missing_transfer"] and rows[0]["missing_payroll"]
    assert 'class="num missing"' in response.content.decode()


def test_fund_page_and_advance(client_for, office, inspector_a, township_a, department):
    project = make_project(township_a, department)
    client = client_for(office)
    capital = with_token({"amount": "10000", "date": "2026-06-01"}, office)
    client.post(reverse("deposits:fund_action", args=["capital"]), capital)
    client.post(
        reverse("deposits:fund_action", args=["advance"]),
        with_token({"project": project.pk, "amount": "4000", "workers": "3", "date": "2026-06-02"}, office),
    )
    assert client.get(reverse("deposits:fund")).context["fund"].balance == Decimal("6000.00")
    assert client_for(inspector_a).get(reverse("deposits:fund")).status_code == 200
    response = client_for(inspector_a).post(
        reverse("deposits:fund_action", args=["capital"]), {"amount": "1", "date": "2026-06-01"}
    )
    assert response.status_code == 403


def test_return_steps_through_the_page(client_for, inspector_a, deposit_a):
    client = client_for(inspector_a)
    url = reverse("deposits:return_step", args=[deposit_a.pk, "start"])
    dates = {"completed_on": "2026-01-05", "promise_received_on": "2026-01-10", "notice_from": "2026-01-15"}
    client.post(url, with_token(dates, inspector_a))
    deposit_a.refresh_from_db()
    assert deposit_a.review_due == datetime.date(2026, 2, 27)
    services.deposit_review_done(deposit=deposit_a, on=datetime.date(2026, 2, 27), user=inspector_a)
    page = client.get(reverse("deposits:detail", args=[deposit_a.pk])).content.decode()
    assert "2026-03-03" in page


def test_fund_page_totals_only_the_inspectors_township(
    client_for, office, inspector_a, township_a, township_b, department
):
    mine, theirs = make_project(township_a, department), make_project(township_b, department)
    client = client_for(office)
    capital = {"amount": "10000", "date": "2026-06-01"}
    client.post(reverse("deposits:fund_action", args=["capital"]), with_token(capital, office))
    for project, amount in ((mine, "1000"), (theirs, "4000")):
        advance = {"project": project.pk, "amount": amount, "workers": "2", "date": "2026-06-02"}
        client.post(reverse("deposits:fund_action", args=["advance"]), with_token(advance, office))
    assert client.get(reverse("deposits:fund")).context["totals"]["advanced"] == Decimal("5000.00")
    response = client_for(inspector_a).get(reverse("deposits:fund"))
    assert response.context["totals"]["advanced"] == Decimal("1000.00")
    # the fund's balance is a county figure (capital less every township's advances): office staff only
    assert response.context["fund"] is None
    assert "5000" not in response.content.decode() and "5,000" not in response.content.decode()
