"""A worker files a complaint from his phone: the public form at 375×667 fits the screen, is submitted by
tapping, and the success page shows the case number (issue 18, a real browser)."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from complaints.models import Captcha, Complaint
from tests.complaints.factories import make_project

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 667}


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, "JPEG")
    return out.getvalue()


def test_public_complaint_form_at_phone_width(browser_page, live_server, township_a, department):
    site = make_project(township=township_a, department=department)
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("complaints:public_form"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    form = page.locator("form", has=page.locator("[name=complainant_name]"))
    # only the fields every version of the form has; optional ones added later stay empty
    form.locator("[name=complainant_name]").fill("李四")
    form.locator("[name=complainant_phone]").fill("13912345678")
    form.locator("[name=township]").select_option(str(township_a.pk))
    form.locator("[name=project]").select_option(str(site.pk))  # the sites listed are the township's
    form.locator("[name=photos]").set_input_files(
        [{"name": "欠条.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    form.locator("[name=respondent_name]").fill("某某建筑劳务有限公司")
    form.locator("[name=workers_involved]").fill("2")
    form.locator("[name=amount_claimed]").fill("12000")
    form.locator("[name=description]").fill("在县城安置房工地干了三个月，老板一直拖欠工资。")
    key = form.locator("[name=captcha_key]").input_value()
    form.locator("[name=captcha]").fill(Captcha.objects.get(key=key).answer)
    button = form.get_by_role("button", name="提交投诉")
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    button.click()
    page.wait_for_url("**/c/done/")
    number = page.locator(".big-number").inner_text().strip()
    case = Complaint.objects.get(number=number)
    assert case.complainant_name == "李四" and case.channel == Complaint.Channel.ONLINE
    assert case.township == township_a and case.project == site and case.evidence.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "投诉已提交" in page.content()
