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
from django.utils.translation import gettext as _

from wagewatch.accounts import access
from wagewatch.accounts.models import Township
from wagewatch.accounts.roles import is_inspector, is_office

COUNTY, TOWNSHIP, DEPARTMENT = "county", "township", "department"


@dataclass(frozen=True)
class Scope:
    kind: str = COUNTY
    township_id: int | None = None
    department_id: int | None = None
    label: str = ""
    # several townships at once (an inspector's desk over all his jurisdictions); never stored in a run
    township_ids: tuple[int, ...] = ()

    @property
    def townships(self) -> tuple[int, ...]:
        """The townships of a township scope (one, or the desk's several); empty for other kinds."""
        if self.kind != TOWNSHIP:
            return ()
        return self.township_ids or ((self.township_id,) if self.township_id is not None else ())

    @property
    def key(self) -> str:
        if self.kind == TOWNSHIP and self.township_ids:
            return "t" + "-".join(str(pk) for pk in self.township_ids)
        if self.kind == TOWNSHIP:
            return f"t{self.township_id}"
        if self.kind == DEPARTMENT:
            return f"d{self.department_id}"
        return COUNTY

    def q(self, model, *, via: str = "") -> Q:
        """Filter for the records of ``model`` in this scope (reached from the filtered model by ``via``)."""
        if self.kind == COUNTY:
            return Q()
        return access.unit_q(
            model, township_id=self.township_id, department_id=self.department_id, via=via,
            township_ids=self.township_ids,
        )  # fmt: skip


def scope_of(run) -> Scope:
    """The Scope of a ReportRun row."""
    label = run.scope_label
    return Scope(run.scope, run.township_id, run.department_id, label)


def may_use_scope(user, scope: Scope) -> bool:
    """Office and admins: any scope; inspectors: one of their townships; department users: their own."""
    if scope.kind == TOWNSHIP:
        return bool(scope.townships) and all(access.may_work_in(user, pk) for pk in scope.townships)
    if scope.kind == DEPARTMENT:
        return access.may_see_department(user, scope.department_id)
    return is_office(user)


def check_scope(user, scope: Scope) -> None:
    if not may_use_scope(user, scope):
        raise PermissionDenied


def desk_scope(user, township_id: int | None = None) -> tuple[Scope | None, list[Township]]:
    """The scope a user's desk shows, and the townships he may narrow it to (one query whatever their
    number): the county (or one township, ``township_id``) for the office; all of an inspector's
    townships at once (or one of them); a department user's department; None for a user with no role or
    no jurisdiction (he sees no figures, never the county's). A ``township_id`` the user may not work in
    raises PermissionDenied."""
    if is_office(user) or is_inspector(user):
        towns = list(access.townships_for(user).order_by("sort", "code"))
        if township_id is not None:
            town = next((t for t in towns if t.pk == township_id), None)
            if town is None:
                raise PermissionDenied
            return Scope(TOWNSHIP, town.pk, None, town.name), towns
        if is_office(user):
            return Scope(COUNTY), towns
        if not towns:
            return None, towns
        if len(towns) == 1:
            return Scope(TOWNSHIP, towns[0].pk, None, towns[0].name), towns
        label = _("、").join(t.name for t in towns)
        return Scope(TOWNSHIP, None, None, label, tuple(t.pk for t in towns)), towns
    dept = access.departments_for(user).first()
    return (Scope(DEPARTMENT, None, dept.pk, dept.name) if dept else None), []


def default_scope(user) -> Scope | None:
    """The scope a user's desk shows when not narrowed (see ``desk_scope``)."""
    return desk_scope(user)[0]


def day_start(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of ``day`` (aware)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def day_after(day: datetime.date) -> datetime.datetime:
    """Local midnight at the end of ``day`` (aware): timestamps < this are on or before ``day``."""
    return day_start(day + datetime.timedelta(days=1))
