"""Small server-rendered SVG charts (no JavaScript): horizontal bars, grouped columns, a line.

Each function returns markup safe to insert in a page or in the PDF template (labels are escaped).
"""

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


def _num(value) -> str:
    return "—" if value is None else str(value)


def hbar(items: list[tuple[str, float]], *, title: str = "", width: int = 460, unit: str = "") -> SafeString:
    """Horizontal bars, one per (label, value), the value printed at the bar's end."""
    row, label_w, pad = 24, 190, 8
    height = max(1, len(items)) * row + pad * 2
    top = max([float(v or 0) for _l, v in items] + [1])
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


def columns(
    labels: list[str], series: list[tuple[str, list[float]]], *, title: str = "", width=640, height=220
) -> SafeString:
    """Grouped columns: one group per label, one column per series; legend on top."""
    pad, legend = 30, 22
    top = max([float(v or 0) for _n, values in series for v in values] + [1])
    step = (width - 2 * pad) / max(1, len(labels))
    bar = step * 0.8 / max(1, len(series))
    base = height - pad
    body = [
        f'<line x1="{pad}" y1="{base}" x2="{width - 4}" y2="{base}" stroke="#999"/>',
        f'<text x="2" y="{legend + 10}" font-size="10" fill="#666" {FONT}>{_num(top)}</text>',
    ]
    for s, (name, _values) in enumerate(series):
        x = pad + s * 120
        body.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="13" font-size="11" {FONT}>{escape(name)}</text>'
        )
    for i, label in enumerate(labels):
        x0 = pad + i * step + step * 0.1
        for s, (_name, values) in enumerate(series):
            v = float(values[i] or 0)
            h = round((base - legend - 6) * v / top, 1)
            x = round(x0 + s * bar, 1)
            body.append(
                f'<rect x="{x}" y="{round(base - h, 1)}" width="{round(bar, 1)}" height="{h}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(label)} {_num(values[i])}</title></rect>'
            )
        body.append(
            f'<text x="{round(pad + i * step + step / 2, 1)}" y="{height - 12}" font-size="10" '
            f'text-anchor="middle" fill="#444" {FONT}>{escape(label)}</text>'
        )
    return _svg(width, height, body, title)


def line(labels: list[str], values: list[float], *, title: str = "", unit: str = "", width=640, height=200):
    """One line with its points labelled (e.g. the deposit balance at each month's end)."""
    pad = 34
    top = max([float(v or 0) for v in values] + [1])
    step = (width - 2 * pad) / max(1, len(labels) - 1)
    base = height - pad
    points = [
        (round(pad + i * step, 1), round(base - (base - 16) * float(v or 0) / top, 1))
        for i, v in enumerate(values)
    ]
    body = [f'<line x1="{pad}" y1="{base}" x2="{width - 4}" y2="{base}" stroke="#999"/>',
            '<polyline fill="none" stroke="#1f6fb2" stroke-width="2" points="'
            + " ".join(f"{x},{y}" for x, y in points) + '"/>']  # fmt: skip
    for (x, y), label, v in zip(points, labels, values, strict=True):
        body.append(
            f'<circle cx="{x}" cy="{y}" r="3" fill="#1f6fb2"/>'
            f'<text x="{x}" y="{y - 6}" font-size="9" text-anchor="middle" {FONT}>{_num(v)}</text>'
            f'<text x="{x}" y="{height - 12}" font-size="10" text-anchor="middle" fill="#444" {FONT}>'
            f"{escape(label)}</text>"
        )
    return _svg(width, height, body, title + (f"（{unit}）" if unit else ""))


def report_charts(data: dict) -> dict[str, SafeString]:
    """The four charts of the summary and the dashboard, from report_data()."""
    h, c, trend = data["hazards"], data["complaints"], data["trend"]
    levels = [lv["label"] for lv in h["levels"]]
    starts, ends = [lv["start"] for lv in h["levels"]], [lv["end"] for lv in h["levels"]]
    labels = [t["label"] for t in trend]
    return {
        "hazards": columns(
            levels,
            [(_("期初"), starts), (_("期末"), ends)],
            title=_("隐患等级（期初/期末）"), width=360, height=200,
        ),
        "channels": hbar([(r["label"], r["n"]) for r in c["channels"]], title=_("投诉渠道"), unit=_("件")),
        "balance": line(labels, [t["balance"] for t in trend], title=_("保证金结存余额"), unit=_("万元")),
        "trend": columns(
            labels,
            [(_("受理投诉"), [t["received"] for t in trend]), (_("新发现隐患"), [t["opened"] for t in trend]),
             (_("月末未销号隐患"), [t["open"] for t in trend])],
            title=_("近12个月趋势"),
        ),
    }  # fmt: skip
