from django.urls import path

from . import views, views_enforcement, views_public, views_typical, views_wagecheck

app_name = "complaints"

urlpatterns = [
    path("complaints/", views.complaint_list, name="list"),
    path("complaints/export.xlsx", views.complaint_export, name="export"),
    path("complaints/new/", views.complaint_create, name="create"),
    path("complaints/<int:pk>/", views.complaint_detail, name="detail"),
    path("complaints/<int:pk>/reveal/", views.complaint_reveal, name="reveal"),
    path("complaints/<int:pk>/step/<slug:step>/", views.complaint_step, name="step"),
    path("complaints/<int:pk>/claimants/", views.claimant_add, name="claimant_add"),
    path("complaints/claimants/<int:pk>/remove/", views.claimant_remove, name="claimant_remove"),
    path("complaints/<int:pk>/attach/", views.attachment_upload, name="attach"),
    path("complaints/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("complaints/evidence/<int:pk>/", views.evidence_photo, name="evidence"),
    path("complaints/orders/", views_enforcement.order_list, name="orders"),
    path("complaints/orders/new/", views_enforcement.order_create, name="order_create"),
    path("complaints/orders/export.xlsx", views_enforcement.documents_export, name="documents_export"),
    path("complaints/orders/<int:pk>/", views_enforcement.order_detail, name="order_detail"),
    path("complaints/orders/<int:pk>/pdf/", views_enforcement.order_pdf, name="order_pdf"),
    path("complaints/orders/<int:pk>/comply/", views_enforcement.order_comply, name="order_comply"),
    path("complaints/orders/<int:pk>/step/<slug:step>/", views_enforcement.order_step, name="order_step"),
    path("complaints/interviews/", views_enforcement.interview_list, name="interviews"),
    path("complaints/interviews/new/", views_enforcement.interview_create, name="interview_create"),
    path("complaints/interviews/<int:pk>/", views_enforcement.interview_detail, name="interview_detail"),
    path("complaints/interviews/<int:pk>/pdf/", views_enforcement.interview_pdf, name="interview_pdf"),
    path(
        "complaints/interviews/<int:pk>/fulfil/", views_enforcement.interview_fulfil, name="interview_fulfil"
    ),
    path("complaints/<int:pk>/typical/", views_typical.typical_create, name="typical_create"),
    path("complaints/typical/", views_typical.typical_list, name="typical_list"),
    path("complaints/typical/<int:pk>/withdraw/", views_typical.typical_withdraw, name="typical_withdraw"),
    path(
        "public/typical-cases/",
        views_public.public_error_guard(views_typical.typical_public),
        name="typical_public",
    ),
    path("projects/<int:pk>/complaints/", views.project_tab, name="project_tab"),
    path("projects/<int:pk>/complaints/notice-board.pdf", views.notice_board, name="notice_board"),
    path("c/", views_public.public_error_guard(views_public.complaint_public), name="public_form"),
    path("c/done/", views_public.complaint_public_done, name="public_done"),
    path("c/lookup/", views_public.public_error_guard(views_public.complaint_lookup), name="lookup"),
    path(
        "c/<str:code>/", views_public.public_error_guard(views_public.complaint_public), name="public_project"
    ),
    path(
        "c/<str:code>/wages/", views_public.public_error_guard(views_wagecheck.wage_check), name="wagecheck"
    ),
    path(
        "c/<str:code>/wages/complaint/",
        views_public.public_error_guard(views_wagecheck.wage_check_complaint),
        name="wagecheck_complaint",
    ),
]
