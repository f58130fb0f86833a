"""Prior-notice numbers stay gap-free and unique when approvers issue notices at the same moment."""

import datetime
import threading

import pytest
from django.db import connection

from blacklist import services
from blacklist.models import BlacklistEntry

from .factories import make_project, make_proposed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_notices_get_distinct_gap_free_numbers(office, township_a, department):
    entries = [make_proposed(user=office, project=make_project(township_a, department)) for _ in range(6)]
    barrier, errors = threading.Barrier(len(entries)), []

    def issue(entry):
        try:
            barrier.wait()
            services.blacklist_issue_notice(entry=entry, user=office, on=datetime.date(2026, 2, 2))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(e,)) for e in entries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(BlacklistEntry.objects.values_list("notice_seq", flat=True))
    assert seqs == [1, 2, 3, 4, 5, 6]
