"""/api/v1/: each app's api.py registers its viewsets on this router (wiring only, like urls.py)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

import blacklist.api
import complaints.api
import deposits.api
import projects.api
import reports.api
import risk.api
import wages.api

router = DefaultRouter()
for module in (projects.api, wages.api, complaints.api, deposits.api, blacklist.api, risk.api, reports.api):
    module.register(router)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
]
