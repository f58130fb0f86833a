"""The legal steps of a listing: order, periods in working days, who may act, numbering, removal, expiry."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from blacklist import services
from blacklist.models import BlacklistEntry, BlacklistStep
from complaints.services import order_comply

from .factories import make_listed, make_pay_order, make_project, make_proposed

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def project(township_a, department):
    return make_project(township_a, department)


def _messages(exc_info) -> str:
    return "；".join(exc_info.value.messages)


# ---- proposal ----


def test_propose_refused_unless_order_ignored(office, project):
    order = make_pay_order(user=office, project=project, deadline=D(2026, 3, 1))
    with pytest.raises(ValidationError) as exc:  # deadline not yet passed on that day
        services.blacklist_propose(
            order=order, basis_kind="criminal", reason="x", user=office, on=D(2026, 3, 1)
        )
    assert "逾期未履行" in _messages(exc)
    order_comply(order=order, on=D(2026, 3, 1), user=office)
    with pytest.raises(ValidationError):  # complied with
        services.blacklist_propose(
            order=order, basis_kind="criminal", reason="x", user=office, on=D(2026, 4, 1)
        )


def test_propose_needs_a_basis_kind(office, project):
    order = make_pay_order(user=office, project=project, deadline=D(2026, 1, 5))
    with pytest.raises(ValidationError) as exc:
        services.blacklist_propose(order=order, basis_kind="", reason="x", user=office, on=D(2026, 2, 1))
    assert "列入情形" in _messages(exc)


def test_propose_refused_for_a_rectification_order(office, project):
    from complaints.services import order_create

    order = order_create(
        kind="rectify", enterprise=project.contractor, deadline=D(2026, 1, 5), requirement="整改",
        user=office, project=project,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.blacklist_propose(
            order=order, basis_kind="criminal", reason="x", user=office, on=D(2026, 2, 1)
        )


def test_inspector_proposes_in_own_township_only(inspector_a, inspector_b, office, project):
    order = make_pay_order(user=office, project=project, deadline=D(2026, 1, 5))
    with pytest.raises(PermissionDenied):
        services.blacklist_propose(
            order=order, basis_kind="criminal", reason="x", user=inspector_b, on=D(2026, 2, 1)
        )
    entry = services.blacklist_propose(
        order=order, basis_kind="incident", reason="引发群体性事件", user=inspector_a, on=D(2026, 2, 1)
    )
    assert entry.status == BlacklistEntry.Status.PROPOSED
    assert entry.steps.get().actor == inspector_a


def test_second_open_entry_for_same_enterprise_refused(office, project):
    make_proposed(user=office, project=project)
    with pytest.raises(ValidationError) as exc:
        make_proposed(user=office, project=project)
    assert "已有" in _messages(exc)


# ---- order of steps and who decides ----


def test_steps_out_of_order_are_refused_with_chinese_message(office, project):
    entry = make_proposed(user=office, project=project, on=D(2026, 2, 2))
    for call in (
        lambda: services.blacklist_record_statement(
            entry=entry, statement="申辩", user=office, on=D(2026, 2, 3)
        ),
        lambda: services.blacklist_decide(
            entry=entry, to_list=True, reasons="r", user=office, on=D(2026, 5, 1)
        ),
        lambda: services.blacklist_publish(entry=entry, user=office, on=D(2026, 5, 1)),
        lambda: services.blacklist_remove_early(
            entry=entry,
            arrears_paid_on=D(2026, 5, 1),
            commitment_filed_on=D(2026, 5, 1),
            reason="",
            user=office,
        ),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        assert "当前状态为“已提请”，不能" in _messages(exc)
    services.blacklist_issue_notice(entry=entry, user=office, on=D(2026, 2, 2))
    with pytest.raises(ValidationError):  # a second notice
        services.blacklist_issue_notice(entry=entry, user=office, on=D(2026, 2, 3))
    with pytest.raises(ValidationError):  # publish before a decision
        services.blacklist_publish(entry=entry, user=office, on=D(2026, 5, 1))
    entry.refresh_from_db()
    assert entry.status == BlacklistEntry.Status.NOTICED
    assert list(entry.steps.values_list("step", flat=True)) == ["propose", "notice"]


def test_only_approvers_issue_decide_and_remove(office_clerk, inspector_a, office, project):
    entry = make_proposed(user=office, project=project, on=D(2026, 2, 2))
    for user in (office_clerk, inspector_a):
        with pytest.raises(PermissionDenied):
            services.blacklist_issue_notice(entry=entry, user=user, on=D(2026, 2, 2))
    services.blacklist_issue_notice(entry=entry, user=office, on=D(2026, 2, 2))
    with pytest.raises(PermissionDenied):
        services.blacklist_decide(entry=entry, to_list=True, reasons="r", user=inspector_a, on=D(2026, 4, 1))


def test_statement_period_counts_working_days_across_national_day(office, project, settings):
    entry = make_proposed(user=office, project=project, on=D(2026, 9, 30))
    entry = services.blacklist_issue_notice(entry=entry, user=office, on=D(2026, 9, 30))
    # 10 working days: 8, 9, 10 (Saturday worked, 调休), 12–16, 19, 20 October (1–7 October off)
    assert entry.defence_due == D(2026, 10, 20)
    assert entry.calendar_complete is True
    settings.WAGEWATCH = {**settings.WAGEWATCH, "BLACKLIST_DEFENCE_WORKDAYS": 3}
    other = make_proposed(
        user=office, project=make_project(project.township, project.department), on=D(2026, 9, 30)
    )
    assert services.blacklist_issue_notice(entry=other, user=office, on=D(2026, 9, 30)).defence_due == D(
        2026, 10, 10
    )


def test_decision_waits_for_statement_or_end_of_defence_period(office, project):
    entry = make_proposed(user=office, project=project, on=D(2026, 9, 30))
    services.blacklist_issue_notice(entry=entry, user=office, on=D(2026, 9, 30))
    with pytest.raises(ValidationError) as exc:  # last day of the period, no statement
        services.blacklist_decide(entry=entry, to_list=True, reasons="r", user=office, on=D(2026, 10, 20))
    assert "届满前" in _messages(exc)
    entry = services.blacklist_decide(
        entry=entry, to_list=True, reasons="逾期未申辩", user=office, on=D(2026, 10, 21)
    )
    assert entry.status == BlacklistEntry.Status.DECIDED_LIST


def test_statement_allows_an_early_decision_not_to_list(office, project):
    entry = make_proposed(user=office, project=project, on=D(2026, 9, 30))
    services.blacklist_issue_notice(entry=entry, user=office, on=D(2026, 9, 30))
    with pytest.raises(ValidationError):  # after the period
        services.blacklist_record_statement(entry=entry, statement="已支付", user=office, on=D(2026, 10, 21))
    services.blacklist_record_statement(entry=entry, statement="已全额支付", user=office, on=D(2026, 10, 9))
    entry = services.blacklist_decide(
        entry=entry, to_list=False, reasons="已清偿", user=office, on=D(2026, 10, 12)
    )
    assert entry.status == BlacklistEntry.Status.DECIDED_NOT_LIST
    with pytest.raises(ValidationError):
        services.blacklist_publish(entry=entry, user=office, on=D(2026, 10, 13))


@time_machine.travel(datetime.datetime(2028, 3, 1, 2, tzinfo=datetime.UTC))  # steps are never ahead of today
def test_publish_lists_for_three_years(office, project):
    entry = make_listed(user=office, project=project, listed_on=D(2028, 2, 29))
    assert (entry.listed_on, entry.expires_on) == (D(2028, 2, 29), D(2031, 2, 28))
    steps = list(entry.steps.values_list("step", flat=True))
    assert steps == ["propose", "notice", "decide_list", "publish"]
    assert all(s.actor_id == office.pk for s in entry.steps.all())


@time_machine.travel(datetime.datetime(2027, 1, 10, 2, tzinfo=datetime.UTC))  # steps are never ahead of today
def test_notice_numbers_are_gap_free_per_year(office, township_a, department):
    entries = [make_proposed(user=office, project=make_project(township_a, department)) for _ in range(4)]
    services.blacklist_issue_notice(entry=entries[0], user=office, on=D(2026, 2, 2))
    with pytest.raises(ValidationError):  # a refused step takes no number
        services.blacklist_issue_notice(entry=entries[0], user=office, on=D(2026, 2, 3))
    services.blacklist_issue_notice(entry=entries[1], user=office, on=D(2026, 2, 3))
    services.blacklist_issue_notice(entry=entries[2], user=office, on=D(2027, 1, 4))
    services.blacklist_issue_notice(entry=entries[3], user=office, on=D(2026, 12, 31))
    numbers = sorted(BlacklistEntry.objects.values_list("notice_year", "notice_seq"))
    assert numbers == [(2026, 1), (2026, 2), (2026, 3), (2027, 1)]
    entries[2].refresh_from_db()
    assert entries[2].notice_number.endswith("失告〔2027〕1号")


# ---- person ----


def test_responsible_person_id_is_encrypted_and_masked(office, project):
    from blacklist.models import ResponsiblePerson
    from tests.projects.factories import valid_id

    entry = make_listed(user=office, project=project)
    number = valid_id()
    person = services.blacklist_person_add(
        entry=entry, name="李四", role="legal_rep", id_number=number, user=office
    )
    assert person.masked_id.startswith("341") and number not in person.masked_id
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id_number FROM {ResponsiblePerson._meta.db_table} WHERE id = %s", [person.pk])
        stored = cursor.fetchone()[0]
    assert number not in stored
    with pytest.raises(ValidationError):
        services.blacklist_person_add(
            entry=entry, name="王五", role="controller", id_number="123", user=office
        )


# ---- early removal and expiry ----


@pytest.mark.parametrize(
    ("paid", "on", "commitment", "expected"),
    [
        (None, D(2026, 9, 2), D(2026, 9, 1), "未清偿拖欠的工资"),
        (D(2026, 9, 1), D(2026, 9, 1), D(2026, 9, 1), "列入未满6个月"),
        (D(2026, 9, 1), D(2026, 9, 2), None, "未提交信用承诺书"),
    ],
)
def test_early_removal_needs_all_three_conditions(office, project, paid, on, commitment, expected):
    entry = make_listed(user=office, project=project, listed_on=D(2026, 3, 2))
    with pytest.raises(ValidationError) as exc:
        services.blacklist_remove_early(
            entry=entry, arrears_paid_on=paid, commitment_filed_on=commitment, reason="", user=office, on=on
        )
    assert expected in _messages(exc)
    entry.refresh_from_db()
    assert entry.status == BlacklistEntry.Status.LISTED


def test_early_removal_after_six_months(office, project):
    entry = make_listed(user=office, project=project, listed_on=D(2026, 3, 2))
    entry = services.blacklist_remove_early(
        entry=entry, arrears_paid_on=D(2026, 8, 1), commitment_filed_on=D(2026, 9, 1), reason="", user=office,
        on=D(2026, 9, 2),
    )  # fmt: skip
    assert entry.status == BlacklistEntry.Status.REMOVED and entry.removed_on == D(2026, 9, 2)


def test_expire_due_is_idempotent(office, township_a, department):
    due = make_listed(user=office, project=make_project(township_a, department), listed_on=D(2023, 3, 2))
    later = make_listed(user=office, project=make_project(township_a, department), listed_on=D(2024, 3, 2))
    assert services.blacklist_expire_due(on=D(2026, 3, 2)) == 1
    assert services.blacklist_expire_due(on=D(2026, 3, 2)) == 0
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == BlacklistEntry.Status.EXPIRED
    assert later.status == BlacklistEntry.Status.LISTED
    assert BlacklistStep.objects.filter(entry=due, step="expire").count() == 1


def test_expire_task_runs_twice_safely(office, project):
    from blacklist import tasks

    make_listed(user=office, project=project, listed_on=D(2023, 3, 2))
    assert tasks.blacklist_expire_due("2026-03-02") == 1
    assert tasks.blacklist_expire_due("2026-03-02") == 0


def test_proposal_notifies_approvers_once(office, office_clerk, inspector_a, project):
    from wagewatch.accounts.models import Notification

    entry = make_proposed(user=inspector_a, project=project)
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["office"]
    assert Notification.objects.get().url == f"/blacklist/{entry.pk}/"


def test_new_proposal_after_expiry_before_the_job_ran(office, project):
    old = make_listed(user=office, project=project, listed_on=D(2023, 3, 2))
    entry = make_proposed(user=office, project=project, on=D(2026, 3, 2), deadline=D(2026, 2, 1))
    old.refresh_from_db()
    assert old.status == BlacklistEntry.Status.EXPIRED and entry.status == BlacklistEntry.Status.PROPOSED


def test_complied_basis_order_counts_as_arrears_paid(office, project):
    entry = make_listed(user=office, project=project, listed_on=D(2026, 3, 2))
    order_comply(order=entry.basis_order, on=D(2026, 4, 1), user=office)
    entry = services.blacklist_remove_early(
        entry=entry,
        arrears_paid_on=None,
        commitment_filed_on=D(2026, 9, 1),
        reason="",
        user=office,
        on=D(2026, 9, 2),
    )
    assert entry.arrears_paid_on == D(2026, 4, 1)
