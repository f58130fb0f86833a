"""The one table every benchmark prints its figures into (issue 19: each figure beside its anchor, measured in
the same run, with the ratio and the target).

A benchmark builds ``Row``s and calls ``emit(rows)``: the rows are printed as a table and, when the
environment names ``BENCH_JSON`` (``make bench`` does), appended to that file as JSON lines so that
``bench/run.py`` prints all of them in one table at the end.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Row:
    """One figure: ``value`` (in ``unit``) beside ``anchor`` (same unit) measured in the same run.

    ``target`` is the ratio value/anchor to stay at or under (``None``: reported only); for throughput
    figures (higher is better) set ``higher_is_better`` and the target is the minimum value itself."""

    bench: str
    work: str
    value: float
    unit: str
    anchor_name: str = ""
    anchor: float | None = None
    target: float | None = None
    higher_is_better: bool = False
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.anchor in (None, 0):
            return None
        return self.value / self.anchor  # type: ignore[operator]

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        if self.higher_is_better:
            return "ok" if self.value >= self.target else "MISS"
        ratio = self.ratio if self.anchor is not None else self.value
        return "ok" if ratio is not None and ratio <= self.target else "MISS"


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}" if abs(x) < 1 else f"{x:.2f}"


def render(rows: Iterable[Row]) -> str:
    rows = list(rows)
    head = ("bench", "work", "value", "anchor", "ratio", "target", "")
    body = [
        (
            r.bench,
            r.work,
            f"{_fmt(r.value)} {r.unit}",
            f"{r.anchor_name} {_fmt(r.anchor)} {r.unit}".strip() if r.anchor is not None else r.anchor_name,
            f"{r.ratio:.2f}×" if r.ratio is not None else "",
            ("≥ " if r.higher_is_better else "≤ ")
            + _fmt(r.target)
            + ("" if r.higher_is_better or r.anchor is None else "×")
            if r.target is not None
            else "",
            r.verdict,
        )
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body, strict=False)]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=False)).rstrip()
        for line in [head, *body]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {r.work}: {r.note}" for r in rows if r.note]
    return "\n".join(lines + (["notes:", *notes] if notes else []))


def emit(rows: Iterable[Row]) -> None:
    """Print the rows as a table; append them to $BENCH_JSON when set."""
    rows = list(rows)
    print(render(rows))
    path = os.environ.get("BENCH_JSON")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            for r in rows:
                out.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")


def load(path: str) -> list[Row]:
    with open(path, encoding="utf-8") as f:
        return [Row(**json.loads(line)) for line in f if line.strip()]
