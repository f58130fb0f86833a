import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from complaints import selectors, services
from complaints.models import Complaint, EnforcementOrder

from .factories import make_complaint, make_enterprise, make_project

DEADLINE = datetime.date(2026, 12, 31)


def _order(user, **extra):
    values = {
        "kind": EnforcementOrder.Kind.PAY,
        "enterprise": make_enterprise(),
        "deadline": DEADLINE,
        "requirement": "支付拖欠工资",
        "user": user,
    }
    values.update(extra)
    return services.order_create(**values)


@pytest.mark.django_db
def test_orders_are_numbered_per_kind_and_year(office):
    a, b = _order(office), _order(office)
    c = _order(office, kind=EnforcementOrder.Kind.RECTIFY)
    assert (a.seq, b.seq, c.seq) == (1, 2, 1)
    assert a.year == c.year
    assert b.number.endswith(f"〔{b.year}〕2号")


@pytest.mark.django_db
def test_order_takes_township_from_project_and_inspector_limited_to_own(inspector_a, inspector_b, township_a):
    project = make_project(township=township_a)
    order = _order(inspector_a, project=project, amount="1234.50")
    assert order.township_id == township_a.pk
    assert order.amount == Decimal("1234.50")
    with pytest.raises(PermissionDenied):
        _order(inspector_b, project=project)


@pytest.mark.django_db
def test_department_user_cannot_issue_orders(dept_user):
    with pytest.raises(PermissionDenied):
        _order(dept_user)


@pytest.mark.django_db
def test_order_comply_records_the_day_once(office):
    order = _order(office)
    assert order.is_ignored(datetime.date(2027, 1, 5))
    services.order_comply(order=order, on=datetime.date(2026, 12, 20), user=office)
    order.refresh_from_db()
    assert order.complied_on == datetime.date(2026, 12, 20)
    assert not order.is_ignored(datetime.date(2027, 1, 5))
    with pytest.raises(Exception):  # noqa: B017 - already complied
        services.order_comply(order=order, on=datetime.date(2026, 12, 21), user=office)


@pytest.mark.django_db
def test_arrears_enterprise_ids(township_a):
    project = make_project(township=township_a)
    paid, criminal, mediated_zero, outside = (make_enterprise() for _ in range(4))
    closed = {"status": Complaint.Status.CLOSED, "project": project}
    make_complaint(respondent=paid, closed_on=datetime.date(2026, 3, 1), amount_recovered=100, **closed)
    make_complaint(
        respondent=criminal, closed_on=datetime.date(2026, 4, 1), outcome=Complaint.Outcome.CRIMINAL, **closed
    )
    make_complaint(
        respondent=mediated_zero, closed_on=datetime.date(2026, 4, 1), outcome="mediated", **closed
    )
    make_complaint(respondent=outside, closed_on=datetime.date(2025, 4, 1), amount_recovered=5, **closed)
    make_complaint(respondent=outside, amount_recovered=5, project=project)  # still open
    ids = set(
        selectors.arrears_enterprise_ids(since=datetime.date(2026, 1, 1), until=datetime.date(2026, 12, 31))
    )
    assert ids == {paid.pk, criminal.pk}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_order_numbers_gap_free_under_concurrency(office):
    enterprise = make_enterprise()
    errors, barrier = [], threading.Barrier(8)

    def issue():
        try:
            barrier.wait()
            for _ in range(5):
                services.order_create(
                    kind="pay", enterprise=enterprise, deadline=DEADLINE, requirement="支付", user=office
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(EnforcementOrder.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 41))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_case_numbers_gap_free_under_concurrency(office):
    errors, barrier = [], threading.Barrier(6)

    def intake():
        try:
            barrier.wait()
            for _ in range(4):
                services.complaint_receive(
                    user=office,
                    channel="12333",
                    complainant_name="甲",
                    complainant_phone="13900001111",
                    description="欠薪",
                    respondent_name="某公司",
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=intake) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Complaint.objects.values_list("number", flat=True))
    year = numbers[0][2:6]
    assert numbers == [f"TS{year}-{i:06d}" for i in range(1, 25)]
