"""Benchmark of the arrears-risk sweep (prints figures, asserts nothing).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/risk_sweep.py \
        [--projects 10000 | --both] [--in-place]

For each size it creates a throw-away database on DATABASE_URL's server (``ww_riskbench_<size>_<pid>``),
migrates it, generates projects with 12 months of transfers and payroll, deposits, inspections, C grades
and ~projects/5 complaints with bulk_create, and drops it at the end (``--in-place``: use the database
DATABASE_URL names, which must be dedicated and empty). No .env is needed.

In the same run it times the anchor, ONE hand-written SQL statement computing the per-rule counts (median
of 3, with JIT off as the sweep runs), then the first sweep (opens every hazard, with their history rows)
and the steady sweep (nothing changes; median of 3), and prints them through bench/table.py. Targets
(issue 19): first ≤ 5× and steady ≤ 2× the anchor at 10,000 projects; steady ≤ 3× at 1,000 projects.
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from table import Row, emit, load  # noqa: E402

BENCH = "risk_sweep"
TARGETS = {10_000: (5.0, 2.0), 1_000: (None, 3.0)}  # projects → (first, steady) ratio to the anchor


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wagewatch.settings")
    os.environ.setdefault("SECRET_KEY", "bench-risk-sweep-only")
    if not os.environ.get("FIELD_ENCRYPTION_KEY"):
        from cryptography.fernet import Fernet

        os.environ["FIELD_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    import django

    django.setup()


BATCH = 5000


def generate(n: int, today: datetime.date) -> None:
    from django.utils import timezone

    from blacklist.models import IntegrityGrade
    from complaints.models import Complaint
    from deposits.models import WageDeposit
    from projects.models import Enterprise, Inspection, LabourCostTransfer, Payroll, Project, WageAccount
    from wagewatch.accounts.models import Department, Township
    from wagewatch.lib.fields import keyed_hash
    from wagewatch.lib.periods import month_start, months_before

    rnd = random.Random(7)
    towns = [Township.objects.get_or_create(code=f"T{i}", defaults={"name": f"镇{i}"})[0] for i in range(6)]
    depts = [
        Department.objects.get_or_create(code=f"D{i}", defaults={"name": f"部门{i}"})[0] for i in range(4)
    ]
    firms = Enterprise.objects.bulk_create(
        [Enterprise(uscc=f"91B{i:015d}", name=f"企业{i}") for i in range(n // 5 + 1)], batch_size=BATCH
    )
    start = months_before(today, 12)
    projects = Project.objects.bulk_create(
        [
            Project(
                code=f"B{i:06d}", name=f"工程{i}", township=towns[i % 6], department=depts[i % 4],
                investment_type="government", builder=firms[0], contractor=firms[1 + i % (len(firms) - 1)],
                contract_price=Decimal(rnd.randrange(1_000_000, 50_000_000)), contract_date=start,
                start_date=start, planned_finish=today + datetime.timedelta(days=400),
                notice_board=rnd.random() > 0.05,
            )
            for i in range(n)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    WageAccount.objects.bulk_create(
        [WageAccount(project=p, bank="农行", account_number=str(p.pk), opened_on=start) for p in projects
         if rnd.random() > 0.05],
        batch_size=BATCH,
    )  # fmt: skip
    months = [month_start(today, -k) for k in range(12, -1, -1)]  # 12 months back to this month
    transfers, payrolls = [], []
    for p in projects:
        late = rnd.random() < 0.08
        for m in months if not late else months[:-3]:
            transfers.append(LabourCostTransfer(project=p, month=m, amount=Decimal(200000), transferred_on=m))
        for m in months[:-1]:
            attended = rnd.randrange(10, 80)
            paid = attended if rnd.random() > 0.05 else attended - rnd.randrange(1, 9)
            unpaid = rnd.random() < 0.01
            payrolls.append(
                Payroll(project=p, month=m, attended=attended, paid=paid,
                        gross=Decimal(attended * rnd.choice([1500, 4500, 5200])),
                        net=Decimal(attended * 4000),
                        paid_on=None if unpaid else month_start(m, 1) + datetime.timedelta(days=14))
            )  # fmt: skip
    LabourCostTransfer.objects.bulk_create(transfers, batch_size=BATCH)
    Payroll.objects.bulk_create(payrolls, batch_size=BATCH)
    WageDeposit.objects.bulk_create(
        [
            WageDeposit(project=p, balance=p.contract_price * Decimal("0.03") * (rnd.random() > 0.1))
            for p in projects
        ],
        batch_size=BATCH,
    )
    Inspection.objects.bulk_create(
        [Inspection(project=p, date=today - datetime.timedelta(days=rnd.randrange(1, 300)),
                    check_notice_board=rnd.random() > 0.2) for p in projects[: n // 3]],
        batch_size=BATCH,
    )  # fmt: skip
    IntegrityGrade.objects.bulk_create(
        [IntegrityGrade(enterprise=f, year=today.year - 1, computed_grade="C") for f in firms[1:40]]
    )
    phone_hash = keyed_hash("13912345678")
    Complaint.objects.bulk_create(
        [
            Complaint(
                number=f"BC{i:06d}", channel="12333", complainant_name="某", complainant_phone="13912345678",
                complainant_phone_hash=phone_hash, respondent_name="某公司", project=p,
                township_id=p.township_id,
                workers_involved=rnd.randrange(1, 30), description="欠薪", accept_due=today,
                received_at=timezone.now() - datetime.timedelta(days=rnd.randrange(0, 360)),
                status=rnd.choice(["received", "accepted", "filed", "closed", "closed"]),
                closed_on=today,
            )
            for i, p in enumerate(rnd.sample(projects, n // 5))
        ],
        batch_size=BATCH,
    )  # fmt: skip


HAND_SQL = """
WITH p AS (
  SELECT id, contract_date, start_date, contractor_id, notice_board, contract_price FROM projects_project
  WHERE start_date <= %(today)s AND (completed_on IS NULL OR completed_on > %(today)s)
), lastpay AS (
  SELECT DISTINCT ON (project_id) project_id, attended, paid, gross FROM projects_payroll
  WHERE paid_on IS NOT NULL AND paid_on <= %(today)s AND project_id IN (SELECT id FROM p)
  ORDER BY project_id, month DESC
), paidm AS (
  SELECT project_id, count(*) AS n FROM projects_payroll
  WHERE month BETWEEN %(window)s AND %(last_due)s AND paid_on IS NOT NULL AND paid_on <= %(today)s
  GROUP BY project_id
), lastinsp AS (
  SELECT DISTINCT ON (project_id) project_id, check_notice_board FROM projects_inspection
  WHERE date <= %(today)s ORDER BY project_id, date DESC, id DESC
)
SELECT
 (SELECT count(*) FROM p WHERE contract_date < %(acct_cut)s AND NOT EXISTS (
    SELECT 1 FROM projects_wageaccount a WHERE a.project_id = p.id AND a.opened_on <= %(today)s
    AND (a.closed_on IS NULL OR a.closed_on > %(today)s))) AS account_missing,
 (SELECT count(*) FROM p WHERE coalesce((SELECT max(transferred_on) FROM projects_labourcosttransfer t
    WHERE t.project_id = p.id AND t.transferred_on <= %(today)s), p.start_date) < %(t_cut)s) AS transfer_late,
 (SELECT count(*) FROM p LEFT JOIN paidm ON paidm.project_id = p.id WHERE p.start_date < %(due_end)s
    AND coalesce(paidm.n, 0) < ((extract(year FROM age(%(last_due)s, greatest(%(window)s,
    date_trunc('month', p.start_date)::date))) * 12 + extract(month FROM age(%(last_due)s,
    greatest(%(window)s, date_trunc('month', p.start_date)::date)))) + 1)) AS payroll_late,
 (SELECT count(*) FROM lastpay WHERE paid < attended) AS payroll_short,
 (SELECT count(*) FROM lastpay WHERE paid > 0 AND gross < paid * %(minimum)s) AS low_pay,
 (SELECT count(*) FROM p LEFT JOIN deposits_wagedeposit d ON d.project_id = p.id
    WHERE NOT coalesce(d.exempt, false) AND coalesce(d.balance, 0) + coalesce((SELECT sum(g.amount)
    FROM deposits_guarantee g WHERE g.deposit_id = d.id AND g.released_on IS NULL
    AND coalesce(g.valid_to, %(today)s) >= %(today)s), 0)
    < round(p.contract_price * %(rate)s, 2)) AS deposit_short,
 (SELECT count(*) FROM p LEFT JOIN lastinsp i ON i.project_id = p.id
    WHERE i.check_notice_board = false OR (i.project_id IS NULL AND NOT p.notice_board)) AS notice_board,
 (SELECT count(DISTINCT c.project_id) FROM complaints_complaint c WHERE c.project_id IN (SELECT id FROM p)
    AND c.received_at >= %(since)s AND c.status NOT IN ('closed', 'refused')) AS complaints,
 (SELECT count(*) FROM p WHERE contractor_id IN (SELECT enterprise_id FROM blacklist_integritygrade
    WHERE year IN (%(year)s, %(year)s - 1)
    AND (override_grade = 'C' OR (override_grade = '' AND computed_grade = 'C')))
    OR contractor_id IN (SELECT enterprise_id FROM blacklist_blacklistentry WHERE listed_on <= %(today)s
    AND expires_on > %(today)s AND (removed_on IS NULL OR removed_on > %(today)s))) AS bad_credit
