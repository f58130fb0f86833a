"""The case ledger's table is cached per jurisdiction, parameters, language and day, and follows the writes
under it (complaints/views.py ``complaint_list``, wagewatch/accounts/generations.py ``cached_html``)."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from tests.complaints.factories import make_complaint
from tests.pages import page_text
from tests.projects.factories import make_project

LEDGER = reverse("complaints:list")


def test_second_load_reads_the_table_from_the_cache(client_for, office, township_a, department,
                                                    django_assert_num_queries):  # fmt: skip
    project = make_project(township_a, department)
    for _ in range(3):
        make_complaint(project=project)
    c = client_for(office)
    first = c.get(LEDGER)
    # SAVEPOINT, user, profile, unread badge, the filter's townships, RELEASE: no COUNT, no page of rows
    with django_assert_num_queries(6):
        second = c.get(LEDGER)
    assert page_text(second) == page_text(first)


def test_a_new_and_a_changed_case_show_on_the_next_load(client_for, inspector_a, township_a, department):
    project = make_project(township_a, department)
    case = make_complaint(project=project, respondent_name="甲建筑公司")
    c = client_for(inspector_a)
    assert "甲建筑公司" in page_text(c.get(LEDGER))
    make_complaint(project=project, respondent_name="新登记的被投诉单位")
    assert "新登记的被投诉单位" in page_text(c.get(LEDGER))
    case.respondent_name = "更正后的单位名称"
    case.save()
    body = page_text(c.get(LEDGER))
    assert "更正后的单位名称" in body and "甲建筑公司" not in body


def test_jurisdictions_never_share_a_table(
    client_for, office, inspector_a, inspector_b, township_a, township_b, department
):
    make_complaint(project=make_project(township_a, department), respondent_name="甲镇的被投诉单位")
    make_complaint(project=make_project(township_b, department), respondent_name="乙镇的被投诉单位")
    both = page_text(client_for(office).get(LEDGER))
    seen_a, seen_b = (
        page_text(client_for(inspector_a).get(LEDGER)),
        page_text(client_for(inspector_b).get(LEDGER)),
    )
    assert "甲镇的被投诉单位" in both and "乙镇的被投诉单位" in both
    assert "甲镇的被投诉单位" in seen_a and "乙镇的被投诉单位" not in seen_a
    assert "乙镇的被投诉单位" in seen_b and "甲镇的被投诉单位" not in seen_b


def test_the_days_left_are_counted_from_the_day_of_the_load(client_for, office, township_a, department,
                                                            monkeypatch):  # fmt: skip
    today = timezone.localdate()
    due = today + datetime.timedelta(days=30)
    project = make_project(township_a, department)
    make_complaint(project=project, status=Complaint.Status.RECEIVED, accept_due=due)
    c = client_for(office)
    before = re.findall(r'<span class="due [^"]*">([^<]*)</span>', page_text(c.get(LEDGER)))
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: due)
    after = re.findall(r'<span class="due [^"]*">([^<]*)</span>', page_text(c.get(LEDGER)))
    assert before and after == ["今日到期"] != before
