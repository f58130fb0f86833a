"""Small factories for complaint tests (projects' own factories may replace make_project later)."""

import datetime
import itertools

from django.utils import timezone

from complaints.models import Complaint
from tests.projects import factories as projects_factories
from tests.projects.factories import make_enterprise as make_enterprise
from wagewatch.accounts.models import Department, Township
from wagewatch.lib.fields import keyed_hash

_seq = itertools.count(1)


def make_project(*, township=None, department=None, **extra):
    """A project (tests.projects.factories), with the shared township A / department by default."""
    township = township or Township.objects.get_or_create(code="TA", defaults={"name": "甲镇"})[0]
    department = department or Department.objects.get_or_create(code="ZJ", defaults={"name": "县住建局"})[0]
    return projects_factories.make_project(township, department, **extra)


def make_complaint(*, project=None, township=None, **extra):
    """A case row written directly (no service), for list and scoping tests."""
    n = next(_seq)
    township = township or (project.township if project else None)
    values = {
        "number": f"TS2026-9{n:05d}",
        "channel": Complaint.Channel.HOTLINE_12333,
        "complainant_name": "王小二",
        "complainant_phone": "13912345678",
        "complainant_phone_hash": keyed_hash("13912345678"),
        "complainant_id_number": "110101199003074514",
        "respondent_name": project.contractor.name if project else "某公司",
        "respondent": project.contractor if project else None,
        "project": project,
        "township": township,
        "description": "拖欠工资",
        "accept_due": timezone.localdate() + datetime.timedelta(days=7),
    }
    values.update(extra)
    return Complaint.objects.create(**values)
