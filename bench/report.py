"""Report benchmark: a county of N projects with a year of data in a throw-away PostgreSQL database;
prints seconds to assemble the figures, seconds to render the PDF, pages and PDF size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ww_reportbench .venv/bin/python bench/report.py

The database named in DATABASE_URL is created, filled (seed_demo, bench/scale.py, the risk sweep) and
dropped at the end. Prints figures only.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SWEEP = "from risk import services; services.sweep_request(trigger='beat')"


def _admin_url(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    return parsed._replace(path="/postgres").geturl(), parsed.path.lstrip("/")


def _sql(admin: str, statement: str) -> None:
    subprocess.run(["psql", admin, "-q", "-c", statement], check=True, capture_output=True)


def _manage(*args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def measure(out_dir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wagewatch.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from projects.models import Project
    from reports.figures import Scope, report_data
    from reports.models import ReportRun
    from reports.pdf import build_pdf
    from wagewatch.lib.periods import month_start, quarter_start

    today = timezone.localdate()
    first = month_start(quarter_start(today), -3)
    end = month_start(first, 3) - timezone.timedelta(days=1)
    run = ReportRun(kind="quarterly", scope="county", scope_key="county", start=first, end=end,
                    plan="一是持续开展欠薪隐患排查。\n二是加大执法力度。")  # fmt: skip
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        data = report_data(scope=Scope(), start=first, end=end)
    t1 = time.perf_counter()
    pdf, pages = build_pdf(run=run, data=data)
    t2 = time.perf_counter()
    (out_dir / "report.pdf").write_bytes(pdf)
    print(f"projects            {Project.objects.count()}")
    print(f"range               {first} — {end}")
    print(f"queries             {len(ctx.captured_queries)}")
    print(f"assemble seconds    {t1 - t0:.2f}")
    print(f"pdf seconds         {t2 - t1:.2f}")
    print(f"total seconds       {t2 - t0:.2f}")
    print(f"pages               {pages}")
    print(f"pdf bytes           {len(pdf)} ({len(pdf) / 1024 / 1024:.2f} MB)")
    print(f"pdf file            {out_dir / 'report.pdf'}")
    scan = _bare_scan(connection)
    sys.path.insert(0, str(ROOT / "bench"))
    from table import Row, emit

    emit([
        Row("report", f"quarterly figures, {Project.objects.count():,} projects", t1 - t0, "s",
            "bare count(*) of the tables read", scan, note=f"{len(ctx.captured_queries)} queries"),
        Row("report", "quarterly PDF rendered", t2 - t1, "s",
            note=f"{pages} pages, {len(pdf) / 1024:.0f} KB"),
    ])  # fmt: skip


SCANNED = ["projects_project", "complaints_complaint", "projects_hazard", "projects_rosterentry",
           "projects_payroll", "wages_payline", "deposits_depositentry",
           "complaints_enforcementorder"]  # fmt: skip


def _bare_scan(connection) -> float:
    """The anchor: one count(*) over each table the figures read (the floor of reading them at all)."""
    with connection.cursor() as c:
        t = time.perf_counter()
        for table in SCANNED:
            c.execute(f"SELECT count(*) FROM {table}")  # constant table names
            c.fetchone()
        return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--roster", type=int, default=20000)
    ap.add_argument("--out", default="/tmp/ww_reportbench")
    ap.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.measure_only:
        measure(out)
        return
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ww_reportbench")
    admin, name = _admin_url(url)
    if not name.endswith("bench"):
        sys.exit("refusing to drop a database whose name does not end in 'bench'")
    env = {**os.environ, "DATABASE_URL": url}
    os.environ.update(env)
    _sql(admin, f'DROP DATABASE IF EXISTS "{name}"')
    _sql(admin, f'CREATE DATABASE "{name}"')
    try:
        t = time.perf_counter()
        _manage("migrate", "-v0")
        _manage("seed_demo", "--i-know-this-is-not-production")  # a throwaway *bench database
        subprocess.run([PY, "bench/scale.py", "--projects", str(args.projects), "--roster", str(args.roster)],
                       cwd=ROOT, check=True, capture_output=True)  # fmt: skip
        _manage(
            "shell",
            "-c",
            SWEEP,
        )
        print(f"setup seconds       {time.perf_counter() - t:.1f}")
        subprocess.run([PY, __file__, "--measure-only", "--out", str(out)], cwd=ROOT, check=True)
    finally:
        _sql(admin, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
