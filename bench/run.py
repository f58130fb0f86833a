"""`make bench`: every benchmark on throw-away PostgreSQL databases, then one table of every figure beside its
anchor measured in the same run (bench/table.py).

    .venv/bin/python bench/run.py [--quick] [--only load,report] [--list]

Each benchmark gets its own database on the server of ``$DATABASE_URL`` or of
``postgres://postgres@127.0.0.1:5432``, copied from one migrated template, and dropped afterwards. No
``.env`` is needed: SECRET_KEY, DEBUG and FIELD_ENCRYPTION_KEY are passed through the environment.
``--quick`` (or ``BENCH_QUICK=1``) runs every benchmark small, as a smoke test of the harness; its figures
are not the issue's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from table import load, render  # noqa: E402

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    what: str


BENCHES = (
    Bench("import_roster", "bench/import_roster.py", (), ("--rows", "5000", "--default-slice", "100"),
          "roster import vs calamine read and a django-import-export resource"),
    Bench("import_pay_sheet", "bench/import_pay_sheet.py", ("--lines", "20000", "--runs", "3"),
          ("--lines", "2000", "--runs", "1"), "pay-sheet confirm pass vs calamine read and a bare COPY"),
    Bench("risk_sweep", "bench/risk_sweep.py", ("--both",), ("--projects", "1000"),
          "the nightly arrears-risk sweep vs one hand-written SQL statement"),
    Bench("wages_reconcile", "bench/wages_reconcile.py", ("--projects", "1000", "--workers", "100"),
          ("--projects", "100", "--workers", "20", "--requests", "30"),
          "per-worker wage rules vs hand-written SQL; the worker check page"),
    Bench("wages_scale", "bench/wages_scale.py", ("--workers", "100000"),
          ("--workers", "5000", "--projects", "100"),
          "the arrears stock and wage pages vs a SQL aggregate and a bare scan"),
    Bench("report", "bench/report.py", (), ("--projects", "100", "--roster", "2000"),
          "the report's figures and PDF"),
    Bench("load", "bench/load.py", ("--duration", "30"),
          ("--duration", "8", "--people", "20", "--closed", "4", "--projects", "200", "--roster", "5000"),
          "pages under load (gunicorn, locust) vs the admin changelist"),
)  # fmt: skip


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return url.rsplit("/", 1)[0]
    return DEFAULT_SERVER


def _admin(sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(server_url() + "/postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as c:
            c.execute(sql)
    finally:
        conn.close()


def bench_env(db_url: str, json_path: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "BENCH_JSON": json_path,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + "x" * 50,
        "DEBUG": os.environ.get("DEBUG", "1"),
        "FIELD_ENCRYPTION_KEY": os.environ.get("FIELD_ENCRYPTION_KEY") or Fernet.generate_key().decode(),
        "PYTHONUNBUFFERED": "1",
    }
    return env


def _python() -> str:
    return str(ROOT / ".venv/bin/python")


def make_template(json_path: str) -> str:
    """One migrated database every benchmark's database is copied from (CREATE DATABASE … TEMPLATE)."""
    name = f"ww_template_{os.getpid()}_bench"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    env = bench_env(f"{server_url()}/{name}", json_path)
    subprocess.run([_python(), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    return name


def run(bench: Bench, quick: bool, json_path: str, template: str) -> tuple[int, float]:
    name = f"ww_{bench.name}_{os.getpid()}_bench"  # bench/report.py drops only names ending in "bench"
    env = bench_env(f"{server_url()}/{name}", json_path)
    start = time.perf_counter()
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        args = [_python(), bench.script, *(bench.quick if quick else bench.full)]
        print(f"\n=== {bench.name}: {' '.join(args[1:])}", flush=True)
        code = subprocess.run(args, cwd=ROOT, env=env, check=False).returncode
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return code, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1")
    ap.add_argument("--only", default="", help="comma-separated names (see --list)")
    ap.add_argument("--list", action="store_true", help="name the benchmarks and stop")
    a = ap.parse_args(argv)
    chosen = [b for b in BENCHES if not a.only or b.name in a.only.split(",")]
    if a.list:
        for b in chosen:
            print(f"{b.name:<18}{b.script:<28}{b.what}")
        return 0
    unknown = set(filter(None, a.only.split(","))) - {b.name for b in BENCHES}
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))} (see --list)", file=sys.stderr)
        return 2
    failed = []
    at_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        json_path = str(Path(tmp) / "rows.jsonl")
        Path(json_path).touch()
        seconds = {}
        template = make_template(json_path)
        try:
            for b in chosen:
                code, seconds[b.name] = run(b, a.quick, json_path, template)
                if code:
                    failed.append(f"{b.name} (exit {code})")
        finally:
            _admin(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        rows = load(json_path)
    print(
        "\n"
        + "=" * 20
        + (" make bench (BENCH_QUICK: smoke sizes) " if a.quick else " make bench ")
        + "=" * 20
    )
    print(render(rows) if rows else "(no figures)")
    print("\nseconds: " + ", ".join(f"{k} {v:.0f}" for k, v in seconds.items()))
    now = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average (1, 5, 15 min): at the start {at_start}, at the end {now}")
    if failed:
        print("FAILED: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
