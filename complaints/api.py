"""REST API for complaint cases: read-only, scoped like the pages, never the reporter's identity.

The reporter (举报人) is confidential (劳动保障监察条例 art. 9): no complainant name, phone or ID number and
no free-text description (it often names the reporter) leave through the API, whoever asks. Department
users see no cases (as on the pages); banks none; the provincial platform all of them.
"""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from projects.api import ReadOnlyScopedViewSet
from wagewatch.lib.bounds import BoundedModelSerializer

from .models import Complaint


class ComplaintSerializer(BoundedModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True, allow_null=True)
    outcome = serializers.ChoiceField(choices=Complaint.Outcome.choices, allow_blank=True, read_only=True)
    # blank: 领域待确认 (a public-form case nobody has classified yet)
    sector = serializers.ChoiceField(choices=Complaint.Sector.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id", "number", "kind", "sector", "channel", "received_at", "respondent", "respondent_name",
            "project", "project_code", "township", "workers_involved", "amount_claimed", "arrears_from",
            "arrears_to", "status", "outcome", "out_of_time", "group_incident", "supervised", "accept_due",
            "accepted_on", "filed_on", "close_due", "extended", "closed_on", "amount_recovered",
            "workers_paid",
        ]  # fmt: skip
        read_only_fields = fields


class ComplaintFilter(filters.FilterSet):
    received_from = filters.DateFilter(field_name="received_at", lookup_expr="date__gte")
    received_to = filters.DateFilter(field_name="received_at", lookup_expr="date__lte")

    class Meta:
        model = Complaint
        fields = ["status", "kind", "sector", "channel", "outcome", "township", "project", "group_incident"]


@extend_schema_view(
    list=extend_schema(summary=_("投诉案件列表")), retrieve=extend_schema(summary=_("投诉案件详情"))
)
class ComplaintViewSet(ReadOnlyScopedViewSet):
    """Complaint cases in the caller's jurisdiction (without the reporter)."""

    serializer_class = ComplaintSerializer
    base_queryset = Complaint.objects.select_related("project").order_by("-received_at", "-id")
    filterset_class = ComplaintFilter


def register(router) -> None:
    """Put the complaints endpoints on the /api/v1/ router."""
    router.register("complaints", ComplaintViewSet, basename="complaint")
