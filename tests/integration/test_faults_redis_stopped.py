"""Fault: Redis (cache and broker) stops.

gunicorn with the production settings points its cache and Celery broker at a private redis-server, which
is stopped. Login, the public complaint form, the public blacklist and the dashboard still answer 200, and a
worker's complaint submitted through the public form (captcha, rate limit: all in the database) is stored.
Background jobs asked for meanwhile (a report through the reports page, a risk sweep through "run now")
are queued rows in the database, their messages unsent.
Once Redis is back, a worker starting (worker_ready) or the next minute's requeue tick sends them at once,
however recently they were queued, and the worker produces each exactly once.
"""

import re
import time

import pytest
import requests
from celery import Celery

from complaints.models import Captcha, Complaint
from projects.models import Hazard, SweepRun
from reports.models import ReportRun
from tests.conftest import PASSWORD
from tests.integration import faults_support as fs
from tests.integration.private_services import free_port, private_redis
from tests.projects.factories import make_project
from wagewatch.accounts.models import Township

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_pages_answer_and_jobs_wait_while_redis_is_down(office, township_a, department):
    make_project(township_a, department)
    url = fs.database_url()
    with (
        private_redis() as redis,
        fs.gunicorn(database=url, redis=redis.url, port=free_port(), workers=1) as base,
    ):
        redis.stop()

        s = requests.Session()
        started = time.monotonic()
        fs.login(s, base, "office", PASSWORD)
        print(f"login {time.monotonic() - started:.1f} s")
        for path in ("/", "/c/", "/blacklist/public/"):
            t = time.monotonic()
            r = s.get(base + path, timeout=20)
            print(f"{path} {time.monotonic() - t:.1f} s")
            assert r.status_code == 200, (path, r.status_code, r.text[:300])
        anonymous = requests.Session()
        for path in ("/c/", "/blacklist/public/"):
            assert anonymous.get(base + path, timeout=20).status_code == 200, path
        t = time.monotonic()
        number = _submit_public_complaint(anonymous, base)
        print(f"public complaint {time.monotonic() - t:.1f} s")
        case = Complaint.objects.get(number=number)
        assert case.channel == "online" and case.respondent_name == "某某劳务公司"
        page = s.get(base + "/hazards/sweeps/", timeout=20)
        assert page.status_code == 200
        t = time.monotonic()
        r = s.post(
            base + "/hazards/sweeps/run/",
            data={"csrfmiddlewaretoken": fs.csrf_of(page.text)},
            headers={"Referer": base + "/hazards/sweeps/"},
            timeout=30,
            allow_redirects=False,
        )
        assert r.status_code == 302, r.text[:300]
        print(f"run now {time.monotonic() - t:.1f} s")
        page = s.get(base + "/reports/", timeout=20)
        t = time.monotonic()
        r = s.post(
            base + "/reports/",
            data={"csrfmiddlewaretoken": fs.csrf_of(page.text), "kind": "weekly", "scope": "county"},
            headers={"Referer": base + "/reports/"},
            timeout=30,
            allow_redirects=False,
        )
        assert r.status_code == 302, r.text[:300]
        print(f"report request {time.monotonic() - t:.1f} s")
        report = ReportRun.objects.get()
        assert report.status == "queued" and report.attempts == 0
        print(f"pages and the job request took {time.monotonic() - started:.1f} s with Redis down")
        run = SweepRun.objects.get()
        assert run.status == "queued" and run.attempts == 0
        assert run.sent_at is None and report.sent_at is None  # the failed sends left them to the tick

        redis.start()  # same port
        broker = Celery("faults", broker=redis.url, backend=redis.url)
        worker = fs.start_worker(database=url, redis=redis.url, name="after-outage")
        try:
            # rows queued moments ago: the worker sends them when it starts (worker_ready) or this tick
            # does (the beat's, every minute); whichever claims a row sends it, together 2
            assert broker.send_task("wagewatch.accounts.tasks.requeue_stale_jobs").get(timeout=40) in (0, 2)
            fs.wait_for(
                lambda: (
                    SweepRun.objects.get(pk=run.pk).status in ("done", "failed")
                    and ReportRun.objects.get(pk=report.pk).status in ("done", "failed")
                ),
                timeout=50,
                what="jobs",
            )
            # the next tick finds nothing to send; a duplicate message is refused by the claim
            assert broker.send_task("wagewatch.accounts.tasks.requeue_stale_jobs").get(timeout=40) == 0
            assert broker.send_task("projects.risk.tasks.sweep", args=[run.pk]).get(timeout=40) == "skipped"
            assert (
                broker.send_task("reports.tasks.render_report", args=[report.pk]).get(timeout=40) == "skipped"
            )
            # the web processes send again by themselves now that Redis is back
            page = s.get(base + "/hazards/sweeps/", timeout=20)
            s.post(
                base + "/hazards/sweeps/run/",
                data={"csrfmiddlewaretoken": fs.csrf_of(page.text)},
                headers={"Referer": base + "/hazards/sweeps/"},
                timeout=30,
            )
            second = SweepRun.objects.exclude(pk=run.pk).get()
            fs.wait_for(
                lambda: SweepRun.objects.get(pk=second.pk).status == "done", timeout=40, what="direct send"
            )
        finally:
            fs.stop(worker)

    run.refresh_from_db()
    assert run.status == "done" and run.attempts == 1 and not run.error
    assert run.hazards_opened > 0
    assert Hazard.objects.count() == run.hazards_opened  # produced once
    assert SweepRun.objects.get(pk=second.pk).hazards_opened == 0
    report = ReportRun.objects.get()  # one row, one result
    assert report.status == "done" and report.attempts == 1 and not report.error, report.error
    assert report.pdf and report.xlsx and report.pdf_size > 0 and report.xlsx_size > 0


def _submit_public_complaint(session, base: str) -> str:
    """Fill in the public form as a worker would; returns the case number the done page shows.

    The captcha is an image: the test reads the answer from the database by the form's key.
    """
    page = session.get(base + "/c/", timeout=20)
    assert page.status_code == 200
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    answer = Captcha.objects.get(key=hidden["captcha_key"]).answer
    assert '<img src="data:image/png;base64,' in page.text and "<svg" not in page.text
    data = {
        **hidden,
        "captcha": answer,
        "township": str(Township.objects.order_by("pk").values_list("pk", flat=True).first()),
        "complainant_name": "刘大力",
        "complainant_phone": "13700001234",
        "respondent_name": "某某劳务公司",
        "workers_involved": "3",
        "amount_claimed": "12000",
        "description": "干了三个月没拿到工资",
    }
    r = session.post(base + "/c/", data=data, headers={"Referer": base + "/c/"}, timeout=30)
    assert r.status_code == 200 and r.url.endswith("/c/done/"), (r.status_code, r.url, r.text[:300])
    return re.search(r'<p class="big-number">([^<]+)</p>', r.text).group(1)
