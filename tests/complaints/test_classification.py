"""What a case records: kind, sector, channel, and a group incident the inspector decides (issue 17.4)."""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from complaints import services
from complaints.models import CaseEvent, Complaint
from complaints.selectors import complaint_list
from projects.models import Enterprise
from tests.api.factories import token_client
from tests.once import with_token
from wagewatch.lib import law

from .factories import make_complaint, make_enterprise, make_project

pytestmark = pytest.mark.django_db
CREATE = reverse("complaints:create")
CONFIRM = "人数达到群体性事件标准，请确认"


@pytest.fixture
def project_a(township_a, department):
    return make_project(township=township_a, department=department)


def _intake(client, user, **extra):
    data = {
        "channel": "visit",
        "complainant_name": "李四",
        "complainant_phone": "13800138000",
        "respondent": "某某公司",
        "workers_involved": 3,
        "amount_claimed": "9000",
        "description": "欠薪",
    }
    data.update(extra)
    return client.post(CREATE, with_token(data, user))


def test_twelve_workers_unticked_is_not_a_group_incident_three_ticked_is(client_for, inspector_a, project_a):
    assert law.GROUP_INCIDENT_WORKERS() == 10
    client = client_for(inspector_a)
    _intake(client, inspector_a, project=project_a.pk, workers_involved=12, respondent="甲公司")
    _intake(
        client,
        inspector_a,
        project=project_a.pk,
        workers_involved=3,
        group_incident="on",
        respondent="乙公司",
    )
    big, small = (
        Complaint.objects.get(respondent_name="甲公司"),
        Complaint.objects.get(respondent_name="乙公司"),
    )
    assert not big.group_incident and small.group_incident
    ledger = complaint_list(user=inspector_a, filters={"group_incident": "yes"})
    assert [c.respondent_name for c in ledger] == ["乙公司"]
    # staff decided at intake: the case page does not ask again
    assert CONFIRM not in client.get(reverse("complaints:detail", args=[big.pk])).content.decode()


def test_intake_form_suggests_the_group_incident_by_size(client_for, inspector_a):
    page = client_for(inspector_a).get(CREATE).content.decode()
    assert 'data-suggest-from="id_workers_involved"' in page and 'data-suggest-at="10"' in page
    assert "建议认定为群体性事件" in page


def test_public_case_of_twelve_asks_the_inspector_who_decides(client_for, inspector_a, project_a):
    case = services.complaint_receive(
        user=None, channel="online", complainant_name="刘", complainant_phone="13700001234",
        description="欠薪", respondent_name="某公司", project=project_a, workers_involved=12,
    )  # fmt: skip
    assert not case.group_incident and case.sector == "construction" and case.kind == "complaint"
    client = client_for(inspector_a)
    detail = reverse("complaints:detail", args=[case.pk])
    response = client.get(detail)
    assert CONFIRM in response.content.decode()
    assert response.context["classify_form"].initial["group_incident"] is True  # pre-ticked
    step = reverse("complaints:step", args=[case.pk, "classify"])
    client.post(
        step, with_token({"kind": "report", "sector": "construction", "channel": "online"}, inspector_a)
    )
    case.refresh_from_db()
    assert (case.kind, case.group_incident) == ("report", False)  # unticked: not a group incident
    assert CONFIRM not in client.get(detail).content.decode()
    event = CaseEvent.objects.get(complaint=case, action="classified")
    assert event.actor == inspector_a and case.history.first().history_user == inspector_a


def test_sector_suggested_from_project_or_employer_else_chosen(
    client_for, inspector_a, project_a, township_a
):
    client = client_for(inspector_a)
    _intake(client, inspector_a, project=project_a.pk, respondent="项目案")
    builder = make_enterprise(kind=Enterprise.Kind.CONTRACTOR)
    _intake(client, inspector_a, township=township_a.pk, respondent=builder.uscc)
    response = _intake(client, inspector_a, township=township_a.pk, respondent="好味道餐馆")
    assert response.status_code == 200 and "请选择所属领域" in response.content.decode()
    _intake(
        client, inspector_a, township=township_a.pk, respondent="好味道餐馆", sector="other", kind="petition"
    )
    sectors = dict(Complaint.objects.values_list("respondent_name", "sector"))
    assert sectors == {"项目案": "construction", builder.name: "construction", "好味道餐馆": "other"}
    assert Complaint.objects.get(respondent_name="好味道餐馆").kind == "petition"


