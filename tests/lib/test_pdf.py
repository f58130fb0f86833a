import shutil
import subprocess

import pytest

from wagewatch.lib.pdf import render_pdf
from wagewatch.lib.qr import qr_svg


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_pdf_embeds_a_subset_cjk_font(tmp_path, settings):
    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    settings.TEMPLATES = [engine]
    (tmp_path / "t.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>维权信息告示牌</h1>'
        "<p>农民工工资支付投诉举报电话：12333</p>{% endblock %}"
    )
    pdf = render_pdf("t.html", {})
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "Noto-Sans-CJK" in line or "NotoSansCJK" in line]
    assert cjk, fonts
    # emb, sub and uni columns all "yes", and the subset prefix (ABCDEF+) on the name
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in cjk)
    assert all("+" in line.split()[0] for line in cjk)
    assert len(pdf) < 400_000  # two weights of the CJK font, subset


def test_qr_svg_is_inline_svg():
    svg = qr_svg("http://127.0.0.1:8000/c/P001/")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
