"""Shared users of every role, so a jurisdiction test is one line (STYLE.md)."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from wagewatch.accounts.models import Department, Profile, Role, Township

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ROOT = Path(__file__).resolve().parent.parent
# shared/ sits beside the repository (locally and in CI)
SAMPLES = ROOT.parent / "shared" / "samples"
PASSWORD = "Test-pass-2026"


def _need(condition: bool, what: str):
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true")
    pytest.skip(f"{what} not available")


def redis_available() -> bool:
    from django.conf import settings

    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        _need(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    if item.get_closest_marker("redis"):
        _need(redis_available(), "Redis (set REDIS_URL)")


@pytest.fixture(scope="session", autouse=True)
def embedded_queue_in_a_temporary_folder(tmp_path_factory):
    """Without REDIS_URL the app queues tasks in files under VAR_DIR (settings): the suite's messages and
    cached progress go to a temporary folder, never to the checkout's var/ where `make run`'s worker reads."""
    from django.conf import settings
    from django.test import override_settings

    from wagewatch.celery import app

    if settings.REDIS_URL:
        yield
        return
    folder = tmp_path_factory.mktemp("var")
    for sub in ("queue", "control", "results"):
        (folder / "celery" / sub).mkdir(parents=True)
    app.conf.broker_transport_options = {
        "data_folder_in": str(folder / "celery" / "queue"),
        "data_folder_out": str(folder / "celery" / "queue"),
        "control_folder": str(folder / "celery" / "control"),
    }
    app.conf.result_backend = f"file://{folder / 'celery' / 'results'}"
    cache = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(folder)}
    with override_settings(CACHES={"default": cache}):
        yield


@pytest.fixture(autouse=True)
def fresh_cached_pages():
    """Cached pages (the desk's figures, the project list: wagewatch/accounts/generations.py) outlive a
    test's rolled-back rows in the shared cache: each test starts with every page computing afresh."""
    from wagewatch.accounts.generations import forget_all

    forget_all()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts and ends in the site's language: a request in English (LocaleMiddleware activates it
    for the thread) must not turn the next test's messages English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def township_a(db):
    return Township.objects.get_or_create(code="TA", defaults={"name": "甲镇"})[0]


@pytest.fixture
def township_b(db):
    return Township.objects.get_or_create(code="TB", defaults={"name": "乙镇"})[0]


@pytest.fixture
def department(db):
    return Department.objects.get_or_create(code="ZJ", defaults={"name": "县住建局"})[0]


@pytest.fixture
def other_department(db):
    return Department.objects.get_or_create(code="JT", defaults={"name": "县交通局"})[0]


def make_user(username, role, *, townships=(), department=None, approver=False, **extra):
    user = User.objects.create_user(username=username, password=PASSWORD, last_name=username, **extra)
    profile = Profile.objects.create(user=user, role=role, department=department, is_approver=approver)
    profile.townships.set(townships)
    return user


@pytest.fixture
def admin(db):
    return make_user("admin", Role.ADMIN, approver=True, is_staff=True, is_superuser=True)


@pytest.fixture
def office(db):
    return make_user("office", Role.OFFICE, approver=True)


@pytest.fixture
def office_clerk(db):
    return make_user("office_clerk", Role.OFFICE)


@pytest.fixture
def inspector_a(township_a):
    return make_user("inspector_a", Role.INSPECTOR, townships=[township_a])


@pytest.fixture
def inspector_b(township_b):
    return make_user("inspector_b", Role.INSPECTOR, townships=[township_b])


@pytest.fixture
def dept_user(department):
    return make_user("dept_user", Role.DEPARTMENT, department=department)


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def client_for(db):
    """client_for(user) → a logged-in test client."""

    def _client(user):
        c = Client()
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return c

    return _client
