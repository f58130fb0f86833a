"""The public certificate check asks for serial and code (issue 18 item 5): a serial typed from paper
without its code is asked for the code, never told the certificate does not exist."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from blacklist import services
from blacklist.public import verify_url

from .factories import make_project

pytestmark = pytest.mark.django_db
NOT_FOUND = "未查询到该证明，或校验码不符"


@pytest.fixture
def cert(office, township_a, department):
    project = make_project(township_a, department)
    return services.certificate_issue(
        enterprise=project.contractor, purpose="投标", user=office, on=timezone.localdate()
    )


def test_the_page_has_fields_for_serial_and_code(anonymous):
    page = anonymous.get(reverse("blacklist:verify_form")).content.decode()
    assert 'name="serial"' in page and 'name="code"' in page
    assert NOT_FOUND not in page and "请输入校验码" not in page  # nothing checked yet


def test_serial_typed_without_code_asks_for_the_code(anonymous, cert):
    page = anonymous.get(reverse("blacklist:verify_form"), {"serial": cert.serial}).content.decode()
    assert "请输入校验码" in page and NOT_FOUND not in page
    assert f'value="{cert.serial}"' in page  # the serial stays in its field
    assert cert.enterprise.name not in page


def test_serial_link_without_code_asks_for_the_code(anonymous, cert):
    page = anonymous.get(reverse("blacklist:verify", args=[cert.serial])).content.decode()
    assert "请输入校验码" in page and NOT_FOUND not in page


def test_serial_and_code_typed_on_the_page_verify(anonymous, cert):
    page = anonymous.get(
        reverse("blacklist:verify_form"), {"serial": f" {cert.serial} ", "code": cert.code.upper()}
    ).content.decode()
    assert "该证明真实有效" in page and cert.enterprise.name in page


def test_the_qr_link_fills_both_fields(anonymous, cert):
    link = urlsplit(verify_url(cert))
    page = anonymous.get(f"{link.path}?{link.query}").content.decode()
    assert "该证明真实有效" in page
    assert f'value="{cert.serial}"' in page and f'value="{cert.code}"' in page


def test_wrong_code_and_unknown_serial_read_the_same(anonymous, cert):
    wrong = anonymous.get(reverse("blacklist:verify_form"), {"serial": cert.serial, "code": "0" * 16})
    unknown = anonymous.get(reverse("blacklist:verify_form"), {"serial": "NX202699999", "code": "0" * 16})
    for response in (wrong, unknown):
        page = response.content.decode()
        assert NOT_FOUND in page and cert.enterprise.name not in page


def test_code_without_serial_asks_for_the_serial(anonymous):
    page = anonymous.get(reverse("blacklist:verify_form"), {"code": "abc"}).content.decode()
    assert "请输入证明编号" in page and NOT_FOUND not in page
