"""REST API for projects, rosters and the bank feeds (labour-cost transfers, payroll).

Access (DESIGN §1, issue 9):
- People (session or token) see exactly what the pages show: ``Model.objects.visible_to(user)``.
- A bank (``ApiClient`` kind bank) reaches only the projects whose dedicated account it holds: their
  project records, transfers and payroll, which it may also push. It gets no roster, deposit, complaint
  or hazard data (it does not need them).
- The provincial platform (kind platform) reads every endpoint county-wide, read-only.
- Feeds are written by banks (their accounts) and office staff/admins; inspectors and department users
  read them only.
- Personal numbers are never revealed through the API: ID and phone numbers are always masked. A full
  number is seen only on the roster page's logged reveal, so the API needs no reveal log.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.filters import OrderingFilter, SearchFilter

from wagewatch.lib.bounds import BoundedModelSerializer

from ..models import ApiClient, Project, RosterEntry
from .access import ReadOnlyScopedViewSet, client_of, feed_writer, scoped
from .feeds import PayrollViewSet, TransferViewSet
from .inspections import InspectionViewSet

__all__ = ["ReadOnlyScopedViewSet", "client_of", "feed_writer", "register", "scoped"]

# ---------------------------------------------------------------- projects


class ProjectSerializer(BoundedModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    builder_name = serializers.CharField(source="builder.name", read_only=True)
    builder_uscc = serializers.CharField(source="builder.uscc", read_only=True)
    contractor_name = serializers.CharField(source="contractor.name", read_only=True)
    contractor_uscc = serializers.CharField(source="contractor.uscc", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", "code", "name", "township", "township_name", "department", "department_name",
            "investment_type", "status", "risk_grade", "builder_name", "builder_uscc",
            "contractor_name", "contractor_uscc", "address", "contract_price", "contract_date",
            "start_date", "planned_finish", "completed_on", "labour_share", "payday",
            "wage_admin", "wage_admin_phone", "notice_board", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ProjectFilter(filters.FilterSet):
    class Meta:
        model = Project
        fields = ["township", "department", "status", "investment_type", "risk_grade"]


@extend_schema_view(
    list=extend_schema(summary=_("在建项目列表")), retrieve=extend_schema(summary=_("在建项目详情"))
)
class ProjectViewSet(ReadOnlyScopedViewSet):
    """Projects in the caller's scope; ``search`` looks in name, code, builder and contractor."""

    serializer_class = ProjectSerializer
    client_kinds = (ApiClient.Kind.BANK, ApiClient.Kind.PLATFORM)
    project_lookup = ""
    base_queryset = Project.objects.select_related("township", "department", "builder", "contractor")
    filter_backends = [filters.DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = ProjectFilter
    search_fields = ["name", "code", "builder__name", "contractor__name"]
    ordering_fields = ["code", "start_date", "contract_price", "risk_grade"]
    ordering = ["-start_date", "code", "pk"]


# ---------------------------------------------------------------- roster (per project)


class RosterEntrySerializer(BoundedModelSerializer):
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    sex = serializers.CharField(source="worker.sex", read_only=True)
    id_number_masked = serializers.CharField(source="worker.masked_id", read_only=True)
    phone_masked = serializers.CharField(source="worker.masked_phone", read_only=True)

    class Meta:
        model = RosterEntry
        fields = [
            "id", "project", "worker_name", "sex", "id_number_masked", "phone_masked", "employer_name",
            "team", "trade", "entry_date", "exit_date", "contract_signed", "pay_method", "bank",
            "card_masked", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


PROJECT_PK = OpenApiParameter("project_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("项目ID"))


@extend_schema_view(
    list=extend_schema(summary=_("项目花名册"), parameters=[PROJECT_PK]),
    retrieve=extend_schema(summary=_("花名册记录"), parameters=[PROJECT_PK]),
)
class RosterViewSet(ReadOnlyScopedViewSet):
    """A project's real-name roster; ID and phone numbers always masked (never revealed by the API)."""

    serializer_class = RosterEntrySerializer
    filterset_fields = ["team", "contract_signed", "pay_method"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request user
            return RosterEntry.objects.none()
        projects = scoped(Project.objects.all(), self.request.user, project=None)
        project = get_object_or_404(projects, pk=self.kwargs["project_pk"])
        return RosterEntry.objects.filter(project=project).select_related("worker").order_by("team", "id")


def register(router) -> None:
    """Put the projects endpoints on the /api/v1/ router."""
    router.register("projects", ProjectViewSet, basename="project")
    router.register(r"projects/(?P<project_pk>[0-9]+)/roster", RosterViewSet, basename="roster")
    router.register("transfers", TransferViewSet, basename="transfer")
    router.register("payrolls", PayrollViewSet, basename="payroll")
    router.register("inspections", InspectionViewSet, basename="inspection")
