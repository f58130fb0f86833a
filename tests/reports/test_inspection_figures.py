"""Inspection figures (issue 17 items 5 and 7): site and employer inspections, employers checked, money
and workers recovered, the 政府投资 split — each equal to the rows of the inspection list in the range."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import services
from projects.models import Enterprise, Hazard, Project, SweepRun
from reports.excel import inspections_in_range
from reports.figures import Scope, report_data
from reports.figures.common import wan
from risk.services import sweep_run
from tests.projects.factories import make_enterprise, make_project
from tests.reports.factories import END, START, county

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def employers(n, townships, office, *, offset=0):
    """``n`` inspections of restaurants/factories without a project, inside and just outside the range."""
    for i in range(offset, offset + n):
        firm = make_enterprise(name=f"测试餐饮食品厂{i}", kind=Enterprise.Kind.OTHER)
        day = START + (i % 80) * DAY if i % 4 else END + DAY  # every 4th after the range
        services.employer_inspection_save(
            user=office, township=townships[i % len(townships)], enterprise=firm, date=day,
            amount_recovered=Decimal("1000.50") * (i + 1), workers_involved=i % 5 + 1, workers_paid=i % 5,
        )  # fmt: skip


def sites(townships, department, office):
    """Site inspections: a government and a private project, one failing a check, money recovered on one."""
    gov = make_project(townships[0], department, investment_type=Project.Investment.GOVERNMENT)
    private = make_project(townships[-1], department, investment_type=Project.Investment.PRIVATE)
    services.inspection_save(user=office, project=gov, date=START + 3 * DAY, check_deposit=False)
    services.inspection_save(
        user=office, project=gov, date=START + 5 * DAY, amount_recovered=Decimal("20000"),
        workers_involved=4, workers_paid=4,
    )  # fmt: skip
    services.inspection_save(user=office, project=private, date=END, enterprise=gov.contractor)
    services.inspection_save(user=office, project=private, date=START - DAY)  # before the range


def _list_rows(client, **filters):
    params = {"date_from": START.isoformat(), "date_to": END.isoformat(), **filters}
    page = client.get(reverse("projects:inspection_list"), params).context["page"]
    assert page.paginator.num_pages == 1
    return list(page.object_list)


@pytest.mark.parametrize("scoped", [False, True])
def test_inspection_figures_equal_the_rows_of_the_inspection_list(
    scoped, township_a, township_b, department, office, client_for
):
    townships = [township_a, township_b]
    employers(12, townships, office)
    sites(townships, department, office)
    scope = Scope("township", township_a.pk, None, "甲镇") if scoped else Scope()
    rows = _list_rows(client_for(office), **({"township": township_a.pk} if scoped else {}))
    e = report_data(scope=scope, start=START, end=END)["enforcement"]

    assert e["inspections"] == len(rows)
    assert e["of_projects"] == sum(1 for r in rows if r.project) > 0
    assert e["of_employers"] == sum(1 for r in rows if not r.project) > 0
    assert e["projects"] == len({r.project_id for r in rows if r.project})
    assert e["employers"] == len({r.employer.pk for r in rows})
    assert e["employers_without_project"] == len({r.enterprise_id for r in rows if not r.project})
    assert e["recovered_yuan"] == sum(r.amount_recovered for r in rows)
    assert e["recovered"] == wan(sum(r.amount_recovered for r in rows))
    assert e["workers_paid"] == sum(r.workers_paid for r in rows)
    assert e["workers_involved"] == sum(r.workers_involved for r in rows)
    gov = sum(1 for r in rows if r.project and r.project.investment_type == Project.Investment.GOVERNMENT)
    assert e["government"] == gov == 2
    assert {x["key"]: x["n"] for x in e["by_investment"]}[Project.Investment.PRIVATE] == (0 if scoped else 1)
    # employer inspections have no site checks: only the project inspection that failed one counts
    assert e["checks_failed"] == sum(1 for r in rows if r.failed_checks) == 1


def test_the_report_workbook_lists_the_inspections_it_counts(
    township_a, township_b, department, office, client_for
):
    employers(6, [township_a, township_b], office)
    sites([township_a, township_b], department, office)
    data = report_data(scope=Scope(), start=START, end=END)
    assert data["enforcement"]["inspections"] == inspections_in_range(Scope(), START, END).count()
    assert data["enforcement"]["inspections"] == len(_list_rows(client_for(office)))


def _queries(scope):
    with CaptureQueriesContext(connection) as ctx:
        report_data(scope=scope, start=START, end=END)
    return len(ctx.captured_queries)


def test_report_queries_do_not_grow_with_employer_inspections(township_a, township_b, department, office):
    townships = [township_a, township_b]
    county(2, townships, department)
    employers(2, townships, office)
    small = _queries(Scope())
    employers(48, townships, office, offset=2)
    sites(townships, department, office)
    assert _queries(Scope()) == small
    assert _queries(Scope("township", township_a.pk, None, "甲镇")) == small


def test_the_sweep_runs_with_employer_inspections(township_a, township_b, department, office):
    """Readers of inspections (the notice-board rule, the obligations) take no employer inspection for a
    project's, and none fails on project=None."""
    townships = [township_a, township_b]
    employers(4, townships, office)
    project = make_project(township_a, department, notice_board=True)
    run = sweep_run(run=SweepRun.objects.create())
    assert not run.errors
    assert not Hazard.objects.filter(project=project, rule__code="NOTICE_BOARD").exists()
