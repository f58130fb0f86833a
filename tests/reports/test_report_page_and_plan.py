"""Issue 18 item 6: the regenerate form shows the run's dates; the plan keeps its line breaks in the PDF;
the report's empty charts say 本期无数据."""

import re
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from reports import pdf, services
from reports.charts import report_charts
from reports.figures import Scope, report_data
from tests.reports.factories import END, START

pytestmark = pytest.mark.django_db


def _input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag, name
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def test_regenerate_form_shows_the_runs_dates_and_plan(office, client_for):
    run = services.report_request(
        user=office, kind="quarterly", scope=Scope(), start=START, end=END, plan="一、排查\n二、约谈"
    )
    page = client_for(office).get(reverse("reports:detail", args=[run.pk])).content.decode()
    assert _input_value(page, "start") == "2026-07-01"
    assert _input_value(page, "end") == "2026-09-30"
    assert "一、排查\n二、约谈" in page


@pytest.mark.parametrize("template", ["summary", "bulletin", "campaign"])
def test_plan_keeps_its_line_breaks_in_the_pdf(template):
    plan = "一、加强排查\n1. 在建项目全覆盖\n\n二、集中约谈"
    data = report_data(scope=Scope(), start=START, end=END)
    context = pdf.context(run=SimpleNamespace(plan=plan, kind="quarterly", start=START, end=END), data=data)
    html = render_to_string(f"reports/pdf/{template}.html", context)
    assert "<p>一、加强排查<br>1. 在建项目全覆盖</p>" in html
    assert "<p>二、集中约谈</p>" in html


def test_report_charts_of_an_empty_county_say_no_data():
    charts = report_charts(report_data(scope=Scope(), start=START, end=END))
    assert all("本期无数据" in charts[name] for name in ("hazards", "channels", "trend")), charts
