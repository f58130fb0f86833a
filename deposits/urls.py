from django.urls import path

from . import views, views_import

app_name = "deposits"

urlpatterns = [
    path("deposits/", views.deposit_list, name="list"),
    path("deposits/export/", views.deposit_export, name="export"),
    path("deposits/import/", views_import.import_upload, name="import"),
    path("deposits/import/<int:token>/", views_import.import_confirm, name="import_confirm"),
    path("deposits/emergency-fund/", views.fund, name="fund"),
    path("deposits/emergency-fund/<str:action>/", views.fund_action, name="fund_action"),
    path("deposits/emergency-fund/advances/<int:pk>/<str:action>/", views.fund_action, name="advance_action"),
    path("deposits/<int:pk>/", views.deposit_detail, name="detail"),
    path("deposits/<int:pk>/entries/", views.entry_add, name="entry_add"),
    path("deposits/<int:pk>/draw/", views.draw, name="draw"),
    path("deposits/<int:pk>/guarantees/", views.guarantee_add, name="guarantee_add"),
    path("deposits/<int:pk>/exempt/", views.exempt, name="exempt"),
    path("deposits/<int:pk>/return/<str:step>/", views.return_step, name="return_step"),
    path("deposits/draw-requests/<int:pk>/<str:decision>/", views.draw_decide, name="draw_decide"),
    path("projects/<int:pk>/deposits/", views.project_tab, name="project_tab"),
    path("projects/<int:pk>/account-ledger/", views.account, name="account"),
]
