"""The bank pay-line feed (代发明细): batches all or nothing, idempotent by reference, identity from the
roster, failed lines re-sent, read back scoped and masked."""

import datetime
import itertools
from decimal import Decimal

import pytest

from projects.models import ApiClient
from tests.api.factories import make_account, make_api_client, token_client
from tests.projects.factories import make_project, make_roster_entry, valid_id
from tests.wages.factories import CARD, make_pay_line
from wages.models import PayLine
from wages.selectors import arrears
from wagewatch.lib.cardhash import card_hash

API = "/api/v1/pay-lines/"
MARCH = datetime.date(2026, 3, 1)
_refs = itertools.count(1)


def line_item(entry, **kw) -> dict:
    item = {
        "project_code": entry.project.code,
        "month": "2026-03-01",
        "id_number": entry.worker.id_number,
        "name": entry.worker.name,
        "card_number": CARD,
        "amount": "5800.00",
        "paid_on": "2026-04-10",
        "status": "成功",
        "bank_reference": f"DF{next(_refs):08d}",
    }
    item.update(kw)
    return item


def _post(c, items):
    return c.post(API, items, format="json")


@pytest.fixture
def project_a(township_a, department):
    return make_project(township_a, department, name="甲镇安置房", start_date=datetime.date(2025, 1, 1))


@pytest.fixture
def project_b(township_b, department):
    return make_project(township_b, department, name="乙镇污水管网", start_date=datetime.date(2025, 1, 1))


@pytest.fixture
def bank(project_a):
    return make_api_client(accounts=[make_account(project_a)], username="bank")


@pytest.fixture
def crew(project_a):
    """Two workers on project A's roster with the card CARD registered."""
    return [make_roster_entry(project_a, card_hash=card_hash(CARD)) for _n in range(2)]


def test_bank_pushes_a_batch_of_pay_lines(bank, crew):
    r = _post(token_client(bank.user), [line_item(crew[0]), line_item(crew[1], month="2026-03-17")])
    assert r.status_code == 201, r.content
    lines = {line.entry_id: line for line in PayLine.objects.all()}
    assert [(row["index"], row["entry"]) for row in r.json()["items"]] == [(0, crew[0].pk), (1, crew[1].pk)]
    line = lines[crew[0].pk]
    assert (line.month, line.net, line.paid_on) == (MARCH, Decimal("5800.00"), datetime.date(2026, 4, 10))
    assert (line.bank_status, line.source, line.via_account, line.api_client) == ("ok", "bank", True, bank)
    assert line.card_masked == "6228 **** **** *** 1234" and line.card_hash == card_hash(CARD)
    assert line.card_matches is True and line.history.count() == 1
    assert lines[crew[1].pk].month == MARCH


def test_same_batch_twice_is_stored_once_with_the_same_answer(bank, crew):
    items = [line_item(crew[0]), line_item(crew[1])]
    c = token_client(bank.user)
    first, second = _post(c, items), _post(c, items)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert PayLine.objects.count() == 2 and PayLine.history.count() == 2


def test_batch_with_any_error_is_rejected_whole_with_every_error(bank, crew, project_a, project_b):
    gone = make_roster_entry(
        project_a, entry_date=datetime.date(2025, 1, 1), exit_date=datetime.date(2026, 2, 1)
    )
    elsewhere = make_roster_entry(project_b)
    items = [
        line_item(crew[0]),
        line_item(crew[1], id_number=valid_id()),  # not on the roster: an unregistered worker
        line_item(gone),  # left the site in February
        {**line_item(elsewhere), "project_code": project_a.code},  # on another project's roster
        line_item(elsewhere),  # project B: not the bank's account
        line_item(crew[1], id_number="341122198506150000", card_number="12", status="退回"),
        line_item(crew[1], status="失败"),  # no reason
        line_item(crew[1], name="李四"),
        line_item(crew[0], month="2026-03-20"),  # same worker-month twice
        line_item(crew[1], bank_reference=None),
    ]
    items.append(line_item(crew[1], bank_reference=items[0]["bank_reference"], month="2026-04-01"))
    r = _post(token_client(bank.user), items)
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert {(e["index"], e["field"]) for e in errors} == {
        (1, "id_number"), (2, "id_number"), (3, "id_number"), (4, "project_code"), (5, "id_number"),
        (5, "card_number"), (5, "status"), (6, "reason"), (7, "name"), (8, "id_number"),
        (9, "bank_reference"), (10, "bank_reference"),
    }  # fmt: skip
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in errors)  # Chinese
    assert [e["index"] for e in errors] == sorted(e["index"] for e in errors)
    assert PayLine.objects.count() == 0


def test_unregistered_worker_is_named_as_such(bank, crew):
    r = _post(token_client(bank.user), [line_item(crew[0], id_number=valid_id())])
    assert r.json()["errors"] == [
        {"index": 0, "field": "id_number", "message": "该工人未在本项目实名制花名册中登记"}
    ]


def test_failed_line_resent_under_a_new_reference_updates_it(bank, crew):
    c = token_client(bank.user)
    failed = line_item(crew[0], status="失败", reason="户名与账号不符")
    assert _post(c, [failed]).status_code == 201
    line = PayLine.objects.get()
    assert (line.bank_status, line.bank_reason) == ("failed", "户名与账号不符")
    assert arrears(PayLine.objects.all(), on=datetime.date(2026, 4, 20)).amount == Decimal("5800.00")
    resent = line_item(crew[0], paid_on="2026-04-22")
    r = _post(c, [resent])
    assert r.status_code == 201 and r.json()["items"][0]["id"] == line.pk
    line.refresh_from_db()
    assert (line.bank_status, line.bank_reason, line.bank_reference) == ("ok", "", resent["bank_reference"])
    assert line.history.count() == 2
    assert arrears(PayLine.objects.all(), on=datetime.date(2026, 4, 21)).amount == Decimal("5800.00")
    assert not arrears(PayLine.objects.all(), on=datetime.date(2026, 4, 22))


