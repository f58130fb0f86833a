"""Benchmark of the arrears stock and the wage pages on a county of pay lines (prints figures, asserts
nothing). Run it on a PostgreSQL database you can throw away (migrated; nothing else needed):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ww_bench .venv/bin/python bench/wages_scale.py \
        [--workers 100000] [--months 12] [--projects 1000] [--keep]

Builds N workers on the rosters of P projects in 10 townships and 12 months of pay lines per worker
(100,000 × 12 = 1.2 million lines) with COPY, with a county's mix of faults (short, unpaid, failed at the
bank, paid late, attendance only). Then times, each the median of a few runs with its query count:
the county arrears stock (the selector), the same by township / enterprise / project, the report's
arrears figures (start and end), the 工资明细 tab and the overview of one project — beside two anchors:
a hand-written SQL aggregate computing the same stock, and a bare scan (count + sum) of every line.
Everything it made is deleted at the end unless --keep.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wagewatch.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from table import Row, emit  # noqa: E402  (bench/table.py)

from projects.models import Enterprise, Project, RosterEntry, Worker  # noqa: E402
from reports.figures.scope import Scope  # noqa: E402
from reports.figures.wages import arrears_figures  # noqa: E402
from tests.projects.factories import valid_id, valid_uscc  # noqa: E402
from wages.models import PayLine  # noqa: E402
from wages.selectors import arrears, arrears_by, fell_due_before  # noqa: E402
from wagewatch.accounts.models import Department, Profile, Role, Township  # noqa: E402
from wagewatch.lib.cardhash import card_hash  # noqa: E402
from wagewatch.lib.copy import copy_rows  # noqa: E402
from wagewatch.lib.fields import encrypt, keyed_hash  # noqa: E402
from wagewatch.lib.masking import mask_card  # noqa: E402

BENCH = "wages_scale"

PREFIX = "WB"
FAULTS = 0.01  # share of lines with a fault (--faults)
BATCH = 20_000
rng = random.Random(2026)


def month_back(d: datetime.date, back: int) -> datetime.date:
    y, m = divmod(d.year * 12 + d.month - 1 - back, 12)
    return datetime.date(y, m + 1, 1)


# ---------------------------------------------------------------- building the county


def make_units(projects: int) -> list[Project]:
    towns = [
        Township.objects.get_or_create(code=f"{PREFIX}{t}", defaults={"name": f"基准镇{t}"})[0]
        for t in range(10)
    ]
    dept = Department.objects.get_or_create(code=PREFIX, defaults={"name": "基准住建局"})[0]
    firms = Enterprise.objects.bulk_create(
        [
            Enterprise(uscc=valid_uscc(80_000_000 + i), name=f"基准建工有限公司{i:04d}", kind="contractor")
            for i in range(max(2, projects // 5))
        ]
    )
    start = month_back(timezone.localdate(), 14)
    rows = [
        Project(
            code=f"{PREFIX}{i:06d}", name=f"基准项目{i:05d}", township=towns[i % 10], department=dept,
            investment_type="government", builder=firms[0], contractor=firms[1 + i % (len(firms) - 1)],
            contract_price=Decimal("50000000"), contract_date=start, start_date=start,
            planned_finish=start + datetime.timedelta(days=900), payday=[10, 15, 20, 25, 31][i % 5],
        )
        for i in range(projects)
    ]  # fmt: skip
    return Project.objects.bulk_create(rows)


def make_roster(projects: list[Project], workers: int) -> list[tuple[int, int, str]]:
    """COPY the workers and their roster entries; (entry id, project id, card) per worker."""
    now = timezone.now()
    entries = []
    for lo in range(0, workers, BATCH):
        chunk = range(lo, min(workers, lo + BATCH))
        ids = [valid_id(n=2_000_000 + i, birth=_born(i)) for i in chunk]
        copy_rows(
            Worker._meta.db_table,
            ["id_number", "id_number_hash", "name", "sex", "birth_date", "phone", "created_at"],
            ([encrypt(n), keyed_hash(n), f"工人{i:06d}", "M", _born(i), "", now]
             for i, n in zip(chunk, ids, strict=True)),
        )  # fmt: skip
        worker_ids = dict(Worker.objects.filter(id_number_hash__in=[keyed_hash(n) for n in ids]).values_list(
            "id_number_hash", "id"))  # fmt: skip
        cards = [f"6228480{i:012d}" for i in chunk]
        copy_rows(
            RosterEntry._meta.db_table,
            ["project_id", "worker_id", "employer_name", "team", "trade", "entry_date", "contract_signed",
             "pay_method", "bank", "card_masked", "card_hash", "created_at", "updated_at"],
            ([projects[i % len(projects)].pk, worker_ids[keyed_hash(n)], "", "钢筋班组", "钢筋工",
              projects[i % len(projects)].start_date, True, "bank", "县农商银行", mask_card(c), card_hash(c),
              now, now]
             for i, n, c in zip(chunk, ids, cards, strict=True)),
        )  # fmt: skip
        got = RosterEntry.objects.filter(worker_id__in=worker_ids.values()).values_list(
            "id", "project_id", "worker_id"
        )
        card_of = {worker_ids[keyed_hash(n)]: c for n, c in zip(ids, cards, strict=True)}
        entries += [(e, p, card_of[w]) for e, p, w in got]
    return entries


def _born(i: int) -> datetime.date:
    return datetime.date(1970 + i % 30, 1 + i % 12, 1 + i % 28)


def _line(entry, project, card, month, payday_of, hashes) -> list:
    """One COPY row with the county's mix: FAULTS of the lines are short (40%), unpaid (20%), failed at the
    bank (10%), paid 60 days late (10%) or attendance only (20%); the rest are paid in full."""
    r = rng.random() / FAULTS if FAULTS else 1.0
    nxt = month_back(month, -1)
    paid_on = nxt.replace(day=min(payday_of[project], 28))
    due, net, status, reason, via, masked, digest = (
        Decimal(6000),
        Decimal(5800),
        "ok",
        "",
        True,
        mask_card(card),
        hashes,
    )
    if r < 0.4:
        net = Decimal(3800)
    elif r < 0.6:
        net, paid_on, status, masked, digest = None, None, "", "", ""
    elif r < 0.7:
        status, reason = "failed", "户名与卡号不符"
    elif r < 0.8:
        paid_on = paid_on + datetime.timedelta(days=60)
    elif r < 1.0:
        due, net, paid_on, status, masked, digest = None, None, None, "", "", ""
    if paid_on and paid_on > timezone.localdate():
        net, paid_on, status, masked, digest = None, None, "", "", ""
    return [entry, project, month, Decimal("22.0"), due, Decimal(200), net, paid_on, via, masked, digest,
            None, status, reason, True, "bank", None, NOW, NOW]  # fmt: skip


NOW = timezone.now()
LINE_COLUMNS = ["entry_id", "project_id", "month", "days", "due", "deductions", "net", "paid_on",
                "via_account", "card_masked", "card_hash", "bank_reference", "bank_status", "bank_reason",
                "signed", "source", "api_client_id", "created_at", "updated_at"]  # fmt: skip


def make_lines(entries, projects: list[Project], months: int) -> tuple[int, float]:
    payday_of = {p.pk: p.payday for p in projects}
    first = timezone.localdate().replace(day=1)
    done, seconds = 0, 0.0
    for lo in range(0, len(entries), BATCH // months):
        rows = []
        for entry, project, card in entries[lo : lo + BATCH // months]:
            digest = card_hash(card)
            rows += [
                _line(entry, project, card, month_back(first, b), payday_of, digest)
                for b in range(months, 0, -1)
            ]
        t = time.perf_counter()
        done += copy_rows(PayLine._meta.db_table, LINE_COLUMNS, rows)
        seconds += time.perf_counter() - t
    return done, seconds


# ---------------------------------------------------------------- timing


def timed(fn, runs: int = 5) -> tuple[float, int, object]:
    """(median ms, queries of one run, result)."""
    times, result, queries = [], None, 0
    for n in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - t) * 1000)
        if n == 0:
            queries = len(ctx.captured_queries)
    return statistics.median(times), queries, result


ANCHOR = """
SELECT count(DISTINCT e.worker_id), coalesce(sum(greatest(o.gap, 0)), 0), min(o.month)
FROM (SELECT l.entry_id, l.month, l.days,
             coalesce(l.due - l.deductions, l.net)
             - CASE WHEN l.net IS NOT NULL AND l.bank_status <> 'failed'
                         AND (l.paid_on IS NULL OR l.paid_on <= %s)
                    THEN l.net ELSE 0 END AS gap
      FROM wages_payline l JOIN projects_project p ON p.id = l.project_id
      WHERE l.month < %s OR (l.month = %s AND p.payday < %s)) o