"""


def hand_sql(today: datetime.date) -> float:
    """Seconds of the one hand-written statement, with JIT off as the sweep runs (rawsql.no_jit)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from wagewatch.lib import law, rawsql
    from wagewatch.lib.periods import month_start, months_before

    last_due = month_start(today, -2)
    params = {
        "today": today, "acct_cut": today - datetime.timedelta(days=law.ACCOUNT_OPEN_DAYS()),
        "t_cut": months_before(today, law.LABOUR_COST_CYCLE_MONTHS()),
        "last_due": last_due, "window": month_start(last_due, -11), "due_end": month_start(last_due, 1),
        "minimum": law.MINIMUM_WAGE_MONTHLY(), "rate": law.DEPOSIT_RATE(),
        "since": timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
        - datetime.timedelta(days=90),
        "year": today.year,
    }  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        rawsql.no_jit()
        started = time.perf_counter()
        cursor.execute(HAND_SQL, params)
        cursor.fetchone()
        return time.perf_counter() - started


def timed_sweep(today: datetime.date) -> tuple[float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.models import SweepRun
    from risk.services import sweep_run

    run = SweepRun.objects.create()
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        sweep_run(run=run, today=today)
        seconds = time.perf_counter() - started
    return seconds, len(ctx.captured_queries), run


def measure(n: int) -> list[Row]:
    """Fill the (dedicated) database with n projects and time the anchor and the sweeps."""
    _django()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from projects.models import Hazard
    from risk.services import risk_rules_sync

    assert connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL server"
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    generate(n, today)
    print(f"{n:,} projects generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    risk_rules_sync()
    anchor = statistics.median(hand_sql(today) for _ in range(3))
    first_s, first_q, first = timed_sweep(today)
    steady = [timed_sweep(today) for _ in range(3)]
    steady_s = statistics.median(s for s, _q, _r in steady)
    steady_q, last = steady[-1][1], steady[-1][2]
    open_now = Hazard.objects.filter(status="open").count()
    assert last.hazards_opened == last.hazards_changed == last.hazards_closed == 0, "steady sweep wrote"  # type: ignore[attr-defined]
    first_target, steady_target = TARGETS.get(n, (None, None))
    anchor_name = "one SQL statement"
    work = f"{n:,} projects"
    return [
        Row(BENCH, f"{work}: anchor", anchor, "s", note="the hand-written per-rule counts, median of 3"),
        Row(BENCH, f"{work}: first sweep", first_s, "s", anchor_name, anchor, first_target,
            note=f"{first_q} queries (COPY not counted), opened {first.hazards_opened} hazards + history"),  # type: ignore[attr-defined]
        Row(BENCH, f"{work}: steady sweep", steady_s, "s", anchor_name, anchor, steady_target,
            note=f"median of 3, {steady_q} queries, {open_now} hazards open, nothing written"),
    ]  # fmt: skip


def _server(url: str) -> tuple[dict, str]:
    parsed = urlparse(url)
    assert parsed.scheme.startswith("postgres"), "set DATABASE_URL to a PostgreSQL server"
    conn = {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": parsed.username or "postgres",
        "password": parsed.password,
        "dbname": "postgres",
    }
    return conn, parsed._replace(path="/{db}").geturl()


def _admin(conn: dict, statement: str) -> None:
    import psycopg2

    db = psycopg2.connect(**conn)
    try:
        db.autocommit = True  # CREATE / DROP DATABASE refuse a transaction block
        db.cursor().execute(statement)
    finally:
        db.close()


def in_throwaway_database(n: int, rows_file: str) -> None:
    """Run this script with --in-place on a database created for it, then drop that database."""
    conn, template = _server(os.environ.get("DATABASE_URL", ""))
    name = f"ww_riskbench_{n}_{os.getpid()}"
    _admin(conn, f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "DATABASE_URL": template.format(db=name)}
        cmd = [sys.executable, __file__, "--projects", str(n), "--in-place", "--rows-to", rows_file]
        subprocess.run(cmd, env=env, check=True)
    finally:
        _admin(conn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--both", action="store_true", help="10,000 projects, then 1,000")
    parser.add_argument("--in-place", action="store_true", help="use DATABASE_URL's database as it is")
    parser.add_argument("--rows-to", help=argparse.SUPPRESS)  # the child's rows, for the parent's table
    args = parser.parse_args()
    sizes = [10_000, 1_000] if args.both else [args.projects]
    if args.in_place:
        rows = [row for n in sizes for row in measure(n)]
        if args.rows_to:
            with open(args.rows_to, "a", encoding="utf-8") as out:
                import json
                from dataclasses import asdict

                out.writelines(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in rows)
        else:
            emit(rows)
        return
    with tempfile.NamedTemporaryFile(suffix=".jsonl") as rows_file:
        for n in sizes:
            in_throwaway_database(n, rows_file.name)
        emit(load(rows_file.name))


if __name__ == "__main__":
    main()
