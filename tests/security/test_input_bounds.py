"""Issue 14 items 10–12 through the pages and the API: out-of-range input is a Chinese form error,
never a 500 and never stored; a legacy date far in the past does not blow up the account ledger."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from deposits.models import EmergencyAdvance
from projects.models import LabourCostTransfer, Project
from reports.models import ReportRun
from tests.api.factories import make_account, make_api_client, token_client, transfer_item
from tests.complaints.factories import make_complaint, make_project

pytestmark = pytest.mark.django_db
HUGE_TEXT = "欠" * (9_500_000 // 3)  # 9.5 MB of UTF-8, under the 10 MB request limit


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def project_a(township_a):
    return make_project(township=township_a)


@pytest.fixture
def bank(project_a):
    return make_api_client(accounts=[make_account(project_a)], username="bank")


def _client(user) -> Client:
    """A logged-in client that answers a server error with its 500 instead of raising it."""
    client = Client(raise_request_exception=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _intake(project, **over):
    data = {
        "channel": "visit",
        "complainant_name": "李四",
        "complainant_phone": "13800138000",
        "respondent": project.contractor.uscc,
        "project": project.pk,
        "workers_involved": 3,
        "amount_claimed": "9000",
        "description": "欠薪",
    }
    return {**data, **over}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("workers_involved", "2147483648"),
        ("amount_claimed", "1e20"),
        ("arrears_to", "9999-12-31"),
        ("arrears_from", "0001-01-01"),
        ("description", HUGE_TEXT),
    ],
    ids=["workers", "amount", "arrears_to_9999", "arrears_from_0001", "description_9_5MB"],
)
def test_intake_refuses_out_of_range_input_with_a_chinese_error(inspector_a, township_a, field, value):
    project = make_project(township=township_a)
    response = _client(inspector_a).post(reverse("complaints:create"), _intake(project, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_intake_refuses_a_reversed_period(inspector_a, township_a):
    project = make_project(township=township_a)
    data = _intake(project, arrears_from="2026-05-01", arrears_to="2026-03-01")
    response = _client(inspector_a).post(reverse("complaints:create"), data)
    assert response.status_code == 200 and "arrears_to" in response.context["form"].errors
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "over", [{"workers_paid": "99999999999"}, {"amount_recovered": "1e18"}], ids=["workers_paid", "recovered"]
)
def test_closing_a_case_with_overflowing_figures_is_refused(office, township_a, over):
    project = make_project(township=township_a)
    case = make_complaint(project=project, status=Complaint.Status.FILED, filed_on=timezone.localdate())
    data = {"outcome": "mediated", "amount_recovered": "100", "workers_paid": "1", "confirm": "on", **over}
    response = _client(office).post(reverse("complaints:step", args=[case.pk, "close"]), data)
    assert response.status_code == 400  # the case page again, the error on the close form's field
    case.refresh_from_db()
    assert case.status == Complaint.Status.FILED


def test_emergency_advance_for_99999999999_workers_is_refused(office, township_a):
    project = make_project(township=township_a)
    client = _client(office)
    today = timezone.localdate().isoformat()
    client.post(reverse("deposits:fund_action", args=["capital"]), {"amount": "10000", "date": today})
    data = {"project": project.pk, "amount": "4000", "workers": "99999999999", "date": today}
    response = client.post(reverse("deposits:fund_action", args=["advance"]), data)
    assert response.status_code == 302
    assert not EmergencyAdvance.objects.exists()


def test_project_with_contract_date_in_year_1_is_refused(office, township_a, department):
    other = make_project(township=township_a)
    data = {
        "code": "XM-BOUNDS", "name": "边界工程", "township": township_a.pk, "department": department.pk,
        "investment_type": Project.Investment.GOVERNMENT, "builder": other.builder.pk,
        "contractor": other.contractor.pk, "contract_price": "1000000", "contract_date": "0001-01-01",
        "start_date": "2026-01-01", "planned_finish": "2027-01-01", "status": Project.Status.BUILDING,
        "labour_share": "0.20", "payday": 15,
    }  # fmt: skip
    response = _client(office).post(reverse("projects:create"), data)
    assert response.status_code == 200
    assert "contract_date" in response.context["form"].errors
    assert not Project.objects.filter(code="XM-BOUNDS").exists()


def test_account_ledger_of_a_legacy_year_1_contract_starts_at_the_plausible_minimum(inspector_a, township_a):
    project = make_project(township=township_a, contract_date=datetime.date(1, 1, 1))
    response = _client(inspector_a).get(reverse("deposits:account", args=[project.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    today = timezone.localdate()
    assert rows[0]["month"] == today.replace(day=1)
    assert rows[-1]["month"].year >= 1990 and len(rows) <= (today.year - 1990 + 1) * 12


@pytest.mark.parametrize(("start", "end"), [("9999-01-01", "9999-12-31"), ("0001-01-01", "0001-03-31")])
def test_report_range_outside_the_plausible_dates_is_a_form_error(office, start, end):
    data = {"kind": "quarterly", "scope": "county", "start": start, "end": end}
    response = _client(office).post(reverse("reports:index"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "start" in form.errors or "end" in form.errors
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_api_refuses_transfers_dated_outside_the_plausible_range(bank, project_a, day):
    items = [transfer_item(project_a, month=day, transferred_on=day)]
    response = token_client(bank.user).post("/api/v1/transfers/", items, format="json")
    assert response.status_code == 400, response.content
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"month", "transferred_on"} <= fields
    assert not LabourCostTransfer.objects.exists()


def test_api_refuses_an_overflowing_amount(bank, project_a):
    items = [transfer_item(project_a, amount=str(Decimal("1e20")))]
    response = token_client(bank.user).post("/api/v1/transfers/", items, format="json")
    assert response.status_code == 400 and not LabourCostTransfer.objects.exists()


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("projects:list", {"township": "abc"}),
        ("projects:export", {"department": "1;drop"}),
        ("projects:list", {"risk_grade": "9"}),
        ("deposits:list", {"township": "abc"}),
        ("deposits:export", {"department": "99999999999"}),
        ("complaints:list", {"date_from": "2024-13-45"}),
        ("complaints:orders", {"year": "99999"}),
        ("complaints:interviews", {"township": "x"}),
        ("reports:tasks", {"unit": "zzz"}),
    ],
)
def test_a_bad_list_filter_is_a_chinese_message_not_a_500(office, project_a, name, query):
    response = _client(office).get(reverse(name), query)
    assert response.status_code == 200
    if response.get("Content-Type", "").startswith("text/html"):
        shown = [str(m) for m in response.context["messages"]]
        assert any("筛选条件有误" in m for m in shown), shown
