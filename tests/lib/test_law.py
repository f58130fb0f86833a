"""The law in one place (issue 15 item 1): every legal number is a declared value with its source, read at
call time through one reader, and a bad override is caught at start-up by a Django system check."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]


def _ids() -> set[str]:
    return {message.id for message in run_checks(tags=["wagewatch"])}


def _with(settings, **values) -> None:
    settings.WAGEWATCH = {**settings.WAGEWATCH, **values}


def test_the_shipped_values_pass_the_check():
    assert _ids() == set()


def test_an_out_of_band_deposit_rate_is_an_error_at_start_up(settings):
    _with(settings, DEPOSIT_RATE=Decimal("0.035"))
    assert "wagewatch.E102" in _ids()


def test_a_value_that_does_not_parse_is_an_error(settings):
    _with(settings, DEPOSIT_RATE="two percent", COMPLAINT_ACCEPT_WORKDAYS=2.5)
    messages = [m for m in run_checks(tags=["wagewatch"]) if m.id == "wagewatch.E101"]
    assert len(messages) == 2
    assert any("DEPOSIT_RATE" in m.msg for m in messages)


def test_an_uplift_below_the_legal_minimum_is_an_error(settings):
    _with(settings, DEPOSIT_BLACKLISTED_UPLIFT=Decimal("0.50"))
    assert "wagewatch.E102" in _ids()


def test_a_floor_above_the_band_is_an_error(settings):
    _with(settings, DEPOSIT_RATE_FLOOR=Decimal("0.02"))
    assert "wagewatch.E102" in _ids()


def test_an_operational_value_missing_from_the_settings_is_an_error(settings):
    settings.WAGEWATCH = {k: v for k, v in settings.WAGEWATCH.items() if k != "IMPORT_SYNC_MAX_ROWS"}
    assert "wagewatch.E103" in _ids()


def test_a_misspelt_override_is_a_warning(settings):
    _with(settings, DEPOSIT_RAT=Decimal("0.015"))
    assert "wagewatch.W101" in _ids()


def test_the_import_sync_limit_is_defined():
    from wagewatch.lib import config

    assert config.IMPORT_SYNC_MAX_ROWS() == 2000


def test_every_legal_number_names_its_source():
    from wagewatch.lib import config, law

    declared = [v for v in vars(law).values() if isinstance(v, config.Declared)]
    assert len(declared) >= 25
    assert [v.key for v in declared if len(v.source) < 8] == []


def test_a_value_is_declared_once():
    from wagewatch.lib import config

    with pytest.raises(ImproperlyConfigured):
        config.Value("DEPOSIT_RATE", int, 1, source="again")


def test_a_read_refuses_a_bad_value_with_its_name(settings):
    from wagewatch.lib import law

    _with(settings, DEPOSIT_RATE=Decimal("0.035"))
    with pytest.raises(ImproperlyConfigured, match="DEPOSIT_RATE"):
        law.DEPOSIT_RATE()


def test_an_override_is_read_at_call_time(settings):
    from wagewatch.lib import law

    assert law.MINIMUM_WAGE_MONTHLY() == Decimal("1900.00")
    _with(settings, MINIMUM_WAGE_MONTHLY="2100")
    assert law.MINIMUM_WAGE_MONTHLY() == Decimal("2100")


def test_manage_py_check_stops_on_an_out_of_band_rate_from_the_environment():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "wagewatch.settings", "DEBUG": "1", "DEPOSIT_RATE": "0.05"})
    proc = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode != 0
    assert "wagewatch.E102" in proc.stderr and "DEPOSIT_RATE" in proc.stderr


def test_a_page_states_the_configured_figure(settings, rf):
    from django.template.loader import render_to_string

    _with(settings, COMPLAINT_ACCEPT_WORKDAYS=3)
    page = render_to_string("complaints/public/done.html", {"number": "TS2026-000001"}, request=rf.get("/"))
    assert "工作人员将在3个工作日内决定是否受理" in page