JOIN projects_rosterentry e ON e.id = o.entry_id
WHERE o.gap > 0 OR (o.gap IS NULL AND o.days > 0)
"""


def anchor(on: datetime.date):
    previous = month_back(on.replace(day=1), 1)
    with connection.cursor() as cursor:
        cursor.execute(ANCHOR, [on, previous, previous, on.day])
        return cursor.fetchone()


def bare_scan():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), sum(due) FROM wages_payline")
        return cursor.fetchone()


def page(client, url) -> int:
    response = client.get(url, HTTP_HOST="localhost", secure=True)
    assert response.status_code == 200, response.status_code
    return len(response.content)


def report(label: str, ms: float, queries: int, note: str = "") -> None:
    print(f"  {label:<46} {ms:9.1f} ms  {queries:3d} queries  {note}")


def run(args) -> None:
    t0 = time.perf_counter()
    projects = make_units(args.projects)
    entries = make_roster(projects, args.workers)
    built_roster = time.perf_counter() - t0
    n, copy_s = make_lines(entries, projects, args.months)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE wages_payline; ANALYZE projects_rosterentry; ANALYZE projects_project")
    print(f"built: {len(projects)} projects, {len(entries)} workers in {built_roster:.1f} s; "
          f"{n:,} pay lines by COPY in {copy_s:.1f} s ({n / copy_s:,.0f} rows/s)")  # fmt: skip
    on = timezone.localdate()
    lines = PayLine.objects.filter(project__code__startswith=PREFIX)
    print(f"arrears stock on {on} ({n:,} lines):")
    ms, q, stock = timed(lambda: arrears(lines, on=on))
    report("county arrears (wages.selectors.arrears)", ms, q, f"{stock.workers} workers, {stock.amount} yuan")
    sql_ms, q, hand = timed(lambda: anchor(on))
    report("anchor: hand-written SQL aggregate", sql_ms, q, f"{hand[0]} workers, {hand[1]} yuan")
    scan_ms, q, _r = timed(bare_scan)
    report("anchor: bare scan (count, sum of every line)", scan_ms, q)
    rows = [
        Row(BENCH, f"county arrears stock, {n:,} pay lines", ms, "ms", "hand-written SQL", sql_ms,
            note=f"bare scan of every line {scan_ms:.0f} ms"),
    ]  # fmt: skip
    for by in ("township", "enterprise", "project"):
        ms, q, groups = timed(lambda by=by: arrears_by(lines, on=on, by=by), runs=3)
        report(f"arrears by {by}", ms, q, f"{len(groups)} groups")
        rows.append(Row(BENCH, f"arrears by {by}", ms, "ms", "hand-written SQL (county)", sql_ms))
    ms, q, figs = timed(lambda: arrears_figures(Scope(), on - datetime.timedelta(days=90), on), runs=3)
    report("report figures (stock at start and end)", ms, q, f"end {figs['end']['yi']} 亿元")
    rows.append(Row(BENCH, "report's arrears figures (start and end)", ms, "ms", "hand-written SQL", sql_ms))
    due = PayLine.objects.filter(fell_due_before(on), project__code__startswith=PREFIX).count()
    same = stock.workers == hand[0] and stock.amount == hand[1]
    print(f"  (lines fallen due: {due:,}; the selector and the anchor agree: {same})")
    user = User.objects.create_user(f"{PREFIX.lower()}-office-{os.getpid()}")
    Profile.objects.create(user=user, role=Role.OFFICE)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    project = projects[len(projects) // 2]
    print(f"pages of one project ({args.workers // args.projects} workers × {args.months} months):")
    for label, url in [
        ("工资明细 tab (latest month, arrears card)", reverse("wages:project_tab", args=[project.pk])),
        ("project overview (arrears card)", reverse("projects:detail", args=[project.pk])),
        ("payroll tab (months from lines)", reverse("projects:payroll", args=[project.pk])),
        ("arrears ledger, whole county", reverse("wages:arrears")),
    ]:
        ms, q, size = timed(lambda url=url: page(client, url))
        report(label, ms, q, f"{size // 1024} KB")
        rows.append(Row(BENCH, label, ms, "ms", note=f"{q} queries, test client"))
    user.delete()
    emit(rows)


def cleanup() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM wages_payline WHERE project_id IN "
            "(SELECT id FROM projects_project WHERE code LIKE %s)",
            [f"{PREFIX}%"],
        )
    workers = RosterEntry.objects.filter(project__code__startswith=PREFIX).values("worker_id")
    worker_ids = list(workers.values_list("worker_id", flat=True))
    RosterEntry.objects.filter(project__code__startswith=PREFIX).delete()
    for lo in range(0, len(worker_ids), BATCH):
        Worker.objects.filter(pk__in=worker_ids[lo : lo + BATCH]).delete()
    Project.history.model.objects.filter(code__startswith=PREFIX).delete()
    Project.objects.filter(code__startswith=PREFIX).delete()
    Enterprise.objects.filter(name__startswith="基准建工有限公司").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--projects", type=int, default=1_000)
    parser.add_argument("--faults", type=float, default=0.01, help="share of lines with a fault")
    parser.add_argument("--keep", action="store_true", help="leave the county in the database")
    args = parser.parse_args()
    global FAULTS
    FAULTS = args.faults
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL to a database you can throw away")
    cleanup()
    try:
        run(args)
    finally:
        if not args.keep:
            cleanup()


if __name__ == "__main__":
    main()
