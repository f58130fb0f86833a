"""Inspections through the API (read-only): site inspections and inspections of employers without a
project, with the money and workers they recovered. People see what the inspection list shows; the
provincial platform reads them county-wide; banks get none."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from wagewatch.lib.bounds import BoundedModelSerializer

from ..models import Inspection
from .access import ReadOnlyScopedViewSet


class InspectionSerializer(BoundedModelSerializer):
    project_name = serializers.CharField(source="project.name", read_only=True, default=None)
    enterprise_name = serializers.SerializerMethodField()
    enterprise_uscc = serializers.SerializerMethodField()
    township = serializers.SerializerMethodField()
    township_name = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id", "date", "project", "project_name", "enterprise", "enterprise_name", "enterprise_uscc",
            "township", "township_name", *[name for name, _label in Inspection.CHECKS], "findings",
            "rectification_required", "rectification_deadline", "rectified_on", "amount_recovered",
            "workers_involved", "workers_paid",
        ]  # fmt: skip
        read_only_fields = fields

    def get_enterprise_name(self, obj: Inspection) -> str | None:
        """The employer inspected (a site inspection without one: the general contractor)."""
        return obj.employer.name if obj.employer else None

    def get_enterprise_uscc(self, obj: Inspection) -> str | None:
        return obj.employer.uscc if obj.employer else None

    def get_township(self, obj: Inspection) -> int | None:
        """The project's township, or the employer inspection's own."""
        return obj.jurisdiction.pk if obj.jurisdiction else None

    def get_township_name(self, obj: Inspection) -> str | None:
        return obj.jurisdiction.name if obj.jurisdiction else None


class InspectionFilter(filters.FilterSet):
    has_project = filters.BooleanFilter(field_name="project", lookup_expr="isnull", exclude=True)
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Inspection
        fields = ["project", "enterprise"]


@extend_schema_view(
    list=extend_schema(summary=_("检查记录列表")), retrieve=extend_schema(summary=_("检查记录"))
)
class InspectionViewSet(ReadOnlyScopedViewSet):
    """Inspections in the caller's scope, newest first; ``has_project=false``: employer inspections."""

    serializer_class = InspectionSerializer
    project_lookup = None  # banks: none
    base_queryset = Inspection.objects.select_related(
        "project__township", "project__contractor", "enterprise", "township"
    ).order_by("-date", "-id")
    filterset_class = InspectionFilter
