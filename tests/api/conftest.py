import pytest

from projects.models import ApiClient
from tests.api.factories import make_account, make_api_client
from tests.projects.factories import make_project


@pytest.fixture
def project_a(township_a, department):
    return make_project(township_a, department, name="甲镇安置房")


@pytest.fixture
def project_b(township_b, other_department):
    return make_project(township_b, other_department, name="乙镇污水管网")


@pytest.fixture
def account_a(project_a):
    return make_account(project_a)


@pytest.fixture
def account_b(project_b):
    return make_account(project_b)


@pytest.fixture
def bank(account_a):
    """A bank holding project A's dedicated account only."""
    return make_api_client(accounts=[account_a], username="bank")


@pytest.fixture
def platform(db):
    return make_api_client(kind=ApiClient.Kind.PLATFORM, username="platform")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The shared users are created per test; PBKDF2 would dominate the schemathesis run's setup."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
