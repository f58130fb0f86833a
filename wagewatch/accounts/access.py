"""Access: who sees and who may change what. The one home of the jurisdiction rule (STYLE.md §12).

Who sees what (DESIGN.md §1)
- admins (superusers count) and office staff: the whole county;
- inspectors: the records of their townships (``Profile.townships``);
- department users: the records of their department (``Profile.department``), where the model lets them
  read its rows at all (cases and enforcement documents do not: a reporter's identity is confidential);
- anyone else (no role, anonymous): nothing.
The jurisdiction filters are subqueries on the user's id, so scoping adds no query.

Scoping a model
- A record of a township and/or a department: its QuerySet subclasses ``ScopedQuerySet`` and names the
  lookups from the model to them (``township_lookup = "project__township"``). ``visible_to(user)`` and a
  report's unit filter ``unit_q(Model, township_id=…)`` both follow from those two lookups. A record reached
  one way or another (an inspection: its project's township, or its own when it has no project) names a
  tuple of township lookups; it is in a township when any of them leads there.
- A county-wide record without a township (the fund, grades, certificates): ``CountyQuerySet``.
- Reference data every role reads (enterprises): ``SharedQuerySet``.
- Any other rule is a ``visible_to(user)`` written on the QuerySet with the functions below (a blacklist
  entry: its proposer; a key task: through its assignments).
- A model without ``visible_to`` is shown to admins only: every model admin on ``admin.site`` fails closed
  (``visible_or_nothing``, applied by wagewatch/accounts/admin_mixins.py).

Using it
- One record for a page: ``get_for_user(queryset, user, pk)`` (404 when the user may not see it), and
  ``write=True`` to change it (also 403 unless the role does field work); a project for any app's tab:
  ``projects.selectors.project_for_user``. Lists, exports, the API: ``visible_to(user)``.
- A child record is fetched through its scoped parent:
  ``get_object_or_404(RosterEntry.objects, pk=entry_pk, project=project_for_user(user=…, pk=pk))``.
- Forms offer ``townships_for(user)`` / ``departments_for(user)`` (a choice outside them is invalid);
  services check ``may_work_in(user, township_id)`` before every write.
"""

from typing import Protocol, Self, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import Department, Profile, Role, Township
from .roles import AnyUser, can_edit_field_work, is_admin, is_office, profile_of, role_of

NOTHING = Q(pk__in=[])
COUNTY_WIDE = (Role.ADMIN, Role.OFFICE)
_M = TypeVar("_M", bound=models.Model, covariant=True)


class Visible(Protocol[_M]):
    """A QuerySet or manager of a scoped model (it has ``visible_to``)."""

    def visible_to(self, user: AnyUser) -> models.QuerySet[_M]: ...


def user_township_ids(user: User) -> models.QuerySet:
    """Subquery of the township ids in the user's jurisdiction."""
    return Profile.townships.through.objects.filter(profile__user_id=user.pk).values("township_id")


TownshipLookup = str | tuple[str, ...] | None  # one path to the record's township, or several (any of them)


def in_townships(lookup: TownshipLookup, townships: object) -> Q:
    """Records whose township, reached by ``lookup`` (or by any of a tuple of lookups), is one of
    ``townships`` (ids or a subquery)."""
    q = Q()
    for path in _paths(lookup):
        q |= Q(**{f"{path}__in": townships})
    return q or NOTHING


def _paths(lookup: TownshipLookup) -> tuple[str, ...]:
    if not lookup:
        return ()
    return (lookup,) if isinstance(lookup, str) else tuple(p for p in lookup if p)


def township_paths(model: type[models.Model]) -> tuple[str, ...]:
    """The lookups from ``model`` to its township, from its ScopedQuerySet (none for any other model)."""
    qs = model._default_manager.all()
    return _paths(qs.township_lookup) if isinstance(qs, ScopedQuerySet) else ()


def in_department(lookup: str | None, department: object) -> Q:
    """Records whose department, reached by ``lookup``, is ``department`` (an id or a subquery)."""
    return Q(**{lookup: department}) if lookup else NOTHING


def scope_q(user: AnyUser, *, township: TownshipLookup, department: str | None = None) -> Q:
    """The filter for ``user`` on a model whose township/department are reached by these lookups."""
    role = role_of(user)
    if role in COUNTY_WIDE:
        return Q()
    if not user.is_authenticated:  # no role without signing in
        return NOTHING
    if role == Role.INSPECTOR:
        # the ids a cached page's key was made of (``jurisdiction``), else the live subquery
        towns = vars(user).get(_TOWNSHIPS)
        return in_townships(township, user_township_ids(user) if towns is None else towns)
    if role == Role.DEPARTMENT:
        # the profile ``role_of`` read: the department a cached page's key names
        profile = profile_of(user)
        if profile is None or profile.department_id is None:
            return NOTHING
        return in_department(department, profile.department_id)
    return NOTHING


_TOWNSHIPS = "_ww_township_ids"  # an inspector's township ids as ``jurisdiction`` read them (per request)


