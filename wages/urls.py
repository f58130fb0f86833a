from django.urls import path

from . import views

app_name = "wages"

urlpatterns = [
    path("projects/<int:pk>/wages/", views.project_tab, name="project_tab"),
    path("projects/<int:pk>/wages/export/", views.project_export, name="project_export"),
    path("projects/<int:pk>/wages/add/", views.line_form, name="line_add"),
    path("projects/<int:pk>/wages/<int:line_pk>/edit/", views.line_form, name="line_edit"),
    path(
        "projects/<int:pk>/wages/import/pay-sheet/",
        views.import_upload,
        {"kind": "pay_sheet"},
        name="import_pay_sheet",
    ),
    path(
        "projects/<int:pk>/wages/import/attendance/",
        views.import_upload,
        {"kind": "attendance"},
        name="import_attendance",
    ),
    path("wages/arrears/", views.arrears, name="arrears"),
    path("wages/arrears/export/", views.arrears_export, name="arrears_export"),
    path("wages/enterprises/<int:pk>/", views.enterprise, name="enterprise"),
]
