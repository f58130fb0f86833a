"""The English catalogue is complete, and pages switched to English through set_language speak it."""

import ast
import datetime
import io
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.complaints.factories import make_complaint, make_project
from tests.conftest import ROOT

PO_FILE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|\{\w+\}|</?\w+[^>]*>")


def _entries(path) -> list[dict]:
    """The .po file as dicts of flags, msgid, msgid_plural and msgstr {form: text} (header included)."""
    entries, entry, key = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#~"):
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgid": "", "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(entry, key, ast.literal_eval(line))
        else:
            key, _, text = line.partition(" ")
            _append(entry, key, ast.literal_eval(text), start=True)
    return entries


def _append(entry: dict, key: str, text: str, start=False):
    if key.startswith("msgstr"):
        index = int(key[7:-1]) if "[" in key else 0
        entry["msgstr"][index] = ("" if start else entry["msgstr"][index]) + text
    else:
        field = "msgid_plural" if key == "msgid_plural" else "msgid"
        entry[field] = ("" if start else entry[field] or "") + text


@pytest.fixture(scope="module")
def entries():
    found = [e for e in _entries(PO_FILE) if e["msgid"]]  # the header has an empty msgid
    assert len(found) > 1000, "the parser found too few entries"
    return found


def test_every_msgid_has_an_english_msgstr(entries):
    empty = [e["msgid"] for e in entries if not all(e["msgstr"].values()) or not e["msgstr"]]
    assert empty == []


def test_no_entry_is_fuzzy(entries):
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []


def test_plural_entries_have_both_english_forms(entries):
    plural = [e for e in entries if e["msgid_plural"]]
    assert plural, "the catalogue should hold the pagination plural"
    assert all(sorted(e["msgstr"]) == [0, 1] and all(e["msgstr"].values()) for e in plural)


def test_translations_keep_every_placeholder(entries):
    def keeps(e):
        return all(
            sorted(PLACEHOLDER.findall(s)) == sorted(PLACEHOLDER.findall(e["msgid"]))
            for s in e["msgstr"].values()
        )

    assert [e["msgid"] for e in entries if not keeps(e)] == []


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "english", "chinese"),
    [
        ("/complaints/", "Receive a case", "登记案件"),
        ("/deposits/", "Export ledger", "导出台账"),
        ("/hazards/", "No matching hazards.", "没有符合条件的隐患"),
        ("/blacklist/grades/", "Recompute", "重新计算"),
        ("/tasks/", "No matching tasks.", "没有符合条件的任务"),
    ],
)
def test_staff_pages_render_in_english(client_for, office, url, english, chinese):
    html = _english(client_for(office)).get(url).content.decode()
    assert '<html lang="en">' in html
    assert english in html and chinese not in html


@pytest.mark.django_db
def test_case_detail_renders_in_english(client_for, office):
    case = make_complaint(project=make_project())
    html = _english(client_for(office)).get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert "Case details" in html and "Arrears period" in html
    assert "案件情况" not in html and "欠薪期间" not in html


@pytest.mark.django_db
def test_public_form_and_its_messages_are_english(anonymous):
    client = _english(anonymous)
    page = client.get(reverse("complaints:public_form")).content.decode()
    assert "Captcha (enter the digits in the picture)" in page and "验证码（请填写图中的数字）" not in page
    # a message raised in Python (gettext in the view), not only template text
    refused = client.post(reverse("complaints:lookup"), {"number": "TS2026-000001", "phone": "13912345678"})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "The captcha is wrong or has expired" in html and "验证码错误或已过期" not in html


# --- The catalogue is complete and current -------------------------------------------------------------


