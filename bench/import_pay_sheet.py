"""Benchmark of the pay-sheet import's confirm pass (prints figures, asserts nothing). Run it on a PostgreSQL
database you can throw away (migrated; nothing else needed):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ww_bench .venv/bin/python bench/import_pay_sheet.py \
        [--lines 20000] [--runs 3] [--keep] [--profile]

Builds one project with N workers on its roster (COPY), writes an N-line pay sheet (.xlsx: title lines,
the header on row 3, a 合计 row) under /tmp, checks it into a preview job (timed apart), then times the
confirm pass as the pages run it (``pipeline.confirm`` in this process: the kept preview read back, the
roster matched again, COPY + one upsert per batch with history) — first creating every line, then again
with other amounts (every line updated) — with its query count, and the peak memory of one more pass
(tracemalloc, untimed; ``--profile``: cProfile's top functions of that pass instead). Beside it, two anchors
measured in the same run: python-calamine reading the same file, and a bare COPY of the same N lines into
a table shaped like the pay lines. Each figure is the median of ``--runs``; everything it made is deleted
at the end unless --keep.
"""

import argparse
import cProfile
import datetime
import io
import os
import pstats
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wagewatch.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402
from table import Row, emit  # noqa: E402  (bench/table.py)

from projects.models import Enterprise, ImportJob, Project, RosterEntry, Worker  # noqa: E402
from tests.projects.factories import valid_id, valid_uscc  # noqa: E402
from wages.imports import wage_import_preview  # noqa: E402
from wages.models import PayLine  # noqa: E402
from wagewatch.accounts.models import Department, Township  # noqa: E402
from wagewatch.imports import pipeline  # noqa: E402
from wagewatch.lib.copy import copy_rows  # noqa: E402
from wagewatch.lib.fields import encrypt, keyed_hash  # noqa: E402

BENCH = "import_pay_sheet"

CODE = "BENCH-PAY"
MONTH, PAY_DAY = datetime.date(2024, 2, 1), datetime.date(2024, 3, 15)
HEADERS = ["序号", "姓名", "身份证号码", "班组", "出勤天数", "应发工资（元）", "扣款（元）", "实发工资（元）"]
HEADERS += ["银行卡号", "本人签字"]
LINE_COLUMNS = [
    "entry_id",
    "project_id",
    "month",
    "days",
    "due",
    "deductions",
    "net",
    "paid_on",
    "card_masked",
]
LINE_COLUMNS += ["card_hash", "signed", "source", "bank_status", "bank_reason", "created_at", "updated_at"]


def build_project(n: int) -> tuple[Project, list[tuple[str, str, str]]]:
    """A project with ``n`` workers on its roster (COPY); (name, ID number, card) per worker."""
    town = Township.objects.get_or_create(code="BENCHPAY", defaults={"name": "基准测试镇"})[0]
    dept = Department.objects.get_or_create(code="BENCHPAY", defaults={"name": "基准测试局"})[0]
    builder, contractor = (
        Enterprise.objects.create(uscc=valid_uscc(70_000_000 + i), name=f"基准单位{i}", kind=kind)
        for i, kind in ((1, "builder"), (2, "contractor"))
    )
    start = datetime.date(2023, 6, 1)
    project = Project.objects.create(
        code=CODE, name="基准工资表项目", township=town, department=dept, investment_type="government",
        builder=builder, contractor=contractor, contract_price=Decimal("90000000"), contract_date=start,
        start_date=start, planned_finish=start + datetime.timedelta(days=900),
    )  # fmt: skip
    people = [(f"工人{i:05d}", valid_id(n=3_000_000 + i), f"622848{i:013d}") for i in range(n)]
    now = timezone.now()
    copy_rows(Worker._meta.db_table,
              ["id_number", "id_number_hash", "name", "sex", "birth_date", "phone", "created_at"],
              ([encrypt(id_), keyed_hash(id_), name, "M", datetime.date(1985, 6, 15), "", now]
               for name, id_, _card in people))  # fmt: skip
    ids = dict(Worker.objects.filter(id_number_hash__in=[keyed_hash(p[1]) for p in people])
               .values_list("id_number_hash", "id"))  # fmt: skip
    copy_rows(RosterEntry._meta.db_table,
              ["project_id", "worker_id", "employer_name", "team", "trade", "entry_date", "contract_signed",
               "pay_method", "bank", "card_masked", "card_hash", "created_at", "updated_at"],
              ([project.pk, ids[keyed_hash(id_)], "", "钢筋班组", "钢筋工", start, True, "bank", "", "", "",
                now, now] for _name, id_, _card in people))  # fmt: skip
    return project, people


