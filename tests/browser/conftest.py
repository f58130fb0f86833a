"""Tests in a real browser: Playwright driving Debian's chromium against pytest-django's live server."""

import os
import re
import shutil

import pytest

from tests.conftest import IN_CI, PASSWORD, ROOT

# a failed test's last page, for the person reading the CI log (var/ is not committed)
SCREENSHOTS = ROOT / "var" / "test-screenshots"

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item: browser_page knows at teardown whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _screenshot_if_failed(request, page) -> None:
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "_", request.node.nodeid) + ".png")
    try:
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot of the failed page: {path}")
    except Exception as exc:  # a dead page must not hide the test's own failure
        print(f"no screenshot ({exc})")


@pytest.fixture
def browser_page(request):
    """A fresh headless Chromium page (no profile, no network beyond localhost); a failed test leaves a
    screenshot of it in var/test-screenshots/."""
    if not shutil.which(CHROMIUM):
        if IN_CI:
            pytest.fail("Debian's chromium is required under CI=true (make sysdeps installs it)")
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(locale="zh-CN", accept_downloads=True)
        yield page
        _screenshot_if_failed(request, page)
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def log_in(live_server):
    def _log_in(page, user):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit], form input[type=submit]").first.click()
        page.wait_for_load_state("networkidle")

    return _log_in


@pytest.fixture
def celery_worker_process(transactional_db, settings):
    """A real `celery -A wagewatch worker` process on the suite's Redis and the test database (the fault
    tests' helper); the live server and the worker share an upload folder."""
    from tests.integration import faults_support as fs
    from wagewatch.celery import app

    settings.MEDIA_ROOT = fs.MEDIA_ROOT
    app.control.purge()  # messages an earlier test left in the suite's queue are not this test's
    worker = fs.start_worker(database=fs.database_url(), redis=settings.REDIS_URL, name="browser")
    yield worker
    fs.stop(worker)
