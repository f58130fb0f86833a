"""Small server-rendered SVG charts (no JavaScript): horizontal bars, grouped columns (with an optional line
over them), a line. The one chart engine of the pages and the PDF reports.

Each function returns markup safe to insert in a page or in a PDF template (labels are escaped).
"""

import math
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

PALETTE = ["#1f6fb2", "#d9822b", "#c0392b", "#2b9348", "#7b5ea7", "#5f6b7a", "#b8860b"]
FONT = 'font-family="Noto Sans CJK SC, sans-serif"'


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" class="chart">'
    )
    return mark_safe(head + "".join(body) + "</svg>")


def _empty(values: Iterable[float | None]) -> bool:
    """Nothing to draw: no values, or every one None or zero."""
    return not any(float(v or 0) for v in values)


def _no_data(width: int, height: int, title: str) -> SafeString:
    """An empty chart: a framed box saying so, never blank axes."""
    no_data = escape(_("本期无数据"))  # outside the f-string, where makemessages finds it
    body = [
        f'<rect x="1" y="1" width="{width - 2}" height="{height - 2}" fill="none" stroke="#ccc"/>',
        f'<text x="{width // 2}" y="{height // 2 + 5}" font-size="14" text-anchor="middle" fill="#666" '
        f'class="no-data" {FONT}>{no_data}</text>',
    ]
    return _svg(width, height, body, title)


MAX_TICK_INTERVALS = 5


def ticks(top: float) -> list[int]:
    """Integer axis ticks from 0 to at least ``top``: the smallest step of 1, 2 or 5 × 10ⁿ that needs
    at most MAX_TICK_INTERVALS intervals (counts: 42 → 0, 10, …, 50; 3 → 0, 1, 2, 3)."""
    top = max(1.0, top)
    magnitude = 10 ** max(0, math.floor(math.log10(top / MAX_TICK_INTERVALS)))
    step = next(
        s * m
        for m in (magnitude, magnitude * 10)
        for s in (1, 2, 5)
        if math.ceil(top / (s * m)) <= MAX_TICK_INTERVALS
    )
    return [i * step for i in range(math.ceil(top / step) + 1)]


def _num(value: object) -> str:
    return "—" if value is None else str(value)


def _top(values: Iterable[float | None]) -> float:
    return max([float(v or 0) for v in values] + [1])


def _polyline(points: list[tuple[float, float]], color: str) -> str:
    coords = " ".join(f"{x},{y}" for x, y in points)
    return f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{coords}"/>'


def hbar(items: list[tuple[str, float]], *, title: str = "", width: int = 460, unit: str = "") -> SafeString:
    """Horizontal bars, one per (label, value), the value printed at the bar's end."""
    row, label_w, pad = 24, 190, 8
    if _empty(v for _l, v in items):
        return _no_data(width, 80, title)
    height = max(1, len(items)) * row + pad * 2
    top = _top(v for _l, v in items)
    span = width - label_w - 70
    body = []
    for i, (label, value) in enumerate(items):
        y = pad + i * row
        w = round(span * float(value or 0) / top, 1)
        color = PALETTE[i % len(PALETTE)]
        body.append(
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" font-size="12" {FONT}>'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{w}" height="{row - 8}" fill="{color}"/>'
            f'<text x="{label_w + w + 4}" y="{y + 16}" font-size="12" {FONT}>'
            f"{_num(value)}{escape(unit)}</text>"
        )
    return _svg(width, height, body, title)


def _legend(names: list[str]) -> list[str]:
    return [
        f'<rect x="{30 + s * 120}" y="4" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>'
        f'<text x="{44 + s * 120}" y="13" font-size="11" {FONT}>{escape(name)}</text>'
        for s, name in enumerate(names)
    ]


def _overlay(name: str, values: list[float], points: list[tuple[float, float]], color: str) -> list[str]:
    """A line over the columns, one point a group, each with its value as a tooltip."""
    dots = [
        f'<circle cx="{x}" cy="{y}" r="3" fill="{color}"><title>{escape(name)} {_num(v)}</title></circle>'
        for (x, y), v in zip(points, values, strict=True)
    ]
    return [_polyline(points, color), *dots]


