"""Double submission: intake, case steps and numbered documents posted twice with one token write once."""

import pytest
from django.urls import reverse

from complaints.models import CaseEvent, Complaint, EnforcementOrder, Interview
from tests.once import messages_of, token_in_form, with_token
from wagewatch.accounts.models import NumberCounter

from .factories import make_complaint, make_project
from .test_enforcement import DAY, TODAY


@pytest.fixture
def project_a(township_a, department):
    return make_project(township=township_a, department=department)


def _twice(client, url, data):
    return client.post(url, data), client.post(url, data)


def test_intake_posted_twice_burns_one_case_number(client_for, inspector_a, project_a):
    client = client_for(inspector_a)
    url = reverse("complaints:create")
    data = {
        "channel": "visit",
        "complainant_name": "李四",
        "complainant_phone": "13800138000",
        "respondent": project_a.contractor.uscc,
        "project": project_a.pk,
        "workers_involved": 3,
        "amount_claimed": "9000",
        "description": "欠薪",
        "once_token": token_in_form(client.get(url).content.decode()),
    }
    first, second = _twice(client, url, data)
    case = Complaint.objects.get()
    assert first["Location"] == second["Location"] == reverse("complaints:detail", args=[case.pk])
    assert NumberCounter.objects.get(name="complaint").value == 1
    assert any("第一次提交的结果" in t for t in messages_of(second))


def test_case_step_posted_twice_writes_one_timeline_event(client_for, office, project_a):
    case = make_complaint(project=project_a)
    client = client_for(office)
    url = reverse("complaints:step", args=[case.pk, "flags"])
    token = token_in_form(client.get(reverse("complaints:detail", args=[case.pk])).content.decode(), url)
    _twice(client, url, {"supervised": "on", "leader": "张副县长", "once_token": token})
    assert CaseEvent.objects.filter(complaint=case, action="flags").count() == 1


def test_order_posted_twice_takes_one_number(client_for, inspector_a, project_a):
    client = client_for(inspector_a)
    url = reverse("complaints:order_create")
    data = {
        "kind": "pay",
        "enterprise": project_a.contractor.name,
        "project": project_a.pk,
        "amount": "5000",
        "requirement": "限期支付工资",
        "deadline": (TODAY + 10 * DAY).isoformat(),
        "once_token": token_in_form(client.get(url).content.decode()),
    }
    first, second = _twice(client, url, data)
    assert EnforcementOrder.objects.count() == 1 and first["Location"] == second["Location"]


def test_interview_posted_twice_takes_one_number(client_for, inspector_a, project_a):
    client = client_for(inspector_a)
    url = reverse("complaints:interview_create")
    data = {
        "enterprise": project_a.contractor.name,
        "interviewee_name": "李总",
        "project": project_a.pk,
        "held_on": TODAY.isoformat(),
        "interviewers": [inspector_a.pk],
        "reason": "拖欠工资",
        "agreed": "十日内结清",
        "deadline": (TODAY + 10 * DAY).isoformat(),
        "once_token": token_in_form(client.get(url).content.decode()),
    }
    _twice(client, url, data)
    assert Interview.objects.count() == 1


def test_step_without_a_token_or_with_a_foreign_one_is_refused(client_for, office, inspector_a, project_a):
    case = make_complaint(project=project_a)
    client = client_for(office)
    url = reverse("complaints:step", args=[case.pk, "flags"])
    bare = client.post(url, {"supervised": "on"})
    foreign = client.post(url, with_token({"supervised": "on"}, inspector_a))
    assert bare.status_code == foreign.status_code == 302
    assert not CaseEvent.objects.filter(complaint=case, action="flags").exists()
    assert any("令牌" in t for t in messages_of(bare))
    assert any("不是为当前用户生成" in t for t in messages_of(foreign))
