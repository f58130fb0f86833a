"""The report PDFs: the work summary (quarterly / custom range) and the weekly / monthly bulletin."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from wagewatch.lib import config

from .charts import report_charts
from .figures import unknown_note
from .figures.common import pct

TEMPLATES = {
    "weekly": "reports/pdf/bulletin.html",
    "monthly": "reports/pdf/bulletin.html",
    "campaign": "reports/pdf/campaign.html",
}


def context(*, run, data: dict, tasks: list[dict] | None = None) -> dict:
    c = data["complaints"]
    return {
        "run": run,
        "data": data,
        "county": config.COUNTY_NAME(),
        "charts": report_charts(data),
        "closure_rate": pct(c["closure_rate"]),
        "on_time_rate": pct(c["on_time_rate"]),
        "clean_end_rate": pct(data["grades"]["end"]["clean_rate"]),
        "clean_start_rate": pct(data["grades"]["start"]["clean_rate"]),
        "unknown_note": unknown_note(data),
        "plan": run.plan.strip(),  # printed with |linebreaks: a blank line a paragraph, a line break kept
        "tasks": tasks or [],
        "today": timezone.localdate(),  # the date under the signature
    }


def build_pdf(*, run, data: dict, tasks: list[dict] | None = None) -> tuple[bytes, int]:
    """(PDF bytes, pages). As wagewatch.lib.pdf.render_pdf (same base URL, subset fonts), but through
    WeasyPrint's document so the page count is known without parsing the compressed PDF."""
    from weasyprint import HTML  # imported late: pango loads only when a PDF is made

    template = TEMPLATES.get(run.kind, "reports/pdf/summary.html")
    html = render_to_string(template, context(run=run, data=data, tasks=tasks))
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    return document.write_pdf(), len(document.pages)
