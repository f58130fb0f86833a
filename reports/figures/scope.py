"""The scope of a report (county, one township, one department) and who may ask for it.

A report's figures depend on its scope and range only, never on who asked: the same report is shared
(one row per kind + scope + range). Access is checked when the scope is chosen (``check_scope``) and when
a run is opened (``ReportRun.objects.visible_to``); both, and the figures' filters, come from the kernel's
access module.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from wagewatch.accounts import access
from wagewatch.accounts.roles import is_inspector, is_office

COUNTY, TOWNSHIP, DEPARTMENT = "county", "township", "department"


@dataclass(frozen=True)
class Scope:
    kind: str = COUNTY
    township_id: int | None = None
    department_id: int | None = None
    label: str = ""

    @property
    def key(self) -> str:
        if self.kind == TOWNSHIP:
            return f"t{self.township_id}"
        if self.kind == DEPARTMENT:
            return f"d{self.department_id}"
        return COUNTY

    def q(self, model, *, via: str = "") -> Q:
        """Filter for the records of ``model`` in this scope (reached from the filtered model by ``via``)."""
        if self.kind == COUNTY:
            return Q()
        return access.unit_q(model, township_id=self.township_id, department_id=self.department_id, via=via)


def scope_of(run) -> Scope:
    """The Scope of a ReportRun row."""
    label = run.scope_label
    return Scope(run.scope, run.township_id, run.department_id, label)


def may_use_scope(user, scope: Scope) -> bool:
    """Office and admins: any scope; inspectors: one of their townships; department users: their own."""
    if scope.kind == TOWNSHIP:
        return access.may_work_in(user, scope.township_id)
    if scope.kind == DEPARTMENT:
        return access.may_see_department(user, scope.department_id)
    return is_office(user)


def check_scope(user, scope: Scope) -> None:
    if not may_use_scope(user, scope):
        raise PermissionDenied


def default_scope(user) -> Scope | None:
    """The scope a user's dashboard shows: the county, his first township or his department; None
    for a user with no role or no jurisdiction (he sees no figures, never the county's)."""
    if is_office(user):
        return Scope(COUNTY)
    if is_inspector(user):
        town = access.townships_for(user).order_by("sort", "code").first()
        return Scope(TOWNSHIP, town.pk, None, town.name) if town else None
    dept = access.departments_for(user).first()
    return Scope(DEPARTMENT, None, dept.pk, dept.name) if dept else None


def day_start(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of ``day`` (aware)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def day_after(day: datetime.date) -> datetime.datetime:
    """Local midnight at the end of ``day`` (aware): timestamps < this are on or before ``day``."""
    return day_start(day + datetime.timedelta(days=1))
