"""Fault: a roster import interrupted half-way saves nothing.

1. A separate process parses a generated 20,000-row roster and runs projects.imports.roster_import_apply
   against the test database; after it reported its first written batch of four (inside its transaction)
   it is killed with kill -9. PostgreSQL counted the inserted rows, yet none of them is there.
2. In-process (SQLite too): the progress callback raises after the second batch; nothing is saved.
"""

import csv
import datetime
import io
import os
import signal
import subprocess

import pytest
from django.db import connection

from projects.imports import IMPORT_BATCH, parse_roster, roster_import_apply
from projects.models import RosterEntry, Worker
from tests.integration import faults_support as fs
from tests.projects.factories import make_project, valid_id

DRIVER = """
import sys
import django
django.setup()
from projects.imports import parse_roster, roster_import_apply
from projects.models import Project
parsed = parse_roster(open(sys.argv[1], "rb").read(), "big.csv")
assert not parsed.errors, parsed.errors[:3]
print("parsed", len(parsed.rows), flush=True)
roster_import_apply(
    project=Project.objects.get(pk=int(sys.argv[2])),
    rows=parsed.rows,
    progress=lambda p: print("progress", p, flush=True),
)
print("finished", flush=True)
"""


def roster_csv(rows: int) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["身份证号", "姓名", "手机号码", "班组", "进场时间", "签订合同"])
    for i in range(rows):
        number = valid_id(n=900_000 + i, birth=datetime.date(1980, 1, 1))
        w.writerow([number, f"工人{i:05d}", f"139{i:08d}", "钢筋班组", "2026-03-05", "是"])
    return out.getvalue().encode()


def _inserted(cur) -> int:
    cur.execute("SELECT pg_stat_clear_snapshot()")
    cur.execute(
        "SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables WHERE relname = 'projects_worker'"
    )
    return int(cur.fetchone()[0])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_import_process_killed_mid_way_saves_nothing(tmp_path, township_a, department):
    import psycopg2

    project = make_project(township_a, department)
    path = tmp_path / "big.csv"
    path.write_bytes(roster_csv(20_000))
    url = fs.database_url()
    watcher = psycopg2.connect(url)
    watcher.autocommit = True
    before = _inserted(watcher.cursor())
    proc = subprocess.Popen(
        [fs.PY, "-c", DRIVER, str(path), str(project.pk)],
        cwd=fs.ROOT,
        env=fs.child_env(DATABASE_URL=url, DEBUG="1", REDIS_URL=""),
        stdout=subprocess.PIPE,
        text=True,
    )
    seen = []
    try:
        for line in proc.stdout:
            seen.append(line.strip())
            if any(s.startswith("progress") for s in seen):
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    assert "finished" not in seen and seen[0] == "parsed 20000", seen
    assert proc.returncode == -signal.SIGKILL
    # The server saw a batch written (5,000+ worker rows inserted) and rolled it back.
    fs.wait_for(lambda: _inserted(watcher.cursor()) - before >= IMPORT_BATCH, timeout=15, what="stats")
    watcher.close()
    assert Worker.objects.count() == 0
    assert RosterEntry.objects.count() == 0
    # The project's roster can be imported afresh afterwards.
    created, updated = roster_import_apply(
        project=project, rows=parse_roster(roster_csv(50), "small.csv").rows
    )
    assert (created, updated) == (50, 0)


class Interrupted(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_import_failing_after_two_batches_saves_nothing(township_a, department):
    project = make_project(township_a, department)
    rows = parse_roster(roster_csv(3 * IMPORT_BATCH + 10), "r.csv").rows
    calls = []

    def progress(percent):
        calls.append(percent)
        if len(calls) == 2:
            assert Worker.objects.count() == 2 * IMPORT_BATCH  # written, inside the transaction
            raise Interrupted

    with pytest.raises(Interrupted):
        roster_import_apply(project=project, rows=rows, progress=progress)
    assert len(calls) == 2
    assert Worker.objects.count() == 0 and RosterEntry.objects.count() == 0
    assert connection.in_atomic_block is False
