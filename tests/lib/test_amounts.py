"""Money and ratios as people read them (issue 18 item 7): separators, one unit per figure, percent."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from wagewatch.lib.amounts import count_text, pct_text, wan_text, yuan_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("40000000.00"), "40,000,000.00"),
        (Decimal("0.005"), "0.01"),  # half up, to the fen
        (Decimal("-1234.5"), "-1,234.50"),
        ("77.06999999999999", "77.07"),
        (1500, "1,500.00"),
        (None, "—"),
        ("", "—"),
        ("abc", "—"),
    ],
)
def test_yuan_text(value, text):
    assert yuan_text(value) == text


def test_wan_pct_and_count():
    assert wan_text(Decimal("40000000.00")) == "4,000.00"
    assert wan_text(Decimal("12345")) == "1.23"
    assert pct_text(Decimal("0.2000")) == "20.0%"
    assert pct_text(Decimal("0.975"), 1) == "97.5%"
    assert pct_text(None) == "—"
    assert count_text(12345) == "12,345"


def test_filters_label_each_figure_with_its_unit():
    out = Template(
        "{% load amounts %}{{ a|yuan }}|{{ a|money }}|{{ a|wan }}|{{ a|wan_num }}|{{ r|pct }}|{{ n|yuan }}"
    ).render(Context({"a": Decimal("40000000.00"), "r": Decimal("0.2000"), "n": None}))
    assert out == "40,000,000.00 元|40,000,000.00|4,000.00 万元|4,000.00|20.0%|—"
