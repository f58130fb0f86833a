"""Campaigns (专项行动): office staff set them up with targets; the campaign's report gives the stocks on its
first and last day and the flows between, each target beside its actual; scoped like every report."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from complaints.models import Complaint, EnforcementOrder, Interview
from golive.models import GoLive
from projects.models import Hazard, RiskRule
from reports import campaigns, tasks
from reports.models import Campaign, CampaignTarget, ReportRun
from tests.blacklist.factories import make_listed
from tests.complaints.factories import make_complaint
from tests.projects.factories import make_project
from tests.reports.factories import at

pytestmark = pytest.mark.django_db
START, END = datetime.date(2026, 11, 15), datetime.date(2027, 2, 16)  # 冬季攻坚行动: to the Spring Festival
AFTER = at(datetime.date(2027, 3, 1))
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def after():
    with time_machine.travel(AFTER, tick=False):
        yield


def _rule(code):
    return RiskRule.objects.get_or_create(code=code, defaults={"name": code})[0]


def _hazard(project, severity, opened, closed=None, code="R1"):
    with time_machine.travel(at(opened), tick=False):  # its history row is written on the day found
        return Hazard.objects.create(
            project=project, rule=_rule(code), severity=severity, department=project.department,
            opened_at=at(opened), deadline=opened + 30 * DAY, closed_at=closed and at(closed),
            status=Hazard.Status.CLOSED if closed else Hazard.Status.OPEN,
        )  # fmt: skip


def _case(project, received, closed=None, **kw):
    done = {"status": Complaint.Status.CLOSED, "closed_on": closed, "outcome": "mediated"} if closed else {}
    return make_complaint(project=project, received_at=at(received), accepted_on=received, **{**done, **kw})


def _campaign(user, township=None, **targets):
    scope = {"scope": "township", "township": township} if township else {"scope": "county"}
    return campaigns.campaign_save(
        user=user, campaign=None, fields={"name": "冬季攻坚行动", "start": START, "end": END, **scope},
        targets={k: Decimal(v) for k, v in targets.items()},
    )  # fmt: skip


def _winter(township, department, office):
    """Before, inside and after the campaign: what counts where."""
    GoLive.objects.create(as_of=datetime.date(2026, 10, 1))
    start = datetime.date(2026, 6, 1)
    clean, general, serious = (make_project(township, department, start_date=start) for _ in range(3))
    make_project(township, department, start_date=END + 5 * DAY)  # starts after: in no stock
    _hazard(
        general, 1, datetime.date(2026, 11, 1), closed=datetime.date(2026, 12, 10)
    )  # open at start, closed
    _hazard(serious, 1, datetime.date(2026, 11, 2), code="R2")  # open throughout
    _hazard(serious, 2, datetime.date(2026, 12, 1), code="R3")  # found in the campaign, open at the end
    _hazard(clean, 2, datetime.date(2026, 10, 5), closed=datetime.date(2026, 11, 10))  # closed before
    _hazard(clean, 2, datetime.date(2027, 2, 20), code="R4")  # found after
    _case(general, datetime.date(2026, 11, 1), closed=datetime.date(2026, 12, 20),
          amount_recovered=Decimal("50000"), workers_paid=5)  # fmt: skip
    _case(serious, datetime.date(2026, 11, 20))  # received in, open at the end
    _case(serious, datetime.date(2026, 12, 1), closed=datetime.date(2027, 1, 10), outcome="criminal",
          status=Complaint.Status.CLOSED)  # fmt: skip
    _case(clean, datetime.date(2027, 2, 20))  # received after
    for kind, day in ((EnforcementOrder.Kind.PAY, datetime.date(2026, 12, 5)),
                      (EnforcementOrder.Kind.RECTIFY, datetime.date(2026, 11, 1))):  # fmt: skip
        EnforcementOrder.objects.create(
            kind=kind, year=day.year, seq=day.toordinal(), enterprise=serious.contractor, project=serious,
            township=township, requirement="支付工资", issued_on=day, deadline=day + 5 * DAY,
        )  # fmt: skip
    Interview.objects.create(
        year=2027, seq=1, township=township, interviewee_name="张三", enterprise=serious.contractor,
        held_on=datetime.date(2027, 1, 5), reason="欠薪", agreed="春节前结清",
    )  # fmt: skip
    with time_machine.travel(AFTER, tick=False):
        make_listed(user=office, project=serious, listed_on=datetime.date(2027, 2, 1))  # notice 12-23
    return clean, general, serious


def _sheets(run):
    book = load_workbook(io.BytesIO(run.xlsx.read()))
    return {ws.title: list(ws.iter_rows(min_row=2, values_only=True)) for ws in book.worksheets}


def test_campaign_report_states_the_start_and_end_and_the_work_in_between(township_a, department, office):
    _winter(township_a, department, office)
    with time_machine.travel(AFTER, tick=False):
        campaign = _campaign(office, hazards_closed=2, cases_closed=4, recovered=10, interviews=1)
        run = campaigns.campaign_report_request(user=office, campaign=campaign, plan="巩固成果")
        assert tasks.render_report(run.pk) == "done"
    run.refresh_from_db()
    assert (run.kind, run.start, run.end, run.campaign_id) == ("campaign", START, END, campaign.pk)
    sheets = _sheets(run)

    positions = {r[0]: (r[1], r[2]) for r in sheets["期初期末情况"]}
    assert positions["在建项目"] == (3, 3)
    assert positions["其中无隐患项目"] == (1, 2)  # the general one's only hazard was closed in between
    assert positions["其中一般隐患项目"] == (2, 0)
    assert positions["其中严重隐患项目"] == (0, 1)  # a general + a serious hazard: counts once, as serious
    assert positions["无隐患项目占比"] == (33.3, 66.7)  # read back from the workbook as numbers
    assert positions["未销号一般隐患"] == (2, 1) and positions["未销号严重隐患"] == (0, 1)
    assert positions["在办投诉举报案件"] == (1, 1)

    flows = {r[0]: r[1] for r in sheets["行动期间工作"]}
    assert (flows["排查发现欠薪隐患"], flows["欠薪隐患销号"]) == (1, 1)
    assert (flows["受理登记投诉举报"], flows["办结案件"]) == (2, 2)
    assert (flows["追回工资"], flows["帮助农民工"]) == (5, 5)
    assert (flows["约谈用人单位"], flows["下达责令限期支付工资文书"], flows["下达限期整改指令书"]) == (
        1,
        1,
        0,
    )
    assert (flows["送达失信事先告知书"], flows["列入失信名单"], flows["移送公安机关"]) == (1, 1, 1)

    targets = {r[0]: r[1:] for r in sheets["目标完成情况"]}
    assert targets["欠薪隐患销号（条）"] == (2, 1, 50)
    assert targets["办结案件（件）"] == (4, 2, 50)
    assert targets["追回工资（万元）"] == (10, 5, 50)
    assert targets["约谈用人单位（次）"] == (1, 1, 100)
    assert run.pdf_size > 0


def test_targets_beside_actuals_with_the_share_achieved():
    data = {"hazards": {"closed": 3, "opened": 0}, "complaints": {"recovered": Decimal("12.34")}}
    assert campaigns.achieved(3, Decimal("4")) == Decimal("75.0")
    assert campaigns.achieved(Decimal("12.34"), Decimal("10")) == Decimal("123.4")
    assert campaigns.achieved(None, Decimal("10")) is None
    assert campaigns.ACTUALS[CampaignTarget.Figure.RECOVERED](data) == Decimal("12.34")
    assert set(campaigns.ACTUALS) == set(CampaignTarget.Figure.values)  # every figure has an actual


def test_a_campaign_starting_before_anything_is_known_prints_unknown_at_start(township_a, department, office):
    make_project(township_a, department, start_date=datetime.date(2026, 6, 1))
    with time_machine.travel(AFTER, tick=False):
        GoLive.objects.create(as_of=datetime.date(2026, 12, 1))
        campaign = _campaign(office)
        run = campaigns.campaign_report_request(user=office, campaign=campaign)
        tasks.render_report(run.pk)
    run.refresh_from_db()
    positions = {r[0]: (r[1], r[2]) for r in _sheets(run)["期初期末情况"]}
    assert positions["在建项目"] == ("—", 1) and positions["其中无隐患项目"] == ("—", 1)
    assert positions["未销号严重隐患"] == ("—", 0) and positions["在办投诉举报案件"] == ("—", 0)


def test_inspector_of_b_cannot_see_a_township_a_campaign_or_its_report(
    township_a, township_b, office, inspector_a, inspector_b, client_for, after
):
    campaign = _campaign(office, township=township_a, cases_closed=3)
    run = campaigns.campaign_report_request(user=inspector_a, campaign=campaign)
    tasks.render_report(run.pk)
    b, a = client_for(inspector_b), client_for(inspector_a)
    for url in (
        reverse("reports:campaign_detail", args=[campaign.pk]),
        reverse("reports:campaign_edit", args=[campaign.pk]),
        reverse("reports:detail", args=[run.pk]),
        reverse("reports:download", args=[run.pk, "pdf"]),
        reverse("reports:download", args=[run.pk, "xlsx"]),
    ):
        assert b.get(url).status_code == 404, url
    assert b.post(reverse("reports:campaign_report", args=[campaign.pk])).status_code == 404
    assert "冬季攻坚行动" not in b.get(reverse("reports:campaigns")).content.decode()
    assert b.get("/api/v1/campaigns/").json()["results"] == []
    assert a.get(reverse("reports:download", args=[run.pk, "pdf"])).status_code == 200
    assert [c["id"] for c in a.get("/api/v1/campaigns/").json()["results"]] == [campaign.pk]
    assert a.get(reverse("reports:campaign_edit", args=[campaign.pk])).status_code == 403  # office edits


def test_office_creates_and_edits_a_campaign_with_targets(office, township_a, client_for, after):
    c = client_for(office)
    form = {"name": "冬季攻坚行动", "start": START, "end": END, "scope": "township",
            "township": township_a.pk, "target_cases_closed": "40", "target_recovered": "120.5"}  # fmt: skip
    response = c.post(reverse("reports:campaign_create"), form)
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and campaign.township == township_a
    assert {t.figure: t.target for t in campaign.targets.all()} == {
        "cases_closed": Decimal("40"), "recovered": Decimal("120.5")}  # fmt: skip
    form = {**form, "target_cases_closed": "", "target_workers": "300"}
    c.post(reverse("reports:campaign_edit", args=[campaign.pk]), form)
    assert {t.figure for t in campaign.targets.all()} == {"recovered", "workers"}
    assert campaign.history.count() == 2
    page = c.get(reverse("reports:campaign_detail", args=[campaign.pk])).content.decode()
    assert "帮助农民工（人）" in page


@pytest.mark.parametrize(
    "bad",
    [
        {"end": START - DAY},
        {"scope": "township", "township": ""},
        {"target_workers": "-3"},
        {"target_workers": "1e30"},
        {"name": "长" * 200},
    ],
)
def test_bad_campaign_input_is_a_form_error(bad, office, client_for, after):
    form = {"name": "冬季攻坚行动", "start": START, "end": END, "scope": "county", **bad}
    response = client_for(office).post(reverse("reports:campaign_create"), form)
    assert response.status_code == 200 and not Campaign.objects.exists()
    assert "has-error" in response.content.decode() or "form-error" in response.content.decode()


def test_only_office_creates_campaigns(inspector_a, dept_user, client_for, after):
    for user in (inspector_a, dept_user):
        assert client_for(user).get(reverse("reports:campaign_create")).status_code == 403


def test_asking_twice_reuses_the_campaigns_one_report(office, after):
    campaign = _campaign(office)
    first = campaigns.campaign_report_request(user=office, campaign=campaign)
    assert campaigns.campaign_report_request(user=office, campaign=campaign).pk == first.pk
    tasks.render_report(first.pk)
    again = campaigns.campaign_report_request(user=office, campaign=campaign, plan="新的打算")
    assert again.pk == first.pk and again.status == "queued"
    same_days = _campaign(office)  # another campaign with the same scope and days: its own report
    assert campaigns.campaign_report_request(user=office, campaign=same_days).pk != first.pk
    assert ReportRun.objects.count() == 2


def test_campaign_figures_take_one_query_whatever_the_targets(office, django_assert_num_queries, after):
    data = {
        "hazards": {"opened": 1, "closed": 1, "levels": []},
        "complaints": {k: 1 for k in ("received", "closed", "recovered", "workers", "criminal")},
        "enforcement": {k: 1 for k in ("projects", "employers", "orders", "interviews", "orders_pay",
                                       "orders_rectify")},
        "blacklist": {"noticed": 1, "added": 1}, "end": END,
        "grades": {"start": {"total": 1}, "end": {"total": 1}, "rows": []},
        "arrears": {"start": {"known": False}, "end": {"known": False}},
    }  # fmt: skip
    data["complaints"].update(open_start=1, open_end=1)
    few = _campaign(office, cases_closed=1)
    many = _campaign(office, **dict.fromkeys(CampaignTarget.Figure.values, 5))
    for campaign in (few, many):
        with django_assert_num_queries(1):  # the campaign's targets
            rows = campaigns.campaign_figures(campaign, data)["targets"]
    assert len(rows) == len(CampaignTarget.Figure.values)


def test_the_demo_county_has_the_winter_campaign_with_targets_once(office):
    from reports import demo

    with time_machine.travel(datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.UTC)):
        demo.seed(stdout=io.StringIO())
        demo.seed(stdout=io.StringIO())
    campaign = Campaign.objects.get()
    assert (campaign.start, campaign.end) == (datetime.date(2026, 11, 15), datetime.date(2027, 2, 16))
    assert campaign.targets.count() == 5 and campaign.created_by == office
