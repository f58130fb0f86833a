from django.urls import path

from . import views

app_name = "risk"

urlpatterns = [
    path("hazards/", views.hazard_list, name="hazards"),
    path("hazards/export.xlsx", views.hazard_export, name="export"),
    path("hazards/dashboard/", views.dashboard, name="dashboard"),
    path("hazards/sweeps/", views.sweep_list, name="sweeps"),
    path("hazards/sweeps/run/", views.sweep_now, name="sweep_now"),
    path("hazards/<int:pk>/", views.hazard_detail, name="detail"),
    path("hazards/<int:pk>/close/", views.hazard_close, name="close"),
    path("projects/<int:pk>/hazards/", views.project_tab, name="project_tab"),
    path("projects/<int:pk>/hazards/sweep/", views.project_sweep, name="project_sweep"),
]
