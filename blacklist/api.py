"""REST API for the published blacklist (失信联合惩戒名单): read-only, public fields only.

The same data as the public page (enterprise name, USCC, legal representative, reason, listing and expiry
dates), in force today by date; open to every API caller (people, banks, the platform). The procedure
(proposals, notices, persons' ID numbers) stays in the pages.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from projects.api import ReadOnlyScopedViewSet
from projects.models import ApiClient
from wagewatch.lib.bounds import BoundedModelSerializer

from . import selectors
from .models import BlacklistEntry


class PublicEntrySerializer(BoundedModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    legal_representative = serializers.CharField(source="enterprise.legal_representative", read_only=True)

    class Meta:
        model = BlacklistEntry
        fields = [
            "id",
            "enterprise_name",
            "uscc",
            "legal_representative",
            "reason",
            "listed_on",
            "expires_on",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary=_("失信联合惩戒名单（公示）")),
    retrieve=extend_schema(summary=_("失信名单公示条目")),
)
class BlacklistViewSet(ReadOnlyScopedViewSet):
    """Entries in force today, as published."""

    serializer_class = PublicEntrySerializer
    client_kinds = (ApiClient.Kind.BANK, ApiClient.Kind.PLATFORM)
    filterset_fields: list[str] = []

    def get_queryset(self):
        return selectors.public_entries(on=timezone.localdate())


def register(router) -> None:
    """Put the blacklist endpoint on the /api/v1/ router."""
    router.register("blacklist", BlacklistViewSet, basename="blacklist")
