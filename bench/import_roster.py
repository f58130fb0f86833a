"""Benchmark of the roster import (prints figures, asserts nothing).

    DATABASE_URL=postgres://... python bench/import_roster.py [--rows 50000] [--default-slice 2000]

Generates the large roster with ../shared/samples/make_samples.py under /tmp, imports it through the
roster's parse and apply (parse_roster + roster_import_apply), then again as the pages take it (upload →
preview kept with the job → confirm → run, in this process, counting python-calamine reads), and compares
with the bare python-calamine read and with a default django-import-export ModelResource import (timed on
a slice and extrapolated, as the default resource runs at a few hundred rows per second).
"""

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wagewatch.settings")

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from projects.imports import (  # noqa: E402
    parse_roster,
    roster_import_apply,
    roster_import_confirm,
    roster_import_preview,
)
from projects.models import Enterprise, Project, RosterEntry, Worker  # noqa: E402
from projects.resources import RosterEntryResource, WorkerResource  # noqa: E402
from wagewatch.accounts.models import Department, Township  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "samples"


class Counter:
    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def make_file(rows: int) -> Path:
    out = Path(tempfile.gettempdir()) / "ww_bench"
    out.mkdir(exist_ok=True)
    path = out / "roster_large.xlsx"
    if not path.exists():
        subprocess.run(
            [sys.executable, str(SAMPLES / "make_samples.py"), "--large", str(rows), "--out", str(out)],
            check=True,
        )
    return path


def bench_project(code: str) -> Project:
    township, _ = Township.objects.get_or_create(code="BENCH", defaults={"name": "基准测试镇"})
    department, _ = Department.objects.get_or_create(code="BENCH", defaults={"name": "基准测试局"})
    from tests.projects.factories import make_project

    Project.objects.filter(code=code).delete()
    return make_project(township, department, code=code)


def empty(project: Project, hashes: list[str]) -> None:
    """The project's roster and the workers on no other roster, deleted."""
    RosterEntry.objects.filter(project=project).delete()
    for start in range(0, len(hashes), 5000):
        Worker.objects.filter(id_number_hash__in=hashes[start : start + 5000], roster_entries=None).delete()


def cleanup(project: Project, hashes: list[str]) -> None:
    empty(project, hashes)
    builder, contractor = project.builder_id, project.contractor_id
    project.delete()
    Enterprise.objects.filter(pk__in=[builder, contractor]).delete()


def default_resource_seconds(rows: list[dict], project: Project) -> float:
    """A default ModelResource import of workers then roster entries, for the given rows."""
    workers = tablib.Dataset(headers=["id_number_hash", "id_number", "name", "sex", "birth_date", "phone"])
    entries = tablib.Dataset(
        headers=["project", "worker", "team", "trade", "entry_date", "exit_date", "contract_signed", "bank"]
    )
    for r in rows:
        workers.append([r["hash"], r["id_number"], r["name"], r["sex"], r["birth_date"], r["phone"]])
        entries.append(
            [
                project.pk,
                r["hash"],
                r["team"],
                r["trade"],
                r["entry_date"],
                r["exit_date"],
                r["contract_signed"],
                r["bank"],
            ]
        )
    t = time.perf_counter()
    with transaction.atomic():
        WorkerResource().import_data(workers, raise_errors=True)
        RosterEntryResource().import_data(entries, raise_errors=True)
        transaction.set_rollback(True)
    return time.perf_counter() - t


def job_path(data: bytes, name: str, project: Project) -> None:
    """The file as the pages take it: preview (kept with the job), then confirm, run in this process."""
    reads, read = [], CalamineWorkbook.from_filelike
    CalamineWorkbook.from_filelike = lambda filelike: reads.append(filelike) or read(filelike)
    law = settings.WAGEWATCH
    settings.WAGEWATCH = {**law, "IMPORT_SYNC_MAX_ROWS": 10**9}  # the run happens here, not in Celery
    counter = Counter()
    try:
        with connection.execute_wrapper(counter):
            t = time.perf_counter()
            job, _parsed = roster_import_preview(project=project, user=None, filename=name, data=data)
            t_preview, q_preview = time.perf_counter() - t, counter.n
            job = roster_import_confirm(job=job, user=None)
            seconds = time.perf_counter() - t
    finally:
        CalamineWorkbook.from_filelike = read
        settings.WAGEWATCH = law
    rows, t_run = job.created_count + job.updated_count, seconds - t_preview
    print(
        f"through the job     {seconds:.2f} s (preview {t_preview:.2f}, confirm and run {t_run:.2f})"
        f" {job.status}, {rows / seconds:,.0f} rows/s, {counter.n} queries ({q_preview} at preview),"
        f" calamine reads {len(reads)}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--default-slice", type=int, default=2000)
    args = parser.parse_args()
    path = make_file(args.rows)
    data = path.read_bytes()

    t = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    n_read = sum(1 for _ in sheet.iter_rows())
    floor = time.perf_counter() - t

    project = bench_project("BENCH-ROSTER")
    counter = Counter()
    hashes: list[str] = []
    try:
        t = time.perf_counter()
        with connection.execute_wrapper(counter):
            parsed = parse_roster(data, path.name)
            hashes = [r["hash"] for r in parsed.rows]
            t_parse = time.perf_counter() - t
            created, updated = roster_import_apply(project=project, rows=parsed.rows)
        seconds = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows = len(parsed.rows)
        print(f"database            {connection.vendor}")
        print(f"file                {path} ({len(data) / 1e6:.1f} MB, {n_read} sheet rows)")
        print(
            f"rows imported       {rows} (created {created}, updated {updated}, errors {len(parsed.errors)})"
        )
        print(f"seconds             {seconds:.2f} (read+check {t_parse:.2f}, write {seconds - t_parse:.2f})")
        print(f"rows/s              {rows / seconds:,.0f}")
        print(f"peak memory         {peak_mb:.0f} MB (ru_maxrss)")
        print(f"queries             {counter.n} ({counter.n / max(rows / 1000, 1):.1f} per 1,000-row batch)")
        print(f"calamine read       {floor:.2f} s -> import / read floor = {seconds / floor:.1f}x")
        empty(project, hashes)
        job_path(data, path.name, project)
        print(
            f"peak memory         {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (after)"
        )
        sl = parsed.rows[: args.default_slice]
        cleanup_first = RosterEntry.objects.filter(project=project).delete()  # noqa: F841  default import starts empty
        Worker.objects.filter(id_number_hash__in=[r["hash"] for r in sl]).delete()
        d = default_resource_seconds(sl, project)
        extrapolated = d * rows / len(sl)
        print(
            f"default ModelResource  {d:.2f} s for {len(sl)} rows ({len(sl) / d:,.0f} rows/s), "
            f"extrapolated to {rows}: {extrapolated:.0f} s -> default / ours = {extrapolated / seconds:.1f}x"
        )
    finally:
        cleanup(project, hashes)


if __name__ == "__main__":
    main()
