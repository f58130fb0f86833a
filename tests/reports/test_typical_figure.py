"""典型案例曝光 in the report: a flow by publication date (withdrawn later still counts), equal to the rows
of the office's typical-case list filtered by the same range (and township)."""

import datetime
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Complaint, TypicalCase
from reports.figures import Scope, figure_rows, report_data
from tests.complaints.factories import make_complaint
from tests.projects.factories import make_project

from .factories import END, START

pytestmark = pytest.mark.django_db


def _typical(project, published_on, *, withdrawn_on=None, user):
    closed = START - datetime.timedelta(days=40)
    case = make_complaint(
        project=project, status=Complaint.Status.CLOSED, outcome="mediated", closed_on=closed
    )
    return TypicalCase.objects.create(
        complaint=case,
        title=f"案例{case.pk}",
        summary="某公司拖欠工资，已兑付。",
        enterprise_name="某公司",
        published_on=published_on,
        withdrawn_on=withdrawn_on,
        published_by=user,
    )


def _list_rows(client, **params) -> int:
    response = client.get(reverse("complaints:typical_list"), params)
    assert response.status_code == 200
    return response.context["page"].paginator.count


@pytest.fixture
def published(township_a, township_b, department, office):
    pa, pb = make_project(township_a, department), make_project(township_b, department)
    day = START + datetime.timedelta(days=10)
    _typical(pa, START, user=office)  # first day of the range
    _typical(pa, day, withdrawn_on=day + datetime.timedelta(days=3), user=office)  # withdrawn: still counts
    _typical(pa, END, user=office)  # last day
    _typical(pb, day, user=office)  # township B
    _typical(pa, START - datetime.timedelta(days=1), user=office)  # before the range
    _typical(pb, END + datetime.timedelta(days=1), user=office)  # after it


@pytest.mark.parametrize("scoped", [False, True])
def test_typical_cases_published_equal_the_rows_of_the_office_list(
    published, scoped, township_a, office, client_for
):
    scope = Scope("township", township_a.pk, None, "甲镇") if scoped else Scope()
    params = {"date_from": START.isoformat(), "date_to": END.isoformat()}
    if scoped:
        params["township"] = str(township_a.pk)
    figure = report_data(scope=scope, start=START, end=END, trend_months=False)["complaints"][
        "typical_published"
    ]
    assert figure == _list_rows(client_for(office), **params)
    assert figure == (3 if scoped else 4)


def test_the_typical_figure_is_in_the_figure_rows_and_the_pdf(published, office, client_for):
    data = report_data(scope=Scope(), start=START, end=END, trend_months=False)
    assert ("投诉举报案件", "典型案例曝光", 4, "件") in [
        tuple(map(str, r[:2])) + r[2:] for r in figure_rows(data)
    ]
    html = render_to_string("reports/pdf/_figures.html", {"data": data, "charts": {}})
    assert re.search(r"曝光典型案例\s*4\s*件", html)


def _queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        report_data(scope=Scope(), start=START, end=END)
    return len(ctx.captured_queries)


def test_typical_cases_add_no_query_to_the_report(township_a, department, office):
    project = make_project(township_a, department)
    before = _queries()
    for i in range(20):
        _typical(project, START + datetime.timedelta(days=i), user=office)
    assert _queries() == before  # counted in the case aggregate: the join adds no query and no row
