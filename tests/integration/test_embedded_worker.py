"""With no settings at all (no REDIS_URL, an SQLite file) a real Celery worker runs the tasks, on kombu's
filesystem transport under VAR_DIR, and `make run`'s script starts it beside the web server (issue 18 #13).

Each test runs its processes on its own SQLite file and VAR_DIR, and stops them by their own handle.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.integration.private_services import free_port

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


def _heartbeats(home) -> list[str]:
    with sqlite3.connect(home / "db.sqlite3") as db:
        return [row[0] for row in db.execute("SELECT hostname FROM accounts_workerheartbeat")]


def _stop(proc: subprocess.Popen) -> None:
    """Stop a process group we started (its own session): SIGTERM, then SIGKILL."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
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
        while "beat: Starting" not in (home / "var" / "beat.log").read_text():
            assert time.monotonic() < end, (home / "var" / "beat.log").read_text()
            time.sleep(0.5)
    finally:
        _stop(serve)
        out.close()
    assert "file queue" in (home / "serve.log").read_text()
