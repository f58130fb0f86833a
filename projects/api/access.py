"""Who calls the API and what they reach: people by visible_to, banks by the accounts they hold."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, permissions, viewsets
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

from wagewatch.accounts.roles import is_office, role_of

from ..models import ApiClient, Project


def client_of(user) -> ApiClient | None:
    """The user's machine-client record (bank / platform), or None for people; cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_ww_api_client"):
        user._ww_api_client = ApiClient.objects.filter(user_id=user.pk).first()
    return user._ww_api_client


def bank_project_ids(user):
    """Subquery: ids of the projects whose dedicated account the user's (active) bank client holds."""
    return ApiClient.accounts.through.objects.filter(
        apiclient__user_id=user.pk, apiclient__active=True
    ).values("wageaccount__project_id")


def scoped(qs, user, *, project: str | None = "project"):
    """``qs`` narrowed for an API caller: a bank to its projects (via ``project`` lookup), the platform
    to everything, a person to ``visible_to(user)``."""
    client = client_of(user)
    if client is None:
        return qs.visible_to(user)
    if not client.active:
        return qs.none()
    if client.kind == ApiClient.Kind.PLATFORM:
        return qs.all()
    if project is None:
        return qs.none()
    lookup = "pk__in" if project == "" else f"{project}__in"
    return qs.filter(**{lookup: bank_project_ids(user)})


def feed_projects(user):
    """Projects the caller may push transfers and payroll for: a bank's own, all for office/admin."""
    client = client_of(user)
    if client is not None:
        if client.active and client.kind == ApiClient.Kind.BANK:
            return Project.objects.filter(pk__in=bank_project_ids(user))
        return Project.objects.none()
    return Project.objects.all() if is_office(user) else Project.objects.none()


class ApiAccess(permissions.BasePermission):
    """Signed-in people with a role; active machine clients on the endpoints open to their kind
    (``view.client_kinds``), the platform only for reading; writes only for ``can_write``."""

    message = _("无权访问此接口")

    def has_permission(self, request, view):
        user = request.user
        if not getattr(user, "is_authenticated", False):
            return False
        client = client_of(user)
        if client is not None:
            if not client.active or client.kind not in getattr(view, "client_kinds", ()):
                return False
            if client.kind == ApiClient.Kind.PLATFORM and request.method not in permissions.SAFE_METHODS:
                return False
        elif role_of(user) is None:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return feed_writer(user)


def feed_writer(user) -> bool:
    """Banks (for their accounts) and office staff/admins push feeds."""
    client = client_of(user)
    if client is not None:
        return client.active and client.kind == ApiClient.Kind.BANK
    return is_office(user)


class ScopedViewSet(viewsets.GenericViewSet):
    """Read endpoints over ``base_queryset`` narrowed by ``scoped`` through ``project_lookup``."""

    permission_classes = [ApiAccess]
    client_kinds: tuple[str, ...] = (ApiClient.Kind.PLATFORM,)
    project_lookup: str | None = "project"
    base_queryset: QuerySet  # set by each endpoint

    def get_queryset(self):
        return scoped(self.base_queryset.all(), self.request.user, project=self.project_lookup)


class ReadOnlyScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    pass


class BatchParseErrors:
    """A viewset mixin: a body that is not JSON is answered in the batch error format, like any other."""

    def handle_exception(self, exc):
        if isinstance(exc, ParseError):
            message = str(_("请求体不是有效的JSON"))
            return Response(
                {"errors": [{"index": None, "field": "non_field_errors", "message": message}]}, 400
            )
        return super().handle_exception(exc)  # type: ignore[misc]  # the viewset's, after this mixin
