"""The 工资明细 tab, the line form, the arrears ledger and an enterprise's arrears: scoped, masked, constant
queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Enterprise, Payroll
from tests.once import token_in_form, with_token
from tests.projects.factories import make_enterprise, make_project, make_roster_entry, valid_id
from tests.wages.factories import CARD, make_pay_line
from wages.models import PayLine
from wagewatch.lib.cardhash import card_hash

D = datetime.date
MARCH, APRIL = D(2026, 3, 1), D(2026, 4, 1)
FAILED = PayLine.BankStatus.FAILED


@pytest.fixture
def project_a(township_a, department):
    return make_project(township_a, department, start_date=D(2025, 1, 1), payday=15)


@pytest.fixture
def project_b(township_b, department):
    return make_project(township_b, department, start_date=D(2025, 1, 1))


def _entry(project, **kw):
    return make_roster_entry(project, card_hash=card_hash(CARD), **kw)


@pytest.fixture
def march(project_a):
    """Paid in full to the registered card; paid to another card; failed at the bank (6,000 owed);
    attended with no wage due (owed, amount unknown)."""
    return [
        make_pay_line(_entry(project_a), MARCH),
        make_pay_line(_entry(project_a), MARCH, card="6217000011112222333"),
        make_pay_line(_entry(project_a), MARCH, bank_status=FAILED, bank_reason="户名不符"),
        make_pay_line(_entry(project_a), MARCH, due=None, net=None, paid_on=None, card="", days=Decimal(20)),
    ]


def _tab(client, project, **params):
    return client.get(reverse("wages:project_tab", args=[project.pk]), params)


def test_tab_lists_the_month_masked_with_card_check_and_the_arrears_card(
    client_for, inspector_a, project_a, march
):
    body = _tab(client_for(inspector_a), project_a, month="2026-03").content.decode()
    for line in march:
        worker = line.entry.worker
        assert worker.name in body and worker.masked_id in body and worker.id_number not in body
    assert CARD not in body and "6217000011112222333" not in body and march[0].card_hash not in body
    assert "6228 **** **** *** 1234" in body and "6217 **** **** *** 2333" in body
    assert body.count('class="tag tag-green">✓') == 2 and body.count('class="tag tag-red" title') == 1
    assert "户名不符" in body and "金额不明" in body
    # the card: B's 6,000 owed (the bank failed) and D owed an unknown amount; oldest month March
    assert "6,000.00</div>" in body and "被欠薪工人 2 人" in body and "最早欠薪月份 2026-03" in body
    assert "1 条明细有出勤但无应发金额" in body


def test_tab_says_which_months_are_summed_from_lines_and_which_are_reported(
    client_for, office, project_a, march
):
    Payroll.objects.create(project=project_a, month=D(2026, 1, 1), attended=9, paid=9, gross=90, net=90)
    Payroll.objects.create(project=project_a, month=MARCH, attended=50, paid=50, gross=5, net=5)
    r = _tab(client_for(office), project_a)
    months = {m.month: m for m in r.context["months"]}
    assert months[MARCH].derived and not months[D(2026, 1, 1)].derived
    # March from its 4 lines: 4 attended; 2 paid (the failed one and the unknown one were not);
    # gross 18,000 (D has none); net 12,000; via the account
    m = months[MARCH]
    assert (m.attended, m.paid, m.gross, m.net, m.via_account) == (
        4,
        2,
        Decimal("18000.00"),
        Decimal("12000.00"),
        True,
    )
    body = r.content.decode()
    assert body.count('tag-blue">明细汇总') == 1 and body.count('class="tag">报送总数') == 1
    assert r.context["month"] == MARCH


@pytest.mark.parametrize("n", [2, 50])
def test_tab_queries_do_not_grow_with_lines(client_for, office, project_a, n, django_assert_num_queries):
    for _n in range(n):
        make_pay_line(_entry(project_a), MARCH, net=Decimal("100"))
    client = client_for(office)
    # savepoint of the request; user, role; the project; lines summed by month, reported months;
    # lines count; the arrears card; unread notifications (menu); the page of lines with roster entry and
    # worker; release savepoint
    with django_assert_num_queries(11):
        r = _tab(client, project_a, month="2026-03")
    assert len(r.context["page"].object_list) == n


def test_other_townships_inspector_gets_404(client_for, inspector_b, project_a, march):
    client = client_for(inspector_b)
    assert _tab(client, project_a).status_code == 404
    assert client.get(reverse("wages:line_edit", args=[project_a.pk, march[0].pk])).status_code == 404


def test_line_of_another_project_is_not_reached_through_this_one(client_for, office, project_a, project_b):
    other = make_pay_line(make_roster_entry(project_b), MARCH)
    assert (
        client_for(office).get(reverse("wages:line_edit", args=[project_a.pk, other.pk])).status_code == 404
    )


def test_department_user_cannot_enter_lines(client_for, dept_user, project_a):
    assert client_for(dept_user).get(reverse("wages:line_add", args=[project_a.pk])).status_code == 403


def _form(entry, **kw):
    data = {"id_number": entry.worker.id_number, "month": "2026-04", "days": "22", "due": "6000",
            "deductions": "100", "net": "5900", "paid_on": "2026-05-12", "via_account": "true",
            "bank_status": "ok", "card_number": "6228 4800 1234 5671 234", "signed": "on"}  # fmt: skip
    return {**data, **kw}


def test_line_posted_twice_with_one_token_is_written_once(client_for, inspector_a, project_a):
    entry = _entry(project_a)
    client = client_for(inspector_a)
    url = reverse("wages:line_add", args=[project_a.pk])
    data = _form(entry, once_token=token_in_form(client.get(url).content.decode()))
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == 302 and second["Location"] == first["Location"]
    line = PayLine.objects.get()
    assert (line.entry, line.month, line.net, line.source) == (entry, APRIL, Decimal("5900.00"), "entry")
    assert line.card_masked == "6228 **** **** *** 1234" and line.card_matches is True
    assert line.history.get().history_user == inspector_a


def test_line_for_someone_not_on_the_roster_is_refused(client_for, inspector_a, project_a):
    entry = _entry(project_a)
    url = reverse("wages:line_add", args=[project_a.pk])
    r = client_for(inspector_a).post(url, with_token(_form(entry, id_number=valid_id()), inspector_a))
    assert "该工人未在本项目实名制花名册中登记" in r.context["form"].errors["id_number"]
    assert not PayLine.objects.exists()


def test_second_line_for_the_same_worker_month_is_refused(client_for, inspector_a, project_a, march):
    url = reverse("wages:line_add", args=[project_a.pk])
    r = client_for(inspector_a).post(url, with_token(_form(march[0].entry, month="2026-03"), inspector_a))
    assert "该工人该月已有工资明细，请修改原明细" in r.context["form"].errors["month"]


def test_edit_keeps_the_worker_and_the_card_left_as_shown(client_for, inspector_a, project_a, march):
    line = march[2]
    client = client_for(inspector_a)
    url = reverse("wages:line_edit", args=[project_a.pk, line.pk])
    page = client.get(url).content.decode()
    assert (
        line.entry.worker.masked_id in page and line.entry.worker.id_number not in page and CARD not in page
    )
    data = _form(
        line.entry, month="2026-03", id_number="", card_number=line.card_masked, paid_on="2026-04-20"
    )
    assert client.post(url, with_token(data, inspector_a)).status_code == 302
    line.refresh_from_db()
    assert (line.bank_status, line.net, line.card_hash) == ("ok", Decimal("5900.00"), card_hash(CARD))


def test_failed_without_reason_and_deductions_above_due_are_refused(client_for, inspector_a, project_a):
    entry = _entry(project_a)
    url = reverse("wages:line_add", args=[project_a.pk])
    data = _form(entry, bank_status="failed", deductions="7000")
    form = client_for(inspector_a).post(url, with_token(data, inspector_a)).context["form"]
    assert "处理结果为失败时须填写失败原因" in form.errors["bank_reason"]
    assert "扣款不能多于应发工资" in form.errors["deductions"]


def test_arrears_ledger_is_scoped(client_for, inspector_a, office, project_a, project_b, march):
    make_pay_line(make_roster_entry(project_b), MARCH, net=Decimal("1000"))  # 5,000 owed in township B
    r = client_for(inspector_a).get(reverse("wages:arrears"), {"on": "2026-05-01"})
    assert r.context["total"].amount == Decimal("6000.00") and r.context["total"].workers == 2
    assert [row["obj"] for row in r.context["projects"]] == [project_a]
    r = client_for(office).get(reverse("wages:arrears"), {"on": "2026-05-01"})
    assert r.context["total"].amount == Decimal("11000.00")
    assert [row["obj"] for row in r.context["projects"]] == [project_a, project_b]
    assert [row["arrears"].amount for row in r.context["townships"]] == [
        Decimal("6000.00"),
        Decimal("5000.00"),
    ]
    assert r.context["enterprises"][0]["obj"] == project_a.contractor


@pytest.mark.parametrize("n", [2, 30])
def test_arrears_ledger_queries_do_not_grow(
    client_for, office, township_a, department, n, django_assert_num_queries
):
    for _n in range(n):
        project = make_project(township_a, department, start_date=D(2025, 1, 1))
        make_pay_line(make_roster_entry(project), MARCH, net=None, paid_on=None)
    client = client_for(office)
    # savepoint of the request; user, role; the ledger (owed lines summed per worker and project);
    # names of townships, enterprises, projects; unread notifications (menu); release savepoint
    with django_assert_num_queries(9):
        r = client.get(reverse("wages:arrears"), {"on": "2026-05-01"})
    assert len(r.context["projects"]) == n


def test_enterprise_page_shows_its_workers_arrears_masked(client_for, office, project_a, march):
    labour = make_enterprise(kind=Enterprise.Kind.LABOUR)
    own = make_pay_line(_entry(project_a, employer=labour), MARCH, net=Decimal("2000"))
    r = client_for(office).get(reverse("wages:enterprise", args=[labour.pk]), {"on": "2026-05-01"})
    assert r.context["total"].amount == Decimal("4000.00") and r.context["total"].workers == 1
    body = r.content.decode()
    assert own.entry.worker.masked_id in body and own.entry.worker.id_number not in body
    contractor = client_for(office).get(
        reverse("wages:enterprise", args=[project_a.contractor_id]), {"on": "2026-05-01"}
    )
    assert contractor.context["total"].amount == Decimal(
        "6000.00"
    )  # the failed line; the labour firm's is its own


def test_project_overview_shows_the_arrears_card(client_for, inspector_a, project_a, march):
    body = client_for(inspector_a).get(reverse("projects:detail", args=[project_a.pk])).content.decode()
    assert "arrears-card" in body and "6,000.00</div>" in body and "被欠薪工人 2 人" in body
    assert reverse("wages:project_tab", args=[project_a.pk]) in body


@pytest.mark.parametrize("n", [2, 50])
def test_project_overview_queries_do_not_grow_with_lines(
    client_for, office, project_a, n, django_assert_num_queries
):
    for _n in range(n):
        make_pay_line(_entry(project_a), MARCH, net=None, paid_on=None)
    client = client_for(office)
    # savepoint; user, role; the project; counts of roster, transfers, payrolls, inspections (1); the
    # state panel (issue 18 item 10, 12): this month's transfer and the one before it (2), open hazards (1),
    # last month's pay lines summed and its reported payroll (2), the deposit position (6:
    # deposits.selectors.deposit_positions — the project row, arrears cases 2 and 1 years back, deposit
    # draws, the blacklist, guarantee letters), open cases (1); the arrears card; unread notifications
    # (menu); subcontracts; release savepoint
    with django_assert_num_queries(21):
        body = client.get(reverse("projects:detail", args=[project_a.pk])).content.decode()
    assert f"被欠薪工人 {n} 人" in body


def test_payroll_tab_marks_months_summed_from_lines_and_months_reported(client_for, office, project_a, march):
    Payroll.objects.create(project=project_a, month=D(2026, 1, 1), attended=9, paid=9, gross=90, net=90)
    r = client_for(office).get(reverse("projects:payroll", args=[project_a.pk]))
    assert [(p.month, p.derived) for p in r.context["payrolls"]] == [(MARCH, True), (D(2026, 1, 1), False)]
    body = r.content.decode()
    assert body.count('tag-blue">明细汇总') == 1 and body.count('class="tag">报送总数') == 1
