"""Benchmark of the roster import (prints figures, asserts nothing), through bench/table.py.

    DATABASE_URL=postgres://... python bench/import_roster.py [--rows 50000] [--runs 3]
        [--memory 50000,200000]
    python bench/import_roster.py --quick          # make bench: 20,000 rows, memory at 20,000 and 50,000

A roster of ``--rows`` rows is generated once per size with ../shared/samples/make_samples.py (beside the
clone) into a temp dir and reused. Each run times, alternating: the bare python-calamine read of the file
(the anchor), the same read by the import's own streaming reader (wagewatch.imports.xlsx: scan and every
row), the preview pass (upload → parse and check → kept with the job) and the confirm pass (confirm →
run → written), as the pages take the file, then both again with the same file (a re-import: every worker
known, every entry updated); the figures are medians of the runs. Peak memory (ru_maxrss) of
a whole import is measured in a fresh subprocess per size, beside the bare reads' peaks in others. Second
anchors: a django-import-export resource tuned as issue 19 says (use_bulk, batch_size=1000, skip_diff,
force_init_instance, foreign keys preloaded; no validation, no history) over the same rows, and the default
ModelResource timed on a slice and extrapolated (it runs at a few hundred rows per second).
"""

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wagewatch.settings")

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from import_export import fields, resources, widgets  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402
from table import Row, emit  # noqa: E402

from projects.imports import parse_roster, roster_import_confirm, roster_import_preview  # noqa: E402
from projects.models import Enterprise, Project, RosterEntry, Worker  # noqa: E402
from projects.resources import RosterEntryResource, WorkerResource  # noqa: E402
from wagewatch.accounts.models import Department, Township  # noqa: E402
from wagewatch.imports import xlsx  # noqa: E402

GENERATOR = ROOT.parent / "shared" / "samples" / "make_samples.py"
BENCH = "import_roster"


def make_file(rows: int) -> Path:
    """The generated roster of ``rows`` rows: one file per size in the temp dir, reused if present."""
    out = Path(tempfile.gettempdir()) / "ww_bench" / f"roster_{rows}"
    path = out / "roster_large.xlsx"
    if not path.exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(GENERATOR), "--large", str(rows), "--out", str(out)], check=True)
    return path


def bench_project(code: str) -> Project:
    township, _ = Township.objects.get_or_create(code="BENCH", defaults={"name": "基准测试镇"})
    department, _ = Department.objects.get_or_create(code="BENCH", defaults={"name": "基准测试局"})
    from tests.projects.factories import make_project

    for left in Project.objects.filter(code__startswith="BENCH-ROSTER"):  # left by a run that was stopped
        cleanup(left, list(left.roster.values_list("worker__id_number_hash", flat=True)))
    # the factory numbers its enterprises from 1 in each process: those a stopped run left would collide
    Enterprise.objects.filter(name__startswith="测试", built_projects=None, contracted_projects=None).delete()
    return make_project(township, department, code=code)


def empty(project: Project, hashes: list[str]) -> None:
    """The project's roster and the workers on no other roster, deleted with their history rows, in SQL: the
    ORM's delete loads every row to send the history signals (minutes and hundreds of MB at 200,000 rows,
    which the peak memory figure then counted); then the three tables vacuumed, so that every run writes
    into tables as the first did."""
    entries, workers = RosterEntry._meta.db_table, Worker._meta.db_table
    worker_history = Worker.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {entries} WHERE project_id = %s", [project.pk])
        for start in range(0, len(hashes), 20000):
            chunk = hashes[start : start + 20000]
            cursor.execute(
                f"DELETE FROM {workers} w WHERE w.id_number_hash = ANY(%s)"
                f" AND NOT EXISTS (SELECT 1 FROM {entries} e WHERE e.worker_id = w.id)",
                [chunk],
            )
            cursor.execute(f"DELETE FROM {worker_history} WHERE id_number_hash = ANY(%s)", [chunk])
        if not connection.in_atomic_block:
            # the space and index entries of the rows just deleted made free again: without it each run
            # wrote into the dead rows of the one before (this server's autovacuum is off, and would not
            # have run between two runs anyway), 10% slower than the first
            cursor.execute(f"VACUUM {entries}, {workers}, {worker_history}")


def cleanup(project: Project, hashes: list[str]) -> None:
    empty(project, hashes)
    builder, contractor = project.builder_id, project.contractor_id
    project.delete()
    Enterprise.objects.filter(pk__in=[builder, contractor]).delete()


def read_seconds(data: bytes) -> float:
    t = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    for _row in sheet.iter_rows():
        pass
    return time.perf_counter() - t


def stream_read_seconds(data: bytes) -> float:
    """The import's own reader over the same file: open, scan, walk every row."""
    t = time.perf_counter()
    for _row in xlsx.Book(data).sheet(0).rows():
        pass
    return time.perf_counter() - t


