"""REST API for arrears-risk hazards (欠薪隐患): read-only, scoped like the pages (department users see
those assigned to their department). Banks get none; the provincial platform reads all."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from projects.api import ReadOnlyScopedViewSet
from projects.models import Hazard
from wagewatch.lib.bounds import BoundedModelSerializer


class HazardSerializer(BoundedModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    township = serializers.IntegerField(source="project.township_id", read_only=True)
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id", "project", "project_code", "township", "rule_code", "rule_name", "severity", "status",
            "department", "detail", "opened_at", "deadline", "closed_at", "close_note", "auto_closed",
        ]  # fmt: skip
        read_only_fields = fields


class HazardFilter(filters.FilterSet):
    rule = filters.CharFilter(field_name="rule__code")
    township = filters.NumberFilter(field_name="project__township")

    class Meta:
        model = Hazard
        fields = ["project", "status", "severity", "department"]


@extend_schema_view(
    list=extend_schema(summary=_("欠薪隐患列表")), retrieve=extend_schema(summary=_("欠薪隐患详情"))
)
class HazardViewSet(ReadOnlyScopedViewSet):
    """Hazards in the caller's scope."""

    serializer_class = HazardSerializer
    base_queryset = Hazard.objects.select_related("project", "rule").order_by("-opened_at", "-id")
    filterset_class = HazardFilter


def register(router: BaseRouter) -> None:
    """Put the hazards endpoint on the /api/v1/ router."""
    router.register("hazards", HazardViewSet, basename="hazard")
