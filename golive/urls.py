from django.urls import path

from . import views

app_name = "golive"
urlpatterns = [
    path("golive/import/", views.upload, name="upload"),
    path("golive/import/<int:pk>/", views.preview, name="preview"),
    path("golive/import/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("golive/import/<int:pk>/errors/", views.errors, name="errors"),
]
