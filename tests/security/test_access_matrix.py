"""Access matrix: every URL pattern and API route, requested as anonymous, another township's inspector,
a department user and office staff, with sample objects of township A (DESIGN.md §1).

- anonymous: a redirect to the login page (API: 401/403), except the explicit PUBLIC routes;
- inspector_b (township B): 403/404 for township-A objects and for office-only actions;
- dept_user (department of the sample project): his department's project pages, no field-work writes;
- office: 200 (a POST-only route is posted with empty data: anything but 401/403/404);
- nobody ever gets a 500.
A route absent from MATRIX (or ADMIN/PUBLIC) makes test_every_route_is_classified fail: add the new route.
POST-only routes (405 on GET) are POSTed with empty data instead.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from blacklist.services import certificate_issue
from complaints import enforcement
from complaints.claimants import claimant_create
from complaints.models import CaseEvidence, Complaint, ComplaintAttachment, TypicalCase
from deposits.models import DrawRequest, EmergencyAdvance
from projects.models import ImportJob, Inspection
from projects.models.inspections import SITE_CHECKS
from reports.models import Campaign, ReportRun, TaskProgress
from tests.api.factories import make_project_records
from tests.blacklist.factories import make_listed, make_pay_order
from tests.complaints.factories import make_complaint
from tests.projects.factories import make_project, valid_id
from tests.reports.factories_keytasks import make_task
from wagewatch.accounts.models import JobStatus

pytestmark = pytest.mark.django_db

OK, DENY, ANY = "ok", "deny", "any"
# name → (sample args, inspector_b, dept_user, office)
PUBLIC = {
    "login": None,
    "logout": None,  # POST only (GET: 405); never requested as a logged-in client in the matrix
    "complaints:public_form": None,
    "complaints:public_done": None,
    "complaints:lookup": None,
    "complaints:public_project": ("code",),
    "complaints:wagecheck": ("code",),
    "complaints:wagecheck_complaint": ("code",),  # POST only; without a signed check it goes back to the form
    "blacklist:public": None,
    "complaints:typical_public": None,
    "blacklist:verify": ("serial",),
    "blacklist:verify_form": None,
    "set_language": None,
    "api-schema": None,
    "api-docs": None,
}
P = ("project",)
READ_A = (DENY, OK, OK)  # a township-A project page: his department may read it
FIELD_WRITE = (DENY, DENY, OK)  # field work on a township-A project
OFFICE_ONLY = (DENY, DENY, OK)
ALL_OK = (OK, OK, OK)
MATRIX = {
    "dashboard": (None, *ALL_OK),
    "inbox": (None, *ALL_OK),
    "inbox_read_all": (None, *ALL_OK),
    # projects
    "projects:list": (None, *ALL_OK),
    "projects:export": (None, *ALL_OK),
    "projects:create": (None, OK, DENY, OK),
    "projects:detail": (P, *READ_A),
    "projects:edit": (P, *FIELD_WRITE),
    "projects:roster": (P, *READ_A),
    "projects:roster_add": (P, *FIELD_WRITE),
    "projects:roster_edit": (("project", "entry"), *FIELD_WRITE),
    "projects:roster_reveal": (("project", "entry"), DENY, DENY, OK),
    "projects:roster_export": (P, *READ_A),
    "projects:import_upload": (P, *FIELD_WRITE),
    "projects:import_preview": (("import",), DENY, DENY, OK),
    "projects:import_confirm": (("import",), DENY, DENY, ANY),
    "projects:import_progress": (("import",), DENY, DENY, OK),
    "projects:import_status": (("import",), DENY, DENY, OK),
    "projects:import_errors": (("import",), DENY, DENY, ANY),
    "projects:import_template": (("kind:roster",), *ALL_OK),  # no personal data: any signed-in user
    # many rosters at once: a batch is its uploader's only (the sample is office's)
    "projects:import_many": (None, OK, DENY, OK),
    "projects:import_many_preview": (("rosters_import",), DENY, DENY, OK),
    "projects:import_many_confirm": (("rosters_import",), DENY, DENY, ANY),
    "projects:import_many_progress": (("rosters_import",), DENY, DENY, OK),
    "projects:import_many_status": (("rosters_import",), DENY, DENY, OK),
    "projects:import_many_errors": (("rosters_import",), DENY, DENY, ANY),
    "projects:account": (P, *READ_A),
    "projects:account_edit": (P, *FIELD_WRITE),
    "projects:transfer_add": (P, *FIELD_WRITE),
    "projects:payroll": (P, *READ_A),
    "projects:payroll_add": (P, *FIELD_WRITE),
    "projects:inspections": (P, *READ_A),
    "projects:inspection_add": (P, *FIELD_WRITE),
    "projects:inspection_edit": (("project", "inspection"), *FIELD_WRITE),
    "projects:history": (P, *READ_A),
    # inspections of any employer (the list: each sees his scope; an employer inspection has no department)
    "projects:inspection_list": (None, *ALL_OK),
    "projects:worker_search": (None, *ALL_OK),  # scoped results (tests/search)
    "projects:employer_inspection_add": (None, OK, DENY, OK),
    "projects:employer_inspection_edit": (("employer_inspection",), DENY, DENY, OK),
    # wages (pay lines, arrears); an enterprise's page shows only the arrears in the user's scope
    "wages:project_tab": (P, *READ_A),
    "wages:project_export": (P, *READ_A),
    "wages:line_add": (P, *FIELD_WRITE),
    "wages:line_edit": (("project", "pay_line"), *FIELD_WRITE),
    "wages:import_pay_sheet": (P, *FIELD_WRITE),
    "wages:import_attendance": (P, *FIELD_WRITE),
    "wages:arrears": (None, *ALL_OK),
    "wages:arrears_export": (None, *ALL_OK),
    "wages:enterprise": (("enterprise",), *ALL_OK),
    # risk
    "risk:hazards": (None, *ALL_OK),
    "risk:export": (None, *ALL_OK),
    "risk:dashboard": (None, *ALL_OK),
    "risk:sweeps": (None, ANY, ANY, OK),
    "risk:sweep_now": (None, DENY, DENY, OK),
    "risk:detail": (("hazard",), *READ_A),
    "risk:close": (("hazard",), DENY, ANY, OK),
    "risk:project_tab": (P, *READ_A),
    "risk:project_sweep": (P, DENY, DENY, OK),
    # complaints (department users do not handle cases)
    "complaints:list": (None, OK, ANY, OK),
    "complaints:export": (None, OK, ANY, OK),
    "complaints:create": (None, OK, DENY, OK),
    "complaints:detail": (("complaint",), DENY, ANY, OK),
    "complaints:reveal": (("complaint",), DENY, DENY, OK),
    "complaints:step": (("complaint", "step:accept"), DENY, DENY, ANY),
    "complaints:attach": (("complaint",), DENY, DENY, ANY),
    "complaints:claimant_add": (("complaint",), DENY, DENY, ANY),
    "complaints:claimant_remove": (("claimant",), DENY, DENY, ANY),
    "complaints:attachment": (("attachment",), DENY, DENY, OK),
    "complaints:evidence": (("evidence",), DENY, DENY, OK),
    "complaints:orders": (None, OK, ANY, OK),
    "complaints:order_create": (None, ANY, DENY, OK),
    "complaints:documents_export": (None, OK, ANY, OK),
    "complaints:order_detail": (("order",), DENY, ANY, OK),
    "complaints:order_pdf": (("order",), DENY, ANY, OK),
    "complaints:order_comply": (("order",), DENY, DENY, ANY),
    "complaints:order_step": (("order", "step:serve"), DENY, DENY, ANY),
    "complaints:interviews": (None, OK, ANY, OK),
    "complaints:interview_create": (None, ANY, DENY, OK),
    "complaints:interview_detail": (("interview",), DENY, ANY, OK),
    "complaints:interview_pdf": (("interview",), DENY, ANY, OK),
    "complaints:interview_fulfil": (("interview",), DENY, DENY, ANY),
    "complaints:project_tab": (P, DENY, ANY, OK),
    "complaints:notice_board": (P, DENY, ANY, OK),
    # typical cases: office staff only (everyone else reads the public page)
    "complaints:typical_create": (("closed_complaint",), DENY, DENY, OK),
    "complaints:typical_list": (None, DENY, DENY, OK),
    "complaints:typical_withdraw": (("typical",), DENY, DENY, ANY),
    # blacklist (inspectors propose, office decides)
    "blacklist:list": (None, ANY, ANY, OK),
    "blacklist:export": (None, ANY, ANY, OK),
    "blacklist:propose": (None, ANY, DENY, OK),
    "blacklist:propose_from_order": (("order",), DENY, DENY, ANY),
    "blacklist:detail": (("blacklist",), ANY, ANY, OK),
    "blacklist:step": (("blacklist", "step:remove"), DENY, DENY, ANY),
    "blacklist:notice_pdf": (("blacklist",), ANY, ANY, OK),
    "blacklist:grades": (None, ANY, ANY, OK),
    "blacklist:grades_compute": (None, DENY, DENY, OK),
    "blacklist:certificates": (None, ANY, ANY, OK),
    "blacklist:certificate_pdf": (("certificate",), ANY, ANY, OK),
    # deposits
    "deposits:list": (None, *ALL_OK),
    "deposits:export": (None, *ALL_OK),
    "deposits:import": (None, DENY, DENY, DENY),  # admin only
    "deposits:import_confirm": (("deposit_import",), DENY, DENY, DENY),
    "deposits:fund": (None, ANY, ANY, OK),
    # go-live workbook: office staff and admins
    "golive:upload": (None, *OFFICE_ONLY),
    "golive:preview": (("golive_import",), *OFFICE_ONLY),
    "golive:confirm": (("golive_import",), *OFFICE_ONLY),
    "golive:errors": (("golive_import",), DENY, DENY, ANY),  # the preview's file is gone: back to the preview
    "deposits:fund_action": (("action:pay_in",), DENY, DENY, ANY),
    "deposits:advance_action": (("advance", "action:recover"), DENY, DENY, ANY),
    "deposits:detail": (("deposit",), *READ_A),
    "deposits:entry_add": (("deposit",), DENY, DENY, ANY),
    "deposits:draw": (("deposit",), DENY, DENY, ANY),
    "deposits:guarantee_add": (("deposit",), DENY, DENY, ANY),
    "deposits:exempt": (("deposit",), DENY, DENY, ANY),
    "deposits:return_step": (("deposit", "step:apply"), DENY, DENY, ANY),
    "deposits:draw_decide": (("draw", "decision:approve"), DENY, DENY, ANY),
    "deposits:project_tab": (P, *READ_A),
    "deposits:account": (P, *READ_A),
    # key tasks and reports
    "reports:tasks": (None, *ALL_OK),
    "reports:task_export": (None, *ALL_OK),
    "reports:task_create": (None, DENY, DENY, OK),
    "reports:task_detail": (("task",), DENY, OK, OK),
    "reports:task_edit": (("task",), DENY, DENY, OK),
    "reports:task_report": (("assignment",), DENY, ANY, ANY),
    "reports:task_review": (("assignment", "action:accept"), DENY, DENY, ANY),
    "reports:task_attachment": (("progress",), DENY, ANY, OK),
    "reports:dashboard": (None, *ALL_OK),
    "reports:index": (None, *ALL_OK),
    "reports:search": (None, *ALL_OK),  # scoped results (tests/search)
    "reports:detail": (("report",), DENY, DENY, OK),
    "reports:status": (("report",), DENY, DENY, OK),
    "reports:download": (("report", "fmt:xlsx"), DENY, DENY, ANY),
    "reports:campaigns": (None, *ALL_OK),
    "reports:campaign_create": (None, DENY, DENY, OK),
    "reports:campaign_detail": (("campaign",), DENY, DENY, OK),
    "reports:campaign_edit": (("campaign",), DENY, DENY, OK),
    "reports:campaign_report": (("campaign",), DENY, DENY, ANY),
    # REST API (session auth here; token auth is the same permission classes)
    "api-root": (None, *ALL_OK),
    "project-list": (None, *ALL_OK),
    "project-detail": (("pk:project",), *READ_A),
    "roster-list": (("project_pk:project",), *READ_A),
    "roster-detail": (("project_pk:project", "pk:entry"), *READ_A),
    "transfer-list": (None, *ALL_OK),
    "transfer-detail": (("pk:transfer",), *READ_A),
    "payroll-list": (None, *ALL_OK),
    "payroll-detail": (("pk:payroll",), *READ_A),
    "payline-list": (None, *ALL_OK),
    "payline-detail": (("pk:pay_line",), *READ_A),
    "complaint-list": (None, OK, ANY, OK),
    "complaint-detail": (("pk:complaint",), DENY, ANY, OK),
    "deposit-list": (None, *ALL_OK),
    "deposit-detail": (("pk:deposit",), *READ_A),
    "blacklist-list": (None, *ALL_OK),
    "blacklist-detail": (("pk:blacklist",), ANY, ANY, OK),
    "hazard-list": (None, *ALL_OK),
    "hazard-detail": (("pk:hazard",), *READ_A),
    "inspection-list": (None, *ALL_OK),
    "inspection-detail": (("pk:inspection",), *READ_A),
    "campaign-list": (None, *ALL_OK),
    "campaign-detail": (("pk:campaign",), DENY, DENY, OK),
}


def walk(resolver=None, prefix="", ns=""):
    """(route, qualified name, pattern) of every URL pattern, recursively."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from walk(p, prefix + str(p.pattern), f"{ns}{p.namespace}:" if p.namespace else ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{ns}{p.name}" if p.name else "", p


