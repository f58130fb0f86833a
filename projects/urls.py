from django.urls import path

from . import views, views_import, views_import_many, views_inspections

app_name = "projects"

urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/export/", views.project_list_export, name="export"),
    path("projects/new/", views.project_create, name="create"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="edit"),
    path("projects/<int:pk>/roster/", views.roster, name="roster"),
    path("workers/", views.worker_search, name="worker_search"),
    path("projects/<int:pk>/roster/add/", views.roster_entry_form, name="roster_add"),
    path("projects/<int:pk>/roster/<int:entry_pk>/edit/", views.roster_entry_form, name="roster_edit"),
    path("projects/<int:pk>/roster/<int:entry_pk>/reveal/", views.roster_reveal, name="roster_reveal"),
    path("projects/<int:pk>/roster/export/", views.roster_export, name="roster_export"),
    path("projects/<int:pk>/roster/import/", views_import.import_upload, name="import_upload"),
    path("projects/imports/<int:pk>/", views_import.import_preview, name="import_preview"),
    path("projects/imports/<int:pk>/confirm/", views_import.import_confirm, name="import_confirm"),
    path("projects/imports/<int:pk>/progress/", views_import.import_progress, name="import_progress"),
    path("projects/imports/<int:pk>/status/", views_import.import_status, name="import_status"),
    path("projects/imports/<int:pk>/errors.xlsx", views_import.import_errors, name="import_errors"),
    path("projects/rosters/import/", views_import_many.upload, name="import_many"),
    path("projects/rosters/import/<int:pk>/", views_import_many.preview, name="import_many_preview"),
    path("projects/rosters/import/<int:pk>/confirm/", views_import_many.confirm, name="import_many_confirm"),
    path(
        "projects/rosters/import/<int:pk>/progress/", views_import_many.progress, name="import_many_progress"
    ),
    path("projects/rosters/import/<int:pk>/status/", views_import_many.status, name="import_many_status"),
    path("projects/rosters/import/<int:pk>/errors.xlsx", views_import_many.errors, name="import_many_errors"),
    path("projects/imports/template/<str:kind>.xlsx", views_import.import_template, name="import_template"),
    path("projects/<int:pk>/account/", views.account, name="account"),
    path("projects/<int:pk>/account/edit/", views.account_edit, name="account_edit"),
    path("projects/<int:pk>/account/transfers/add/", views.transfer_add, name="transfer_add"),
    path("projects/<int:pk>/payroll/", views.payroll, name="payroll"),
    path("projects/<int:pk>/payroll/add/", views.payroll_add, name="payroll_add"),
    path("projects/<int:pk>/inspections/", views.inspections, name="inspections"),
    path("projects/<int:pk>/inspections/add/", views.inspection_form, name="inspection_add"),
    path(
        "projects/<int:pk>/inspections/<int:inspection_pk>/edit/",
        views.inspection_form,
        name="inspection_edit",
    ),
    path("projects/<int:pk>/history/", views.history, name="history"),
    path("inspections/", views_inspections.inspection_list, name="inspection_list"),
    path("inspections/new/", views_inspections.employer_inspection_form, name="employer_inspection_add"),
    path(
        "inspections/<int:pk>/edit/",
        views_inspections.employer_inspection_form,
        name="employer_inspection_edit",
    ),
]