def write_sheet(people: list[tuple[str, str, str]], path: Path, *, extra: int = 0) -> None:
    """An N-line pay sheet as contractors lay it out; ``extra`` yuan more on every line (a correction)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("工资支付表")
    ws.append(["基准工资表项目 农民工工资支付表"])
    ws.append(["用工单位：基准劳务有限公司    工资所属期：2024年2月    发放日期：2024年3月15日"])
    ws.append(HEADERS)
    totals = [Decimal(0)] * 3
    for i, (name, id_, card) in enumerate(people, 1):
        days = 20 + i % 9
        due = Decimal(days * 350 + extra)
        deduction = Decimal(100 * (i % 3))
        net = due - deduction
        totals = [totals[0] + due, totals[1] + deduction, totals[2] + net]
        ws.append([i, name, id_, "钢筋班组", days, float(due), float(deduction), float(net), card, name])
    ws.append(["合计", None, None, None, None, *[float(t) for t in totals], None, None])
    wb.save(path)


class Counter:
    """Counts the statements Django executes (COPY goes round it: one more per 1,000-line batch)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        self.n += 1
        return execute(sql, params, many, context)


def median_of(runs: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(runs))


def read_anchor(data: bytes) -> float:
    t = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    sum(1 for _ in sheet.iter_rows())
    return time.perf_counter() - t


