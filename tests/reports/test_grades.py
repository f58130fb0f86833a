"""Projects by grade (DESIGN §9): active projects by their worst hazard open on the day, against the rows of
the project list and the hazard list; and a stock not known on the day is unknown, never 0."""

import datetime
import io

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from golive.models import GoLive
from projects.models import Hazard, RiskRule, SweepRun
from projects.selectors import project_list
from reports import pdf
from reports.excel import build_workbook
from reports.figures import Scope, report_data
from reports.figures.grades import grades_at
from reports.figures.scope import day_after
from reports.models import ReportRun
from tests.projects.factories import make_project
from tests.reports.factories import END, START, at
from wagewatch.accounts.models import JobStatus

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
LEVEL = {"一般隐患": 1, "严重隐患": 2}


def _rule(code: str) -> RiskRule:
    return RiskRule.objects.get_or_create(code=code, defaults={"name": code})[0]


def _hazard(project, severity, opened, closed=None, code="R1"):
    return Hazard.objects.create(
        project=project, rule=_rule(code), severity=severity, department=project.department,
        opened_at=at(opened), deadline=opened + 30 * DAY,
        status=Hazard.Status.CLOSED if closed else Hazard.Status.OPEN, closed_at=closed and at(closed),
    )  # fmt: skip


def _county(township_a, township_b, department, n=5):
    """Projects: clean; one general; general + serious (counts once, as serious); serious closed in the
    range (clean at the end); completed before the end with an open hazard (not active)."""
    GoLive.objects.create(as_of=START - 60 * DAY)
    made = []
    for i in range(n):
        town = (township_a, township_b)[i % 2]
        kind = i % 5
        p = make_project(town, department, start_date=START - 90 * DAY,
                         completed_on=END - 10 * DAY if kind == 4 else None)  # fmt: skip
        if kind == 1:
            _hazard(p, 1, START - 10 * DAY)
        if kind == 2:
            _hazard(p, 1, START - 10 * DAY)
            _hazard(p, 2, START + 5 * DAY, code="R2")
        if kind == 3:
            _hazard(p, 2, START - 10 * DAY, closed=START + 20 * DAY)
        if kind == 4:
            _hazard(p, 2, START - 10 * DAY)
        made.append(p)
    return made


def _rows(response):
    book = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    return rows[0], rows[1:]


def _grades_from_rows(office, client, day, filters):
    """Count by hand: the project list's active projects, each under the worst of its hazard-list rows
    open at the end of ``day``."""
    codes = list(project_list(user=office, filters=filters).active_on(day).values_list("code", flat=True))
    headers, rows = _rows(client.get(reverse("risk:export"), filters))
    col = {h: i for i, h in enumerate(headers)}
    moment = day_after(day)
    worst = dict.fromkeys(codes, 0)
    for r in rows:
        opened, closed = r[col["发现时间"]], r[col["销号时间"]]
        opened = timezone.make_aware(opened) if timezone.is_naive(opened) else opened
        if closed is not None and timezone.is_naive(closed):
            closed = timezone.make_aware(closed)
        if r[col["项目编号"]] in worst and opened < moment and (closed is None or closed >= moment):
            worst[r[col["项目编号"]]] = max(worst[r[col["项目编号"]]], LEVEL[r[col["隐患等级"]]])
    return {g: sum(1 for v in worst.values() if v == g) for g in (0, 1, 2)}, len(rows)


@pytest.mark.parametrize("scoped", [False, True])
def test_projects_by_grade_equal_the_rows_of_the_project_and_hazard_lists(
    scoped, township_a, township_b, department, office, client_for
):
    _county(township_a, township_b, department, n=10)
    scope = Scope("township", township_a.pk, None, "甲镇") if scoped else Scope()
    filters = {"township": township_a.pk} if scoped else {}
    g = report_data(scope=scope, start=START, end=END)["grades"]
    expected, _n = _grades_from_rows(office, client_for(office), END, filters)
    assert {r["grade"]: r["n"] for r in g["end"]["grades"]} == expected
    assert g["end"]["total"] == sum(expected.values())
    assert g["end"]["clean"] == expected[0]


def test_a_project_with_two_open_hazards_counts_once_under_its_worst(township_a, department):
    GoLive.objects.create(as_of=START - 60 * DAY)
    p = make_project(township_a, department, start_date=START - 90 * DAY)
    make_project(township_a, department, start_date=START - 90 * DAY)
    _hazard(p, 1, START - 10 * DAY)
    _hazard(p, 2, START - 5 * DAY, code="R2")
    data = report_data(scope=Scope(), start=START, end=END)
    end = {r["grade"]: (r["n"], r["share"]) for r in data["grades"]["end"]["grades"]}
    assert end == {0: (1, 50), 1: (0, 0), 2: (1, 50)}
    assert {lv["level"]: lv["end"] for lv in data["hazards"]["levels"]} == {1: 1, 2: 1}  # hazards: two
    assert data["grades"]["end"]["clean_rate"] == 50