def test_failed_line_reported_ok_under_the_same_reference_updates_it(bank, crew):
    c = token_client(bank.user)
    failed = line_item(crew[0], status="failed", reason="账户冻结")
    _post(c, [failed])
    r = _post(c, [{**failed, "status": "ok", "reason": "", "paid_on": "2026-04-12"}])
    assert r.status_code == 201
    line = PayLine.objects.get()
    assert (line.bank_status, line.paid_on, line.bank_reference) == (
        "ok",
        datetime.date(2026, 4, 12),
        failed["bank_reference"],
    )


def test_same_reference_with_another_amount_is_refused(bank, crew):
    c = token_client(bank.user)
    item = line_item(crew[0])
    _post(c, [item])
    r = _post(c, [{**item, "amount": "100.00"}])
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {"index": 0, "field": "bank_reference", "message": "该银行流水号已用于内容不同的记录"}
    ]
    assert PayLine.objects.get().net == Decimal("5800.00")


def test_a_line_paid_cannot_be_replaced_under_another_reference(bank, crew):
    c = token_client(bank.user)
    _post(c, [line_item(crew[0])])
    r = _post(c, [line_item(crew[0], amount="1.00")])
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "bank_reference"
    assert PayLine.objects.get().net == Decimal("5800.00")


def test_bank_line_completes_the_pay_sheet_line(bank, crew):
    sheet = make_pay_line(
        crew[0],
        MARCH,
        source=PayLine.Source.SHEET,
        net=None,
        paid_on=None,
        bank_status="",
        card="",
        days=Decimal("21.5"),
    )
    r = _post(
        token_client(bank.user), [line_item(crew[0], amount="6000.00", card_number="6217 0000 1111 2222 333")]
    )
    assert r.status_code == 201
    sheet.refresh_from_db()
    assert (sheet.days, sheet.due, sheet.net, sheet.source) == (
        Decimal("21.5"),
        Decimal("6000.00"),
        Decimal("6000.00"),
        "sheet",
    )
    assert sheet.card_matches is False  # paid to another card than the one registered


def test_another_bank_numbers_its_own_references(bank, crew, project_a):
    other = make_api_client(accounts=[project_a.wage_account])
    first = line_item(crew[0], bank_reference="20260410-1")
    assert _post(token_client(bank.user), [first]).status_code == 201
    second = line_item(crew[1], bank_reference="20260410-1")
    assert _post(token_client(other.user), [second]).status_code == 201
    assert PayLine.objects.filter(bank_reference="20260410-1").count() == 2


@pytest.mark.parametrize("who", ["inspector_a", "dept_user", "platform"])
def test_only_banks_and_office_staff_push_lines(request, who, crew):
    user = (
        make_api_client(kind=ApiClient.Kind.PLATFORM).user
        if who == "platform"
        else request.getfixturevalue(who)
    )
    assert _post(token_client(user), [line_item(crew[0])]).status_code == 403
    assert PayLine.objects.count() == 0


def test_office_pushes_lines_for_any_project(office, crew):
    assert _post(token_client(office), [line_item(crew[0])]).status_code == 201
    assert PayLine.objects.get().api_client is None


@pytest.mark.parametrize("body", [{}, [], "x", [1]])
def test_body_must_be_a_list_of_items(office, body):
    r = _post(token_client(office), body)
    assert r.status_code == 400 and r.json()["errors"]


def test_list_is_scoped_and_masked(bank, crew, project_b, inspector_a, inspector_b, office):
    mine = make_pay_line(crew[0], MARCH, bank_reference="R-A")
    theirs = make_pay_line(make_roster_entry(project_b), MARCH, bank_reference="R-B")
    for user, expected in [(bank.user, {mine.pk}), (inspector_a, {mine.pk}), (inspector_b, {theirs.pk}),
                           (office, {mine.pk, theirs.pk})]:  # fmt: skip
        r = token_client(user).get(API)
        assert r.status_code == 200 and {row["id"] for row in r.json()["results"]} == expected
    body = token_client(office).get(API).content.decode()
    assert crew[0].worker.masked_id in body and crew[0].worker.id_number not in body
    assert mine.card_masked in body and CARD not in body and mine.card_hash not in body
    row = token_client(bank.user).get(f"{API}{mine.pk}/").json()
    assert row["card_matches"] is True and row["id_number_masked"] == crew[0].worker.masked_id
    assert token_client(bank.user).get(f"{API}{theirs.pk}/").status_code == 404


def _send_batch(c, entries):
    return _post(c, [line_item(e) for e in entries])


@pytest.mark.parametrize("n", [2, 30])
def test_batch_costs_the_same_queries_whatever_its_size(bank, project_a, n, django_assert_num_queries):
    entries = [make_roster_entry(project_a) for _n in range(n)]
    c = token_client(bank.user)
    # savepoint of the request; token + user; api client; projects by code; savepoint of the batch;
    # roster entries; locked lines; insert lines; insert their history; release both savepoints
    with django_assert_num_queries(11):
        assert _send_batch(c, entries).status_code == 201


@pytest.mark.parametrize("n", [2, 30])
def test_list_costs_the_same_queries_whatever_its_length(office, project_a, n, django_assert_num_queries):
    for _n in range(n):
        make_pay_line(make_roster_entry(project_a), MARCH)
    c = token_client(office)
    # savepoint of the request; token + user; api client (none); the role; count; the page with project
    # and worker; release savepoint
    with django_assert_num_queries(7):
        assert len(c.get(API).json()["results"]) == n
