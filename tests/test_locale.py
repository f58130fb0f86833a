"""The English catalogue is complete, and pages switched to English through set_language speak it."""

import ast
import re

import pytest
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
