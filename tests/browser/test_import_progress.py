"""The clean roster sample imported through the pages, run by a real Celery worker: the progress page's bar
moves from 0 to 100 without a reload and the roster holds every row (issue 18, a real browser)."""

import pytest
from django.urls import reverse

from projects.models import ImportJob, RosterEntry
from tests.conftest import SAMPLES
from tests.projects.factories import make_project

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# every width the bar is given, from the first paint on (the page's own script sets style.width)
WATCH_BAR = """
window.__widths = [];
new MutationObserver(function () {
  var bar = document.getElementById("bar"), seen = window.__widths;
  if (bar && seen[seen.length - 1] !== bar.style.width) seen.push(bar.style.width);
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ["style"]});
"""


def test_clean_roster_import_runs_on_the_worker_and_the_bar_moves(
    browser_page, log_in, live_server, settings, celery_worker_process, township_a, department, inspector_a
):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "IMPORT_SYNC_MAX_ROWS": 50}  # the 200 rows go to the worker
    project = make_project(township_a, department, name="甲镇安置房工程")
    page = browser_page
    log_in(page, inspector_a)
    page.goto(live_server.url + reverse("projects:import_upload", args=[project.pk]))
    page.set_input_files("input[type=file]", str(SAMPLES / "roster_clean.xlsx"))
    page.get_by_role("button", name="上传并预检").click()
    page.wait_for_load_state()
    assert page.locator("tbody tr").count() >= 200  # the preview lists the rows
    page.add_init_script(WATCH_BAR)
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/progress/")
    job = ImportJob.objects.get(project=project)
    page.wait_for_function(
        "document.getElementById('state').textContent.trim() === '已完成'", timeout=120_000
    )
    widths = page.evaluate("window.__widths")
    assert widths[0] == "0%" and widths[-1] == "100%", widths  # queued at 0, moved to 100 in place
    numbers = [float(w.rstrip("%")) for w in widths]
    assert numbers == sorted(numbers)
    assert page.locator("#created").inner_text() == "200"
    job.refresh_from_db()
    assert job.status == "done" and job.started_at is not None  # the worker claimed and ran it
    assert RosterEntry.objects.filter(project=project).count() == 200
