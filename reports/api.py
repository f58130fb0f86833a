"""REST API for campaigns (专项行动): read-only, scoped like the pages (office all; an inspector his
townships'; a department user his department's); banks get none, the provincial platform reads all."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.routers import BaseRouter

from projects.api import ReadOnlyScopedViewSet
from wagewatch.lib.bounds import BoundedModelSerializer

from .models import Campaign, CampaignTarget


class CampaignTargetSerializer(BoundedModelSerializer):
    class Meta:
        model = CampaignTarget
        fields = ["figure", "target"]
        read_only_fields = fields


class CampaignSerializer(BoundedModelSerializer):
    targets = CampaignTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "start", "end", "scope", "township", "department", "description", "targets"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary=_("专项行动列表")), retrieve=extend_schema(summary=_("专项行动详情"))
)
class CampaignViewSet(ReadOnlyScopedViewSet):
    """Campaigns in the caller's scope, with their targets."""

    serializer_class = CampaignSerializer
    base_queryset = Campaign.objects.prefetch_related("targets").order_by("-start", "-id")
    project_lookup = None


def register(router: BaseRouter) -> None:
    """Put the campaigns endpoint on the /api/v1/ router."""
    router.register("campaigns", CampaignViewSet, basename="campaign")
