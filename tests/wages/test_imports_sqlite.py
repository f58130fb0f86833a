"""The embedded SQLite setup (make run without DATABASE_URL) refuses a wage import on its upload page with
a clear reason: the lines are written with PostgreSQL statements, and a confirm must never fail with a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from projects.models import ImportJob
from tests.conftest import ROOT
from tests.projects.factories import make_project

pytestmark = pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite setup only")


@pytest.mark.django_db
def test_sqlite_refuses_a_pay_sheet_on_the_upload_page(client_for, township_a, department, inspector_a):
    project = make_project(township=township_a, department=department)
    data = (ROOT / "samples" / "pay_sheet_clean.xlsx").read_bytes()
    url = reverse("wages:import_pay_sheet", args=[project.pk])
    response = client_for(inspector_a).post(
        url, {"month": "2024-02", "pay_date": "2024-03-15", "file": SimpleUploadedFile("p.xlsx", data)}
    )
    assert response.status_code == 200
    assert "需要 PostgreSQL 数据库" in response.content.decode()
    assert not ImportJob.objects.exists()
