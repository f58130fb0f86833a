"""Load benchmark: the demo county scaled up, served by gunicorn as in production (./gunicorn.conf.py), hit by
logged-in people simulated by locust (FastHttpUser, bench/locustfile.py) in its own process: the load
generator shares no GIL with the app.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ww_load .venv/bin/python bench/load.py [--duration 30]

The database named in DATABASE_URL is dropped and rebuilt (``--reuse`` keeps it). Figures (bench/table.py):
p50/p95 of the real mix (desk, project list, project page, case ledger, roster), walked by office staff,
inspectors and a department head in turn (``MIX``), at 20, 50, 75 and 100 people with 1 s think time (where
p95 crosses 300 ms), beside the Django admin changelist at the same number of people; the CPU each page costs
per request (gunicorn's workers and PostgreSQL's backends, read from /proc: it barely moves with what else the
machine runs, unlike latency) beside the changelist's; closed-loop req/s of the project list beside the
changelist's; the desk's queries (first load, cached load). The cache is the local Redis when it answers, as
in production. Asserts nothing.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv/bin"
sys.path.insert(0, str(ROOT / "bench"))

from table import Row, emit  # noqa: E402

BENCH = "load"


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
    py = str(BIN / "python")
    sh(py, "manage.py", "migrate", "--noinput", "-v", "0")
    sh(py, "manage.py", "seed_demo", "--i-know-this-is-not-production")
    sh(py, "bench/scale.py", "--projects", str(projects), "--roster", str(roster_rows))


def local_redis() -> str:
    """Production serves the cache (sessions, the desk's figures) from Redis: the local one if it answers
    (``$REDIS_URL`` wins), else nothing (the file cache)."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return ""
    return "redis://127.0.0.1:6379/9"


def app_env() -> dict[str, str]:
    return {
        **os.environ,
        "REDIS_URL": os.environ.get("REDIS_URL") or local_redis(),
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }


def start_gunicorn(port: int, workers: int | None, worker_class: str | None, threads: int | None):
    env = app_env()
    subprocess.run([str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT,
                   env=env, check=True)  # fmt: skip
    args = [
        str(BIN / "gunicorn"),
        "wagewatch.wsgi:application",
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    if workers:
        args += ["-w", str(workers)]
    if worker_class:
        args += ["-k", worker_class]
    if threads:
        args += ["--threads", str(threads)]
    proc = subprocess.Popen(args, cwd=ROOT, env=env)  # reads ./gunicorn.conf.py for the rest
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).read()
            return proc
        except Exception:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


# who walks the real mix, one person in five each: office staff see the county, an inspector his three
# townships, a department head his department's projects (each a jurisdiction with its own cached pages)
MIX = ("office", "inspector_a", "office2", "inspector_b", "dept_zj")


def sessions(n: int) -> dict[str, list[str]]:
    """``n`` logged-in sessions each of the demo admin and of the users of ``MIX``, as login() makes them
    (without hashing the password n times: the benchmark measures pages, not logins)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore
    out = {}
    for username in ("admin", *MIX):
        user = User.objects.get(username=username)
        cookies = []
        for _ in range(n):
            s = store()
            s[SESSION_KEY] = str(user.pk)
            s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            s[HASH_SESSION_KEY] = user.get_session_auth_hash()
            s.save()
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={s.session_key}")
        out[username] = cookies
    return out


def projects_of(usernames: Iterable[str]) -> dict[str, list[int]]:
    """Up to 200 projects each user may open (his project and roster pages are drawn from them)."""
    from django.contrib.auth.models import User

    from projects.models import Project

    return {
        username: list(
            Project.objects.visible_to(User.objects.get(username=username)).values_list("pk", flat=True)[:200]
        )
        for username in usernames
    }


def locust(
    base: str, user_class: str, people: int, seconds: int, think: float, setup: str
) -> dict[str, dict]:
    """Run locust headless; the per-page rows of its stats (name → row), "Aggregated" for all."""
    with tempfile.TemporaryDirectory() as tmp:
        prefix = str(Path(tmp) / "stats")
        env = {**os.environ, "BENCH_SESSIONS": setup, "BENCH_THINK": str(think)}
        done = subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench/locustfile.py"), user_class, "--headless",
             "-u", str(people), "-r", str(max(people // 2, 1)), "-t", f"{seconds + 3}s", "--host", base,
             "--csv", prefix, "--reset-stats", "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "5",
            ],
            cwd=ROOT, env=env, check=False, capture_output=True, text=True,
        )  # fmt: skip
        if not Path(prefix + "_stats.csv").exists():
            sys.exit(f"locust failed:\n{done.stderr[-3000:]}")
        with open(prefix + "_stats.csv", encoding="utf-8") as f:
            return {row["Name"]: row for row in csv.DictReader(f)}


def _ticks(pid: int) -> int:
    """CPU clock ticks (user + system) of a live process (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return int(fields[11]) + int(fields[12])


def _server_pids(master: int, database: str) -> tuple[list[int], list[int]]:
    """gunicorn's live workers, and the PostgreSQL backends serving ``database``."""
    workers, backends = [], []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            workers.append(int(entry.name))
        elif cmdline.startswith("postgres: ") and f" {database} " in cmdline:
            backends.append(int(entry.name))
    return workers, backends


def cpu_per_request(
    base: str, path: str, cookie: str, master: int, database: str, n: int = 400
) -> tuple[float, float]:
    """(app ms, PostgreSQL ms) of CPU per request of ``path``: ``n`` requests in a closed loop from two
    threads here; gunicorn's and the database backends' CPU time before and after, divided by ``n``. CPU time
    per request barely moves with what else the machine runs, unlike throughput, and 2 cores / (app + db +
    client) is the ceiling of requests per second on this machine."""
    import http.client
    import threading

    host, port = urllib.parse.urlparse(base).netloc.split(":")

    def hammer(count: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        for _ in range(count):
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)
        conn.close()

    warm = [threading.Thread(target=hammer, args=(25,)) for _ in range(4)]
    for t in warm:  # every worker's templates, caches and connections
        t.start()
    for t in warm:
        t.join()
    workers, backends = _server_pids(master, database)
    before = {pid: _ticks(pid) for pid in [master, *workers, *backends]}
    threads = [threading.Thread(target=hammer, args=(n // 2,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    workers2, backends2 = _server_pids(master, database)

    def spent(pids: set[int]) -> int:
        # a worker recycled in between (max_requests) is left out: its whole life's CPU would land in the
        # master's reaped-children time at once
        after = {pid: _ticks(pid) for pid in pids}
        return sum(after[pid] - before.get(pid, 0) for pid in pids if after[pid])

    app1, db1 = spent({master, *workers2}), spent(set(backends2))
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    return app1 * tick_ms / n, db1 * tick_ms / n


def cpu_rows(base: str, setup: Path, master: int, database: str) -> list[Row]:
    """CPU per request of each page of the mix beside the admin changelist's (``cpu_per_request``)."""
    found = json.loads(setup.read_text())
    office, admin, pid = found["cookies"]["office"][0], found["cookies"]["admin"][0], found["projects"][0]
    anchor = sum(cpu_per_request(base, "/admin/projects/project/", admin, master, database))
    rows = []
    pages = (("desk", "/"), ("project list", "/projects/"), ("project page", f"/projects/{pid}/"),
             ("case ledger", "/complaints/"), ("roster", f"/projects/{pid}/roster/"))  # fmt: skip
    for name, path in pages:
        app_ms, db_ms = cpu_per_request(base, path, office, master, database)
        note = (f"app {app_ms:.1f} ms + PostgreSQL {db_ms:.1f} ms: 2 cores serve at most "
                f"{2000 / (app_ms + db_ms):.0f} req/s of it, less the load generator's share")  # fmt: skip
        rows.append(Row(BENCH, f"CPU per request (app + PostgreSQL), {name}", app_ms + db_ms, "ms",
                        "admin changelist", anchor, note=note))  # fmt: skip
        print(f"CPU per request, {name}: app {app_ms:.1f} ms + PostgreSQL {db_ms:.1f} ms")
    return rows


def _f(row: dict, col: str) -> float:
    return float(row[col] or "nan") if row[col] != "N/A" else float("nan")


def desk_queries() -> tuple[int, int]:
    """Queries of the desk for the office user: first load (figures computed) and the next (cached)."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from wagewatch.accounts.generations import forget_all

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(
        User.objects.get(username="office"), backend="django.contrib.auth.backends.ModelBackend"
    )
    forget_all()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            client.get("/")
        counts.append(len(ctx.captured_queries))
    return counts[0], counts[1]


def main():
    sys.stdout.reconfigure(line_buffering=True)
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=30, help="seconds measured per step")
    ap.add_argument("--people", default="20,50,75,100")
    ap.add_argument("--closed", type=int, default=8, help="people in the closed loop (no think time)")
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--roster", type=int, default=50000)
    ap.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py)")
    ap.add_argument("--worker-class", help="gunicorn worker class (default: gunicorn.conf.py)")
    ap.add_argument("--threads", type=int, help="gunicorn threads per worker")
    ap.add_argument("--port", type=int, default=8123)
    ap.add_argument("--reuse", action="store_true", help="keep the database from a previous run")
    ap.add_argument("--cpu-only", action="store_true", help="only the CPU per request (no locust runs)")
    a = ap.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database this benchmark may drop and rebuild")
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", "d2FnZXdhdGNoLWRldmVsb3BtZW50LWtleS0wMDAwMDA=")
    os.environ.update(app_env())  # this process too: the desk's queries are counted here
    if not a.reuse:
        t = time.perf_counter()
        rebuild_database(url)
        populate(a.projects, a.roster)
        print(f"populated in {time.perf_counter() - t:.0f} s")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wagewatch.settings")
    import django

    django.setup()
    from projects.models import Project

    people = [int(x) for x in a.people.split(",")]
    setup = Path(tempfile.mkdtemp()) / "sessions.json"
    setup.write_text(json.dumps({
        "cookies": sessions(max([*people, a.closed])),
        "projects": list(Project.objects.values_list("pk", flat=True)[:200]),
        "mix": MIX,
        "projects_of": projects_of(MIX),
    }))  # fmt: skip
    from django.db import connections

    connections.close_all()
    base = f"http://127.0.0.1:{a.port}"
    server = start_gunicorn(a.port, a.workers, a.worker_class, a.threads)
    rows: list[Row] = []
    try:
        for n in [] if a.cpu_only else people:
            app = locust(base, "OfficePerson", n, a.duration, 1.0, str(setup))
            adm = locust(base, "AdminPerson", n, a.duration, 1.0, str(setup))["Aggregated"]
            agg = app["Aggregated"]
            errors = int(agg["Failure Count"]) + int(adm["Failure Count"])
            p95 = _f(agg, "95%")
            detail = ", ".join(
                f"{name} {_f(r, '95%'):.0f}" for name, r in app.items() if name != "Aggregated"
            )
            verdict = f"target ≤ 300 ms: {'ok' if p95 <= 300 else 'MISS'}; " if n <= 50 else ""
            work = f"{n} people (1 s think)"
            rows.append(Row(BENCH, f"p50 of the pages, {work}", _f(agg, "50%"), "ms", "admin changelist",
                            _f(adm, "50%")))  # fmt: skip
            rows.append(Row(
                BENCH, f"p95 of the pages, {work}", p95, "ms", "admin changelist", _f(adm, "95%"),
                note=f"{verdict}{float(agg['Requests/s']):.1f} req/s, {errors} errors; p95 (ms): {detail}",
            ))  # fmt: skip
            print(f"{work}: p95 {p95:.0f} ms (changelist {_f(adm, '95%'):.0f} ms), {errors} errors")
        rows += cpu_rows(base, setup, server.pid, urllib.parse.urlparse(url).path.lstrip("/"))
        if a.cpu_only:
            return emit(rows)
        lst = locust(base, "ListPerson", a.closed, a.duration, 0, str(setup))["Aggregated"]
        adm = locust(base, "AdminPerson", a.closed, a.duration, 0, str(setup))["Aggregated"]
        rows.append(Row(
            BENCH, f"project list, closed loop ({a.closed} people, no think)", float(lst["Requests/s"]),
            "req/s", "admin changelist", float(adm["Requests/s"]), target=100, higher_is_better=True,
            note=f"p95 {_f(lst, '95%'):.0f} ms vs changelist {_f(adm, '95%'):.0f} ms",
        ))  # fmt: skip
    finally:
        server.terminate()
        server.wait(20)
    first, cached = desk_queries()
    rows.append(Row(BENCH, "desk queries, cached load", cached, "queries", "first load", first, target=None,
                    note="target ≤ 12 queries on the cached load"))  # fmt: skip
    emit(rows)


if __name__ == "__main__":
    main()
