"""Issue 18 item 3: column sorting on the ledgers through a whitelisted ?sort=, and page numbers."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.complaints.factories import make_complaint
from tests.deposits.factories import make_deposit
from tests.projects.factories import make_project


@pytest.fixture
def project_a(township_a, department):
    return make_project(township_a, department, name="甲镇安置房")


def _numbers(client, **params):
    r = client.get(reverse("complaints:list"), params)
    assert r.status_code == 200
    return [c.number for c in r.context["page"].object_list]


def test_case_ledger_sorts_by_whitelisted_columns(client_for, office, project_a):
    make_complaint(project=project_a, number="TS2026-00002", amount_claimed=Decimal("500"))
    make_complaint(project=project_a, number="TS2026-00001", amount_claimed=Decimal("900"))
    make_complaint(project=project_a, number="TS2026-00003", amount_claimed=Decimal("100"))
    c = client_for(office)
    assert _numbers(c, sort="number") == ["TS2026-00001", "TS2026-00002", "TS2026-00003"]
    assert _numbers(c, sort="-number") == ["TS2026-00003", "TS2026-00002", "TS2026-00001"]
    assert _numbers(c, sort="-amount") == ["TS2026-00001", "TS2026-00002", "TS2026-00003"]


@pytest.mark.parametrize("bad", ["complainant_phone", "-complainant_id_number", "id;drop", "__", "-"])
def test_unknown_sort_is_ignored_not_passed_to_order_by(client_for, office, project_a, bad):
    make_complaint(project=project_a)
    assert len(_numbers(client_for(office), sort=bad)) == 1


def test_sort_header_links_keep_the_filters(client_for, office, project_a):
    make_complaint(project=project_a)
    r = client_for(office).get(reverse("complaints:list"), {"q": "公司", "sort": "number"})
    body = r.content.decode()
    assert "?q=%E5%85%AC%E5%8F%B8&amp;sort=-number" in body  # the active column turns the order


def test_order_list_and_hazard_list_accept_sort(client_for, office, project_a):
    c = client_for(office)
    assert c.get(reverse("complaints:orders"), {"sort": "-deadline"}).status_code == 200
    assert c.get(reverse("risk:hazards"), {"sort": "deadline"}).status_code == 200
    assert c.get(reverse("risk:hazards"), {"sort": "evil"}).status_code == 200


def test_project_list_has_sort_headers(client_for, office, project_a):
    body = client_for(office).get(reverse("projects:list"), {"status": "building"}).content.decode()
    assert "status=building&amp;sort=code" in body


# ---------------------------------------------------------------- page numbers and the jump
def _many_cases(project, n):
    day = timezone.now() - datetime.timedelta(days=1)
    for i in range(n):
        make_complaint(project=project, received_at=day - datetime.timedelta(minutes=i))


def test_pagination_shows_numbers_ellipsis_and_jump(client_for, office, project_a):
    _many_cases(project_a, 50 * 12 + 1)
    body = client_for(office).get(reverse("complaints:list"), {"q": "公司", "page": 6}).content.decode()
    assert 'class="pagination"' in body
    assert "?q=%E5%85%AC%E5%8F%B8&amp;page=13" in body and '?q=%E5%85%AC%E5%8F%B8&amp;page=1"' in body
    assert "…" in body
    assert 'name="page"' in body and 'type="number"' in body and 'name="q" value="公司"' in body


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1e9", "", "%00"])
def test_bad_page_number_never_fails(client_for, office, project_a, page):
    _many_cases(project_a, 3)
    c = client_for(office)
    for name in ("complaints:list", "projects:list", "complaints:orders", "risk:hazards"):
        assert c.get(reverse(name), {"page": page}).status_code == 200, name


def test_deposit_ledger_sorts_and_keeps_the_sort_in_its_pages(client_for, office, township_a, department):
    for cash in ("300", "100", "200"):
        make_deposit(make_project(township_a, department), cash=cash)
    r = client_for(office).get(reverse("deposits:list"), {"township": township_a.pk, "sort": "-balance"})
    assert [d.balance for d in r.context["page"].object_list] == [Decimal(300), Decimal(200), Decimal(100)]
    assert "sort=-balance" in r.context["query"]
    assert f"township={township_a.pk}&amp;sort=balance" in r.content.decode()