def columns(
    labels: list[str],
    series: list[tuple[str, list[float]]],
    *,
    line: tuple[str, list[float]] | None = None,
    title: str = "",
    width: int = 640,
    height: int = 220,
) -> SafeString:
    """Grouped columns: one group per label, one column per series; legend on top; ``line`` (name, values),
    when given, drawn over the groups on the same scale."""
    pad, legend = 30, 22
    lines = [line] if line else []
    if not labels or _empty(v for _n, values in [*series, *lines] for v in values):
        return _no_data(width, height, title)
    scale = ticks(_top(v for _n, values in [*series, *lines] for v in values))
    top = scale[-1]
    step = (width - 2 * pad) / max(1, len(labels))
    bar = step * 0.8 / max(1, len(series))
    base = height - pad

    def rise(value: float | None) -> float:
        return round((base - legend - 6) * float(value or 0) / top, 1)

    body = [f'<line x1="{pad}" y1="{base}" x2="{width - 4}" y2="{base}" stroke="#999"/>']
    for tick in scale:  # integer ticks with a light grid line each
        y = round(base - rise(tick), 1)
        if tick:
            body.append(f'<line x1="{pad}" y1="{y}" x2="{width - 4}" y2="{y}" stroke="#eee"/>')
        body.append(
            f'<text x="{pad - 4}" y="{y + 3}" font-size="10" text-anchor="end" fill="#666" class="tick" '
            f"{FONT}>{tick}</text>"
        )
    body += _legend([name for name, _v in [*series, *lines]])
    centres = [round(pad + i * step + step / 2, 1) for i in range(len(labels))]
    for i, label in enumerate(labels):
        x0 = pad + i * step + step * 0.1
        for s, (_name, values) in enumerate(series):
            h, x = rise(values[i]), round(x0 + s * bar, 1)
            body.append(
                f'<rect x="{x}" y="{round(base - h, 1)}" width="{round(bar, 1)}" height="{h}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(label)} {_num(values[i])}</title></rect>'
            )
        body.append(
            f'<text x="{centres[i]}" y="{height - 12}" font-size="10" text-anchor="middle" fill="#444" '
            f"{FONT}>{escape(label)}</text>"
        )
    for name, values in lines:
        points = [(x, round(base - rise(v), 1)) for x, v in zip(centres, values, strict=True)]
        body += _overlay(name, values, points, PALETTE[len(series) % len(PALETTE)])
    return _svg(width, height, body, title)


def line(
    labels: list[str],
    values: list[float],
    *,
    title: str = "",
    unit: str = "",
    width: int = 640,
    height: int = 200,
) -> SafeString:
    """One line with its points labelled (e.g. the deposit balance at each month's end)."""
    pad = 34
    if not labels or all(v is None for v in values):
        return _no_data(width, height, title + (_("（") + unit + _("）") if unit else ""))
    top = _top(values)
    step = (width - 2 * pad) / max(1, len(labels) - 1)
    base = height - pad
    points = [
        (round(pad + i * step, 1), round(base - (base - 16) * float(v or 0) / top, 1))
        for i, v in enumerate(values)
    ]
    body = [
        f'<line x1="{pad}" y1="{base}" x2="{width - 4}" y2="{base}" stroke="#999"/>',
        _polyline(points, PALETTE[0]),
    ]
    for (x, y), label, v in zip(points, labels, values, strict=True):
        body.append(
            f'<circle cx="{x}" cy="{y}" r="3" fill="{PALETTE[0]}"/>'
            f'<text x="{x}" y="{y - 6}" font-size="9" text-anchor="middle" {FONT}>{_num(v)}</text>'
            f'<text x="{x}" y="{height - 12}" font-size="10" text-anchor="middle" fill="#444" {FONT}>'
            f"{escape(label)}</text>"
        )
    return _svg(width, height, body, title + (_("（") + unit + _("）") if unit else ""))