def job_pass(data: bytes, name: str, project: Project) -> tuple[float, float, int]:
    """(preview seconds, confirm seconds, rows written) of the file as the pages take it, run here (a second
    call with the same file is a re-import: every worker known, every entry updated)."""
    law, limit = settings.WAGEWATCH, settings.MAX_UPLOAD_BYTES
    settings.WAGEWATCH = {**law, "IMPORT_SYNC_MAX_ROWS": 10**9}  # the run happens here, not in Celery
    # a 200,000-row roster (23 MB) is above the upload limit (20 MB): lifted here to measure it
    settings.MAX_UPLOAD_BYTES = max(limit, len(data) + 1)
    try:
        t = time.perf_counter()
        job, _parsed = roster_import_preview(project=project, user=None, filename=name, data=data)
        del _parsed
        t_preview = time.perf_counter() - t
        if job.error_count:  # a generated file with a repeated ID number: the preview is all there is
            return t_preview, 0.0, 0
        t = time.perf_counter()
        job = roster_import_confirm(job=job, user=None)
        t_confirm = time.perf_counter() - t
    finally:
        settings.WAGEWATCH, settings.MAX_UPLOAD_BYTES = law, limit
    assert job.status == "done", (job.status, job.error)
    return t_preview, t_confirm, job.created_count + job.updated_count


# ---------------------------------------------------------------- django-import-export anchors
class PreloadedForeignKey(widgets.ForeignKeyWidget):
    """A foreign key looked up in a dict loaded before the import, not by a query per row."""

    def __init__(self, model, field, objects: dict):
        super().__init__(model, field)
        self.objects = objects

    def clean(self, value, row=None, **kwargs):
        return self.objects.get(value)


class TunedWorkerResource(resources.ModelResource):
    class Meta:
        model = Worker
        fields = ("id_number_hash", "id_number", "name", "sex", "birth_date", "phone")
        import_id_fields = ("id_number_hash",)
        use_bulk, batch_size, skip_diff, force_init_instance = True, 1000, True, True


def tuned_entry_resource(projects: dict, workers: dict) -> resources.ModelResource:
    class TunedRosterEntryResource(resources.ModelResource):
        project = fields.Field(
            attribute="project", column_name="project", widget=PreloadedForeignKey(Project, "pk", projects)
        )
        worker = fields.Field(
            attribute="worker",
            column_name="worker",
            widget=PreloadedForeignKey(Worker, "id_number_hash", workers),
        )

        class Meta:
            model = RosterEntry
            fields = ("project", "worker", "team", "trade", "entry_date", "exit_date", "contract_signed")
            fields += ("bank",)
            import_id_fields = ("project", "worker")
            use_bulk, batch_size, skip_diff, force_init_instance = True, 1000, True, True

    return TunedRosterEntryResource()


def datasets(rows: list[dict], project: Project) -> tuple[tablib.Dataset, tablib.Dataset]:
    workers = tablib.Dataset(headers=["id_number_hash", "id_number", "name", "sex", "birth_date", "phone"])
    entries = tablib.Dataset(
        headers=["project", "worker", "team", "trade", "entry_date", "exit_date", "contract_signed", "bank"]
    )
    for r in rows:
        workers.append([r["hash"], r["id_number"], r["name"], r["sex"], r["birth_date"], r["phone"]])
        entries.append([project.pk, r["hash"], r["team"], r["trade"], r["entry_date"], r["exit_date"],
                        r["contract_signed"], r["bank"]])  # fmt: skip
    return workers, entries


def tuned_seconds(rows: list[dict], project: Project) -> float:
    """The tuned resource: workers in bulk, then entries in bulk with project and workers preloaded."""
    workers, entries = datasets(rows, project)
    t = time.perf_counter()
    with transaction.atomic():
        TunedWorkerResource().import_data(workers, raise_errors=True)
        hashes = [r["hash"] for r in rows]
        known = {}
        for start in range(0, len(hashes), 1000):
            known.update(Worker.objects.in_bulk(hashes[start : start + 1000], field_name="id_number_hash"))
        tuned_entry_resource({project.pk: project}, known).import_data(entries, raise_errors=True)
        seconds = time.perf_counter() - t
        transaction.set_rollback(True)
    return seconds


def default_seconds(rows: list[dict], project: Project) -> float:
    """The default ModelResources (a SELECT and a save() per row) over ``rows``."""
    workers, entries = datasets(rows, project)
    t = time.perf_counter()
    with transaction.atomic():
        WorkerResource().import_data(workers, raise_errors=True)
        RosterEntryResource().import_data(entries, raise_errors=True)
        seconds = time.perf_counter() - t
        transaction.set_rollback(True)
    return seconds


