from django.contrib import admin
from django.urls import include, path

from reports.views import dashboard

urlpatterns = [
    # the landing page after login: the desk of figures for the user's own scope
    path("", dashboard, name="dashboard"),
    path("", include("wagewatch.accounts.urls")),
    path("", include("projects.urls")),
    path("", include("risk.urls")),
    path("", include("wages.urls")),
    path("", include("complaints.urls")),
    path("", include("blacklist.urls")),
    path("", include("deposits.urls")),
    path("", include("golive.urls")),
    path("", include("reports.urls")),
    path("api/v1/", include("wagewatch.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "wagewatch.accounts.views.permission_denied"
