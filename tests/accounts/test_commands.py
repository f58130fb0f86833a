"""seed_demo writes a superuser with a published password: only on a development database."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts_only(settings):
    settings.DEMO_MODULES = ["wagewatch.accounts.demo"]  # the part that creates the logins


def test_seed_demo_refuses_without_debug(accounts_only, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.filter(username="admin").exists()


def test_seed_demo_runs_with_debug(accounts_only, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.get(username="admin").is_superuser


def test_seed_demo_runs_with_explicit_flag(accounts_only, settings):
    settings.DEBUG = False
    call_command("seed_demo", "--i-know-this-is-not-production", stdout=io.StringIO())
    assert User.objects.get(username="admin").is_superuser


def test_seed_demo_fails_loudly_on_a_missing_module_and_writes_nothing(settings):
    settings.DEBUG = True
    settings.DEMO_MODULES = ["wagewatch.accounts.demo", "projects.demos"]  # a misspelt part
    with pytest.raises(ModuleNotFoundError, match=r"projects\.demos"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.filter(username="admin").exists()
