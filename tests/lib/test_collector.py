"""wagewatch.lib.collector: an import's passes run no full collection of the cyclic garbage collector (issue
19: a 50,000-row preview ran 8 to 10, each walking every object of the process); young ones still run."""

import gc
import io
import threading

import pytest
from openpyxl import Workbook

from projects.imports import roster_import_confirm, roster_import_preview
from projects.models import RosterEntry
from tests.projects.factories import make_project, valid_id
from wagewatch.lib.collector import NEVER, young_only


def collections(work) -> dict[int, int]:
    """Collections of each generation that start while ``work()`` runs, with the full ones made likely: the
    objects already there frozen (so few count as long-lived) and a full collection considered after every
    young one."""
    seen = {0: 0, 1: 0, 2: 0}

    def count(phase, info):
        if phase == "start":
            seen[info["generation"]] += 1

    before = gc.get_threshold()
    gc.freeze()
    gc.collect()
    gc.set_threshold(100, 1, 1)
    gc.callbacks.append(count)
    try:
        work()
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*before)
        gc.unfreeze()
    return seen


def survivors():
    """Container objects that live through young collections (as a batch of rows does), then go."""
    kept = [[i, str(i)] for i in range(50_000)]
    del kept


def test_the_harness_sees_full_collections_outside_a_pass():
    assert collections(survivors)[2] > 0


def test_a_pass_runs_young_collections_only():
    def inside():
        with young_only():
            survivors()

    seen = collections(inside)
    assert seen[0] > 0 and seen[2] == 0


def test_the_thresholds_come_back_after_nested_passes_and_an_error():
    before = gc.get_threshold()
    with pytest.raises(ValueError), young_only():
        assert gc.get_threshold() == (before[0], before[1], NEVER)
        with young_only():
            pass
        assert gc.get_threshold()[2] == NEVER  # the outer pass still runs
        raise ValueError
    assert gc.get_threshold() == before


def test_passes_in_two_threads_put_the_thresholds_back_when_both_end():
    before = gc.get_threshold()
    entered, leave = threading.Event(), threading.Event()

    def other():
        with young_only():
            entered.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    entered.wait(10)
    with young_only():
        pass
    assert gc.get_threshold()[2] == NEVER  # the other thread's pass is still running
    leave.set()
    thread.join(10)
    assert gc.get_threshold() == before


def _roster(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "手机号码", "进场日期"])
    for i in range(rows):
        sheet.append([f"工人{i}", valid_id(n=20_000 + i), "13800138000", "2024-03-05"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_roster_preview_and_its_confirm_run_no_full_collection(township_a, department, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    project = make_project(township_a, department)
    data = _roster(300)
    jobs = []

    def preview():
        jobs.append(roster_import_preview(project=project, user=None, filename="r.xlsx", data=data)[0])

    seen = collections(preview)
    assert jobs[0].error_count == 0 and seen[0] > 0 and seen[2] == 0
    seen = collections(lambda: jobs.append(roster_import_confirm(job=jobs[0], user=None)))
    assert jobs[1].status == "done" and seen[0] > 0 and seen[2] == 0
    assert RosterEntry.objects.filter(project=project).count() == 300
