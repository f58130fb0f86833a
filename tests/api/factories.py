"""API test helpers: machine clients with tokens, dedicated accounts, token-authenticated clients."""

import datetime
import itertools

from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from projects.models import ApiClient, WageAccount

_seq = itertools.count(1)


def make_account(project, **kw) -> WageAccount:
    """A dedicated wage account for the project with a unique account number."""
    fields = {
        "bank": "中国农业银行",
        "account_number": f"6228{next(_seq):012d}",
        "opened_on": project.start_date,
    }
    fields.update(kw)
    return WageAccount.objects.create(project=project, **fields)


def make_api_client(kind=ApiClient.Kind.BANK, accounts=(), **kw) -> ApiClient:
    """A machine client (bank by default) holding ``accounts``, with its own user."""
    n = next(_seq)
    user = User.objects.create_user(username=kw.pop("username", f"client{n}"), password=None)
    client = ApiClient.objects.create(user=user, name=kw.pop("name", f"测试银行{n}"), kind=kind, **kw)
    client.accounts.set(accounts)
    return client


def token_client(user) -> APIClient:
    """An API client authenticated with the user's DRF token (created if missing)."""
    token, _created = Token.objects.get_or_create(user=user)
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return c


def transfer_item(project, **kw) -> dict:
    item = {
        "project_code": project.code,
        "month": "2026-03-01",
        "amount": "120000.00",
        "transferred_on": "2026-03-05",
        "bank_reference": f"ABC{next(_seq):08d}",
    }
    item.update(kw)
    return item


def payroll_item(project, **kw) -> dict:
    item = {
        "project_code": project.code,
        "month": "2026-03-01",
        "attended": 40,
        "paid": 40,
        "gross": "260000.00",
        "net": "250000.00",
        "paid_on": str(datetime.date(2026, 4, 15)),
        "bank_reference": f"PAY{next(_seq):08d}",
    }
    item.update(kw)
    return item


def make_project_records(project) -> dict:
    """One record of every API-visible kind on ``project``: roster entry, pay line, transfer, payroll,
    deposit, complaint (with a reporter) and hazard."""
    from complaints.models import Complaint
    from projects.models import Hazard, LabourCostTransfer, Payroll, RiskRule
    from tests.complaints.factories import make_complaint
    from tests.deposits.factories import make_deposit
    from tests.projects.factories import make_roster_entry
    from tests.wages.factories import make_pay_line

    rule = RiskRule.objects.get_or_create(code="TRANSFER_LATE", defaults={"name": "人工费拨付不及时"})[0]
    month = datetime.date(2026, 3, 1)
    entry = make_roster_entry(project)
    return {
        "roster": entry,
        "pay_line": make_pay_line(entry, month, bank_reference=f"L{project.pk}"),
        "transfer": LabourCostTransfer.objects.create(
            project=project, month=month, amount=1000, transferred_on=month, bank_reference=f"T{project.pk}"
        ),
        "payroll": Payroll.objects.create(project=project, month=month, attended=3, paid=3, gross=10, net=9),
        "deposit": make_deposit(project, cash="100000.00"),
        "complaint": make_complaint(project=project, channel=Complaint.Channel.VISIT),
        "hazard": Hazard.objects.create(
            project=project,
            rule=rule,
            severity=1,
            department=project.department,
            deadline=datetime.date(2026, 12, 31),
        ),
    }
