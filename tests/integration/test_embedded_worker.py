"""With no settings at all (no REDIS_URL, an SQLite file) a real Celery worker runs the tasks, on kombu's
filesystem transport under VAR_DIR, and `make run`'s script starts it beside the web server (issue 18 #13).

Each test runs its processes on its own SQLite file and VAR_DIR, and stops them by their own handle.
"""

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import requests

from tests.conftest import PASSWORD
from tests.integration import faults_support as fs
from tests.integration.private_services import free_port
from tests.integration.test_faults_import_interrupted import roster_csv

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SEND_HEARTBEAT = (
    "from django.conf import settings; from wagewatch.accounts.tasks import worker_heartbeat; "
    "print(settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER); "
    "print(worker_heartbeat.delay().get(timeout=90))"
)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """The environment of a fresh checkout's `make run`: no REDIS_URL, a migrated SQLite file."""
    home = tmp_path_factory.mktemp("embedded")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL") and not k.startswith(("PYTEST", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="wagewatch.settings",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{home}/db.sqlite3",
        VAR_DIR=str(home / "var"),
        MEDIA_ROOT=str(home / "media"),
    )
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, timeout=600)
    return home, env


def _send_heartbeat(env) -> tuple[str, str, str]:
    """Send the heartbeat task from a shell with the same settings; (broker, eager?, node that ran it)."""
    proc = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEND_HEARTBEAT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert proc.returncode == 0, proc.stderr
    *_, settings_line, hostname = proc.stdout.strip().splitlines()
    broker, eager = settings_line.split()
    return broker, eager, hostname


MAKE_INSPECTOR_AND_PROJECT = """
from tests.conftest import make_user
from tests.projects.factories import make_project
from wagewatch.accounts.models import Department, Role, Township
town = Township.objects.create(code="TE", name="丙镇")
make_user("inspector_e", Role.INSPECTOR, townships=[town])
print(make_project(town, Department.objects.create(code="ZJ", name="县住建局")).pk)
"""
ROWS = 12_000  # above IMPORT_SYNC_MAX_ROWS (2,000): confirmed, it goes to the worker in a dozen batches
# (3,000 rows were written between two polls once the import got faster on a quiet machine)


def _import_through_the_pages(base: str, env) -> list[dict]:
    """Upload, preview and confirm a roster over HTTP, then poll its status as the progress page does."""
    made = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", MAKE_INSPECTOR_AND_PROJECT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    project = int(made.stdout.split()[-1])
    web = requests.Session()
    fs.login(web, base, "inspector_e", PASSWORD)
    upload = f"{base}/projects/{project}/roster/import/"
    r = web.post(
        upload,
        data={"csrfmiddlewaretoken": fs.csrf_of(web.get(upload, timeout=30).text)},
        files={"file": ("roster.csv", roster_csv(ROWS), "text/csv")},
        headers={"Referer": upload},
        timeout=120,
    )
    assert r.status_code == 200 and "/projects/imports/" in r.url, r.text[:500]
    job = int(r.url.rstrip("/").split("/")[-1])
    r = web.post(
        f"{base}/projects/imports/{job}/confirm/",
        data={"csrfmiddlewaretoken": fs.csrf_of(r.text), **fs.once_of(r.text)},
        headers={"Referer": r.url},
        timeout=60,
    )
    assert r.url.endswith(f"/projects/imports/{job}/progress/"), r.url
    seen: list[dict] = []
    end = time.monotonic() + 240
    while not seen or seen[-1]["status"] in ("queued", "running"):
        assert time.monotonic() < end, seen[-5:]
        seen.append(web.get(f"{base}/projects/imports/{job}/status/", timeout=30).json())
        time.sleep(0.05)
    return seen


def _heartbeats(home) -> list[str]:
    with sqlite3.connect(home / "db.sqlite3") as db:
        return [row[0] for row in db.execute("SELECT hostname FROM accounts_workerheartbeat")]


def _stop(proc: subprocess.Popen) -> None:
    """Stop a process group we started (its own session): SIGTERM, then SIGKILL to whatever of the group is
    left, even once its leader has gone (serve.sh exits before its Celery worker has: the worker was left
    running after the suite)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(20)
    with contextlib.suppress(ProcessLookupError):  # else the whole group has exited
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def test_without_redis_a_real_worker_runs_the_task_from_the_file_queue(embedded):
    home, env = embedded
    log = open(home / "worker-solo.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "wagewatch", "worker", "--pool=solo", "-n", "embedded@%h", "-l", "info"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        broker, eager, hostname = _send_heartbeat(env)
    finally:
        _stop(worker)
        log.close()
    assert (broker, eager) == ("filesystem://", "False")
    # run by the worker (its node name), not in the sending process, and written to the SQLite file
    assert hostname.startswith("embedded@"), (home / "worker-solo.log").read_text()
    assert _heartbeats(home) == [hostname]
    # the message went through the file queue under VAR_DIR, the result through the file backend
    celery_dir = home / "var" / "celery"
    assert (celery_dir / "queue").is_dir()
    assert not list((celery_dir / "queue").iterdir())  # consumed
    assert any(p.name.startswith("celery-task-meta-") for p in (celery_dir / "results").iterdir())


def test_make_runs_script_starts_worker_and_beat_beside_the_web_server(embedded):
    home, env = embedded
    port = free_port()
    out = open(home / "serve.log", "w")  # noqa: SIM115
    serve = subprocess.Popen(
        ["bash", "scripts/serve.sh", "127.0.0.1", str(port)],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        end = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as page:
                    assert page.status == 200
                    break
            except OSError:
                assert serve.poll() is None, (home / "serve.log").read_text()
                assert time.monotonic() < end, "the web server did not answer"
                time.sleep(0.5)
        _, _, hostname = _send_heartbeat(env)
        assert hostname.startswith("celery@")  # the script's worker ran it
        assert hostname in _heartbeats(home)
        # a roster above the row threshold: the request returns at once, the worker imports it, and the
        # status the progress bar polls moves through figures between 0 and 100 (the shared file cache)
        seen = _import_through_the_pages(f"http://127.0.0.1:{port}", env)
        assert seen[0]["status"] in ("queued", "running") and seen[-1]["status"] == "done", seen[-1]
        assert seen[-1]["created"] == ROWS and seen[-1]["progress"] == 100
        figures = [s["progress"] for s in seen]
        assert figures == sorted(figures) and any(0 < f < 100 for f in figures), figures
        while "beat: Starting" not in (home / "var" / "beat.log").read_text():
            assert time.monotonic() < end, (home / "var" / "beat.log").read_text()
            time.sleep(0.5)
    finally:
        _stop(serve)
        out.close()
    assert "file queue" in (home / "serve.log").read_text()
