"""The same pay-line batch sent twice at once (a bank retrying on a timeout) is stored once; a re-sent
failed line racing its replay updates the line once (PostgreSQL, threads)."""

import datetime
import threading

import pytest
from django.db import connection

from tests.api.factories import make_account, make_api_client, token_client
from tests.projects.factories import make_project, make_roster_entry
from tests.wages.test_api import API, line_item
from wages.models import PayLine


def _twice(user, items) -> list[tuple[int, dict]]:
    barrier, results = threading.Barrier(2), []

    def send():
        c = token_client(user)
        barrier.wait()
        try:
            r = c.post(API, items, format="json")
            results.append((r.status_code, r.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def setup(township_a, department):
    project = make_project(township_a, department, start_date=datetime.date(2025, 1, 1))
    bank = make_api_client(accounts=[make_account(project)])
    return bank, [make_roster_entry(project) for _n in range(12)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_twin_batches_store_once(setup):
    bank, entries = setup
    items = [line_item(e) for e in entries]
    results = _twice(bank.user, items)
    assert sorted(code for code, _body in results) == [200, 201]
    assert results[0][1] == results[1][1]
    assert PayLine.objects.count() == 12 and PayLine.history.count() == 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_resends_of_a_failed_line_update_it_once(setup):
    bank, entries = setup
    failed = line_item(entries[0], status="失败", reason="账户已销户")
    assert token_client(bank.user).post(API, [failed], format="json").status_code == 201
    results = _twice(bank.user, [line_item(entries[0], bank_reference="RESEND-1")])
    assert sorted(code for code, _body in results) == [200, 201]
    line = PayLine.objects.get()
    assert (line.bank_status, line.bank_reference) == ("ok", "RESEND-1")
    assert line.history.count() == 2
