"""The office asks for the quarterly summary in a real browser; a real Celery worker renders it, the page
follows its status to done without a click, and its PDF downloads (issue 18, a real browser)."""

import pytest
from django.urls import reverse

from reports.models import ReportRun
from tests.projects.factories import make_project

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_quarterly_report_renders_on_the_worker_and_its_pdf_downloads(
    browser_page, log_in, live_server, celery_worker_process, township_a, department, office
):
    make_project(township_a, department, name="甲镇安置房工程")
    page = browser_page
    log_in(page, office)
    page.goto(live_server.url + reverse("reports:index"))
    form = page.locator("form", has=page.locator("[name=kind]"))
    form.locator("[name=kind]").select_option(ReportRun.Kind.QUARTERLY)
    form.locator("[name=scope]").select_option(ReportRun.Scope.COUNTY)
    form.get_by_role("button", name="生成报表").click()
    page.wait_for_url("**/reports/*/")
    run = ReportRun.objects.get()
    # the page polls the status and reloads itself when the worker is done
    download = page.get_by_role("link", name="下载 PDF")
    download.wait_for(timeout=180_000)
    run.refresh_from_db()
    assert run.status == "done" and run.pages >= 1
    pdf_url = reverse("reports:download", args=[run.pk, "pdf"])
    assert download.get_attribute("href") == pdf_url
    with page.expect_response(lambda r: r.url.endswith(pdf_url)) as answer:
        download.click()  # the browser opens it in its PDF viewer ...
    assert answer.value.status == 200 and answer.value.headers["content-type"] == "application/pdf"
    # ... whose page hides the bytes: fetch them again with the browser's session
    response = page.request.get(live_server.url + pdf_url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    data = response.body()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    assert len(data) == run.pdf_size
