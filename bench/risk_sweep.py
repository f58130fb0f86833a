"""Benchmark of the arrears-risk sweep (prints figures, asserts nothing).

    createdb ww_riskbench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/ww_riskbench \
        .venv/bin/python bench/risk_sweep.py [--projects 10000]

Migrates the (dedicated, empty) database, generates projects with 12 months of transfers and payroll,
deposits, inspections, C grades and ~projects/5 complaints with bulk_create, runs the sweep twice (first:
opens every hazard; second: steady state), and times ONE hand-written SQL statement that computes the
per-rule counts, in the same run. Drop the database afterwards.
"""

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wagewatch.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from blacklist.models import IntegrityGrade  # noqa: E402
from complaints.models import Complaint  # noqa: E402
from deposits.models import WageDeposit  # noqa: E402
from projects.models import (  # noqa: E402
    Enterprise,
    Hazard,
    Inspection,
    LabourCostTransfer,
    Payroll,
    Project,
    SweepRun,
    WageAccount,
)
from risk.services import risk_rules_sync, sweep_run  # noqa: E402
from wagewatch.accounts.models import Department, Township  # noqa: E402
from wagewatch.lib import law  # noqa: E402
from wagewatch.lib.fields import keyed_hash  # noqa: E402
from wagewatch.lib.periods import month_start, months_before  # noqa: E402

BATCH = 5000


def generate(n: int, today: datetime.date) -> None:
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


def hand_sql(today: datetime.date) -> tuple[float, dict]:
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
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(HAND_SQL, params)
        row = cursor.fetchone()
        seconds = time.perf_counter() - started
        names = [c.name for c in cursor.description]
    return seconds, dict(zip(names, row, strict=True))


def timed_sweep(today):
    run = SweepRun.objects.create()
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        sweep_run(run=run, today=today)
        seconds = time.perf_counter() - started
    return seconds, len(ctx.captured_queries), run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "set DATABASE_URL to a dedicated PostgreSQL database"
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    generate(args.projects, today)
    print(f"generated {args.projects} projects in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    risk_rules_sync()
    first_s, first_q, first = timed_sweep(today)
    print(f"sweep #1 (opens hazards): {first_s:.2f} s, {first_q} queries, opened {first.hazards_opened}, "
          f"errors {len(first.errors)}")  # fmt: skip
    second_s, second_q, second = timed_sweep(today)
    print(f"sweep #2 (steady state): {second_s:.2f} s, {second_q} queries, opened {second.hazards_opened}, "
          f"changed {second.hazards_changed}, closed {second.hazards_closed}")  # fmt: skip
    sql_s, counts = hand_sql(today)
    swept = dict(
        Hazard.objects.filter(status="open")
        .values_list("rule__code")
        .annotate(n=django.db.models.Count("pk"))
    )
    print(f"hand-written SQL (one statement): {sql_s:.3f} s")
    print(f"{'rule':<16}{'sweep':>8}{'sql':>8}")
    for name, n in counts.items():
        print(f"{name.upper():<16}{swept.get(name.upper(), 0):>8}{n:>8}")
    print(f"hazards open: {sum(swept.values())}; projects checked: {first.projects_checked}")
    print(f"ratio sweep/SQL: first {first_s / sql_s:.1f}, steady {second_s / sql_s:.1f}")


if __name__ == "__main__":
    main()
