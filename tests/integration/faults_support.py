"""Helpers of the fault tests: real worker and gunicorn processes pointed at the test database.

Every process started here is stopped by its own handle (never by name). Services come from
private_services.py: fault tests never touch the shared PostgreSQL or Redis.
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PY = str(Path(sys.executable))
BIN = Path(sys.executable).parent
MEDIA_ROOT = tempfile.mkdtemp(prefix="ww-fault-media-")
PROD_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "fault-test-" + "k" * 50,
    "FIELD_ENCRYPTION_KEY": "d2FnZXdhdGNoLWRldmVsb3BtZW50LWtleS0wMDAwMDA=",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
}


def database_url(settings_dict: dict | None = None) -> str:
    """A DATABASE_URL for the database this test process uses (the test database, not the configured one)."""
    s = settings_dict or connection.settings_dict
    user = urllib.parse.quote(s.get("USER") or "postgres")
    password = f":{urllib.parse.quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


def child_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(PROD_ENV)
    env["DJANGO_SETTINGS_MODULE"] = "wagewatch.settings"
    env["MEDIA_ROOT"] = MEDIA_ROOT  # uploaded and generated files of fault runs stay out of the repository
    env.update({k: str(v) for k, v in extra.items()})
    return env


def wait_for(check, timeout=30.0, step=0.05, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError(f"timed out waiting for {what}")


def start_worker(*, database: str, redis: str, name: str) -> subprocess.Popen:
    """A real `celery -A wagewatch worker` (solo pool: the task runs in this very process)."""
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"ww-fault-{name}-{os.getpid()}.log", "w")  # noqa: SIM115
    return subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "wagewatch",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=child_env(DATABASE_URL=database, REDIS_URL=redis, DEBUG="1"),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill9(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            kill9(proc)


@contextmanager
def gunicorn(
    *, database: str, redis: str = "", port: int, workers: int = 2, threads: int = 1, ready="/accounts/login/"
):
    """gunicorn with the production settings on loopback (static files from the finders: fault_settings);
    up once ``ready`` answers 200 (a static file when the database is not to be reached)."""
    env = child_env(DATABASE_URL=database, REDIS_URL=redis)
    env["DJANGO_SETTINGS_MODULE"] = "tests.integration.fault_settings"
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "wagewatch.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        import requests

        def up():
            try:
                return requests.get(f"http://127.0.0.1:{port}{ready}", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_for(up, timeout=40, step=0.3, what="gunicorn")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def clone_test_database(target_url: str) -> None:
    """Copy the migrated test database into a private cluster's database (much faster than migrate)."""
    from tests.integration.private_services import PG_BIN

    dump = subprocess.Popen(
        [str(PG_BIN / "pg_dump"), "--no-owner", "--no-privileges", "-d", database_url()],
        stdout=subprocess.PIPE,
    )
    subprocess.run(
        [str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", target_url],
        stdin=dump.stdout,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    dump.stdout.close()
    assert dump.wait(60) == 0


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def once_of(html: str) -> dict:
    """The page's one-time form token as form data ({} when the page carries none)."""
    found = re.search(r'name="once_token" value="([^"]+)"', html)
    return {"once_token": found.group(1)} if found else {}


def login(session, base: str, username: str, password: str) -> None:
    page = session.get(base + "/accounts/login/", timeout=10)
    r = session.post(
        base + "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf_of(page.text)},
        headers={"Referer": base + "/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert r.status_code == 302, (r.status_code, r.text[:500])
