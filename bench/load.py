"""Load benchmark: the demo county scaled up, served by gunicorn as in production, hit by logged-in people.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ww_load .venv/bin/python bench/load.py [--duration 60]

The database named in DATABASE_URL is dropped and rebuilt. Prints figures only (DESIGN.md §7: each client
waits 1 s between requests; closed-loop throughput is reported separately). Asserts nothing.
"""

import argparse
import http.cookiejar
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "Demo-2026!"


def sh(*args, env=None):
    subprocess.run(args, cwd=ROOT, check=True, env={**os.environ, **(env or {})})


def rebuild_database(url: str) -> None:
    import psycopg2

    name = urllib.parse.urlparse(url).path.lstrip("/")
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def populate(projects: int, roster_rows: int) -> None:
    """Migrate, load the demo county, then scale it (bench/scale.py)."""
    py = str(ROOT / ".venv/bin/python")
    sh(py, "manage.py", "migrate", "--noinput", "-v", "0")
    sh(py, "manage.py", "seed_demo", "--i-know-this-is-not-production")
    sh(py, "bench/scale.py", "--projects", str(projects), "--roster", str(roster_rows))


class Client:
    """A person in a browser: a cookie jar, a login, one request at a time."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        html = self.opener.open(base + "/accounts/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        req = urllib.request.Request(base + "/accounts/login/", data=data, headers={"Referer": base + "/"})
        self.opener.open(req, timeout=30).read()

    def get(self, path: str) -> tuple[int, float]:
        start = time.perf_counter()
        try:
            with self.opener.open(self.base + path, timeout=30) as r:
                r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        except Exception:
            status = 0
        return status, (time.perf_counter() - start) * 1000


def run(base, username, paths, clients, duration, think) -> dict:
    """``clients`` threads for ``duration`` seconds; returns per-path latencies and statuses."""
    results: dict[str, list[tuple[int, float]]] = {p: [] for p in paths}
    lock = threading.Lock()
    people = [Client(base, username) for _ in range(clients)]
    stop = time.monotonic() + duration

    def person(c: Client, offset: int):
        i = offset
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += 1
            status, ms = c.get(path)
            with lock:
                results[path].append((status, ms))
            if think:
                time.sleep(think)

    threads = [threading.Thread(target=person, args=(c, n)) for n, c in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))] if values else float("nan")


def report(title, results, duration):
    print(f"\n{title}")
    print(f"  {'page':<34}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for path, rows in results.items():
        ms = [m for s, m in rows]
        errors = sum(1 for s, _ in rows if s != 200)
        label = re.sub(r"\d+", "<n>", path)
        print(
            f"  {label:<34}{len(rows) / duration:>8.1f}{pct(ms, 50):>9.0f}{pct(ms, 95):>9.0f}"
            f"{pct(ms, 99):>9.0f}{errors:>8}"
        )
    all_ms = [m for rows in results.values() for _, m in rows]
    print(
        f"  {'all':<34}{len(all_ms) / duration:>8.1f}{pct(all_ms, 50):>9.0f}{pct(all_ms, 95):>9.0f}"
        f"{pct(all_ms, 99):>9.0f}{sum(1 for rows in results.values() for s, _ in rows if s != 200):>8}"
    )
    return all_ms


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    from cryptography.fernet import Fernet

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "FIELD_ENCRYPTION_KEY": os.environ.get("FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode()),
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT_BENCH": "1",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "wagewatch.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).read()
            return proc
        except Exception:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def page_queries(paths_by_user: dict[str, list[str]]) -> None:
    """Queries per page, in-process through Django's test client (why one page costs more than another)."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    print("\nqueries per page (in-process, logged in)")
    for username, paths in paths_by_user.items():
        client = DjangoClient(HTTP_HOST="localhost")
        client.force_login(
            User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend"
        )
        for path in paths:
            client.get(path)  # warm caches (content types, sessions)
            with CaptureQueriesContext(connection) as ctx:
                status = client.get(path).status_code
            ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
            label = re.sub(r"\d+", "<n>", path)
            count = len(ctx.captured_queries)
            print(f"  {label:<34}{status:>5}{count:>6} queries {ms:>8.1f} ms in SQL  ({username})")


def main():
    sys.stdout.reconfigure(line_buffering=True)
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=60)
    ap.add_argument("--clients", default="20,50")
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--roster", type=int, default=50000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--port", type=int, default=8123)
    ap.add_argument("--reuse", action="store_true", help="keep the database from a previous run")
    a = ap.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database this benchmark may drop and rebuild")
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", "d2FnZXdhdGNoLWRldmVsb3BtZW50LWtleS0wMDAwMDA=")
    if not a.reuse:
        t = time.perf_counter()
        rebuild_database(url)
        populate(a.projects, a.roster)
        print(f"populated in {time.perf_counter() - t:.0f} s")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wagewatch.settings")
    import django

    django.setup()
    from complaints.models import Complaint
    from projects.models import Project

    pks = list(Project.objects.values_list("pk", flat=True)[:200])
    print(f"projects {Project.objects.count()}, complaints {Complaint.objects.count()}")
    base = f"http://127.0.0.1:{a.port}"
    server = start_gunicorn(a.port, a.workers)
    try:
        app_paths = ["/projects/", f"/projects/{random.choice(pks)}/", "/complaints/", "/"]
        admin_paths = ["/admin/projects/project/"]
        verdicts, total_errors = [], 0
        for n in (int(x) for x in a.clients.split(",")):
            res = run(base, "office", app_paths, n, a.duration, 1.0)
            all_ms = report(
                f"{n} people, 1 s think time, {a.duration} s — app pages (office user)", res, a.duration
            )
            total_errors += sum(1 for rows in res.values() for s, _ in rows if s != 200)
            verdicts.append((n, pct(all_ms, 95)))
            res = run(base, "admin", admin_paths, n, a.duration, 1.0)
            report(
                f"{n} people, 1 s think time, {a.duration} s — Django admin changelist (admin user)",
                res,
                a.duration,
            )
            total_errors += sum(1 for rows in res.values() for s, _ in rows if s != 200)
        closed = max(10, a.duration // 4)
        print(f"\nclosed loop, 4 clients, no think time, {closed} s each")
        throughput = {}
        for user, path in (("office", "/projects/"), ("admin", "/admin/projects/project/")):
            res = run(base, user, [path], 4, closed, 0)
            ms = [m for _, m in res[path]]
            errors = sum(s != 200 for s, _ in res[path])
            total_errors += errors
            throughput[path] = len(ms) / closed
            print(f"  {path:<34}{len(ms) / closed:>8.1f} req/s  p95 {pct(ms, 95):.0f} ms  errors {errors}")
    finally:
        server.terminate()
        server.wait(10)
    page_queries({"office": app_paths, "admin": admin_paths})
    print("\ntargets")
    print(f"  no errors: {'yes' if total_errors == 0 else f'NO ({total_errors})'}")
    for n, p95 in verdicts:
        print(f"  p95 of the app pages at {n} people: {p95:.0f} ms ({'≤' if p95 <= 300 else '>'} 300 ms)")
    lst, adm = throughput["/projects/"], throughput["/admin/projects/project/"]
    print(
        f"  project list {lst:.1f} req/s vs admin changelist {adm:.1f} req/s: {'yes' if lst >= adm else 'NO'}"
    )


if __name__ == "__main__":
    main()
