"""The header's search box: projects (code or name), cases (number or respondent), enterprises (USCC or
name) and workers (name, ID or phone number), each through its model's ``visible_to`` — an inspector finds
only his townships' records. It spans projects and complaints, so it lives in the top layer (STYLE.md)."""

from typing import TypedDict

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from complaints.models import Complaint
from projects.models import Enterprise, Project, Worker
from projects.search import is_number, worker_match
from wagewatch.accounts.roles import AnyUser

GROUP_LIMIT = 20  # rows shown per group; the group's own list has the rest
TEXT_MAX = 100


class Hits(TypedDict):
    projects: list[Project]
    complaints: list[Complaint]
    enterprises: list[Enterprise]
    workers: list[Worker]


def _first(qs: QuerySet) -> list:
    return list(qs[: GROUP_LIMIT + 1])


def global_search(*, user: AnyUser, text: str) -> Hits:
    """Records of each kind the user may see matching ``text``, GROUP_LIMIT + 1 at most (one query a kind)."""
    text = text.strip()[:TEXT_MAX]
    if not text:
        return Hits(projects=[], complaints=[], enterprises=[], workers=[])
    projects = Project.objects.visible_to(user).filter(Q(code__iexact=text) | Q(name__icontains=text))
    cases = (
        Complaint.objects.visible_to(user)
        .filter(Q(number__iexact=text) | Q(respondent_name__icontains=text))
        .only("pk", "number", "respondent_name", "received_at", "status")
    )
    firms = Enterprise.objects.visible_to(user).filter(Q(uscc=text.upper()) | Q(name__icontains=text))
    workers = Worker.objects.visible_to(user).filter(worker_match(text))
    return Hits(
        projects=_first(projects.order_by("code", "pk")),
        complaints=_first(cases.order_by("-received_at", "-pk")),
        enterprises=_first(firms.only("pk", "name", "uscc").order_by("name", "pk")),
        workers=_first(workers.order_by("name", "pk")),
    )


def exact_hit(hits: Hits, text: str) -> str | None:
    """The address of the one record the text names exactly (a project code, a case number, a USCC, an ID or
    phone number), or of the only record found at all; None when there are several or none."""
    key = text.strip().upper()
    exact: list[object] = [p for p in hits["projects"] if p.code.upper() == key]
    exact += [c for c in hits["complaints"] if c.number.upper() == key]
    exact += [e for e in hits["enterprises"] if e.uscc == key]
    exact += hits["workers"] if is_number(text) else []
    if len(exact) != 1:
        exact = [*hits["projects"], *hits["complaints"], *hits["enterprises"], *hits["workers"]]
    return record_url(exact[0]) if len(exact) == 1 else None


def record_url(record: object) -> str:
    """Where a found record is shown (a worker: the worker search on him, his numbers kept out of the URL)."""
    if isinstance(record, Project):
        return reverse("projects:detail", args=[record.pk])
    if isinstance(record, Complaint):
        return reverse("complaints:detail", args=[record.pk])
    if isinstance(record, Enterprise):
        return reverse("wages:enterprise", args=[record.pk])
    if isinstance(record, Worker):
        return f"{reverse('projects:worker_search')}?{urlencode({'worker': record.pk})}"
    raise TypeError(type(record).__name__)
