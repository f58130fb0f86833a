"""Benchmark of the wage reconciliation (issue 16): prints figures, asserts nothing.

    createdb ww_wagebench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/ww_wagebench \
        .venv/bin/python bench/wages_reconcile.py [--projects 1000 --workers 100 --months 12] [--keep]

Migrates the (dedicated, empty) database and loads projects × workers × months pay lines with COPY
(1.2 million by default: about 4 % unpaid, 2 % short, 1 % to another card, 1 % off the dedicated account,
0.5 % failed at the bank, the rest paid in full; the current month not yet due). Then:

1. the five wage rules over all active projects, each timed with its query count (twice: cold, warm);
2. one hand-written SQL aggregate computing the same five signals per project over the same lines, and
   the ratio rules / SQL;
3. the whole nightly sweep (every rule, hazards written) once for context;
4. the worker's own check page (/c/<code>/wages/): 200 POSTs through the Django test client (whole
   middleware stack, no network), each for a different worker with a solved captcha, after 10 unmeasured
   ones; p50 / p95 / max of the POST (and of the form GET, which draws the captcha image).

Without --keep the generated rows stay (drop the database afterwards).
"""

import argparse
import datetime
import os
import random
import re
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

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from table import Row, emit  # noqa: E402  (bench/table.py)

from complaints.models import Captcha  # noqa: E402
from projects.models import Enterprise, Project, RiskRule, RosterEntry, SweepRun, Worker  # noqa: E402
from risk.services import risk_rules_sync, sweep_run  # noqa: E402
from risk.sweep import evaluate_rule  # noqa: E402
from tests.projects.factories import valid_id  # noqa: E402
from wages.models import PayLine  # noqa: E402
from wages.selectors import grace_days  # noqa: E402
from wagewatch.accounts.models import Department, Township  # noqa: E402
from wagewatch.lib.cardhash import card_hash  # noqa: E402
from wagewatch.lib.copy import copy_rows  # noqa: E402
from wagewatch.lib.fields import encrypt, keyed_hash  # noqa: E402
from wagewatch.lib.periods import month_start  # noqa: E402

BENCH = "wages_reconcile"

WAGE_RULES = ["WORKER_UNPAID", "WORKER_SHORT", "CARD_MISMATCH", "OFF_ACCOUNT", "BANK_FAILED"]
CHUNK = 100_000
CAPTCHA_KEY = re.compile(r'name="captcha_key" value="([^"]+)"')
WARM_UP = 10  # check-page requests not measured (templates compiled, connections warm)
rnd = random.Random(16)


def _projects(n: int, today: datetime.date, months: int) -> list[Project]:
    town = Township.objects.get_or_create(code="WB", defaults={"name": "工资镇"})[0]
    dept = Department.objects.get_or_create(code="WB", defaults={"name": "工资局"})[0]
    firm = Enterprise.objects.create(uscc="91341122WB0000001X", name="工资基准总包", kind="contractor")
    start = month_start(today, -months)
    return Project.objects.bulk_create(
        [
            Project(code=f"W{i:06d}", name=f"工资基准工程{i}", township=town, department=dept,
                    investment_type="government", builder=firm, contractor=firm,
                    contract_price=Decimal(5_000_000), contract_date=start, start_date=start,
                    planned_finish=today + datetime.timedelta(days=400),
                    payday=rnd.choice([5, 10, 15, 20, 25, 31]), notice_board=True)
            for i in range(n)
        ],
        batch_size=2000,
    )  # fmt: skip


def _workers(n: int) -> list[tuple[str, str, str]]:
    """(id_number, name, phone) of n workers, loaded with COPY (numbers encrypted, hash kept)."""
    people, now = [], timezone.now()
    rows = []
    for i in range(n):
        number = valid_id(n=i, birth=datetime.date(1970, 1, 1))
        phone = f"139{i:08d}"
        people.append((number, f"工人{i}", phone))
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        rows.append((encrypt(number), keyed_hash(number), f"工人{i}", "M", birth, encrypt(phone), now))
    columns = ["id_number", "id_number_hash", "name", "sex", "birth_date", "phone", "created_at"]
    for k in range(0, n, CHUNK):
        copy_rows("projects_worker", columns, rows[k : k + CHUNK])
    return people


