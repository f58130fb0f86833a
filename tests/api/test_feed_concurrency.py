"""The same batch sent twice at once (a bank retrying on a timeout) is stored once (PostgreSQL, threads)."""

import threading

import pytest
from django.db import connection

from projects.models import LabourCostTransfer
from tests.api.factories import make_account, make_api_client, token_client, transfer_item
from tests.projects.factories import make_project


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_twins_store_once(township_a, department):
    project = make_project(township_a, department)
    bank = make_api_client(accounts=[make_account(project)])
    items = [transfer_item(project, month=f"2026-{m:02d}-01") for m in range(1, 13)]
    barrier, results = threading.Barrier(2), []

    def send():
        c = token_client(bank.user)
        barrier.wait()
        try:
            r = c.post("/api/v1/transfers/", items, format="json")
            results.append((r.status_code, r.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _body in results) == [200, 201]
    assert results[0][1] == results[1][1]
    assert LabourCostTransfer.objects.count() == 12
