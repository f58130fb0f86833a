from django.urls import path

from . import views, views_campaigns, views_search, views_tasks

app_name = "reports"

urlpatterns = [
    path("search/", views_search.global_search, name="search"),
    # Key tasks (重点工作任务清单)
    path("tasks/", views_tasks.task_list, name="tasks"),
    path("tasks/export.xlsx", views_tasks.task_export, name="task_export"),
    path("tasks/new/", views_tasks.task_create, name="task_create"),
    path("tasks/<int:pk>/", views_tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views_tasks.task_edit, name="task_edit"),
    path("tasks/assignments/<int:pk>/report/", views_tasks.assignment_report, name="task_report"),
    path("tasks/assignments/<int:pk>/<slug:action>/", views_tasks.assignment_review, name="task_review"),
    path("tasks/progress/<int:pk>/attachment/", views_tasks.progress_attachment, name="task_attachment"),
    # Campaigns (专项行动)
    path("campaigns/", views_campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", views_campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views_campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views_campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/report/", views_campaigns.campaign_report, name="campaign_report"),
    # Reports and the office dashboard
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/", views.index, name="index"),
    path("reports/<int:pk>/", views.detail, name="detail"),
    path("reports/<int:pk>/status.json", views.status, name="status"),
    path("reports/<int:pk>/<slug:fmt>/", views.download, name="download"),
]
