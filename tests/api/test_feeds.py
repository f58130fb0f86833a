"""Bank feeds: batch POST of transfers and payroll, idempotent, all or nothing, errors listed per item."""

from decimal import Decimal

import pytest

from projects.models import LabourCostTransfer, Payroll
from tests.api.factories import make_api_client, payroll_item, token_client, transfer_item

API = "/api/v1"


def _post(c, path, items, **headers):
    return c.post(f"{API}/{path}/", items, format="json", **headers)


def test_bank_pushes_a_batch_of_transfers(bank, project_a, account_a):
    by_account = transfer_item(project_a, account_number=account_a.account_number, month="2026-04-01")
    del by_account["project_code"]
    r = _post(token_client(bank.user), "transfers", [transfer_item(project_a), by_account])
    assert r.status_code == 201, r.content
    assert [row["index"] for row in r.json()["items"]] == [0, 1]
    assert LabourCostTransfer.objects.filter(project=project_a).count() == 2


def test_same_batch_twice_is_stored_once_with_same_result(bank, project_a):
    items = [transfer_item(project_a), transfer_item(project_a, month="2026-04-09")]
    c = token_client(bank.user)
    first, second = _post(c, "transfers", items), _post(c, "transfers", items)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert LabourCostTransfer.objects.count() == 2
    assert LabourCostTransfer.objects.get(bank_reference=items[1]["bank_reference"]).month.day == 1


def test_idempotency_key_without_references(office, project_a):
    items = [payroll_item(project_a, bank_reference=None)]
    items[0].pop("bank_reference")
    c = token_client(office)
    first = _post(c, "payrolls", items, HTTP_IDEMPOTENCY_KEY="batch-2026-03")
    second = _post(c, "payrolls", items, HTTP_IDEMPOTENCY_KEY="batch-2026-03")
    assert (first.status_code, second.status_code) == (201, 200) and first.json() == second.json()
    assert Payroll.objects.count() == 1


def test_same_idempotency_key_with_other_body_conflicts(office, project_a):
    item = transfer_item(project_a)
    item.pop("bank_reference")
    c = token_client(office)
    assert _post(c, "transfers", [item], HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    changed = {**item, "amount": "99.00"}
    assert _post(c, "transfers", [changed], HTTP_IDEMPOTENCY_KEY="k1").status_code == 409
    assert _post(c, "transfers", [item, changed], HTTP_IDEMPOTENCY_KEY="k1").status_code == 409
    assert LabourCostTransfer.objects.count() == 1


def test_reference_reused_for_other_content_is_an_item_error(bank, project_a):
    item = transfer_item(project_a)
    c = token_client(bank.user)
    _post(c, "transfers", [item])
    r = _post(c, "transfers", [{**item, "amount": "1.00"}])
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {"index": 0, "field": "bank_reference", "message": "该银行流水号已用于内容不同的记录"}
    ]


def test_batch_with_bad_items_is_rejected_whole_with_every_error(bank, project_a, project_b):
    items = [
        transfer_item(project_a),
        transfer_item(project_a, amount="-5"),
        transfer_item(project_b),  # not the bank's account
        transfer_item(project_a, month="2026-13-01", transferred_on=None),
    ]
    r = _post(token_client(bank.user), "transfers", items)
    assert r.status_code == 400
    found = {(e["index"], e["field"]) for e in r.json()["errors"]}
    assert found == {(1, "amount"), (2, "project_code"), (3, "month"), (3, "transferred_on")}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in r.json()["errors"])  # Chinese
    assert LabourCostTransfer.objects.count() == 0


def test_service_errors_reject_the_batch(office, project_a):
    items = [payroll_item(project_a), payroll_item(project_a, month="2026-04-01", paid=50, attended=40)]
    r = _post(token_client(office), "payrolls", items)
    assert r.status_code == 400
    assert r.json()["errors"] == [{"index": 1, "field": "paid", "message": "实发人数不能多于出勤人数"}]
    assert Payroll.objects.count() == 0


def test_item_needs_a_reference_or_a_key(bank, project_a):
    item = transfer_item(project_a)
    item.pop("bank_reference")
    r = _post(token_client(bank.user), "transfers", [item, transfer_item(project_a)])
    assert r.status_code == 400 and [e["index"] for e in r.json()["errors"]] == [0]


def test_duplicate_reference_inside_a_batch(bank, project_a):
    item = transfer_item(project_a)
    r = _post(token_client(bank.user), "transfers", [item, {**item, "month": "2026-05-01"}])
    assert r.status_code == 400 and r.json()["errors"][0]["index"] == 1


def test_payroll_month_already_reported_under_other_reference(office, project_a):
    c = token_client(office)
    assert _post(c, "payrolls", [payroll_item(project_a)]).status_code == 201
    r = _post(c, "payrolls", [payroll_item(project_a)])
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "month"


def test_payroll_feed_completes_a_manual_entry(office, project_a):
    Payroll.objects.create(project=project_a, month="2026-03-01", attended=1, paid=1, gross=1, net=1)
    r = _post(token_client(office), "payrolls", [payroll_item(project_a)])
    assert r.status_code == 201
    payroll = Payroll.objects.get()
    assert payroll.attended == 40 and payroll.gross == Decimal("260000.00") and payroll.bank_reference


@pytest.mark.parametrize("body", [{}, [], "x", [1]])
def test_body_must_be_a_list_of_items(office, body):
    r = _post(token_client(office), "transfers", body)
    assert r.status_code == 400 and r.json()["errors"]


def test_payroll_replay_without_optional_fields(bank, project_a):
    item = payroll_item(project_a)
    del item["paid_on"]
    c = token_client(bank.user)
    assert [_post(c, "payrolls", [item]).status_code for _i in range(2)] == [201, 200]


@pytest.mark.parametrize(("path", "make_item"), [("transfers", transfer_item), ("payrolls", payroll_item)])
def test_another_banks_reference_is_not_already_used(bank, account_b, project_a, project_b, path, make_item):
    # Each bank numbers its own transactions: the same reference at two banks is two records.
    other_bank = make_api_client(accounts=[account_b])
    first = _post(token_client(bank.user), path, [make_item(project_a, bank_reference="20260305-0001")])
    second = _post(
        token_client(other_bank.user), path, [make_item(project_b, bank_reference="20260305-0001")]
    )
    assert (first.status_code, second.status_code) == (201, 201), second.content
    model = LabourCostTransfer if path == "transfers" else Payroll
    assert set(model.objects.filter(bank_reference="20260305-0001").values_list("project", flat=True)) == {
        project_a.pk,
        project_b.pk,
    }
    # and each bank's replay still finds its own record
    replay = _post(
        token_client(other_bank.user), path, [make_item(project_b, bank_reference="20260305-0001")]
    )
    assert replay.status_code == 200 and replay.json() == second.json()


def test_a_bank_cannot_overwrite_another_banks_payroll_with_its_reference(bank, project_a, account_a):
    first = payroll_item(project_a, bank_reference="P-0001")
    assert _post(token_client(bank.user), "payrolls", [first]).status_code == 201
    other_bank = make_api_client(accounts=[account_a])
    r = _post(token_client(other_bank.user), "payrolls", [{**first, "net": "1.00"}])
    assert r.status_code == 400
    assert Payroll.objects.get(project=project_a).net == Decimal("250000.00")
