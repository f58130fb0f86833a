"""The admin fails closed (STYLE.md §12): a staff user without the admin role sees, in every registered
model's admin, only what ``visible_to`` lets him see — and nothing of a model that has no ``visible_to``."""

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission, User
from django.core.exceptions import EmptyResultSet
from django.test import RequestFactory
from django.urls import reverse

from blacklist.models import IntegrityGrade
from deposits.models import EmergencyFund
from deposits.services import fund_get
from projects.models import ApiClient, Enterprise
from tests.projects.factories import make_project
from wagewatch.accounts.models import Township

pytestmark = pytest.mark.django_db


def _staff(user, *codenames):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _changelist_count(client, model) -> int:
    return client.get(_changelist(model)).context["cl"].result_count


def _bank() -> ApiClient:
    return ApiClient.objects.create(user=User.objects.create_user("bank"), name="县农商行", kind="bank")


def test_staff_inspector_sees_nothing_of_a_model_without_visible_to(client_for, inspector_a, township_a):
    _bank()
    client = client_for(_staff(inspector_a, "view_apiclient", "view_township"))
    assert _changelist_count(client, ApiClient) == 0
    assert _changelist_count(client, Township) == 0


def test_admin_sees_a_model_without_visible_to_in_full(client_for, admin, township_a):
    _bank()
    client = client_for(admin)
    assert _changelist_count(client, ApiClient) == 1
    assert _changelist_count(client, Township) == Township.objects.count()


def _sql(qs) -> str:
    try:
        return str(qs.values("pk").order_by().query)
    except EmptyResultSet:
        return "nothing"


def test_every_registered_admin_shows_a_staff_inspector_nothing_beyond_visible_to(inspector_a, township_a):
    request = RequestFactory().get("/admin/")
    request.user = inspector_a
    for model, model_admin in site._registry.items():
        shown = model_admin.get_queryset(request)
        visible_to = getattr(model._default_manager.all(), "visible_to", None)
        expected = visible_to(inspector_a) if visible_to else model._default_manager.none()
        assert _sql(shown) == _sql(expected), model.__name__


@pytest.mark.parametrize("role", ["admin", "office", "inspector_a", "dept_user"])
def test_every_changelist_opens_for_each_role(request, client_for, role, township_a, department):
    """Staff of any role with every view permission: each registered changelist answers 200."""
    make_project(township_a, department)
    user = request.getfixturevalue(role)
    if role != "admin":
        views = Permission.objects.filter(codename__startswith="view_").values_list("codename", flat=True)
        user = _staff(user, *views)
    client = client_for(user)
    for model in site._registry:
        assert client.get(_changelist(model)).status_code == 200, model


def test_office_staff_see_the_county_records_and_not_the_api_clients(client_for, office):
    fund_get()
    firm = Enterprise.objects.create(uscc="91330000000000000X", name="某建设公司")
    IntegrityGrade.objects.create(enterprise=firm, year=2026, computed_grade="A")
    _bank()
    views = ("view_emergencyfund", "view_integritygrade", "view_enterprise", "view_apiclient")
    client = client_for(_staff(office, *views))
    assert _changelist_count(client, EmergencyFund) == 1
    assert _changelist_count(client, IntegrityGrade) == 1
    assert _changelist_count(client, Enterprise) == 1
    assert _changelist_count(client, ApiClient) == 0