def test_inspector_b_cannot_classify_township_a_case(client_for, inspector_b, project_a):
    case = make_complaint(project=project_a, sector="construction")
    step = reverse("complaints:step", args=[case.pk, "classify"])
    data = {"kind": "report", "sector": "other", "channel": "letter", "group_incident": "on"}
    response = client_for(inspector_b).post(step, with_token(data, inspector_b))
    assert response.status_code == 404
    case.refresh_from_db()
    assert (case.kind, case.sector, case.group_incident) == ("complaint", "construction", False)


def test_bad_classification_is_a_form_error_not_500(client_for, inspector_a, project_a):
    case = make_complaint(project=project_a, sector="construction")
    step = reverse("complaints:step", args=[case.pk, "classify"])
    data = {"kind": "report", "sector": "mining", "channel": "fax"}
    response = client_for(inspector_a).post(step, with_token(data, inspector_a), follow=True)
    assert response.status_code in (200, 400)
    case.refresh_from_db()
    assert (case.kind, case.channel) == ("complaint", "12333")


def test_public_form_records_online_petition_channel(township_a, department):
    project = make_project(township=township_a, department=department)
    client = Client()
    url = reverse("complaints:public_project", args=[project.code])
    key = client.get(url).context["captcha_key"]
    from complaints.models import Captcha

    data = {
        "complainant_name": "刘大力", "complainant_phone": "13700001234", "respondent_name": "某某劳务公司",
        "workers_involved": "15", "amount_claimed": "12000", "description": "干了三个月没拿到工资",
        "captcha_key": key, "captcha": Captcha.objects.get(key=key).answer,
    }  # fmt: skip
    client.post(url, with_token(data))
    case = Complaint.objects.get()
    assert (case.channel, case.get_channel_display(), case.sector) == ("online", "网上信访", "construction")
    assert not case.group_incident  # the size suggests it; nobody has decided yet


def test_ledger_filters_by_sector_kind_channel_and_export_carries_them(client_for, office, project_a):
    make_complaint(project=project_a, sector="construction", kind="report", channel="consult")
    make_complaint(
        project=None, township=project_a.township, sector="other", kind="petition", channel="online"
    )
    assert complaint_list(user=office, filters={"sector": "other"}).get().kind == "petition"
    assert complaint_list(user=office, filters={"kind": "report"}).get().channel == "consult"
    page = client_for(office).get(reverse("complaints:list"), {"channel": "consult", "group_incident": "no"})
    assert page.status_code == 200 and len(page.context["page"].object_list) == 1
    assert "网上咨询" in page.content.decode()


def test_api_carries_kind_and_sector_and_filters_them(office, project_a):
    make_complaint(project=project_a, sector="construction", kind="report")
    make_complaint(project=project_a, sector="other", kind="complaint")
    rows = token_client(office).get("/api/v1/complaints/", {"sector": "other"}).json()["results"]
    assert [(r["sector"], r["kind"]) for r in rows] == [("other", "complaint")]


def test_migration_gives_existing_cases_a_sector(project_a, township_a):
    on_project = make_complaint(project=project_a)
    against_builder = make_complaint(township=township_a, respondent=make_enterprise(kind="builder"))
    unknown = make_complaint(township=township_a, channel="online")
    migration = importlib.import_module("complaints.migrations.0011_case_kind_sector_channels")
    migration.sector_of_existing_cases(apps, None)
    sectors = {c.pk: (c.sector, c.channel) for c in Complaint.objects.all()}
    assert sectors[on_project.pk][0] == sectors[against_builder.pk][0] == "construction"
    assert sectors[unknown.pk] == ("", "online")  # the old 网络 rows stay valid as 网上信访
