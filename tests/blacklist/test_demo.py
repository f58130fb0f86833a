"""The demo seed runs after the complaints demo and twice without duplicating anything."""

import io

import pytest
from django.utils import timezone

from blacklist import demo, selectors
from blacklist.models import BlacklistEntry, IntegrityGrade, NoArrearsCertificate


@pytest.mark.django_db
def test_demo_seed_is_idempotent():
    from complaints import demo as complaints_demo
    from projects import demo as projects_demo
    from wagewatch.accounts import demo as accounts_demo

    out = io.StringIO()
    for module in (accounts_demo, projects_demo, complaints_demo, demo):
        module.seed(stdout=out)
    counts = (
        BlacklistEntry.objects.count(),
        IntegrityGrade.objects.count(),
        NoArrearsCertificate.objects.count(),
    )
    demo.seed(stdout=out)
    assert counts == (
        BlacklistEntry.objects.count(),
        IntegrityGrade.objects.count(),
        NoArrearsCertificate.objects.count(),
    )
    today = timezone.localdate()
    statuses = sorted(BlacklistEntry.objects.values_list("status", flat=True))
    assert statuses == ["expired", "listed", "listed", "listed", "proposed"]
    assert selectors.listed_enterprise_ids(on=today).count() == 3
    assert IntegrityGrade.objects.filter(year=today.year).exists()
    assert counts[2] == 2
