"""Claimants of a case and what the pay records say about them: on the roster, days, due, paid, owed,
and the money recovered since the case came in (derived from the lines, per claimant and in total)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.claimants import claimant_create, claimant_records
from complaints.models import CaseEvent, Claimant
from tests.once import with_token
from tests.projects.factories import make_roster_entry, valid_id
from tests.risk.factories import healthy_project
from tests.wages.factories import make_pay_line
from wages.models import PayLine

from .factories import make_complaint

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def month(back: int) -> datetime.date:
    day = TODAY.replace(day=1)
    for _ in range(back):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


M4, M3, M2 = month(4), month(3), month(2)  # all paydays passed long ago
RECEIVED = month(1)  # the case came in on the first of last month: M2's payday (in M1) not yet passed


@pytest.fixture
def project(township_a, department):
    return healthy_project(township_a, department)


@pytest.fixture
def case(project):
    received = timezone.make_aware(datetime.datetime.combine(RECEIVED, datetime.time(10)))
    return make_complaint(project=project, received_at=received)


def add(case, entry=None, **kw):
    worker = entry.worker if entry else None
    fields = {
        "name": worker.name if worker else "路人甲",
        "id_number": worker.id_number if worker else valid_id(),
        "phone": "13700001111",
        "month_from": M4,
        "month_to": M2,
        "amount_claimed": Decimal("18000"),
    }
    return claimant_create(complaint=case, **{**fields, **kw})


def test_inspector_adds_a_claimant_and_the_page_shows_him_masked(case, inspector_a, client_for):
    client = client_for(inspector_a)
    number = valid_id()
    data = {
        "name": "刘大力",
        "id_number": number,
        "phone": "13700001234",
        "month_from": f"{M4:%Y-%m}",
        "month_to": f"{M2:%Y-%m}",
        "amount_claimed": "18000",
    }
    url = reverse("complaints:claimant_add", args=[case.pk])
    response = client.post(url, with_token(data, inspector_a), follow=True)
    claimant = Claimant.objects.get()
    assert (claimant.id_number, claimant.month_from, claimant.month_to) == (number, M4, M2)
    page = response.content.decode()
    assert claimant.masked_id in page and number not in page and "13700001234" not in page
    assert "不在本项目花名册" in page
    assert case.events.filter(action=CaseEvent.Action.CLAIMANT).count() == 1


def test_bad_id_and_a_second_entry_of_the_same_worker_are_refused_in_chinese(case, inspector_a, client_for):
    client = client_for(inspector_a)
    url = reverse("complaints:claimant_add", args=[case.pk])
    data = {
        "name": "刘大力",
        "id_number": "110101199003074511",
        "month_from": "2026-01",
        "month_to": "2026-02",
    }
    response = client.post(url, with_token(data, inspector_a))
    assert response.status_code == 400 and "身份证号码" in response.content.decode()
    add(case, id_number="110101199003074514")
    data["id_number"] = "110101199003074514"
    response = client.post(url, with_token(data, inspector_a))
    assert response.status_code == 400 and "该工人已在本案的投诉工人名单中" in response.content.decode()
    assert Claimant.objects.count() == 1


def test_other_township_and_department_users_cannot_add(case, inspector_b, dept_user, client_for):
    url = reverse("complaints:claimant_add", args=[case.pk])
    data = {"name": "刘大力", "id_number": valid_id(), "month_from": "2026-01", "month_to": "2026-02"}
    assert client_for(inspector_b).post(url, with_token(data, inspector_b)).status_code == 404
    assert client_for(dept_user).post(url, with_token(data, dept_user)).status_code == 403
    assert not Claimant.objects.exists()


def test_records_per_claimed_month_and_owed(case, project, office):
    entry = make_roster_entry(project)
    make_pay_line(entry, M4)  # paid in full, before the case
    make_pay_line(entry, M3, net=Decimal("4000.00"))  # 2000 short
    # M2: no line at all
    stranger = add(case)
    add(case, entry)
    records = claimant_records(complaint=case, user=office)
    first, second = records.claimants
    assert first.claimant == stranger and not first.on_roster and first.owed == 0
    assert second.on_roster and [m.month for m in second.months] == [M4, M3, M2]
    assert [m.line is not None for m in second.months] == [True, True, False]
    assert [m.owed for m in second.months] == [0, Decimal("2000.00"), 0]
    assert records.owed == Decimal("2000.00") and records.recovered == 0


def test_money_paid_after_the_case_on_a_line_owed_then_counts_as_recovered(case, project, office):
    entry = make_roster_entry(project)
    after = RECEIVED + datetime.timedelta(days=3)
    make_pay_line(entry, M4, paid_on=after)  # owed when the case came in, paid after: recovered
    make_pay_line(entry, M3, net=Decimal("4000.00"), paid_on=after)  # part of it: 4000 recovered, 2000 owed
    make_pay_line(entry, M2, paid_on=after)  # its payday came after the case: paid on time, not recovered
    add(case, entry)
    other = make_roster_entry(project)
    make_pay_line(other, M4, paid_on=RECEIVED - datetime.timedelta(days=1))  # paid before the case
    make_pay_line(other, M3, bank_status=PayLine.BankStatus.FAILED, paid_on=after)  # failed: nothing came
    add(case, other)
    records = claimant_records(complaint=case, user=office)
    mine, theirs = records.claimants
    assert [m.recovered for m in mine.months] == [Decimal("6000.00"), Decimal("4000.00"), 0]
    assert (mine.recovered, mine.owed) == (Decimal("10000.00"), Decimal("2000.00"))
    assert (theirs.recovered, theirs.owed) == (0, Decimal("6000.00"))
    assert (records.recovered, records.workers_recovered, records.owed) == (
        Decimal("10000.00"),
        1,
        Decimal("8000.00"),
    )


def test_case_page_shows_the_records_and_prefills_the_close_form(case, project, inspector_a, client_for):
    entry = make_roster_entry(project)
    make_pay_line(entry, M4, paid_on=RECEIVED + datetime.timedelta(days=3))
    add(case, entry)
    case.status = "accepted"
    case.save()
    response = client_for(inspector_a).get(reverse("complaints:detail", args=[case.pk]))
    page = response.content.decode()
    assert "在册" in page and "6,000.00" in page and entry.worker.id_number not in page
    close = response.context["close_form"]
    assert close.initial == {"amount_recovered": Decimal("6000.00"), "workers_paid": 1}


def test_without_a_project_the_rosters_in_scope_are_read(project, township_b, department, inspector_a):
    from tests.projects.factories import make_project

    entry = make_roster_entry(project)
    make_pay_line(entry, M3, net=None, paid_on=None, bank_status="")
    elsewhere = make_roster_entry(make_project(township_b, department), worker=entry.worker)
    make_pay_line(elsewhere, M3, net=None, paid_on=None, bank_status="")
    case = make_complaint(township=project.township)
    add(case, entry)
    record = claimant_records(complaint=case, user=inspector_a).claimants[0]
    assert [m.entry.project for m in record.months if m.month == M3] == [project]  # not township B's
    assert record.owed == Decimal("6000.00")


@pytest.mark.parametrize("n", [1, 6])
def test_records_take_five_queries_whatever_the_claimants_and_lines(
    n, case, project, office, django_assert_num_queries
):
    for _ in range(n):
        entry = make_roster_entry(project)
        for m in (M4, M3, M2):
            make_pay_line(entry, m, net=Decimal("100.00"))
        add(case, entry)
    # claimants, roster entries (with project and worker), lines, owed today, owed when the case came in
    with django_assert_num_queries(5):
        records = claimant_records(complaint=case, user=office)
    assert len(records.claimants) == n


def test_a_claimant_is_removed_only_by_who_may_work_the_case(case, inspector_a, inspector_b, client_for):
    claimant = add(case)
    url = reverse("complaints:claimant_remove", args=[claimant.pk])
    assert client_for(inspector_b).post(url).status_code == 404  # another township's case
    assert Claimant.objects.filter(pk=claimant.pk).exists()
    response = client_for(inspector_a).post(url)
    assert response.status_code == 302 and response.url.endswith("#claimants")
    assert not Claimant.objects.filter(pk=claimant.pk).exists()
    assert case.events.filter(action=CaseEvent.Action.CLAIMANT, note__startswith="删除投诉工人").exists()
