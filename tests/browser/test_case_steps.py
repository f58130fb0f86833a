"""A complaint case taken through its legal steps in a real browser: intake → accept → file → extend → close,
the irreversible steps only with their confirmation ticked (issue 18, a real browser)."""

import pytest
from django.urls import reverse

from complaints.models import Complaint
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db(transaction=True)


def _step(page, case, step):
    return page.locator(f"form[action='{reverse('complaints:step', args=[case.pk, step])}']")


def _refused_without_the_tick(page, form, button: str) -> None:
    """Unticked, the browser holds the form back (required); with that check removed, the server refuses
    it on the field (400) — the confirmation does not rest on the page's script."""
    posts = []
    listener = lambda r: r.method == "POST" and posts.append(r.url)  # noqa: E731
    page.on("request", listener)
    form.get_by_role("button", name=button).click()
    page.wait_for_timeout(300)
    assert posts == [] and form.locator("[name=confirm]").evaluate("e => e.validity.valueMissing")
    page.remove_listener("request", listener)
    form.locator("[name=confirm]").evaluate("e => e.removeAttribute('required')")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        form.get_by_role("button", name=button).click()
    assert answer.value.status == 400
    page.wait_for_load_state()
    assert "此步骤不可撤销：请勾选确认后再提交。" in page.content()


def test_a_case_goes_from_intake_to_close_with_the_confirmations(
    browser_page, log_in, live_server, township_a, department, office
):
    project = make_project(township_a, department, name="甲镇安置房工程")
    page = browser_page
    log_in(page, office)

    page.goto(live_server.url + reverse("complaints:create"))
    intake = page.locator("form", has=page.locator("[name=complainant_name]"))
    intake.locator("[name=channel]").select_option(index=0)
    intake.locator("[name=complainant_name]").fill("王建国")
    intake.locator("[name=complainant_phone]").fill("13800138000")
    intake.locator("[name=respondent]").fill("某某建筑劳务有限公司")
    intake.locator("[name=project]").select_option(str(project.pk))
    intake.locator("[name=workers_involved]").fill("3")
    intake.locator("[name=amount_claimed]").fill("36000")
    intake.locator("[name=description]").fill("2026年9月至11月工资未发放。")
    intake.get_by_role("button", name="保存").click()
    page.wait_for_url("**/complaints/*/")
    case = Complaint.objects.get(project=project)
    assert case.status == Complaint.Status.RECEIVED and case.township_id == township_a.pk
    assert "已登记" in page.content()

    _step(page, case, "accept").get_by_role("button", name="受理").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == Complaint.Status.ACCEPTED

    _step(page, case, "file").get_by_role("button", name="立案").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == Complaint.Status.FILED

    extend = _step(page, case, "extend")
    extend.locator("[name=reason]").fill("涉及人数多，需调取银行流水。")
    _refused_without_the_tick(page, extend, "批准延期")
    case.refresh_from_db()
    assert not case.extended
    extend = _step(page, case, "extend")
    extend.locator("[name=reason]").fill("涉及人数多，需调取银行流水。")
    extend.locator("[name=confirm]").check()
    extend.get_by_role("button", name="批准延期").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.extended

    close = _step(page, case, "close")
    close.locator("[name=outcome]").select_option(Complaint.Outcome.MEDIATED)
    close.locator("[name=amount_recovered]").fill("36000")
    close.locator("[name=workers_paid]").fill("3")
    _refused_without_the_tick(page, close, "结案")
    case.refresh_from_db()
    assert case.status == Complaint.Status.FILED
    close = _step(page, case, "close")
    close.locator("[name=outcome]").select_option(Complaint.Outcome.MEDIATED)
    close.locator("[name=amount_recovered]").fill("36000")
    close.locator("[name=workers_paid]").fill("3")
    close.locator("[name=confirm]").check()
    close.get_by_role("button", name="结案").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == Complaint.Status.CLOSED and str(case.amount_recovered) == "36000.00"
    assert page.locator(".tag-blue").first.inner_text().strip() == "已结案"
    assert page.locator(f"form[action='{reverse('complaints:step', args=[case.pk, 'close'])}']").count() == 0