def _entries(projects: list[Project], per_project: int, start: datetime.date) -> list[tuple[int, int, str]]:
    """One roster entry per worker (per_project on each project): (entry id, project id, card hash)."""
    worker_ids = list(Worker.objects.order_by("pk").values_list("pk", flat=True))
    now, rows = timezone.now(), []
    for i, worker_id in enumerate(worker_ids):
        project = projects[i // per_project]
        card = card_hash(f"62284800{i:011d}")
        rows.append((project.pk, worker_id, "班组", "钢筋工", start, True, "bank", "农行",
                     f"6228 **** **** {i % 10000:04d}", card, now, now, ""))  # fmt: skip
    columns = ["project_id", "worker_id", "team", "trade", "entry_date", "contract_signed", "pay_method",
               "bank", "card_masked", "card_hash", "created_at", "updated_at", "employer_name"]  # fmt: skip
    copy_rows("projects_rosterentry", columns, rows)
    return list(RosterEntry.objects.order_by("pk").values_list("pk", "project_id", "card_hash"))


def _line(entry, month: datetime.date, payday: int, today: datetime.date, now) -> tuple:
    entry_id, project_id, card = entry
    pay_day = month_start(month, 1).replace(day=min(payday, 28))
    due, net, paid_on, via, status, hash_ = Decimal("6000.00"), Decimal("6000.00"), pay_day, True, "ok", card
    roll = rnd.random()
    if pay_day >= today or roll < 0.04:  # not yet paid (payday still to come), or unpaid
        net, paid_on, status = None, None, ""
    elif roll < 0.06:
        net = Decimal("5000.00")
    elif roll < 0.07:
        hash_ = card_hash(f"6222{rnd.randrange(10**14):015d}")
    elif roll < 0.08:
        via = False
    elif roll < 0.085:
        status = "failed"
    return (entry_id, project_id, month, Decimal("22.0"), due, Decimal("0.00"), net, paid_on, via,
            "6228 **** **** 0000", hash_, status, "", False, "bank", now, now)  # fmt: skip


def _lines(entries, projects, months: int, today: datetime.date) -> int:
    paydays = {p.pk: p.payday for p in projects}
    columns = ["entry_id", "project_id", "month", "days", "due", "deductions", "net", "paid_on",
               "via_account", "card_masked", "card_hash", "bank_status", "bank_reason", "signed", "source",
               "created_at", "updated_at"]  # fmt: skip
    now, batch, total = timezone.now(), [], 0
    month_list = [month_start(today, -k) for k in range(months - 1, -1, -1)]
    for entry in entries:
        for month in month_list:
            batch.append(_line(entry, month, paydays[entry[1]], today, now))
        if len(batch) >= CHUNK:
            total += copy_rows("wages_payline", columns, batch)
            batch = []
    total += copy_rows("wages_payline", columns, batch)
    return total


def generate(n_projects: int, per_project: int, months: int, today: datetime.date) -> None:
    started = time.perf_counter()
    projects = _projects(n_projects, today, months)
    _workers(n_projects * per_project)
    entries = _entries(projects, per_project, month_start(today, -months))
    lines = _lines(entries, projects, months, today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated {n_projects} projects, {len(entries)} workers, {lines} pay lines "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip


def time_rules(today: datetime.date, label: str) -> float:
    risk_rules_sync()
    projects = Project.objects.active_on(today)
    total, fired = 0.0, {}
    for code in WAGE_RULES:
        rule = RiskRule.objects.get(code=code)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            found, failures = evaluate_rule(rule, projects, today)
            seconds = time.perf_counter() - started
        total += seconds
        fired[code] = len(found)
        print(f"  {label} {code:14s} {seconds:6.2f} s  {len(ctx.captured_queries)} queries  "
              f"{len(found)} projects found, {len(failures)} failed")  # fmt: skip
    print(f"  {label} five wage rules: {total:.2f} s")
    return total


HAND_SQL = """
SELECT l.project_id,
  count(DISTINCT l.entry_id) FILTER (WHERE unpaid) AS unpaid_workers,
  sum(coalesce(l.due - l.deductions, 0)) FILTER (WHERE unpaid) AS unpaid_amount,
  count(DISTINCT l.entry_id) FILTER (WHERE short) AS short_workers,
  sum(l.due - l.deductions - l.net) FILTER (WHERE short) AS short_amount,
  count(DISTINCT l.entry_id) FILTER (WHERE l.net > 0 AND l.bank_status <> 'failed' AND l.month >= %(recent)s
    AND l.card_hash <> '' AND e.card_hash <> '' AND l.card_hash <> e.card_hash) AS card_workers,
  count(DISTINCT l.entry_id) FILTER (WHERE l.net > 0 AND l.bank_status <> 'failed' AND l.month >= %(recent)s
    AND l.via_account = false) AS off_workers,
  count(DISTINCT l.entry_id) FILTER (WHERE l.bank_status = 'failed' AND l.paid_on < %(failed_cut)s)
    AS failed_workers
FROM (
  SELECT l.*, (l.month < %(prev)s OR (l.month = %(prev)s AND p.payday < %(day)s)) AS due_passed,
    (l.net IS NULL OR l.paid_on > %(today)s) AND l.bank_status <> 'failed' AS nothing_paid
  FROM wages_payline l JOIN projects_project p ON p.id = l.project_id
  WHERE p.start_date <= %(today)s AND (p.completed_on IS NULL OR p.completed_on > %(today)s)
) l
JOIN projects_rosterentry e ON e.id = l.entry_id
CROSS JOIN LATERAL (SELECT l.due_passed AND l.nothing_paid AND (l.days > 0 OR l.due > 0) AS unpaid,
  l.due_passed AND NOT l.nothing_paid AND l.net > 0 AND l.due - l.deductions > l.net AS short) f
GROUP BY l.project_id
"""


def hand_sql(today: datetime.date) -> float:
    grace = grace_days()  # a county setting (wagewatch.lib.law), no longer in settings.WAGEWATCH
    cut = today - datetime.timedelta(days=grace + settings.WAGEWATCH["WORKER_UNPAID_DAYS"])
    params = {
        "today": today, "prev": month_start(cut, -1), "day": cut.day, "recent": month_start(today, -2),
        "failed_cut": today - datetime.timedelta(days=settings.WAGEWATCH["BANK_FAILED_REPAY_DAYS"]),
    }  # fmt: skip
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(HAND_SQL, params)
        rows = cursor.fetchall()
        seconds = time.perf_counter() - started
    print(f"  hand-written SQL aggregate: {seconds:.2f} s, {len(rows)} project rows")
    return seconds


def timed_sweep(today: datetime.date) -> None:
    run = SweepRun.objects.create()
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        sweep_run(run=run, today=today)
        seconds = time.perf_counter() - started
    print(f"  whole nightly sweep (all {RiskRule.objects.count()} rules, hazards written): {seconds:.2f} s, "
          f"{len(ctx.captured_queries)} queries, opened {run.hazards_opened}, "
          f"changed {run.hazards_changed}")  # fmt: skip


def _pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, round(q * (len(values) - 1)))] * 1000


