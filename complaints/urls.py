from django.urls import path

from . import views, views_public

app_name = "complaints"

urlpatterns = [
    path("complaints/", views.complaint_list, name="list"),
    path("complaints/export.xlsx", views.complaint_export, name="export"),
    path("complaints/new/", views.complaint_create, name="create"),
    path("complaints/<int:pk>/", views.complaint_detail, name="detail"),
    path("complaints/<int:pk>/reveal/", views.complaint_reveal, name="reveal"),
    path("complaints/<int:pk>/step/<slug:step>/", views.complaint_step, name="step"),
    path("complaints/<int:pk>/attach/", views.attachment_upload, name="attach"),
    path("complaints/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("complaints/orders/", views.order_list, name="orders"),
    path("complaints/orders/<int:pk>/comply/", views.order_comply, name="order_comply"),
    path("projects/<int:pk>/complaints/", views.project_tab, name="project_tab"),
    path("projects/<int:pk>/complaints/notice-board.pdf", views.notice_board, name="notice_board"),
    path("c/", views_public.public_error_guard(views_public.complaint_public), name="public_form"),
    path("c/done/", views_public.complaint_public_done, name="public_done"),
    path("c/lookup/", views_public.public_error_guard(views_public.complaint_lookup), name="lookup"),
    path(
        "c/<str:code>/", views_public.public_error_guard(views_public.complaint_public), name="public_project"
    ),
]