def copy_anchor(rows: list[list]) -> float:
    """A bare COPY of the same lines into a table like the pay lines (its indexes and checks, no foreign
    keys), rolled back."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_lines (LIKE {PayLine._meta.db_table} INCLUDING ALL)")
        t = time.perf_counter()
        copy_rows("bench_lines", LINE_COLUMNS, rows)
        seconds = time.perf_counter() - t
        transaction.set_rollback(True)
    return seconds


def confirm_pass(project: Project, name: str, data: bytes, *, watch: str = "") -> tuple:
    """(preview seconds, confirm seconds, confirm queries, job, peak MB): the confirm pass timed bare, or
    watched (``watch="memory"``: tracemalloc's peak; ``"profile"``: cProfile's top functions printed)."""
    t = time.perf_counter()
    job = wage_import_preview(kind=ImportJob.Kind.PAY_SHEET, project=project, user=None, month=MONTH,
                              pay_date=PAY_DAY, filename=name, data=data)  # fmt: skip
    t_preview = time.perf_counter() - t
    profile = cProfile.Profile() if watch == "profile" else None
    if watch == "memory":
        tracemalloc.start()
    queries = Counter()
    with connection.execute_wrapper(queries):
        t = time.perf_counter()
        if profile:
            profile.enable()
        job = pipeline.confirm(job)
        if profile:
            profile.disable()
        t_confirm = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 1e6 if watch == "memory" else 0.0
    tracemalloc.stop()
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    return t_preview, t_confirm, queries.n, job, peak


def report(label: str, n: int, results: list[tuple], anchors: tuple[float, float]) -> None:
    previews = statistics.median(r[0] for r in results)
    seconds = statistics.median(r[1] for r in results)
    read, copy = anchors
    job = results[-1][3]
    print(
        f"{label:<18}{seconds:6.2f} s  {n / seconds:>8,.0f} lines/s  ({job.status}:"
        f" created {job.created_count}, updated {job.updated_count}; {results[-1][2]} queries"
        f" + {-(-n // 1000)} COPY)"
    )
    print(
        f"{'':<18}preview {previews:.2f} s; confirm / calamine read = {seconds / read:.2f}x,"
        f" confirm / bare COPY = {seconds / copy:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile's top functions of a confirm pass"
    )
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "set DATABASE_URL to a throwaway PostgreSQL database"
    settings.WAGEWATCH = {**settings.WAGEWATCH, "IMPORT_SYNC_MAX_ROWS": 10**9}  # the run happens here
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ww_bench_media_")
    for stale in Project.objects.filter(code=CODE):  # left by an interrupted run
        cleanup(stale)
    t = time.perf_counter()
    project, people = build_project(args.lines)
    print(f"database          {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"roster            {args.lines} entries by COPY in {time.perf_counter() - t:.1f} s")
    try:
        measure(project, people, args.runs, "profile" if args.profile else "")
    finally:
        if not args.keep:
            cleanup(project)


def measure(project: Project, people: list[tuple[str, str, str]], runs: int, watch: str) -> None:
    n = len(people)
    out = Path(tempfile.gettempdir()) / "ww_bench"
    out.mkdir(exist_ok=True)
    first, second = out / "pay_sheet_large.xlsx", out / "pay_sheet_large_b.xlsx"
    write_sheet(people, first)
    write_sheet(people, second, extra=50)
    data, data_b = first.read_bytes(), second.read_bytes()
    print(f"file              {first} ({len(data) / 1e6:.1f} MB, {n} lines + title, header, 合计)")
    entries = dict(RosterEntry.objects.filter(project=project).values_list("worker__id_number_hash", "id"))
    now = timezone.now()
    rows = [[entries[keyed_hash(id_)], project.pk, MONTH, Decimal(22), Decimal(7000), Decimal(0),
             Decimal(7000), PAY_DAY, "6228 **** **** **** 0001", "f" * 64, True, "sheet", "", "", now, now]
            for _name, id_, _card in people]  # fmt: skip
    anchors = (median_of(runs, lambda: read_anchor(data)), median_of(runs, lambda: copy_anchor(rows)))
    print(
        f"anchors           calamine read {anchors[0]:.2f} s ({n / anchors[0]:,.0f} rows/s);"
        f" bare COPY {anchors[1]:.2f} s ({n / anchors[1]:,.0f} rows/s)"
    )
    created, updated = [], []
    for _ in range(runs):
        PayLine.objects.filter(project=project).delete()
        created.append(confirm_pass(project, first.name, data))
        updated.append(confirm_pass(project, second.name, data_b))
    PayLine.objects.filter(project=project).delete()
    memory = confirm_pass(project, first.name, data, watch=watch or "memory")[4]
    report("confirm (create)", n, created, anchors)
    report("confirm (update)", n, updated, anchors)
    rows = []
    for label, results in (("create", created), ("update", updated)):
        seconds = statistics.median(r[1] for r in results)
        rows += [
            Row(BENCH, f"pay-sheet confirm ({label}), {n:,} lines", seconds, "s", "calamine read", anchors[0],
                note=f"{n / seconds:,.0f} lines/s, {results[-1][2]} queries"),
            Row(BENCH, f"pay-sheet confirm ({label}) vs a bare COPY", seconds, "s", "bare COPY", anchors[1]),
        ]  # fmt: skip
    emit(rows)
    print(f"{'':<18}tracemalloc peak of a confirm pass (creating): {memory:.0f} MB")
    print(
        f"peak memory       {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        " (ru_maxrss, whole process)"
    )


def cleanup(project: Project) -> None:
    workers = list(RosterEntry.objects.filter(project=project).values_list("worker_id", flat=True))
    PayLine.history.filter(project_id=project.pk).delete()
    ImportJob.objects.filter(project=project).delete()
    enterprises = [project.builder_id, project.contractor_id]
    project.delete()
    Worker.objects.filter(pk__in=workers).delete()
    Enterprise.objects.filter(pk__in=enterprises).delete()


if __name__ == "__main__":
    main()
