"""Printing a record page (issue 18 item 8): the case, project, order and hazard pages carry a print-only
heading and signature line, and app.css leaves menus, tabs, forms and buttons off the paper."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from projects.models import Hazard, RiskRule
from risk.services import risk_rules_sync
from tests.complaints.factories import make_complaint
from tests.deposits.factories import make_order
from tests.projects.factories import make_project
from wagewatch.lib import config

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(township_a, department):
    project = make_project(township_a, department)
    risk_rules_sync()
    hazard = Hazard.objects.create(
        project=project,
        rule=RiskRule.objects.get(code="TRANSFER_LATE"),
        severity=1,
        department=department,
        deadline=datetime.date(2026, 1, 20),
    )
    return {
        "case": reverse("complaints:detail", args=[make_complaint(project=project).pk]),
        "project": reverse("projects:detail", args=[project.pk]),
        "order": reverse("complaints:order_detail", args=[make_order(project).pk]),
        "hazard": reverse("risk:detail", args=[hazard.pk]),
    }


@pytest.mark.parametrize("page", ["case", "project", "order", "hazard"])
def test_record_pages_carry_the_print_heading_and_signature_line(client_for, office, pages, page):
    body = client_for(office).get(pages[page]).content.decode()
    sign = re.search(r'<div class="print-only print-sign">(.*?)</div>', body, re.S)
    assert sign and "经办人：" in sign.group(1) and "日期：" in sign.group(1)
    head = re.search(r'<div class="print-only print-head">(.*?)</div>', body, re.S)
    assert head and config.COUNTY_NAME() in head.group(1) and "打印日期：" in head.group(1)


def _print_rules() -> str:
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    start = css.index("@media print")
    return css[start:]


def test_print_stylesheet_hides_menus_and_forms_and_shows_print_only_parts():
    rules = _print_rules()
    hidden = re.search(r"([^{}]+)\{\s*display:\s*none\s*!important;\s*\}", rules)
    assert hidden
    selectors = {s.strip() for s in hidden.group(1).split(",")}
    assert {".topbar", ".mainnav", ".footer", ".tabs", "form", "button", ".btn", ".no-print"} <= selectors
    assert re.search(r"\.print-only\s*\{\s*display:\s*block\s*!important", rules)
    screen = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text().split("@media print")[0]
    assert re.search(r"^\.print-only\s*\{\s*display:\s*none", screen, re.M)
