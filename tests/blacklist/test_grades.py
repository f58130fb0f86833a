"""Integrity grades (守法诚信等级): computed from cases, orders and listings; override needs a reason."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from blacklist import selectors, services, tasks
from blacklist.models import IntegrityGrade
from projects.models import Enterprise

from .factories import make_closed_complaint, make_enterprise, make_listed, make_pay_order, make_project

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def make(township_a, department):
    return lambda **kw: make_project(township_a, department, **kw)


def _grades(year=2026):
    return dict(IntegrityGrade.objects.filter(year=year).values_list("enterprise_id", "computed_grade"))


def test_grade_rules(office, make):
    clean, once, thrice, incident, criminal, ignored, listed = (make() for _ in range(7))
    make_closed_complaint(user=office, project=once, outcome="investigated")
    make_closed_complaint(user=office, project=once, outcome="mediated")
    for _ in range(3):
        make_closed_complaint(user=office, project=thrice, outcome="investigated")
    # a group incident is the inspector's decision (issue 17): 12 workers and the box ticked
    make_closed_complaint(
        user=office, project=incident, outcome="mediated", workers_involved=12, group_incident=True
    )
    make_closed_complaint(user=office, project=criminal, outcome="criminal")
    make_pay_order(user=office, project=ignored, deadline=D(2026, 4, 1))
    make_listed(user=office, project=listed, listed_on=D(2026, 6, 1))
    assert services.grade_compute_year(year=2026) >= 14  # every enterprise, builders too
    grades = _grades()
    assert grades[clean.contractor_id] == "A"
    assert grades[once.contractor_id] == "B"
    for p in (thrice, incident, criminal, ignored, listed):
        assert grades[p.contractor_id] == "C", p
    row = IntegrityGrade.objects.get(enterprise=thrice.contractor, year=2026)
    assert "3次" in row.computed_reasons


def test_complied_order_does_not_make_c(office, make):
    from complaints.services import order_comply

    project = make()
    order = make_pay_order(user=office, project=project, deadline=D(2026, 4, 1))
    order_comply(order=order, on=D(2026, 3, 30), user=office)
    assert selectors.grade_of(enterprise=project.contractor, year=2026) == "A"


def test_compute_is_idempotent_and_keeps_overrides(office, make):
    project = make()
    make_closed_complaint(user=office, project=project, outcome="criminal")
    services.grade_compute_year(year=2026)
    services.grade_override(
        enterprise=project.contractor, year=2026, grade="B", reason="复核认定", user=office
    )
    count = IntegrityGrade.objects.count()
    tasks.grade_compute_year(2026)
    tasks.grade_compute_year(2026)
    assert IntegrityGrade.objects.count() == count
    row = IntegrityGrade.objects.get(enterprise=project.contractor, year=2026)
    assert (row.computed_grade, row.override_grade, row.grade) == ("C", "B", "B")
    assert list(selectors.c_graded_enterprise_ids(year=2026)) == []


def _register(n, first=0):
    Enterprise.objects.bulk_create(
        Enterprise(uscc=f"91X{i:015d}", name=f"登记企业{i}") for i in range(first, first + n)
    )


@pytest.mark.postgres  # SQLite splits bulk writes into batches of 999 parameters
def test_grading_covers_the_whole_register_in_fixed_queries_with_history(
    office, make, django_assert_num_queries
):
    project = make()
    make_closed_complaint(user=office, project=project, outcome="investigated")
    _register(3)
    # savepoint pair; cases grouped, ignored orders, listings; the year's grades (locked); the register;
    # new grades inserted, their history rows
    with django_assert_num_queries(9):
        services.grade_compute_year(year=2026, user=office)
    _register(
        1200, first=3
    )  # a summary grades more than a thousand units: restaurants, factories, labour firms
    make_closed_complaint(user=office, project=project, outcome="criminal")
    # as above, plus the changed grade rewritten and its history row
    with django_assert_num_queries(11):
        graded = services.grade_compute_year(year=2026, user=office)
    register = Enterprise.objects.count()
    assert graded == register > 1200
    assert IntegrityGrade.objects.filter(year=2026).count() == register
    history = IntegrityGrade.history.filter(year=2026)
    assert history.filter(history_type="+").count() == register
    changed = history.filter(history_type="~").get()
    assert (changed.enterprise_id, changed.computed_grade) == (project.contractor_id, "C")
    assert changed.history_user == office and changed.history_change_reason == "年度守法诚信等级评价"
    services.grade_compute_year(year=2026)  # nothing changed: no more history
    assert history.count() == register + 1


def test_override_needs_a_reason_and_an_approver(office, office_clerk):
    enterprise = make_enterprise()
    with pytest.raises(ValidationError) as exc:
        services.grade_override(enterprise=enterprise, year=2026, grade="C", reason=" ", user=office)
    assert "理由" in "".join(exc.value.messages)
    with pytest.raises(PermissionDenied):
        services.grade_override(
            enterprise=enterprise, year=2026, grade="C", reason="妨碍检查", user=office_clerk
        )
    services.grade_override(
        enterprise=enterprise, year=2026, grade="C", reason="阻挠劳动保障监察", user=office
    )
    assert selectors.grade_of(enterprise=enterprise, year=2026) == "C"
    assert list(selectors.c_graded_enterprise_ids(year=2026)) == [enterprise.pk]
    services.grade_override(enterprise=enterprise, year=2026, grade="", reason="", user=office)
    assert selectors.grade_of(enterprise=enterprise, year=2026) == "A"


def test_grade_counts(office):
    for grade in "AABC":
        IntegrityGrade.objects.create(enterprise=make_enterprise(), year=2026, computed_grade=grade)
    IntegrityGrade.objects.create(
        enterprise=make_enterprise(), year=2026, computed_grade="A", override_grade="C", override_reason="r"
    )
    assert selectors.grade_counts(year=2026) == {"A": 2, "B": 1, "C": 2}