def time_check_page(n: int, per_project: int) -> list[Row]:
    # the test client's host name; templates are not instrumented (setup_test_environment would), as in
    # production
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.WAGEWATCH = {**settings.WAGEWATCH, "WORKER_CHECK_RATE_LIMIT": 10**9}
    entries = list(RosterEntry.objects.select_related("worker", "project").order_by("?")[: n + WARM_UP])
    gets, posts, statuses = [], [], []
    for entry in entries:
        client = Client(REMOTE_ADDR=f"10.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}")
        url = f"/c/{entry.project.code}/wages/"
        started = time.perf_counter()
        response = client.get(url)
        gets.append(time.perf_counter() - started)
        key = CAPTCHA_KEY.search(response.content.decode()).group(1)
        answer = Captcha.objects.get(key=key).answer
        worker = entry.worker
        data = {"id_number": worker.id_number, "name": worker.name, "phone": worker.phone,
                "captcha_key": key, "captcha": answer}  # fmt: skip
        started = time.perf_counter()
        response = client.post(url, data)
        posts.append(time.perf_counter() - started)
        statuses.append(response.status_code)
    gets, posts, statuses = gets[WARM_UP:], posts[WARM_UP:], statuses[WARM_UP:]  # not the first few
    ok = statuses.count(200)
    post_line = (
        f"p50 {_pct(posts, 0.5):.1f} ms, p95 {_pct(posts, 0.95):.1f} ms, max {max(posts) * 1000:.1f} ms"
    )
    print(f"  worker check POST ({ok}/{len(posts)} answered 200): {post_line}")
    print(
        f"  check form GET (captcha image drawn): p50 {_pct(gets, 0.5):.1f} ms, p95 {_pct(gets, 0.95):.1f} ms"
    )
    return [
        Row(BENCH, "worker check page POST, p95", _pct(posts, 0.95), "ms", "its form GET", _pct(gets, 0.95),
            note=f"{ok}/{len(posts)} answered 200; p50 {_pct(posts, 0.5):.1f} ms; test client, no network"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=100, help="workers per project")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run on a PostgreSQL database you can throw away"
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    if not PayLine.objects.exists():
        generate(args.projects, args.workers, args.months, today)
    print(f"pay lines: {PayLine.objects.count()}, projects: {Project.objects.count()}")
    cold = time_rules(today, "cold")
    warm = time_rules(today, "warm")
    sql = hand_sql(today)
    sql = min(sql, hand_sql(today))
    print(f"  ratio five rules / hand SQL: {warm / sql:.2f} (cold {cold / sql:.2f})")
    timed_sweep(today)
    lines = PayLine.objects.count()
    rows = [
        Row(BENCH, f"five wage rules (warm), {lines:,} pay lines", warm, "s", "hand-written SQL", sql,
            note=f"cold {cold:.2f} s"),
    ]  # fmt: skip
    rows += time_check_page(args.requests, args.workers)
    emit(rows)


if __name__ == "__main__":
    main()
