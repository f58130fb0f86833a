"""Cross-object access: a child record is fetched through its scoped parent (STYLE.md §12).

Every route whose URL carries two ids (parent + child) is requested for the child of another project
through the user's own project's URL — once for a project in his own township (which he may see, so only
the parent filter stands in the way) and once for a project outside it. The answer must be 404 and no row
may change. A control request for his own project's child proves the user does reach the child lookup.
test_every_two_id_route_is_covered fails when a new two-id route has no entry in CHILD_ROUTES.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from projects.models import Inspection, Project, RosterEntry, Worker
from tests.once import with_token
from tests.projects.factories import make_project, make_roster_entry
from tests.security.test_access_matrix import walk
from tests.wages.factories import make_pay_line
from wages.models import PayLine
from wagewatch.accounts.models import RevealLog

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class ChildRoute:
    child: str  # "entry" or "inspection": which child of a project the route edits or shows
    user: str  # the fixture that reaches the child lookup on his own project
    methods: tuple[str, ...]  # the methods that reach the lookup (others are refused before it)
    kwargs: tuple[str, str] = ()  # API routers: (parent kwarg, child kwarg); pages take positional args


CHILD_ROUTES = {
    "projects:roster_edit": ChildRoute("entry", "inspector_a", ("get", "post")),
    # only approvers may reveal (an inspector is refused before the lookup): office staff see every
    # project, so the parent filter is all that keeps project B's worker off project A's page
    "projects:roster_reveal": ChildRoute("entry", "office", ("post",)),
    "projects:inspection_edit": ChildRoute("inspection", "inspector_a", ("get", "post")),
    "roster-detail": ChildRoute("entry", "inspector_a", ("get",), ("project_pk", "pk")),
    "wages:line_edit": ChildRoute("pay_line", "inspector_a", ("get", "post")),
}


ID_PARAM = re.compile(r"<int:\w+>|\(\?P<(?:\w+_)?pk>")  # an int converter, or a router's pk / *_pk group


def test_every_two_id_route_is_covered():
    found = {name for route, name, _p in walk() if len(ID_PARAM.findall(route)) >= 2}
    assert found == set(CHILD_ROUTES), (
        f"give these two-id routes a CHILD_ROUTES case: {found ^ set(CHILD_ROUTES)}"
    )


# ---------------------------------------------------------------- the county of the test


def _children(project: Project, user: User) -> dict:
    inspection = Inspection.objects.create(
        project=project, date=datetime.date(2026, 3, 1), findings="原检查记录", created_by=user
    )
    entry = make_roster_entry(project)
    line = make_pay_line(entry, project.start_date.replace(day=1), net=None, paid_on=None)
    return {"project": project, "entry": entry, "inspection": inspection, "pay_line": line}


@pytest.fixture
def county(township_a, township_b, department, office):
    """Project A (the user's), B in the same township, C in another township; each with its children."""
    return {
        "own": _children(make_project(township_a, department), office),
        "same_township": _children(make_project(township_a, department), office),
        "other_township": _children(make_project(township_b, department), office),
    }


def _post_data(child: str, project: Project, user=None) -> dict:
    """A valid form: were the lookup to let the child through, this would change it."""
    if child == "inspection":
        return {"date": "2026-04-01", "findings": "改写", "check_contracts": "on"}
    if child == "pay_line":  # a money entry: the form carries its one-time token
        month = f"{project.start_date:%Y-%m}"
        return with_token({"month": month, "due": "6000", "deductions": "0", "net": "1234"}, user)
    return {
        "name": "改名",
        "phone": "13911112222",
        "team": "改写班组",
        "trade": "木工",
        "entry_date": project.start_date.isoformat(),
        "pay_method": "bank",
        "bank": "改写银行",
    }


def _url(name: str, spec: ChildRoute, parent: Project, child) -> str:
    if spec.kwargs:
        return reverse(name, kwargs=dict(zip(spec.kwargs, (parent.pk, child.pk), strict=True)))
    return reverse(name, args=[parent.pk, child.pk])


def _state() -> dict:
    """Every row a child route could write: roster entries, workers, inspections, reveal log."""
    return {
        "entries": list(RosterEntry.objects.order_by("pk").values()),
        "workers": [(w.pk, w.name, w.phone, w.id_number) for w in Worker.objects.order_by("pk")],
        "inspections": list(Inspection.objects.order_by("pk").values()),
        "inspectors": list(Inspection.inspectors.through.objects.order_by("pk").values()),
        "history": Inspection.history.count(),
        "pay_lines": list(PayLine.objects.order_by("pk").values()),
        "reveals": RevealLog.objects.count(),
    }


def _request(client: Client, method: str, url: str, data: dict):
    if method == "post":
        return client.post(url, data)
    return client.get(url, HTTP_ACCEPT="text/html,application/json")


CASES = [
    pytest.param(name, where, method, id=f"{name}-{where}-{method}")
    for name, spec in CHILD_ROUTES.items()
    for where in ("same_township", "other_township")
    for method in spec.methods
]


@pytest.mark.parametrize(("name", "where", "method"), CASES)
def test_child_of_another_project_is_not_reached_through_own_project(
    request, county, client_for, name, where, method
):
    spec = CHILD_ROUTES[name]
    user: User = request.getfixturevalue(spec.user)
    client = client_for(user)
    own, other = county["own"]["project"], county[where][spec.child]
    before = _state()
    response = _request(client, method, _url(name, spec, own, other), _post_data(spec.child, own, user))
    assert response.status_code == 404, response.content[:300]
    assert _state() == before


@pytest.mark.parametrize(("name", "method"), [(n, m) for n, s in CHILD_ROUTES.items() for m in s.methods])
def test_own_child_is_reached_through_own_project(request, county, client_for, name, method):
    """The control: the same user and request on his own project's child get through the lookup."""
    spec = CHILD_ROUTES[name]
    client = client_for(request.getfixturevalue(spec.user))
    own = county["own"]
    response = _request(
        client,
        method,
        _url(name, spec, own["project"], own[spec.child]),
        _post_data(spec.child, own["project"], request.getfixturevalue(spec.user)),
    )
    saved = method == "post" and name != "projects:roster_reveal"  # a saved form redirects
    assert response.status_code == (302 if saved else 200), response.content[:300]
    if saved:  # the posted form does write: the unchanged state above is the lookup's doing
        own[spec.child].refresh_from_db()
        changed = {"entry": lambda o: o.team, "inspection": lambda o: o.findings, "pay_line": lambda o: o.net}
        expected = {"entry": "改写班组", "inspection": "改写", "pay_line": Decimal("1234.00")}
        assert changed[spec.child](own[spec.child]) == expected[spec.child]
    elif method == "post":
        assert RevealLog.objects.filter(object_id=str(own["entry"].worker_id)).count() == 1


def test_api_child_route_refuses_writes(county, client_for, inspector_a, office):
    """The API roster is read-only: a write to another project's entry is refused before any lookup."""
    url = _url(
        "roster-detail",
        CHILD_ROUTES["roster-detail"],
        county["own"]["project"],
        county["same_township"]["entry"],
    )
    before = _state()
    for user in (inspector_a, office):
        client = client_for(user)
        for method in (client.post, client.put, client.patch, client.delete):
            assert method(url, {"team": "改写"}, content_type="application/json").status_code in (403, 405)
    assert _state() == before
