"""QR codes as inline SVG (for pages and PDFs alike)."""

import segno


def qr_svg(data: str, *, scale: int = 4) -> str:
    """An SVG <svg> element encoding ``data`` (error correction M), without the XML declaration."""
    return segno.make(data, error="m").svg_inline(scale=scale, border=2)
