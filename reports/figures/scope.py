"""The scope of a report (county, one township, one department) and who may ask for it.

A report's figures depend on its scope and range only, never on who asked: the same report is shared
(one row per kind + scope + range). Access is checked when the scope is chosen (``check_scope``) and when
a run is opened (``ReportRun.objects.visible_to``).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from wagewatch.accounts.models import Department, Profile, Role, Township
from wagewatch.accounts.roles import role_of

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

    def q(self, *, township: str | None, department: str | None) -> Q:
        """Filter for a model whose township / department are reached by these lookups."""
        if self.kind == TOWNSHIP:
            return Q(**{f"{township}_id": self.township_id}) if township else Q(pk__in=[])
        if self.kind == DEPARTMENT:
            return Q(**{f"{department}_id": self.department_id}) if department else Q(pk__in=[])
        return Q()


def scope_of(run) -> Scope:
    """The Scope of a ReportRun row."""
    label = run.scope_label
    return Scope(run.scope, run.township_id, run.department_id, label)


def may_use_scope(user, scope: Scope) -> bool:
    """Office and admins: any scope; inspectors: one of their townships; department users: their own."""
    role = role_of(user)
    if role in (Role.ADMIN, Role.OFFICE):
        return True
    if role == Role.INSPECTOR and scope.kind == TOWNSHIP:
        return Profile.townships.through.objects.filter(
            profile__user_id=user.pk, township_id=scope.township_id
        ).exists()
    if role == Role.DEPARTMENT and scope.kind == DEPARTMENT:
        return Profile.objects.filter(user_id=user.pk, department_id=scope.department_id).exists()
    return False


def check_scope(user, scope: Scope) -> None:
    if not may_use_scope(user, scope):
        raise PermissionDenied


def default_scope(user) -> Scope | None:
    """The scope a user's dashboard shows: the county, his first township or his department; None
    for a user with no role or no jurisdiction (he sees no figures, never the county's)."""
    role = role_of(user)
    if role in (Role.ADMIN, Role.OFFICE):
        return Scope(COUNTY)
    if role == Role.INSPECTOR:
        town = Township.objects.filter(profiles__user=user).order_by("sort", "code").first()
        return Scope(TOWNSHIP, town.pk, None, town.name) if town else None
    if role == Role.DEPARTMENT:
        dept = Department.objects.filter(profiles__user=user).first()
        return Scope(DEPARTMENT, None, dept.pk, dept.name) if dept else None
    return None


def day_start(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of ``day`` (aware)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def day_after(day: datetime.date) -> datetime.datetime:
    """Local midnight at the end of ``day`` (aware): timestamps < this are on or before ``day``."""
    return day_start(day + datetime.timedelta(days=1))