def jurisdiction(user: AnyUser) -> tuple[str, tuple[int, ...] | None] | None:
    """What ``scope_q`` filters by for ``user``, for a cached page's key: (a key part, the townships whose
    records it is, None for the whole county or a department's anywhere): ("county", None) for office staff
    and admins, ("t1-3", (1, 3)) for an inspector (one query), ("d5", None) for a department user; None
    for a user who sees nothing. The rest of the request filters by what was read here (an inspector's
    ids, the department of the profile read once), so a cached page's rows always match its key even when
    the jurisdiction changes meanwhile."""
    role = role_of(user)
    if role in COUNTY_WIDE:
        return "county", None
    if not user.is_authenticated:
        return None
    if role == Role.INSPECTOR:
        towns = tuple(sorted(user_township_ids(user).values_list("township_id", flat=True)))
        vars(user)[_TOWNSHIPS] = towns  # the rows of this request are filtered by these very ids
        return ("t" + "-".join(map(str, towns)), towns) if towns else None
    profile = profile_of(user)
    if role == Role.DEPARTMENT and profile is not None and profile.department_id is not None:
        return f"d{profile.department_id}", None
    return None


class ScopedQuerySet(models.QuerySet):
    """Subclass and set the lookups that lead to the record's township and industry department."""

    township_lookup: TownshipLookup = "township"
    department_lookup: str | None = None
    # False: department users see no row, though a report of the department counts its records
    department_reads: bool = True

    def visible_to(self, user: AnyUser) -> Self:
        """Records this user may see."""
        department = self.department_lookup if self.department_reads else None
        return self.filter(scope_q(user, township=self.township_lookup, department=department))


class CountyQuerySet(models.QuerySet):
    """County-wide records with no township (the fund, integrity grades, certificates)."""

    def visible_to(self, user: AnyUser) -> Self:
        """Office staff and admins see them, nobody else."""
        return self if is_office(user) else self.none()


class SharedQuerySet(models.QuerySet):
    """Reference data of the county (enterprises: public registry facts)."""

    def visible_to(self, user: AnyUser) -> Self:
        """Every user with a role."""
        return self if role_of(user) else self.none()


def unit_q(
    model: type[models.Model],
    *,
    township_id: int | None = None,
    department_id: int | None = None,
    via: str = "",
    township_ids: tuple[int, ...] = (),
) -> Q:
    """Records of one township (or of several, ``township_ids``: an inspector's desk) or one department
    whoever asks (a report's scope), through the lookups of
    ``model``'s ScopedQuerySet; ``via`` is the path to ``model`` from the model being filtered."""
    qs = model._default_manager.all()
    if not isinstance(qs, ScopedQuerySet):
        raise TypeError(f"{model.__name__} is not scoped by township and department")

    def path(lookup: str | None) -> str | None:
        return f"{via}__{lookup}" if via and lookup else lookup

    if township_id is not None or township_ids:
        paths = tuple(path(p) or "" for p in _paths(qs.township_lookup))
        return in_townships(paths, list(township_ids) or [township_id])
    if department_id is not None:
        return in_department(path(qs.department_lookup), department_id)
    return Q()


def townships_for(user: AnyUser) -> models.QuerySet[Township]:
    """The townships the user may choose: all for office staff and admins, an inspector's own."""
    return Township.objects.filter(scope_q(user, township="pk"))


def departments_for(user: AnyUser) -> models.QuerySet[Department]:
    """The departments the user may choose: all for office staff and admins, a department user's own."""
    return Department.objects.filter(scope_q(user, township=None, department="pk"))


def may_work_in(user: AnyUser, township_id: int | None) -> bool:
    """The township is the user's: office staff and admins anywhere, inspectors in their own townships."""
    role = role_of(user)
    if role in COUNTY_WIDE:
        return True
    if role != Role.INSPECTOR or township_id is None or not user.is_authenticated:
        return False
    return user_township_ids(user).filter(township_id=township_id).exists()


def may_see_department(user: AnyUser, department_id: int | None) -> bool:
    """The department is the user's: office staff and admins any, a department user his own."""
    role = role_of(user)
    if role in COUNTY_WIDE:
        return True
    if role != Role.DEPARTMENT or department_id is None or not user.is_authenticated:
        return False
    return Profile.objects.filter(user_id=user.pk, department_id=department_id).exists()


def get_for_user(queryset: Visible[_M], user: AnyUser, pk: object, *, write: bool = False) -> _M:
    """The record ``pk`` of ``queryset`` if ``user`` may see it, else Http404; ``write=True`` also
    requires a role that does field work (else PermissionDenied: he sees it, he may not change it)."""
    record = get_object_or_404(queryset.visible_to(user), pk=pk)
    if write and not can_edit_field_work(user):
        raise PermissionDenied
    return record


def visible_or_nothing(queryset: models.QuerySet[_M], user: AnyUser) -> models.QuerySet[_M]:
    """``queryset.visible_to(user)``; a model without one shows everything to admins and nothing to anyone
    else (the admin fails closed)."""
    visible_to = getattr(queryset, "visible_to", None)
    if visible_to is not None:
        return visible_to(user)
    return queryset if is_admin(user) else queryset.none()
