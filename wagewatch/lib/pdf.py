"""PDF from a Django template with WeasyPrint; CJK text in Noto Sans CJK SC, subset and embedded."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path


def render_pdf(template: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """Render ``template`` (HTML with print CSS; extend ``pdf/base.html``) to PDF bytes."""
    from weasyprint import HTML  # imported late: pango loads only when a PDF is made

    html = render_to_string(template, context, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(filename: str, content: bytes, *, inline: bool = True) -> HttpResponse:
    """An HTTP response carrying a PDF, with a UTF-8 file name."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