def _is_admin(route: str) -> bool:
    return route.startswith("admin/")


def test_every_route_is_classified():
    missing = sorted(
        {(name, route) for route, name, _p in walk() if not _is_admin(route) and name not in MATRIX | PUBLIC}
    )
    assert missing == [], f"classify these routes in tests/security/test_access_matrix.py: {missing}"
    unnamed = [route for route, name, _p in walk() if not name and not _is_admin(route)]
    assert unnamed == []


@pytest.fixture
def samples(township_a, department, office, inspector_a):
    project = make_project(township_a, department)
    records = make_project_records(project)
    order = make_pay_order(user=office, project=project)
    entry = make_listed(user=office, project=make_project(township_a, department))
    cert = certificate_issue(enterprise=project.builder, purpose="投标", user=office)
    interview = enforcement.interview_create(
        user=office,
        enterprise=project.contractor,
        interviewee_name="张经理",
        reason="拖欠工资隐患",
        agreed="月底前结清",
        project=project,
    )
    attachment = ComplaintAttachment.objects.create(
        complaint=records["complaint"],
        file=ContentFile(b"%PDF-1.4", name="a.pdf"),
        name="a.pdf",
        uploaded_by=office,
    )
    evidence = CaseEvidence.objects.create(
        complaint=records["complaint"],
        file=ContentFile(b"\x89PNG", name="e.png"),
        content_type="image/png",
        size=4,
    )
    task = make_task(departments=[department], townships=[township_a])
    assignment = task.assignments.get(township=township_a)
    progress = TaskProgress.objects.create(
        assignment=assignment,
        text="进展",
        on=timezone.localdate(),
        attachment=ContentFile(b"x", name="p.pdf"),
    )
    imp = ImportJob.objects.create(
        kind=ImportJob.Kind.ROSTER,
        project=project,
        township=township_a,
        filename="r.csv",
        file=ContentFile("姓名,身份证号,进场时间\n张三,123,2026-01-01\n".encode(), name="r.csv"),
        sha256="0" * 64,
        errors=[{"row": 2, "column": "姓名", "message": "x"}],
        error_count=1,
        status=JobStatus.DONE,
        created_by=inspector_a,
    )
    golive_import = ImportJob.objects.create(
        kind=ImportJob.Kind.GOLIVE, filename="golive.xlsx", created_by=office,
        errors=[{"sheet": "案件", "row": 2, "column": "状态", "message": "必填项为空"}], error_count=1,
    )  # fmt: skip
    rosters_import = ImportJob.objects.create(
        kind=ImportJob.Kind.ROSTERS, filename="a.xlsx、b.xlsx", created_by=office, status=JobStatus.DONE,
        errors=[{"sheet": "a.xlsx", "row": 2, "column": "姓名", "message": "姓名不能为空"}], error_count=1,
    )  # fmt: skip
    deposit_import = ImportJob.objects.create(
        kind=ImportJob.Kind.PROJECTS,
        filename="p.xlsx",
        file=ContentFile(b"PK", name="p.xlsx"),
        sha256="1" * 64,
    )
    draw = DrawRequest.objects.create(
        deposit=records["deposit"], order=order, amount=Decimal("100"), requested_by=inspector_a
    )
    advance = EmergencyAdvance.objects.create(
        project=project,
        enterprise=project.contractor,
        township=township_a,
        amount=Decimal("1000"),
        workers=2,
        paid_on=datetime.date(2026, 3, 1),
        created_by=office,
    )
    report = ReportRun.objects.create(
        kind=ReportRun.Kind.MONTHLY,
        scope=ReportRun.Scope.TOWNSHIP,
        township=township_a,
        scope_key=f"t{township_a.pk}",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 1, 31),
        created_by=office,
    )
    inspection = Inspection.objects.create(project=project, date=datetime.date(2026, 3, 1), created_by=office)
    employer_inspection = Inspection.objects.create(
        enterprise=project.builder, township=township_a, date=datetime.date(2026, 3, 2), created_by=office,
        **dict.fromkeys(SITE_CHECKS),
    )  # fmt: skip
    campaign = Campaign.objects.create(
        name="冬季攻坚行动", start=datetime.date(2026, 1, 1), end=datetime.date(2026, 2, 16),
        scope=Campaign.Scope.TOWNSHIP, township=township_a,
    )  # fmt: skip
    claimant = claimant_create(
        complaint=records["complaint"],
        name="刘大力",
        id_number=valid_id(),
        month_from=datetime.date(2026, 1, 1),
        month_to=datetime.date(2026, 2, 1),
    )
    closed = {
        "status": Complaint.Status.CLOSED,
        "outcome": "mediated",
        "closed_on": datetime.date(2026, 3, 1),
    }
    typical = TypicalCase.objects.create(
        complaint=make_complaint(project=project, **closed),
        title="典型案例",
        summary="摘要",
        enterprise_name="某公司",
        published_on=datetime.date(2026, 3, 2),
        published_by=office,
    )
    return {
        "project": project,
        "code": project.code,
        "closed_complaint": make_complaint(project=project, **closed),
        "typical": typical,
        "entry": records["roster"],
        "inspection": inspection,
        "employer_inspection": employer_inspection,
        "import": imp,
        "deposit_import": deposit_import,
        "golive_import": golive_import,
        "rosters_import": rosters_import,
        "hazard": records["hazard"],
        "complaint": records["complaint"],
        "claimant": claimant,
        "attachment": attachment,
        "evidence": evidence,
        "order": order,
        "interview": interview,
        "blacklist": entry,
        "certificate": cert,
        "serial": cert.serial,
        "deposit": records["deposit"],
        "draw": draw,
        "advance": advance,
        "task": task,
        "assignment": assignment,
        "progress": progress,
        "report": report,
        "campaign": campaign,
        "transfer": records["transfer"],
        "payroll": records["payroll"],
        "pay_line": records["pay_line"],
        "enterprise": project.contractor,
    }


