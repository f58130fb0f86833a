import io

import pytest

from complaints import demo
from complaints.models import Complaint

from .factories import make_project

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent(township_a, township_b, department):
    for township in (township_a, township_b, township_a):
        make_project(township=township, department=department)
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    cases = Complaint.objects.all()
    assert cases.count() == demo.COUNT
    assert cases.filter(group_incident=True).exists()
    assert cases.filter(status="closed", amount_recovered__gt=0).exists()
    assert set(cases.values_list("channel", flat=True)) == set(Complaint.Channel.values)
    assert set(cases.values_list("status", flat=True)) == set(Complaint.Status.values)
