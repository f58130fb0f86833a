"""Scale the demo county up for benchmarks: N projects with a year of transfers and payroll, M roster rows,
complaints. Bulk inserts; run after `manage.py seed_demo` on a database you can throw away.

    .venv/bin/python bench/scale.py --projects 1000 --roster 50000
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

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from complaints.models import Complaint  # noqa: E402
from projects.models import (  # noqa: E402
    Enterprise,
    LabourCostTransfer,
    Payroll,
    Project,
    RosterEntry,
    WageAccount,
    Worker,
)
from tests.projects.factories import valid_id, valid_uscc  # noqa: E402
from wagewatch.accounts.models import Department, Township  # noqa: E402
from wagewatch.lib.fields import keyed_hash  # noqa: E402
from wagewatch.lib.periods import month_start  # noqa: E402

BATCH = 2000
rng = random.Random(2026)


def make_projects(n: int) -> list[Project]:
    towns = list(Township.objects.all())
    depts = list(Department.objects.filter(kind="industry"))
    firms = Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=valid_uscc(50_000_000 + i),
                name=f"规模测试建设工程有限公司{i:05d}",
                legal_representative="李四",
                kind=Enterprise.Kind.CONTRACTOR if i % 3 else Enterprise.Kind.BUILDER,
            )
            for i in range(max(10, n // 2))
        ],
        batch_size=BATCH,
    )
    builders = [f for f in firms if f.kind == Enterprise.Kind.BUILDER]
    contractors = [f for f in firms if f.kind == Enterprise.Kind.CONTRACTOR]
    today = timezone.localdate()
    rows = []
    for i in range(n):
        start = today - datetime.timedelta(days=rng.randint(60, 700))
        rows.append(
            Project(
                code=f"GM{i:06d}",
                name=f"规模测试项目{i:05d}",
                township=rng.choice(towns),
                department=rng.choice(depts),
                investment_type=rng.choice(Project.Investment.values),
                builder=rng.choice(builders),
                contractor=rng.choice(contractors),
                contract_price=Decimal(rng.randint(500_000, 90_000_000)),
                contract_date=start - datetime.timedelta(days=20),
                start_date=start,
                planned_finish=start + datetime.timedelta(days=rng.randint(300, 900)),
                status=rng.choice(["building", "building", "building", "suspended", "awaiting"]),
                wage_admin="王劳资",
                wage_admin_phone="13800000000",
                notice_board=rng.random() > 0.1,
            )
        )
    return Project.objects.bulk_create(rows, batch_size=BATCH)


def make_money_flows(projects: list[Project]) -> None:
    today = timezone.localdate()
    accounts, transfers, payrolls = [], [], []
    for p in projects:
        if rng.random() < 0.95:
            accounts.append(
                WageAccount(
                    project=p,
                    bank="县农商银行",
                    account_number=f"62{p.pk:012d}",
                    opened_on=p.contract_date + datetime.timedelta(days=10),
                    agreement_signed=True,
                )
            )
        for back in range(1, 13):
            month = month_start(today, -back)
            if month < month_start(p.start_date):
                continue
            if rng.random() < 0.93:
                transfers.append(
                    LabourCostTransfer(
                        project=p,
                        month=month,
                        amount=Decimal("120000.00"),
                        transferred_on=month + datetime.timedelta(days=9),
                    )
                )
            if rng.random() < 0.93:
                attended = rng.randint(20, 120)
                paid = attended if rng.random() < 0.95 else attended - rng.randint(1, 5)
                payrolls.append(
                    Payroll(
                        project=p,
                        month=month,
                        attended=attended,
                        paid=paid,
                        gross=Decimal(paid * 5200),
                        net=Decimal(paid * 5000),
                        paid_on=month + datetime.timedelta(days=40),
                    )
                )
    WageAccount.objects.bulk_create(accounts, batch_size=BATCH)
    LabourCostTransfer.objects.bulk_create(transfers, batch_size=BATCH)
    Payroll.objects.bulk_create(payrolls, batch_size=BATCH)


def make_roster(projects: list[Project], n: int) -> None:
    today = timezone.localdate()
    for start in range(0, n, BATCH):
        workers = []
        for i in range(start, min(n, start + BATCH)):
            number = valid_id(n=700_000 + i, birth=datetime.date(1970 + i % 30, 1 + i % 12, 1 + i % 28))
            workers.append(
                Worker(
                    id_number=number,
                    id_number_hash=keyed_hash(number),
                    name=f"工人{i:05d}",
                    sex="M",
                    birth_date=datetime.date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
                    phone=f"139{i:08d}",
                )
            )
        workers = Worker.objects.bulk_create(workers)
        RosterEntry.objects.bulk_create(
            [
                RosterEntry(
                    project=projects[(start + k) % len(projects)],
                    worker=w,
                    team="钢筋班组",
                    trade="钢筋工",
                    entry_date=today - datetime.timedelta(days=rng.randint(10, 300)),
                    contract_signed=True,
                )
                for k, w in enumerate(workers)
            ]
        )


def make_complaints(projects: list[Project], n: int) -> None:
    now = timezone.now()
    rows = []
    for i in range(n):
        p = rng.choice(projects)
        received = now - datetime.timedelta(days=rng.randint(0, 360))
        closed = rng.random() < 0.7
        rows.append(
            Complaint(
                number=f"GM{i:07d}",
                channel=rng.choice(Complaint.Channel.values),
                received_at=received,
                complainant_name="投诉人",
                complainant_phone="13700000000",
                complainant_phone_hash=keyed_hash("13700000000"),
                respondent=p.contractor,
                respondent_name=p.contractor.name,
                project=p,
                township_id=p.township_id,
                workers_involved=rng.randint(1, 30),
                amount_claimed=Decimal(rng.randint(5_000, 500_000)),
                description="拖欠工资",
                accept_due=received.date() + datetime.timedelta(days=7),
                status="closed" if closed else "accepted",
                closed_on=received.date() + datetime.timedelta(days=20) if closed else None,
                outcome="mediated" if closed else "",
                amount_recovered=Decimal(rng.randint(5_000, 200_000)) if closed else Decimal(0),
            )
        )
    Complaint.objects.bulk_create(rows, batch_size=BATCH)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--roster", type=int, default=50000)
    ap.add_argument("--complaints", type=int, default=None)
    a = ap.parse_args()
    t = time.perf_counter()
    with transaction.atomic():
        projects = make_projects(a.projects)
        make_money_flows(projects)
        make_roster(projects, a.roster)
        make_complaints(projects, a.complaints if a.complaints is not None else a.projects // 2)
    if connection.vendor == "postgresql":  # the planner's statistics, as autovacuum keeps them in production
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"scaled: {a.projects} projects, {a.roster} roster rows in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
