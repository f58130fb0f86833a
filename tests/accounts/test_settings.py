import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "d2FnZXdhdGNoLXRlc3Qta2V5LTAwMDAwMDAwMDAwMDA="


def _start(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    base.update({"DJANGO_SETTINGS_MODULE": "wagewatch.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "0", "SECRET_KEY": "", "FIELD_ENCRYPTION_KEY": GOOD_KEY}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": "x" * 50, "FIELD_ENCRYPTION_KEY": ""}, "FIELD_ENCRYPTION_KEY"),
        ({"DEBUG": "1", "FIELD_ENCRYPTION_KEY": "not-a-key"}, "FIELD_ENCRYPTION_KEY"),
        ({"DEBUG": "1", "DATABASE_URL": "nosuchdb://x/y"}, "DATABASE_URL"),
        ({"DEBUG": "1", "REDIS_URL": "http://localhost:6379"}, "REDIS_URL"),
        ({"DEBUG": "1", "AXES_FAILURE_LIMIT": "many"}, "AXES_FAILURE_LIMIT"),
    ],
)
def test_bad_setting_stops_startup_naming_it(env, named):
    proc = _start(**env)
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr
    assert named in proc.stderr.splitlines()[-1]


def test_good_production_settings_start():
    proc = _start(DEBUG="0", SECRET_KEY="x" * 50, FIELD_ENCRYPTION_KEY=GOOD_KEY, ALLOWED_HOSTS="a.example")
    assert proc.returncode == 0, proc.stderr


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert ("en", "English") in settings.LANGUAGES
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ
    # sessions are kept in the database (read through the cache): losing the cache logs nobody out
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_a_session_outlives_the_cache(client, django_user_model):
    from django.core.cache import cache

    user = django_user_model.objects.create_user("outlives", password="x")
    client.force_login(user)
    assert client.get("/").status_code == 200
    cache.clear()  # Redis restarted, or evicted the session
    assert client.get("/").status_code == 200  # still logged in: read back from the database
