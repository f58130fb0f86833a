"""Issue 18 item 2: an overdue deadline reads "超期 N 个工作日" in red, a near one in amber, never "剩 -N"."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from wagewatch.lib.workdays import add_workdays

from .factories import make_complaint, make_project

pytestmark = pytest.mark.django_db

# a Wednesday away from holidays: "28 working days ago" is unambiguous
TODAY = datetime.date(2026, 11, 18)
NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def project_a(township_a, department):
    return make_project(township=township_a, department=department)


def _due_spans(html: str) -> list[str]:
    return re.findall(r'<span class="due (due-[a-z]+)"[^>]*>([^<]*)</span>', html)


def test_ledger_shows_an_overdue_case_in_red_without_a_minus(client_for, inspector_a, project_a):
    make_complaint(project=project_a, accept_due=add_workdays(TODAY, -28))
    page = client_for(inspector_a).get(reverse("complaints:list")).content.decode()
    assert ("due-overdue", "超期 28 个工作日") in _due_spans(page)
    assert "剩 -" not in page and "-28" not in page


def test_case_page_shows_an_overdue_case_in_red(client_for, inspector_a, project_a):
    case = make_complaint(project=project_a, accept_due=add_workdays(TODAY, -28))
    page = client_for(inspector_a).get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert ("due-overdue", "超期 28 个工作日") in _due_spans(page)
    assert "-28" not in page


def test_a_case_due_soon_is_amber_on_the_ledger_and_the_case_page(client_for, inspector_a, project_a):
    case = make_complaint(project=project_a, accept_due=add_workdays(TODAY, 2))
    client = client_for(inspector_a)
    for url in (reverse("complaints:list"), reverse("complaints:detail", args=[case.pk])):
        assert ("due-soon", "剩 2 个工作日") in _due_spans(client.get(url).content.decode())


def test_a_case_due_later_is_plain(client_for, inspector_a, project_a):
    make_complaint(project=project_a, accept_due=add_workdays(TODAY, 15))
    page = client_for(inspector_a).get(reverse("complaints:list")).content.decode()
    assert ("due-later", "剩 15 个工作日") in _due_spans(page)


def _render(source: str, **context) -> str:
    return Template("{% load deadlines %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("kind", "offset", "expected"),
    [
        ("case", -1, ("due-overdue", "超期 1 个工作日")),
        ("case", 0, ("due-soon", "今日到期")),
        ("hazard", -3, ("due-overdue", "超期 3 个工作日")),
        ("hazard", 2, ("due-soon", "剩 2 个工作日")),
        ("order", -10, ("due-overdue", "超期 10 天")),
        ("order", 2, ("due-soon", "剩 2 天")),
        ("order", 30, ("due-later", "剩 30 天")),
        ("task", -4, ("due-overdue", "超期 4 天")),
    ],
)
def test_the_one_tag_reads_every_kind_of_deadline(kind, offset, expected):
    """Cases and hazards count working days, orders and key tasks calendar days."""
    if kind in ("case", "hazard"):
        due = add_workdays(TODAY, offset)
    else:
        due = TODAY + datetime.timedelta(days=offset)
    assert _due_spans(_render("{% due_in due kind %}", due=due, kind=kind)) == [expected]


def test_a_met_or_absent_deadline_shows_nothing():
    assert _render("{% due_in due 'order' done=True %}", due=TODAY - datetime.timedelta(days=3)).strip() == ""
    assert _render("{% due_in due 'case' %}", due=None).strip() == ""