# ---------------------------------------------------------------- peak memory, a subprocess per figure
def peak(what: str, rows: int) -> float:
    """Peak RSS (MB) of a fresh process that reads (``read``) or imports (``import``) the roster."""
    out = subprocess.run(
        [sys.executable, __file__, "--peak", what, "--rows", str(rows)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    if figures["written"] != rows:
        print(
            f"{what} of {rows:,} rows wrote {figures['written']:,}: the preview found errors", file=sys.stderr
        )
    return figures["peak_mb"]


def peak_child(what: str, rows: int) -> None:
    path, written = make_file(rows), rows
    if what == "read":
        read_seconds(path.read_bytes())
    elif what == "stream":
        stream_read_seconds(path.read_bytes())
    else:
        project = bench_project(f"BENCH-ROSTER-MEM-{rows}")
        try:
            written = job_pass(path.read_bytes(), path.name, project)[2]
            # the import's peak, not the cleanup's
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        finally:
            hashes = list(
                Worker.objects.filter(roster_entries__project=project).values_list(
                    "id_number_hash", flat=True
                )
            )
            cleanup(project, hashes)
    if what != "import":
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mb": peak_mb, "written": written}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=1, help="alternating runs; figures are their medians")
    parser.add_argument("--memory", default="50000,200000", help="sizes whose peak memory is measured")
    parser.add_argument("--default-slice", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="20,000 rows, memory at 20,000 and 50,000")
    parser.add_argument("--memory-only", action="store_true", help="only the peak memory figures")
    parser.add_argument("--peak", choices=["read", "stream", "import"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak:
        return peak_child(args.peak, args.rows)
    if args.quick:
        args.rows, args.memory = 20000, "20000,50000"
    # first, while this process is small: a child's ru_maxrss starts from its parent's at the fork
    sizes = [int(s) for s in args.memory.split(",") if s]
    memory = [(size, peak("read", size), peak("stream", size), peak("import", size)) for size in sizes]
    if args.memory_only:
        return emit([Row(BENCH, f"peak memory, {size:,} rows", whole, "MB", f"bare read {bare:,.0f} MB",
                         target=300.0, note=f"the streaming reader alone {stream:,.0f} MB")
                     for size, bare, stream, whole in memory])  # fmt: skip
    path = make_file(args.rows)
    data = path.read_bytes()
    rows = parse_roster(data, path.name).rows
    hashes = [r["hash"] for r in rows]
    project = bench_project("BENCH-ROSTER")
    reads, streams, previews, confirms, again = [], [], [], [], []
    try:
        for _run in range(args.runs):
            empty(project, hashes)
            reads.append(read_seconds(data))
            streams.append(stream_read_seconds(data))
            t_preview, t_confirm, written = job_pass(data, path.name, project)
            previews.append(t_preview)
            confirms.append(t_confirm)
            assert written == len(rows), (written, len(rows))
            again.append(job_pass(data, path.name, project))  # the same file again: a re-import
        empty(project, hashes)
        tuned = tuned_seconds(rows, project)
        sl = rows[: args.default_slice]
        default = default_seconds(sl, project) * len(rows) / len(sl)
    finally:
        cleanup(project, hashes)
    read, stream, t_preview, t_confirm = map(statistics.median, (reads, streams, previews, confirms))
    re_preview, re_confirm = (statistics.median(run[i] for run in again) for i in (0, 1))
    n = f"{len(rows):,} rows"
    runs = f"median of {args.runs} runs" if args.runs > 1 else "1 run"
    figures = [
        Row(BENCH, f"calamine read, {n}", read, "s", note=f"the anchor; {runs}"),
        Row(BENCH, f"streaming read, {n}", stream, "s", "calamine read", read, 1.5,
            note="wagewatch.imports.xlsx: scan + every row"),
        Row(BENCH, f"preview pass, {n}", t_preview, "s", "calamine read", read, 2.0,
            note=f"{len(rows) / t_preview:,.0f} rows/s"),
        Row(BENCH, f"confirm pass, {n}", t_confirm, "s", "calamine read", read, 4.0,
            note=f"{len(rows) / t_confirm:,.0f} rows/s"),
        Row(BENCH, f"re-import preview, {n}", re_preview, "s", "calamine read", read,
            note="the same file again: every worker known"),
        Row(BENCH, f"re-import confirm, {n}", re_confirm, "s", "calamine read", read,
            note="every entry updated (a staging table, one UPDATE a batch)"),
        Row(BENCH, f"tuned import-export, {n}", tuned, "s", "confirm pass", t_confirm,
            note="use_bulk, batch_size=1000, skip_diff, force_init_instance, FKs preloaded; no checks, "
            "no history"),
        Row(BENCH, f"default import-export, {n}", default, "s", "confirm pass", t_confirm,
            note=f"extrapolated from {len(sl):,} rows"),
    ]  # fmt: skip
    for size, bare, stream_mb, whole in memory:
        figures.append(Row(BENCH, f"peak memory, {size:,} rows", whole, "MB", f"bare read {bare:,.0f} MB",
                           target=300.0, note=f"{whole / bare:.2f}× the bare read's peak; the streaming "
                           f"reader alone {stream_mb:,.0f} MB"))  # fmt: skip
    emit(figures)


if __name__ == "__main__":
    main()
