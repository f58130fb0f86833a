"""Demo county projects: enterprises with valid USCCs, rosters, accounts, 12 months of money, inspections
(of the sites, and of a few restaurants and factories without a project)."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import ric, uscc

from wagewatch.accounts.models import Department, Township
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.periods import month_start

from .models import (
    Enterprise,
    Inspection,
    LabourCostTransfer,
    Payroll,
    Project,
    RosterEntry,
    WageAccount,
    Worker,
)
from .models.inspections import SITE_CHECKS

_KINDS = ["住宅", "安置房", "道路改造", "污水管网", "学校", "桥梁", "水库除险加固", "产业园厂房"]
_SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
_GIVEN = ["伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "华", "平", "刚"]
_INVEST = [c for c, _l in Project.Investment.choices]


def _uscc(n: int) -> str:
    body = f"91341122{n:09d}"
    return body + uscc.calc_check_digit(body)


def _id(n: int) -> str:
    born = datetime.date(1965, 1, 1) + datetime.timedelta(days=n * 97 % 12000)
    body = f"341122{born:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _enterprise(n: int, kind: str, name: str) -> Enterprise:
    return Enterprise.objects.update_or_create(uscc=_uscc(n), defaults={"name": name, "kind": kind})[0]


def seed(*, stdout) -> None:
    rng = random.Random(2024)
    townships = list(Township.objects.order_by("sort"))
    departments = list(Department.objects.filter(kind=Department.Kind.INDUSTRY).order_by("sort"))
    if not townships or not departments:
        stdout.write("  projects: no townships/departments, skipped")
        return
    today = timezone.localdate()
    for i in range(24):
        project = _project(i, rng, townships, departments, today)
        _roster(project, i, rng)
        _money(project, i, today)
        _inspection(project, i, today)
    _employer_inspections(townships, today)
    stdout.write(f"  projects {Project.objects.count()}, workers {Worker.objects.count()}")


def _project(i, rng, townships, departments, today) -> Project:
    township = townships[i % len(townships)]
    start = today - datetime.timedelta(days=400 - i * 7)
    project, _created = Project.objects.update_or_create(
        code=f"DEMO-{i + 1:03d}",
        defaults={
            "name": f"{township.name}{_KINDS[i % len(_KINDS)]}项目（{i + 1}期）",
            "township": township,
            "department": departments[i % len(departments)],
            "investment_type": _INVEST[i % len(_INVEST)],
            "builder": _enterprise(
                1000 + i, Enterprise.Kind.BUILDER, f"{township.name}城市建设投资有限公司{i + 1}"
            ),
            "contractor": _enterprise(
                2000 + i % 20, Enterprise.Kind.CONTRACTOR, f"示范建工集团第{i % 20 + 1}工程有限公司"
            ),
            "contract_price": Decimal(rng.randrange(1_500_000, 60_000_000, 10_000)),
            "contract_date": start - datetime.timedelta(days=20),
            "start_date": start,
            "planned_finish": start + datetime.timedelta(days=720),
            "status": Project.Status.SUSPENDED if i % 11 == 5 else Project.Status.BUILDING,
            "wage_admin": f"劳资员{i + 1}",
            "wage_admin_phone": f"1390000{i:04d}",
            "notice_board": i % 6 != 3,
        },
    )
    return project


def _roster(project, i, rng) -> None:
    labour = _enterprise(3000 + i % 5, Enterprise.Kind.LABOUR, f"示范劳务有限公司{i % 5 + 1}")
    for k in range(5):
        n = i * 10 + k
        number = _id(n)
        worker, _created = Worker.objects.get_or_create(
            id_number_hash=keyed_hash(number),
            defaults={
                "id_number": number,
                "name": _SURNAMES[n % len(_SURNAMES)] + _GIVEN[n % len(_GIVEN)],
                "sex": "M" if int(number[16]) % 2 else "F",
                "birth_date": datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                "phone": f"1380000{n:04d}",
                "phone_hash": keyed_hash(f"1380000{n:04d}"),
            },
        )
        RosterEntry.objects.update_or_create(
            project=project,
            worker=worker,
            defaults={
                "employer": labour,
                "employer_name": labour.name,
                "team": ["钢筋班组", "木工班组", "瓦工班组"][k % 3],
                "trade": ["钢筋工", "木工", "砌筑工"][k % 3],
                "entry_date": project.start_date + datetime.timedelta(days=k * 5),
                "contract_signed": not (i % 7 == 2 and k == 0),
                "bank": "中国农业银行",
                "card_masked": f"6228 **** **** {1000 + n:04d}",
            },
        )


def _money(project, i, today) -> None:
    if i % 8 != 7:  # every eighth project has no dedicated account
        WageAccount.objects.update_or_create(
            project=project,
            defaults={
                "bank": "中国农业银行示范县支行",
                "account_number": f"1234{i:012d}",
                "opened_on": project.contract_date + datetime.timedelta(days=10 + (i % 4) * 12),
                "agreement_signed": True,
            },
        )
    month = month_start(today)
    if i % 5 != 1 and today.day > 5:  # this month's labour cost, paid on the 5th
        LabourCostTransfer.objects.update_or_create(
            project=project,
            month=month,
            defaults={
                "amount": project.contract_price * project.labour_share / 24,
                "transferred_on": month + datetime.timedelta(days=4),
            },
        )
    for m in range(12, 0, -1):
        first = month_start(month, -m)
        if first < month_start(project.start_date):
            continue
        gap = (i % 5 == 1 and m <= 2) or (i % 9 == 4 and m == 3)  # recent gaps for the risk sweep
        if not gap:
            LabourCostTransfer.objects.update_or_create(
                project=project,
                month=first,
                defaults={
                    "amount": project.contract_price * project.labour_share / 24,
                    "transferred_on": first,
                },
            )
        if i % 6 == 2 and m <= 1:
            continue  # last month's payroll missing
        attended = 5
        paid = 4 if (i % 10 == 3 and m <= 2) else 5
        Payroll.objects.update_or_create(
            project=project,
            month=first,
            defaults={
                "attended": attended,
                "paid": paid,
                "gross": Decimal(6000 * attended),
                "net": Decimal(5600 * paid),
                "paid_on": month_start(month, 1 - m) + datetime.timedelta(days=14),
                "via_account": i % 8 != 7,
            },
        )


def _inspection(project, i, today) -> None:
    date = today - datetime.timedelta(days=30 + i)
    fail_board = not project.notice_board
    Inspection.objects.update_or_create(
        project=project,
        date=date,
        defaults={
            "enterprise": project.contractor,
            "check_notice_board": not fail_board,
            "findings": "未设置维权信息告示牌" if fail_board else "",
            "rectification_required": fail_board,
            "rectification_deadline": date + datetime.timedelta(days=14) if fail_board else None,
        },
    )


# Employers without a construction project (kind 其他): name, findings, yuan recovered, workers involved/paid
_EMPLOYERS = [
    ("县城老街餐饮管理有限公司", "拖欠服务员3个月工资", Decimal("42600.00"), 6, 6),
    ("皖北食品加工有限公司", "未按月足额支付工资", Decimal("158300.00"), 23, 21),
    ("兴业纺织制衣厂", "", Decimal("0.00"), 0, 0),
    ("顺达塑料制品有限公司", "克扣加班工资", Decimal("36750.50"), 9, 9),
]


def _employer_inspections(townships, today) -> None:
    for n, (name, findings, amount, involved, paid) in enumerate(_EMPLOYERS):
        firm = _enterprise(9000 + n, Enterprise.Kind.OTHER, name)
        date = today - datetime.timedelta(days=20 + 9 * n)
        Inspection.objects.update_or_create(
            enterprise=firm,
            project=None,
            date=date,
            defaults={
                "township": townships[n % len(townships)],
                **dict.fromkeys(SITE_CHECKS),  # no site checks off a construction site
                "findings": findings,
                "rectification_required": bool(findings),
                "rectification_deadline": date + datetime.timedelta(days=10) if findings else None,
                "amount_recovered": amount,
                "workers_involved": involved,
                "workers_paid": paid,
            },
        )