def _url(name: str, spec, objects) -> str:
    if not spec:
        return reverse(name)
    args, kwargs = [], {}
    for part in spec:
        if ":" in part:  # "kwarg:sample" for the API routers, or "kind:literal" for slug parts
            key, value = part.split(":", 1)
            if key in ("pk", "project_pk"):
                kwargs[key] = objects[value].pk
            else:
                args.append(value)
        else:
            obj = objects[part]
            args.append(obj if isinstance(obj, str) else obj.pk)
    return reverse(name, kwargs=kwargs) if kwargs else reverse(name, args=args)


def _request(client: Client, url: str, method: str):
    if method == "post":
        return client.post(url, {})
    return client.get(url, HTTP_ACCEPT="text/html,application/json")


def _check(who: str, expect: str, response, method: str) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"{who}: {status}"
    if expect == DENY and status not in (403, 404):
        return f"{who}: expected 403/404, got {status}"
    if expect == OK:
        if method == "get" and status != 200:
            return f"{who}: expected 200, got {status}"
        if method == "post" and status in (401, 403, 404, 405):
            return f"{who}: expected access, got {status}"
    return None


def _anonymous_refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and re.search(
        r"/(accounts|admin)/login/", response.get("Location", "")
    )


def _format_variants(name: str):
    return name.endswith(("-list", "-detail", "api-root"))


