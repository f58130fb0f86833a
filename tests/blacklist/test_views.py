"""Pages: the public list (no personal data, date-filtered), office pages, scoping, exports, PDFs."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from blacklist import services
from blacklist.models import BlacklistEntry
from tests.once import with_token
from tests.projects.factories import make_roster_entry, make_worker, valid_id

from .factories import make_complaint, make_listed, make_pay_order, make_project, make_proposed

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def project(township_a, department):
    return make_project(township_a, department)


# ---- public page ----


def test_public_page_shows_enterprise_data_without_login(anonymous, office, project):
    entry = make_listed(user=office, project=project, listed_on=D(2026, 3, 2))
    html = anonymous.get(reverse("blacklist:public")).content.decode()
    assert reverse("blacklist:public") == "/blacklist/public/"
    for text in (
        project.contractor.name,
        project.contractor.uscc,
        "张三",
        entry.reason,
        "2026-03-02",
        "2029-03-02",
    ):
        assert text in html


def test_public_page_never_shows_workers_or_complainants(anonymous, office, project):
    complainant_id, person_id, worker_id = valid_id(), valid_id(), valid_id()
    case = make_complaint(
        user=office,
        project=project,
        complainant_name="欧阳举报人",
        complainant_phone="13987650321",
        complainant_id_number=complainant_id,
    )
    worker = make_worker(name="司马工人", phone="13700001111", id_number=worker_id)
    make_roster_entry(project, worker=worker)
    order = make_pay_order(user=office, project=project, complaint=case, deadline=D(2026, 1, 5))
    entry = make_listed(user=office, project=project, listed_on=D(2026, 3, 2), order=order)
    assert entry.complaint == case
    services.blacklist_person_add(
        entry=entry, name="李责任", role="controller", id_number=person_id, user=office
    )
    html = anonymous.get(reverse("blacklist:public")).content.decode()
    assert project.contractor.name in html
    for secret in (
        "欧阳举报人", "13987650321", "0321", complainant_id, "司马工人", "13700001111", worker_id,
        person_id, person_id[-4:], case.number,
    ):  # fmt: skip
        assert secret not in html, secret


def test_expiry_takes_entry_off_public_page_on_the_day(anonymous, office, township_a, department):
    expiring = make_listed(
        user=office, project=make_project(township_a, department), listed_on=D(2023, 11, 2)
    )
    assert expiring.expires_on == TODAY  # no job has run: status still "listed"
    html = anonymous.get(reverse("blacklist:public")).content.decode()
    assert expiring.enterprise.name not in html
    with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
        assert expiring.enterprise.name in anonymous.get(reverse("blacklist:public")).content.decode()


def test_early_removal_takes_entry_off_public_page(anonymous, office, project):
    entry = make_listed(user=office, project=project, listed_on=D(2026, 3, 2))
    assert project.contractor.name in anonymous.get(reverse("blacklist:public")).content.decode()
    services.blacklist_remove_early(
        entry=entry,
        arrears_paid_on=D(2026, 10, 1),
        commitment_filed_on=D(2026, 10, 9),
        reason="",
        user=office,
    )
    assert project.contractor.name not in anonymous.get(reverse("blacklist:public")).content.decode()


def test_public_page_hides_entries_not_yet_published(anonymous, office, project):
    make_proposed(user=office, project=project)
    assert project.contractor.name not in anonymous.get(reverse("blacklist:public")).content.decode()


@pytest.mark.parametrize("n", [2, 50])
def test_public_page_query_count_is_constant(
    anonymous, office, township_a, department, n, django_assert_num_queries
):
    for i in range(n):
        BlacklistEntry.objects.create(
            enterprise=make_project(township_a, department).contractor,
            basis_order=make_pay_order(user=office, project=make_project(township_a, department)),
            basis_kind="criminal",
            reason=f"RSN{i}-",
            status="listed",
            listed_on=D(2026, 1, 5),
            expires_on=D(2029, 1, 5),
        )
    # savepoint (ATOMIC_REQUESTS), entries joined with their enterprise, release savepoint
    with django_assert_num_queries(3):
        response = anonymous.get(reverse("blacklist:public"))
    assert response.content.decode().count("RSN") == n


# ---- office pages ----


def test_list_requires_login_and_hides_from_department_users(anonymous, client_for, dept_user):
    assert anonymous.get(reverse("blacklist:list")).status_code == 302
    assert client_for(dept_user).get(reverse("blacklist:list")).status_code == 403


def test_inspector_sees_only_own_proposals(client_for, inspector_a, office, township_a, department):
    mine_project, other_project = make_project(township_a, department), make_project(township_a, department)
    mine = services.blacklist_propose(
        order=make_pay_order(user=inspector_a, project=mine_project),
        basis_kind="criminal",
        reason="r",
        user=inspector_a,
        on=D(2026, 2, 2),
    )
    other = make_proposed(user=office, project=other_project)
    html = client_for(inspector_a).get(reverse("blacklist:list")).content.decode()
    assert mine_project.contractor.name in html and other_project.contractor.name not in html
    assert client_for(inspector_a).get(reverse("blacklist:detail", args=[other.pk])).status_code == 404
    assert client_for(inspector_a).get(reverse("blacklist:detail", args=[mine.pk])).status_code == 200


@pytest.mark.parametrize("n", [2, 50])
def test_list_query_count_is_constant(
    client_for, office, township_a, department, n, django_assert_num_queries
):
    for _ in range(n):
        make_proposed(user=office, project=make_project(township_a, department))
    client = client_for(office)
    # savepoint, user, profile (role), COUNT for the paginator, unread-messages badge,
    # the page of entries joined with enterprise, order and proposer, release savepoint
    with django_assert_num_queries(7):
        response = client.get(reverse("blacklist:list"))
    assert response.status_code == 200


def test_list_filters_and_export(client_for, office, township_a, department):
    listed = make_listed(user=office, project=make_project(township_a, department), listed_on=D(2026, 3, 2))
    proposed = make_proposed(user=office, project=make_project(township_a, department))
    client = client_for(office)
    html = client.get(reverse("blacklist:list"), {"status": "in_force"}).content.decode()
    assert listed.enterprise.name in html and proposed.enterprise.name not in html
    response = client.get(reverse("blacklist:export"), {"status": "proposed"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "企业名称" and [r[0] for r in rows[1:]] == [proposed.enterprise.name]


def test_detail_walks_the_steps_and_refuses_out_of_order(client_for, office, project):
    entry = make_proposed(user=office, project=project, on=D(2026, 10, 9))
    client = client_for(office)
    url = lambda step: reverse("blacklist:step", args=[entry.pk, step])  # noqa: E731
    response = client.post(url("publish"), with_token({}, office), follow=True)
    assert "当前状态为“已提请”，不能列入公示" in response.content.decode()
    client.post(url("notice"), with_token({"on": "2026-10-09"}, office))
    entry.refresh_from_db()
    assert entry.status == "noticed" and entry.notice_seq == 1
    assert client.get(reverse("blacklist:notice_pdf", args=[entry.pk]))["Content-Type"] == "application/pdf"
    client.post(url("statement"), with_token({"statement": "我司已筹措资金", "on": "2026-10-12"}, office))
    decide = {"to_list": "1", "reasons": "申辩理由不成立", "on": "2026-10-13"}
    client.post(url("decide"), with_token(decide, office))
    client.post(url("publish"), with_token({"on": "2026-10-14"}, office))
    person = {"name": "李四", "role": "legal_rep", "id_number": valid_id()}
    client.post(url("person"), with_token(person, office))
    entry.refresh_from_db()
    assert entry.status == "listed" and entry.expires_on == D(2029, 10, 14)
    html = client.get(reverse("blacklist:detail", args=[entry.pk])).content.decode()
    assert "列入并公示" in html and "李四" in html and "提前移出" in html
    assert entry.persons.get().id_number not in html


def test_propose_from_order_view(client_for, office, project):
    order = make_pay_order(user=office, project=project, deadline=D(2026, 10, 1))
    client = client_for(office)
    url = reverse("blacklist:propose_from_order", args=[order.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"order": order.pk, "basis_kind": "incident", "reason": "引发群体性事件"})
    entry = BlacklistEntry.objects.get()
    assert response.url == reverse("blacklist:detail", args=[entry.pk])
    assert entry.basis_order == order and entry.proposed_by == office


def test_propose_from_order_not_yet_ignored_is_refused(client_for, office, project):
    order = make_pay_order(user=office, project=project, deadline=D(2026, 12, 1))
    response = client_for(office).get(reverse("blacklist:propose_from_order", args=[order.pk]))
    assert response.status_code == 302 and not BlacklistEntry.objects.exists()


def test_grades_page_and_override(client_for, office, office_clerk, project):
    services.grade_compute_year(year=2026)
    client = client_for(office)
    html = client.get(reverse("blacklist:grades"), {"year": 2026}).content.decode()
    assert project.contractor.name in html
    data = {"enterprise": project.contractor.uscc, "year": 2026, "grade": "C", "reason": ""}
    assert "理由" in client.post(reverse("blacklist:grades"), data).content.decode()
    client.post(reverse("blacklist:grades"), {**data, "reason": "阻挠监察"})
    from blacklist.selectors import grade_of

    assert grade_of(enterprise=project.contractor, year=2026) == "C"
    assert (
        client_for(office_clerk).post(reverse("blacklist:grades_compute"), {"year": 2026}).status_code == 403
    )


def test_certificates_page_issue_refusal_pdf_and_public_verify(client_for, anonymous, office, project):
    client = client_for(office)
    make_complaint(user=office, project=project)
    other = make_project(project.township, project.department)
    response = client.post(
        reverse("blacklist:certificates"),
        with_token({"enterprise": project.contractor.uscc, "purpose": "投标"}, office),
    )
    assert "该企业有尚未办结的欠薪投诉案件" in response.content.decode()
    issue = with_token({"enterprise": other.contractor.uscc, "purpose": "投标"}, office)
    client.post(reverse("blacklist:certificates"), issue)
    cert = other.contractor.certificates.get()
    pdf = client.get(reverse("blacklist:certificate_pdf", args=[cert.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    ok = anonymous.get(reverse("blacklist:verify", args=[cert.serial]), {"code": cert.code}).content.decode()
    assert "该证明真实有效" in ok and other.contractor.name in ok
    bad = anonymous.get(reverse("blacklist:verify", args=[cert.serial]), {"code": "0" * 16}).content.decode()
    assert "校验码不符" in bad and other.contractor.name not in bad


@pytest.mark.parametrize("n", [2, 50])
def test_grades_page_query_count_is_constant(client_for, office, n, django_assert_num_queries):
    from blacklist.models import IntegrityGrade
    from tests.projects.factories import make_enterprise

    IntegrityGrade.objects.bulk_create(
        IntegrityGrade(enterprise=make_enterprise(), year=2026, computed_grade="AB"[i % 2]) for i in range(n)
    )
    client = client_for(office)
    # savepoint, user, profile, years with grades, counts of that year, paginator COUNT,
    # unread badge, the page of grades joined with enterprise, release savepoint
    with django_assert_num_queries(9):
        response = client.get(reverse("blacklist:grades"))
    assert response.content.decode().count("测试建筑工程有限公司") == n


@pytest.mark.parametrize("n", [2, 50])
def test_certificates_page_query_count_is_constant(client_for, office, n, django_assert_num_queries):
    from blacklist.models import NoArrearsCertificate
    from tests.projects.factories import make_enterprise

    NoArrearsCertificate.objects.bulk_create(
        NoArrearsCertificate(
            enterprise=make_enterprise(),
            serial=f"ZQCERT{i:05d}",
            issued_on=TODAY,
            valid_until=TODAY,
            purpose="投标",
        )
        for i in range(n)
    )
    client = client_for(office)
    # savepoint, user, profile, paginator COUNT, unread badge, page joined with enterprise, release
    with django_assert_num_queries(7):
        response = client.get(reverse("blacklist:certificates"))
    # a prefix no token or id on the page can contain ("T0" could: the test failed now and then)
    assert response.content.decode().count("ZQCERT") == n


def test_admin_pages_load(client_for, admin, office, project):
    entry = make_listed(user=office, project=project, listed_on=D(2026, 3, 2))
    services.blacklist_person_add(
        entry=entry, name="李四", role="legal_rep", id_number=valid_id(), user=office
    )
    client = client_for(admin)
    for name in ("blacklistentry", "integritygrade", "noarrearscertificate"):
        assert client.get(reverse(f"admin:blacklist_{name}_changelist")).status_code == 200
    html = client.get(reverse("admin:blacklist_blacklistentry_change", args=[entry.pk])).content.decode()
    assert entry.persons.get().id_number not in html
    assert client.get(reverse("admin:blacklist_blacklistentry_history", args=[entry.pk])).status_code == 200


def test_propose_page_offers_only_ignored_pay_orders(client_for, inspector_a, township_a, department):
    ignored = make_pay_order(
        user=inspector_a, project=make_project(township_a, department), deadline=D(2026, 10, 1)
    )
    pending = make_pay_order(
        user=inspector_a, project=make_project(township_a, department), deadline=D(2026, 12, 1)
    )
    html = client_for(inspector_a).get(reverse("blacklist:propose")).content.decode()
    assert ignored.number in html and pending.number not in html
