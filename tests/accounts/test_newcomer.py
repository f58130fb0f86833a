"""Issue 18 item 12: another port, the public 404 under DEBUG, quiet 403s and commands."""

import logging
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import ROOT


def _site_url(**env) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SITE_URL", "PORT")}
    base.update({"DJANGO_SETTINGS_MODULE": "wagewatch.settings", "DEBUG": "1", **env})
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)",
        ],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return proc.stdout.strip().splitlines()[-1]


def test_site_url_follows_the_served_port_when_unset():
    assert _site_url() == "http://127.0.0.1:8000"
    assert _site_url(PORT="8080") == "http://127.0.0.1:8080"
    assert _site_url(PORT="8080", SITE_URL="https://wage.example.cn/") == "https://wage.example.cn"


def test_serve_script_passes_the_port_on():
    assert 'export PORT="$port"' in (ROOT / "scripts" / "serve.sh").read_text()
    assert "make run PORT=8080" in (ROOT / "README.md").read_text()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/c/nonexistent/", "/c/nonexistent/done/", "/public/nosuch/", "/blacklist/public/nosuch/"]
)
def test_a_bad_public_url_under_debug_shows_the_apps_own_404(anonymous, settings, url):
    settings.DEBUG = True
    response = anonymous.get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" not in page and "URLconf" not in page and "Traceback" not in page
    assert "<html" in page


@pytest.mark.django_db
def test_a_403_logs_one_line_without_a_traceback(client_for, dept_user, caplog):
    caplog.set_level(logging.WARNING)
    response = client_for(dept_user).get(reverse("complaints:orders"))
    assert response.status_code == 403
    assert not [r for r in caplog.records if r.exc_info]
    assert "Traceback" not in caplog.text


@pytest.mark.django_db
def test_management_commands_do_not_print_axes_begin(caplog, capsys):
    caplog.set_level(logging.DEBUG)
    from django.apps import apps

    config = type(apps.get_app_config("axes"))
    config.initialized = False  # as in a fresh process: every command runs ready() at start-up
    config.initialize()
    call_command("check")
    out = capsys.readouterr()
    assert "AXES: BEGIN" not in caplog.text + out.out + out.err