def _client(user=None) -> Client:
    """A client that turns an exception into its 500 answer (so the matrix lists every failure)."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_access_matrix(samples, inspector_b, dept_user, office):
    anonymous = _client()
    clients = {
        "inspector_b": _client(inspector_b),
        "dept_user": _client(dept_user),
        "office": _client(office),
    }
    problems = []
    for name, (spec, *expected) in MATRIX.items():
        url = _url(name, spec, samples)
        method = "get"
        if clients["office"].get(url).status_code == 405:
            method = "post"
        if not _anonymous_refused(_request(anonymous, url, method)):
            problems.append(f"{name} {url} anonymous: not refused")
        for (who, client), expect in zip(clients.items(), expected, strict=True):
            issue = _check(who, expect, _request(client, url, method), method)
            if issue:
                problems.append(f"{name} {method.upper()} {url} {issue}")
    assert problems == [], "\n".join(problems)


def test_public_routes_answer_everyone(samples, client_for, inspector_b, office, anonymous):
    for name, spec in PUBLIC.items():
        url = _url(name, spec, samples)
        for client in (anonymous, client_for(inspector_b), client_for(office)):
            response = client.get(url)
            assert response.status_code in (200, 302, 405), (name, response.status_code)
            assert not (response.status_code == 302 and "/accounts/login/" in response["Location"]), name


def test_admin_is_closed_to_everyone_but_admins(
    samples, client_for, inspector_b, dept_user, office, admin, anonymous
):
    for route in ("/admin/", "/admin/projects/project/", "/admin/complaints/complaint/"):
        for client in (anonymous, client_for(inspector_b), client_for(dept_user), client_for(office)):
            response = client.get(route)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], route
        assert client_for(admin).get(route).status_code == 200, route