def test_a_projects_grade_on_a_past_day_reads_the_severity_of_that_day(township_a, department):
    GoLive.objects.create(as_of=START - 60 * DAY)
    p = make_project(township_a, department, start_date=START - 90 * DAY)
    with time_machine.travel(at(START - 10 * DAY), tick=False):
        h = _hazard(p, 1, START - 10 * DAY)
    with time_machine.travel(at(START + 10 * DAY), tick=False):
        h.severity = 2
        h.save()
    g = report_data(scope=Scope(), start=START, end=END)["grades"]
    assert [r["n"] for r in g["start"]["grades"]] == [0, 1, 0]
    assert [r["n"] for r in g["end"]["grades"]] == [0, 0, 1]


def test_grade_query_count_does_not_grow(township_a, township_b, department, django_assert_num_queries):
    _county(township_a, township_b, department, n=2)
    # one query: active projects grouped by the worst level of their open hazards (correlated subquery)
    with django_assert_num_queries(1):
        grades_at(Scope(), END, day_after(END))
    _county(township_a, township_b, department, n=50)
    with django_assert_num_queries(1):
        grades_at(Scope(), END, day_after(END))


def test_a_quarter_before_any_sweep_prints_unknown_at_start(township_a, department, office, client_for):
    """Nothing swept and no go-live before the quarter: the start stock is unknown, never "0 / 0, 100%"."""
    p = make_project(township_a, department, start_date=START - 90 * DAY)
    make_project(township_a, department, start_date=START - 90 * DAY)
    swept = at(START + 40 * DAY)
    SweepRun.objects.create(status=JobStatus.DONE, finished_at=swept)
    _hazard(p, 2, START + 40 * DAY)
    data = report_data(scope=Scope(), start=START, end=END)
    g, h = data["grades"], data["hazards"]
    assert not g["start"]["known"] and g["start"]["total"] is None and g["start"]["clean_rate"] is None
    assert all(r["n"] is None for r in g["start"]["grades"])
    assert [lv["start"] for lv in h["levels"]] == [None, None] and h["open_start"] is None
    assert g["end"]["known"] and [r["n"] for r in g["end"]["grades"]] == [1, 0, 1]

    run = ReportRun(kind="quarterly", scope="county", start=START, end=END)
    html = render_to_string("reports/pdf/summary.html", pdf.context(run=run, data=data))
    assert "期初情况未掌握" in html and "期初0个项目" not in html
    assert "未销号隐患期初—条" in html

    book = load_workbook(io.BytesIO(build_workbook(data=data)))
    figures = {(r[1]): r[2] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert figures["期初在建项目"] == "—" and figures["期初无隐患项目占比"] == "—"
    assert figures["期初一般隐患"] == "—" and figures["期末严重隐患"] == 1
    assert figures["期末无隐患项目占比"] == 50
    assert "说明" in [r[0] for r in book.worksheets[0].iter_rows(values_only=True)]


def test_dashboard_shows_unknown_before_any_sweep(township_a, department, office, client_for):
    make_project(township_a, department)
    page = client_for(office).get(reverse("reports:dashboard")).content.decode()
    assert "未掌握" in page
    assert '<div class="stat">—</div><div class="stat-label">未销号一般隐患' in page
    assert '<div class="stat">0</div><div class="stat-label">未销号一般隐患' not in page


def test_a_quarter_before_go_live_prints_its_opened_stocks_unknown(township_a, department):
    """The go-live workbook opens cases and deposit balances on its day: before it they are not known."""
    make_project(township_a, department, start_date=START - 90 * DAY)
    GoLive.objects.create(as_of=END + 10 * DAY)
    data = report_data(scope=Scope(), start=START, end=END)
    assert data["deposits"]["balance"] is None and data["complaints"]["open_end"] is None
    assert all(m["balance"] is None for m in data["trend"] if m["last"] < END + 10 * DAY)
    book = load_workbook(io.BytesIO(build_workbook(data=data)))
    figures = {r[1]: r[2] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert figures["结存余额"] == "—" and figures["期末在办"] == "—" and figures["期初在办"] == "—"
    html = render_to_string(
        "reports/pdf/summary.html",
        pdf.context(run=ReportRun(kind="quarterly", start=START, end=END), data=data),
    )
    assert "期末结存余额—万元" in html
