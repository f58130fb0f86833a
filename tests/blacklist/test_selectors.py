"""The cross-app contract: listed_enterprise_ids, grade_of, c_graded_enterprise_ids."""

import datetime

import pytest

from blacklist import selectors, services
from blacklist.models import Grade, IntegrityGrade

from .factories import make_enterprise, make_listed, make_project

pytestmark = pytest.mark.django_db
LISTED = datetime.date(2026, 3, 2)


@pytest.fixture
def project(township_a, department):
    return make_project(township_a, department)


def test_listed_between_listing_and_expiry_only(office, project):
    entry = make_listed(user=office, project=project, listed_on=LISTED)
    eid = project.contractor_id
    assert entry.expires_on == datetime.date(2029, 3, 2)
    assert list(selectors.listed_enterprise_ids(on=LISTED - datetime.timedelta(days=1))) == []
    assert list(selectors.listed_enterprise_ids(on=LISTED)) == [eid]
    assert list(selectors.listed_enterprise_ids(on=datetime.date(2029, 3, 1))) == [eid]
    # expired on the day, before any job has run (status still "listed")
    assert list(selectors.listed_enterprise_ids(on=datetime.date(2029, 3, 2))) == []


def test_removed_entry_is_not_listed(office, project):
    entry = make_listed(user=office, project=project, listed_on=LISTED)
    day = datetime.date(2026, 9, 3)
    services.blacklist_remove_early(
        entry=entry, arrears_paid_on=day, commitment_filed_on=day, reason="", user=office, on=day
    )
    assert list(selectors.listed_enterprise_ids(on=day)) == []
    assert list(selectors.listed_enterprise_ids(on=day - datetime.timedelta(days=1))) == [
        project.contractor_id
    ]


def test_listed_ids_is_one_query_usable_as_subquery(office, project, django_assert_num_queries):
    make_listed(user=office, project=project, listed_on=LISTED)
    with django_assert_num_queries(1):  # SELECT DISTINCT enterprise_id FROM entries WHERE listed …
        ids = list(selectors.listed_enterprise_ids(on=LISTED))
    assert ids == [project.contractor_id]
    from projects.models import Project

    assert Project.objects.filter(contractor_id__in=selectors.listed_enterprise_ids(on=LISTED)).count() == 1


def test_grade_of_never_punished_is_a():
    enterprise = make_enterprise()
    assert selectors.grade_of(enterprise=enterprise, year=2026) == Grade.A


def test_grade_of_blacklisted_enterprise_is_c(office, project):
    make_listed(user=office, project=project, listed_on=LISTED)
    assert selectors.grade_of(enterprise=project.contractor, year=2026) == Grade.C
    assert selectors.grade_of(enterprise=project.contractor_id, year=2030) == Grade.A


def test_grade_of_prefers_stored_override(office):
    enterprise = make_enterprise()
    services.grade_override(enterprise=enterprise, year=2026, grade=Grade.B, reason="约谈记录", user=office)
    assert selectors.grade_of(enterprise=enterprise, year=2026) == Grade.B


def test_c_graded_ids_use_override_first(office):
    computed_c, overridden_to_b, overridden_to_c = make_enterprise(), make_enterprise(), make_enterprise()
    IntegrityGrade.objects.create(enterprise=computed_c, year=2026, computed_grade=Grade.C)
    IntegrityGrade.objects.create(
        enterprise=overridden_to_b,
        year=2026,
        computed_grade=Grade.C,
        override_grade="B",
        override_reason="复核",
    )
    IntegrityGrade.objects.create(
        enterprise=overridden_to_c,
        year=2026,
        computed_grade=Grade.A,
        override_grade="C",
        override_reason="妨碍检查",
    )
    IntegrityGrade.objects.create(enterprise=computed_c, year=2025, computed_grade=Grade.A)
    assert set(selectors.c_graded_enterprise_ids(year=2026)) == {computed_c.pk, overridden_to_c.pk}
    assert list(selectors.c_graded_enterprise_ids(year=2025)) == []


def test_report_flows(office, township_a, department):
    removed = make_listed(user=office, project=make_project(township_a, department), listed_on=LISTED)
    make_listed(
        user=office, project=make_project(township_a, department), listed_on=datetime.date(2023, 5, 4)
    )
    day = datetime.date(2026, 9, 3)
    services.blacklist_remove_early(
        entry=removed, arrears_paid_on=day, commitment_filed_on=day, reason="", user=office, on=day
    )
    year = {"since": datetime.date(2026, 1, 1), "until": datetime.date(2026, 12, 31)}
    assert selectors.entries_listed_between(**year).count() == 1
    assert selectors.entries_ended_between(**year).count() == 2  # one removed early, one expired 2026-05-04
    assert selectors.certificates_issued_between(**year).count() == 0
