"""Factories for projects models, shared by every app's tests.

Plain functions: each call makes a new record with valid, unique generated numbers (USCC with both
check digits, resident ID with its GB 11643 check digit). Keyword arguments override any field.
"""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import ric, uscc

from projects.models import Enterprise, Project, RosterEntry, Worker
from wagewatch.lib.fields import keyed_hash

_seq = itertools.count(1)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code(n: int) -> str:
    """A 9-character organisation code (GB 11714) with its check character."""
    body = f"{n:08d}"
    check = 11 - sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def valid_uscc(n: int | None = None) -> str:
    """A unified social credit code with valid check digits, unique per call."""
    number = "91" + "341122" + _org_code(n if n is not None else 10_000_000 + next(_seq))
    return number + uscc.calc_check_digit(number)


def valid_id(*, birth: datetime.date = datetime.date(1985, 6, 15), n: int | None = None, male=True) -> str:
    """An 18-digit resident ID number with a valid check digit, unique per call (area code 341122)."""
    seq = n if n is not None else next(_seq)
    seq3 = (seq % 500) * 2 + (1 if male else 0)
    day = birth + datetime.timedelta(days=seq // 500)
    body = f"341122{day:%Y%m%d}{seq3:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_enterprise(**kw) -> Enterprise:
    """An enterprise (general contractor unless kind= says otherwise) with a valid USCC."""
    n = next(_seq)
    fields = {
        "uscc": valid_uscc(),
        "name": f"测试建筑工程有限公司{n}",
        "legal_representative": "张三",
        "kind": Enterprise.Kind.CONTRACTOR,
    }
    fields.update(kw)
    return Enterprise.objects.create(**fields)


def make_project(township, department, **kw) -> Project:
    """A project under construction in township/department, with a builder and a contractor."""
    n = next(_seq)
    today = timezone.localdate()
    fields = {
        "code": f"XM{n:06d}",
        "name": f"测试工程项目{n}",
        "investment_type": Project.Investment.GOVERNMENT,
        "contract_price": Decimal("5000000.00"),
        "contract_date": today - datetime.timedelta(days=200),
        "start_date": today - datetime.timedelta(days=180),
        "planned_finish": today + datetime.timedelta(days=365),
        "status": Project.Status.BUILDING,
        "wage_admin": "王劳资",
        "wage_admin_phone": "13800000000",
    }
    fields.update(kw)
    if "builder" not in fields:
        fields["builder"] = make_enterprise(kind=Enterprise.Kind.BUILDER, name=f"测试建设单位{n}")
    if "contractor" not in fields:
        fields["contractor"] = make_enterprise()
    return Project.objects.create(township=township, department=department, **fields)


def make_worker(**kw) -> Worker:
    """A worker with a valid generated ID number (stored encrypted, hash filled, sex/birth derived)."""
    id_number = kw.pop("id_number", None) or valid_id()
    n = next(_seq)
    fields = {
        "name": f"工人{n}",
        "phone": f"139{n % 100_000_000:08d}",
        "sex": "M" if int(id_number[16]) % 2 else "F",
        "birth_date": datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
    }
    fields.update(kw)
    fields.setdefault("phone_hash", keyed_hash(fields["phone"]))
    return Worker.objects.create(id_number=id_number, id_number_hash=keyed_hash(id_number), **fields)


def make_roster_entry(project, **kw) -> RosterEntry:
    """A worker on the project's roster (a new worker unless worker= is given)."""
    worker = kw.pop("worker", None) or make_worker()
    fields = {
        "team": "钢筋班组",
        "trade": "钢筋工",
        "entry_date": project.start_date,
        "contract_signed": True,
        "bank": "中国农业银行",
        "card_masked": "6228 **** **** 1234",
    }
    fields.update(kw)
    return RosterEntry.objects.create(project=project, worker=worker, **fields)
