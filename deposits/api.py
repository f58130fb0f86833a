"""REST API for wage deposits (工资保证金) with their guarantee letters: read-only, scoped like the pages.

Banks get no deposit data; the provincial platform reads all of it.
"""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from projects.api import ReadOnlyScopedViewSet
from wagewatch.lib.bounds import BoundedModelSerializer

from .models import Guarantee, WageDeposit


class GuaranteeSerializer(BoundedModelSerializer):
    class Meta:
        model = Guarantee
        fields = [
            "id",
            "issuer_kind",
            "issuer_name",
            "number",
            "amount",
            "valid_from",
            "valid_to",
            "released_on",
        ]
        read_only_fields = fields


class DepositSerializer(BoundedModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    township = serializers.IntegerField(source="project.township_id", read_only=True)
    guarantees = GuaranteeSerializer(many=True, read_only=True)

    class Meta:
        model = WageDeposit
        fields = [
            "id", "project", "project_code", "township", "form", "status", "balance", "exempt",
            "exempted_on", "work_completed_on", "notice_from", "notice_to", "review_due", "return_due",
            "returned_on", "guarantees",
        ]  # fmt: skip
        read_only_fields = fields


class DepositFilter(filters.FilterSet):
    township = filters.NumberFilter(field_name="project__township")

    class Meta:
        model = WageDeposit
        fields = ["project", "status", "form", "exempt"]


@extend_schema_view(
    list=extend_schema(summary=_("工资保证金列表")), retrieve=extend_schema(summary=_("工资保证金详情"))
)
class DepositViewSet(ReadOnlyScopedViewSet):
    """Wage deposits of the projects in the caller's scope, with their guarantee letters."""

    serializer_class = DepositSerializer
    base_queryset = (
        WageDeposit.objects.select_related("project").prefetch_related("guarantees").order_by("-id")
    )
    filterset_class = DepositFilter


def register(router) -> None:
    """Put the deposits endpoints on the /api/v1/ router."""
    router.register("deposits", DepositViewSet, basename="deposit")
