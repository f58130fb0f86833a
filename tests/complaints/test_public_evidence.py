"""The generic public form (/c/): the worker picks the township and, optionally, the site; he may attach
photos of evidence (images only, size-limited, EXIF stripped, stored privately, served to staff in scope)."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from complaints.models import CaseEvidence, Complaint
from tests.once import with_token

from .factories import make_project

pytestmark = pytest.mark.django_db
FORM = reverse("complaints:public_form")
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _post(client, url=FORM, **extra):
    from complaints.models import Captcha

    key = client.get(url).context["captcha_key"]
    data = {
        "complainant_name": "刘大力",
        "complainant_phone": "13700001234",
        "respondent_name": "某某劳务公司",
        "workers_involved": "3",
        "amount_claimed": "12000",
        "description": "干了三个月没拿到工资",
        "captcha_key": key,
        "captcha": Captcha.objects.get(key=key).answer,
    }
    data.update(extra)
    return client.post(url, with_token(data))


def _jpeg_with_gps(name="工地.jpg", size=(64, 48)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the input does carry a position
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _png(name="截图.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 10, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _errors(response, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


# ---------------------------------------------------------------- township and site


def test_generic_form_needs_a_township(anonymous, township_a):
    response = _post(anonymous)
    assert response.status_code == 400
    assert _errors(response, "township")
    assert not Complaint.objects.exists()


def test_generic_form_lists_active_projects_by_township(anonymous, township_a, township_b, department):
    here = make_project(township=township_a, department=department, name="甲镇在建工程")
    there = make_project(township=township_b, department=department, name="乙镇在建工程")
    done_day = timezone.localdate() - datetime.timedelta(days=30)
    make_project(township=township_a, department=department, name="早已竣工工程", completed_on=done_day)
    html = anonymous.get(FORM).content.decode()
    assert 'name="township"' in html and 'name="project"' in html
    assert f'<optgroup label="{township_a.name}">' in html
    assert here.name in html and there.name in html and "早已竣工工程" not in html


def test_worker_picks_township_only(anonymous, township_a):
    assert _post(anonymous, township=township_a.pk).status_code == 302
    case = Complaint.objects.get()
    assert case.township == township_a and case.project is None


def test_worker_picks_township_and_site(anonymous, township_a, department):
    project = make_project(township=township_a, department=department)
    assert _post(anonymous, township=township_a.pk, project=project.pk).status_code == 302
    case = Complaint.objects.get()
    assert case.township == township_a and case.project == project


def test_a_site_of_another_township_is_refused(anonymous, township_a, township_b, department):
    other = make_project(township=township_b, department=department)
    response = _post(anonymous, township=township_a.pk, project=other.pk, photos=[_png()])
    assert response.status_code == 400
    assert any("乡镇" in e for e in _errors(response, "project"))
    assert not Complaint.objects.exists() and not CaseEvidence.objects.exists()
    # a browser never refills a file input: the page says the photos must be chosen again
    assert "重新选择证据照片" in response.content.decode()


def test_a_completed_site_is_refused(anonymous, township_a, department):
    done_day = timezone.localdate() - datetime.timedelta(days=30)
    done = make_project(township=township_a, department=department, completed_on=done_day)
    response = _post(anonymous, township=township_a.pk, project=done.pk)
    assert response.status_code == 400 and _errors(response, "project")
    assert not Complaint.objects.exists()


def test_site_form_by_qr_code_asks_no_township(anonymous, township_a, department):
    project = make_project(township=township_a, department=department)
    url = reverse("complaints:public_project", args=[project.code])
    assert 'name="township"' not in anonymous.get(url).content.decode()
    assert _post(anonymous, url, photos=[_png()]).status_code == 302
    case = Complaint.objects.get()
    assert case.project == project and case.township == township_a
    assert case.evidence.get().content_type == "image/png"


# ---------------------------------------------------------------- photos


def test_photo_is_stored_privately_without_exif(anonymous, township_a, media):
    assert _post(anonymous, township=township_a.pk, photos=[_jpeg_with_gps()]).status_code == 302
    evidence = CaseEvidence.objects.get()
    assert evidence.complaint == Complaint.objects.get()
    assert evidence.content_type == "image/jpeg" and evidence.size > 0
    stored = Path(evidence.file.path)
    assert stored.is_relative_to(media) and "工地" not in stored.name  # never the name sent
    data = stored.read_bytes()
    assert len(data) == evidence.size
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not image.getexif() and "exif" not in image.info and b"Exif" not in data


def test_a_pdf_named_jpg_is_refused_and_nothing_is_kept(anonymous, township_a, media):
    fake = SimpleUploadedFile("证据.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\n", content_type="image/jpeg")
    response = _post(anonymous, township=township_a.pk, photos=[_png(), fake])
    assert response.status_code == 400
    assert any("图片" in e for e in _errors(response, "photos"))
    assert not Complaint.objects.exists() and not CaseEvidence.objects.exists()
    assert _files(media) == []


def test_a_photo_too_large_is_refused(anonymous, township_a, media, settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "PUBLIC_EVIDENCE_MAX_BYTES": 1000}
    big = SimpleUploadedFile("big.jpg", _jpeg_with_gps(size=(400, 400)).read() + b"\0" * 1000)
    response = _post(anonymous, township=township_a.pk, photos=[big])
    assert response.status_code == 400
    assert any("过大" in e for e in _errors(response, "photos"))
    assert not Complaint.objects.exists() and _files(media) == []


def test_too_many_photos_are_refused(anonymous, township_a, media, settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "PUBLIC_EVIDENCE_MAX_FILES": 2}
    response = _post(anonymous, township=township_a.pk, photos=[_png(), _png(), _png()])
    assert response.status_code == 400
    assert any("最多" in e for e in _errors(response, "photos"))
    assert not Complaint.objects.exists() and _files(media) == []


def test_the_default_limits_are_five_photos_of_five_mb():
    from wagewatch.lib import config

    assert config.PUBLIC_EVIDENCE_MAX_FILES() == 5
    assert config.PUBLIC_EVIDENCE_MAX_BYTES() == 5 * 1024 * 1024


# ---------------------------------------------------------------- who sees them


@pytest.fixture
def evidence(anonymous, township_a) -> CaseEvidence:
    assert _post(anonymous, township=township_a.pk, photos=[_jpeg_with_gps()]).status_code == 302
    return CaseEvidence.objects.get()


def test_inspector_in_scope_sees_the_photo_on_the_case_page(client_for, inspector_a, evidence):
    client = client_for(inspector_a)
    url = reverse("complaints:evidence", args=[evidence.pk])
    page = client.get(reverse("complaints:detail", args=[evidence.complaint_id])).content.decode()
    assert f'src="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == Path(evidence.file.path).read_bytes()


def test_other_township_inspector_gets_404(client_for, inspector_b, evidence):
    url = reverse("complaints:evidence", args=[evidence.pk])
    assert client_for(inspector_b).get(url).status_code == 404


def test_anonymous_and_department_users_are_kept_out(anonymous, client_for, dept_user, evidence):
    url = reverse("complaints:evidence", args=[evidence.pk])
    response = anonymous.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client_for(dept_user).get(url).status_code in (403, 404)


def test_deleting_the_evidence_deletes_its_file(evidence, django_capture_on_commit_callbacks):
    path = Path(evidence.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        Complaint.objects.filter(pk=evidence.complaint_id).delete()
    assert not CaseEvidence.objects.exists() and not path.exists()


def test_admin_shows_evidence_read_only(client_for, admin, evidence):
    client = client_for(admin)
    assert client.get(reverse("admin:complaints_caseevidence_changelist")).status_code == 200
    change = client.get(reverse("admin:complaints_caseevidence_change", args=[evidence.pk]))
    assert change.status_code == 200 and 'name="content_type"' not in change.content.decode()
    assert client.get(reverse("admin:complaints_caseevidence_add")).status_code == 403


def test_a_photo_is_stored_upright_as_the_phone_showed_it(anonymous, township_a):
    image, exif = Image.new("RGB", (64, 48), (10, 200, 10)), Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    photo = SimpleUploadedFile("p.jpg", buffer.getvalue())
    assert _post(anonymous, township=township_a.pk, photos=[photo]).status_code == 302
    stored = Image.open(CaseEvidence.objects.get().file.path)
    assert stored.size == (48, 64) and not stored.getexif()


def test_a_photo_with_too_many_pixels_is_refused_before_decoding(anonymous, township_a, media, settings):
    settings.WAGEWATCH = {**settings.WAGEWATCH, "PUBLIC_EVIDENCE_MAX_PIXELS": 100}
    response = _post(anonymous, township=township_a.pk, photos=[_png()])
    assert response.status_code == 400 and any("像素过多" in e for e in _errors(response, "photos"))
    assert not Complaint.objects.exists() and _files(media) == []
