"""`make bench` (bench/run.py): the list of benchmarks and the one table, without running any (no timing)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from table import Row, emit, load, render  # noqa: E402


def test_run_lists_every_benchmark_without_a_database_or_env(tmp_path):
    out = subprocess.run(
        [sys.executable, "bench/run.py", "--list"], cwd=ROOT, capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    names = [line.split()[0] for line in out.stdout.splitlines()]
    assert names == [
        "import_roster", "import_pay_sheet", "risk_sweep", "wages_reconcile", "wages_scale", "report", "load",
    ]  # fmt: skip
    for name in names:
        assert (ROOT / "bench" / f"{name}.py").exists()


def test_rows_emitted_by_the_benchmarks_come_back_as_one_table(tmp_path, monkeypatch, capsys):
    path = tmp_path / "rows.jsonl"
    monkeypatch.setenv("BENCH_JSON", str(path))
    emit([Row("load", "p95 of the pages, 50 people", 180.0, "ms", "admin changelist", 120.0)])
    emit([Row("load", "project list, closed loop", 130.0, "req/s", "admin changelist", 40.0, target=100,
              higher_is_better=True)])  # fmt: skip
    capsys.readouterr()
    table = render(load(str(path)))
    lines = table.splitlines()
    assert lines[0].split() == ["bench", "work", "value", "anchor", "ratio", "target"]
    assert "1.50×" in lines[2] and "3.25×" in lines[3] and lines[3].endswith("ok")
