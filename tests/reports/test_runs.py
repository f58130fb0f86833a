"""Report runs: scoping, reuse (never a duplicate), the task run twice, downloads, the PDF font."""

import datetime
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports import services, tasks
from reports.figures import Scope
from reports.models import ReportRun
from tests.reports.factories import END, START, county

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _town(t):
    return Scope("township", t.pk, None, t.name)


def _ask(user, scope, plan="加强排查"):
    return services.report_request(user=user, kind="quarterly", scope=scope, start=START, end=END, plan=plan)


def test_same_report_asked_twice_reuses_the_row(office, township_a):
    first = _ask(office, _town(township_a))
    again = _ask(office, _town(township_a))
    assert again.pk == first.pk
    tasks.render_report(first.pk)
    replaced = _ask(office, _town(township_a), plan="新的打算")
    assert replaced.pk == first.pk and replaced.status == "queued" and replaced.plan == "新的打算"
    assert ReportRun.objects.count() == 1


def test_task_run_twice_gives_one_result(office, township_a, township_b, department):
    county(3, [township_a, township_b], department)
    run = _ask(office, Scope())
    assert tasks.render_report(run.pk) == "done"
    assert tasks.render_report(run.pk) == "skipped"
    run.refresh_from_db()
    assert run.status == "done" and run.pages >= 3 and run.pdf_size > 0 and run.xlsx_size > 0
    assert ReportRun.objects.count() == 1


def test_inspector_b_cannot_request_see_or_download_township_a(
    inspector_a, inspector_b, township_a, client_for
):
    form = {"kind": "quarterly", "scope": "township", "township": township_a.pk, "start": START, "end": END}
    response = client_for(inspector_b).post(reverse("reports:index"), form)
    assert response.status_code == 200 and not ReportRun.objects.exists()
    response = client_for(inspector_a).post(reverse("reports:index"), form)
    run = ReportRun.objects.get()
    assert response.status_code == 302
    tasks.render_report(run.pk)
    b = client_for(inspector_b)
    for url in (
        reverse("reports:detail", args=[run.pk]),
        reverse("reports:status", args=[run.pk]),
        reverse("reports:download", args=[run.pk, "pdf"]),
        reverse("reports:download", args=[run.pk, "xlsx"]),
    ):
        assert b.get(url).status_code == 404
    assert reverse("reports:detail", args=[run.pk]) not in b.get(reverse("reports:index")).content.decode()
    a = client_for(inspector_a)
    assert a.get(reverse("reports:download", args=[run.pk, "pdf"])).status_code == 200
    assert a.get(reverse("reports:status", args=[run.pk])).json()["status"] == "done"


def test_inspector_cannot_ask_for_the_county(inspector_a):
    with pytest.raises(PermissionDenied):
        _ask(inspector_a, Scope())
    assert not ReportRun.objects.exists()


def test_department_user_sees_only_his_department(
    dept_user, department, other_department, office, client_for
):
    mine = _ask(office, Scope("department", None, department.pk, department.name))
    other = _ask(office, Scope("department", None, other_department.pk, other_department.name))
    county_run = _ask(office, Scope())
    visible = set(ReportRun.objects.visible_to(dept_user).values_list("pk", flat=True))
    assert visible == {mine.pk}
    assert other.pk not in visible and county_run.pk not in visible


def test_failed_render_shows_a_refusals_reason(office, monkeypatch):
    run = _ask(office, Scope())

    def refuse(**kw):
        raise ValidationError("字体缺失")

    monkeypatch.setattr(services, "report_render", refuse)
    assert tasks.render_report(run.pk) == "failed"
    run.refresh_from_db()
    assert run.status == "failed" and run.error == "字体缺失"


def test_failed_render_never_shows_a_raw_python_error(office, client_for, monkeypatch):
    run = _ask(office, Scope())

    def crash(**kw):
        return datetime.date(10000, 1, 1)  # what a year-9999 range once did deep inside the figures

    monkeypatch.setattr(services, "report_render", crash)
    assert tasks.render_report(run.pk) == "failed"
    page = client_for(office).get(reverse("reports:detail", args=[run.pk])).content.decode()
    assert "后台任务出错" in page and "ValueError" not in page and "year 10000" not in page


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils (pdffonts) not installed")
def test_pdf_embeds_the_cjk_font(office, township_a, department):
    county(1, [township_a], department)
    run = _ask(office, Scope())
    tasks.render_report(run.pk)
    run.refresh_from_db()
    out = subprocess.run(["pdffonts", run.pdf.path], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in out.splitlines() if "Noto-Sans-CJK" in line]
    assert cjk and all(" yes yes yes " in line for line in cjk)  # embedded, subset, unicode map


def test_pages_render(office, inspector_a, dept_user, township_a, department, client_for):
    county(2, [township_a], department)
    for user in (office, inspector_a, dept_user):
        client = client_for(user)
        assert client.get(reverse("reports:dashboard")).status_code == 200
        assert client.get(reverse("reports:index")).status_code == 200
    page = client_for(office).get(reverse("reports:dashboard")).content.decode()
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