def test_msgfmt_finds_no_untranslated_or_fuzzy_entry():
    done = subprocess.run(
        ["msgfmt", "--statistics", "--check", "-o", "/dev/null", str(PO_FILE)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    statistics = done.stderr.strip().splitlines()[-1]
    assert "translated message" in statistics
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics


def _sources(directory, names):
    """What makemessages reads (code, templates, the catalogue, settings' .env); not the virtualenv."""
    skip = {".venv", ".git", "node_modules", "media", "__pycache__", "static"}
    return [n for n in names if n in skip or (Path(directory, n).is_file() and not n.endswith(KEPT))]


KEPT = (".py", ".html", ".txt", ".po", ".env")


def test_makemessages_finds_no_message_missing_from_the_catalogue(tmp_path):
    """A string wrapped in gettext but not yet in django.po (or changed since) comes out of makemessages,
    run on a copy of the sources, as an untranslated or fuzzy entry."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=_sources, symlinks=True)
    done = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "-v", "0"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    merged = [e for e in _entries(copy / PO_FILE.relative_to(ROOT)) if e["msgid"]]
    missing = [e["msgid"] for e in merged if "fuzzy" in e["flags"] or not all(e["msgstr"].values())]
    assert missing == [], "run makemessages -l en and translate these"


# --- English pages show no Chinese except data ----------------------------------------------------------

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# Data that is not in a text column: document numbers (示人社监令〔2026〕3号) and Chinese names quoted as
# literals the user must type or find in a file (a worksheet called “案件”, a column “发放日期”).
NOT_TEXT = [re.compile(r"\S*〔\d{4}〕\d+号"), re.compile(r"“[^”]*”")]
SKIPPED_LINKS = re.compile(
    r"\.(pdf|xlsx|csv|json)$|/export|/logout|/reveal/|/i18n/|/admin/|/api/|/step/|/remove/|/withdraw/"
    r"|/compute/|/run/|/sweep/|/read-all/|/confirm/|/attachment|/status|/progress/|/errors"
)
STAFF_PAGES = [
    "/", "/projects/", "/complaints/", "/complaints/orders/", "/complaints/interviews/",
    "/complaints/typical/", "/hazards/", "/hazards/dashboard/", "/deposits/", "/deposits/emergency-fund/",
    "/blacklist/", "/blacklist/grades/", "/blacklist/certificates/", "/wages/arrears/", "/reports/",
    "/tasks/", "/campaigns/", "/inspections/", "/golive/import/", "/inbox/",
]  # fmt: skip
PUBLIC_PAGES = [
    "/c/",
    "/c/lookup/",
    "/verify/",
    "/blacklist/public/",
    "/public/typical-cases/",
    "/accounts/login/",
]


class _Texts(HTMLParser):
    """The page's text nodes and its readable attributes, outside <script>/<style> and outside elements
    marked as Chinese (lang="zh…": the language switch); and its links."""

    ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.texts: list[str] = []
        self.links: list[str] = []

    def _skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        marked = tag != "html" and (attributes.get("lang") or "").startswith("zh")  # the PDFs' <html> is
        skipped = self._skipped() or tag in ("script", "style") or marked
        if not skipped:
            self.texts += [attributes[a] for a in self.ATTRIBUTES if attributes.get(a)]
            if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.texts.append(attributes["value"])
        if tag not in self.VOID:
            self.stack.append((tag, skipped))

    def handle_endtag(self, tag):
        if any(t == tag for t, _skip in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if not self._skipped() and data.strip():
            self.texts.append(" ".join(data.split()))


def _data_values() -> list[str]:
    """Every Chinese text stored in the database (names, descriptions, hazard details…), longest first, and
    the county's name and document prefix from the settings."""
    from django.apps import apps
    from django.conf import settings
    from django.db import models

    values = {settings.WAGEWATCH[k] for k in ("COUNTY_NAME", "DOCUMENT_PREFIX") if k in settings.WAGEWATCH}
    for model in apps.get_models():
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        if columns:
            for row in model._default_manager.values_list(*columns):
                values.update(" ".join(v.split()) for v in row if v and CJK.search(v))
    return sorted(values, key=len, reverse=True)


def _outside_data(text: str, values: list[str]) -> str:
    """The text without data: stored values (whole, or cut short by truncatechars "…"), document numbers and
    quoted names."""
    while "…" in text:  # a value shortened by truncatechars ends in "…"
        end = text.index("…")
        start = _cut_short(text[:end], values)
        text = text[: end if start is None else start] + text[end + 1 :]
    for value in values:
        if value in text:
            text = text.replace(value, "")
    for pattern in NOT_TEXT:
        text = pattern.sub("", text)
    return text


def _cut_short(head: str, values: list[str]) -> int | None:
    """Where, in ``head``, starts the longest beginning of a value that ``head`` ends with."""
    best = None
    for value in values:
        at = head.find(value[:4])
        while at >= 0 and (best is None or at < best):
            if value.startswith(head[at:].rstrip()):
                best = at
                break
            at = head.find(value[:4], at + 1)
    return best


def _crawl(client, starts: list[str], limit: int = 90) -> tuple[dict[str, set[str]], list[str]]:
    """Visit the pages from ``starts`` and the pages they link to (one page per URL shape, e.g. one case
    detail): CJK text found (text → URLs), and pages that failed."""
    found: dict[str, set[str]] = {}
    failed, seen_shapes, queue = [], set(), list(starts)
    while queue and len(seen_shapes) < limit:
        url = queue.pop(0)
        shape = re.sub(r"\d+", "N", urlsplit(url).path)
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        response = client.get(url)
        if response.status_code >= 500:
            failed.append(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = _Texts()
        page.feed(response.content.decode())
        for text in page.texts:
            if CJK.search(text):
                found.setdefault(text, set()).add(shape)
        for href in page.links:
            link = urlsplit(urljoin(url, href))
            if not link.netloc and link.path.startswith("/") and not SKIPPED_LINKS.search(link.path):
                queue.append(link.path)
    return found, failed


@pytest.fixture
def demo_county(db):
    call_command("seed_demo", "--i-know-this-is-not-production", stdout=io.StringIO())
    return _data_values()


@pytest.mark.django_db
def test_english_pages_show_no_chinese_outside_data(demo_county):
    """Crawl the staff pages as the office and an inspector, and the public pages anonymously, in English:
    Chinese may only come from the data (project, enterprise and township names, descriptions…)."""
    from django.contrib.auth.models import User
    from django.test import Client

    chinese, failed, texts = {}, [], 0
    for username, starts in [("office", STAFF_PAGES), ("inspector_a", STAFF_PAGES), (None, PUBLIC_PAGES)]:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        _english(client)
        found, errors = _crawl(client, starts, limit=90 if username != "inspector_a" else 40)
        failed += errors
        texts += len(found)
        for text, shapes in found.items():
            if CJK.search(_outside_data(text, demo_county)):
                chinese.setdefault(text, set()).update(shapes)
    assert failed == []
    assert texts > 100, "the crawl found too little Chinese data: did the demo county load?"
    assert {text: sorted(shapes)[0] for text, shapes in chinese.items()} == {}


@pytest.mark.django_db
def test_hazard_rules_keep_their_registered_name_translated_and_a_renamed_rule_its_new_name(
    client_for, office, township_a, department
):
    """A rule's name and description are stored on its row (an office may rename it); the registered ones
    are in the catalogue, so they read in English, while a name typed by the office stays as typed."""
    from projects.models import Hazard, RiskRule
    from tests.risk.test_views import board_missing, sweep

    board_missing(township_a, department)
    sweep()
    hazard = Hazard.objects.get()
    client = _english(client_for(office))
    detail = client.get(reverse("risk:detail", args=[hazard.pk])).content.decode()
    listing = client.get(reverse("risk:hazards")).content.decode()
    for html in (detail, listing):
        assert "No rights notice board" in html
        assert re.search(r">\s*未设维权信息告示牌\s*<", html) is None  # (the stored detail may quote it)
    assert "最近一次现场检查" not in detail  # the registered description reads in English too
    RiskRule.objects.filter(pk=hazard.rule_id).update(name="工地未挂告示牌（县自定）")
    assert "工地未挂告示牌（县自定）" in client.get(reverse("risk:hazards")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["quarterly", "monthly"])
def test_report_pdf_in_english_shows_no_chinese_outside_data(demo_county, kind):
    """A report made in English (the figures and the PDF's HTML) joins its phrases in English too: no
    Chinese comma, enumeration mark or date format left between translated pieces."""
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    from reports import pdf
    from reports.figures import Scope, report_data
    from reports.models import ReportRun

    end = timezone.localdate()
    start = end.replace(day=1) - datetime.timedelta(days=80)
    with translation.override("en"):
        run = ReportRun(kind=kind, scope="county", start=start, end=end)
        data = report_data(scope=Scope(), start=start, end=end)
        html = render_to_string(
            pdf.TEMPLATES.get(kind, "reports/pdf/summary.html"), pdf.context(run=run, data=data)
        )
    page = _Texts()
    page.feed(html)
    chinese = [text for text in page.texts if CJK.search(_outside_data(text, demo_county))]
    assert len(page.texts) > 50 and chinese == []
