"""The charts of the summary report and the dashboard (drawn by wagewatch.lib.charts)."""

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from wagewatch.lib.charts import columns, hbar, line


def report_charts(data: dict) -> dict[str, SafeString]:
    """The four charts of the summary and the dashboard, from report_data()."""
    h, c, trend = data["hazards"], data["complaints"], data["trend"]
    levels = [lv["label"] for lv in h["levels"]]
    starts, ends = [lv["start"] for lv in h["levels"]], [lv["end"] for lv in h["levels"]]
    # a stock not known on the day (None) is left out of the chart, never drawn as 0
    known = [
        (name, v)
        for name, v, ok in ((_("期初"), starts, h["known_start"]), (_("期末"), ends, h["known_end"]))
        if ok
    ]
    labels = [t["label"] for t in trend]
    return {
        "hazards": columns(
            levels,
            known,
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
