from django.urls import path

from . import public, views

app_name = "blacklist"

urlpatterns = [
    path("blacklist/", views.entry_list, name="list"),
    path("blacklist/export.xlsx", views.entry_export, name="export"),
    path("blacklist/propose/", views.propose, name="propose"),
    path("blacklist/propose/order/<int:order_pk>/", views.propose_from_order, name="propose_from_order"),
    path("blacklist/<int:pk>/", views.entry_detail, name="detail"),
    path("blacklist/<int:pk>/step/<slug:step>/", views.entry_step, name="step"),
    path("blacklist/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("blacklist/grades/", views.grades, name="grades"),
    path("blacklist/grades/compute/", views.grades_compute, name="grades_compute"),
    path("blacklist/certificates/", views.certificates, name="certificates"),
    path("blacklist/certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("blacklist/public/", public.public_list, name="public"),
    path("verify/", public.verify, name="verify_form"),
    path("verify/<str:serial>/", public.verify, name="verify"),
]
