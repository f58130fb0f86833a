"""Jurisdiction scoping. Each model's QuerySet has one ``visible_to(user)`` built from ``scope_q``.

Inspectors see their townships, department users their department's records, office staff and admins
everything, anyone else nothing. The filters are subqueries on the user's id, so scoping adds no query.
"""

from django.db import models
from django.db.models import Q

from .models import Profile, Role
from .roles import role_of

NOTHING = Q(pk__in=[])


def user_township_ids(user):
    """Subquery of the township ids in the user's jurisdiction."""
    return Profile.townships.through.objects.filter(profile__user_id=user.pk).values("township_id")


def user_department_id(user):
    """Subquery of the user's department id."""
    return Profile.objects.filter(user_id=user.pk).values("department_id")[:1]


def scope_q(user, *, township: str | None, department: str | None = None) -> Q:
    """The filter for ``user`` on a model whose township/department are reached by these lookups."""
    role = role_of(user)
    if role in (Role.ADMIN, Role.OFFICE):
        return Q()
    if role == Role.INSPECTOR and township:
        return Q(**{f"{township}__in": user_township_ids(user)})
    if role == Role.DEPARTMENT and department:
        return Q(**{department: user_department_id(user)})
    return NOTHING


class ScopedQuerySet(models.QuerySet):
    """Subclass and set the lookups that lead to the record's township and industry department."""

    township_lookup: str | None = "township"
    department_lookup: str | None = None

    def visible_to(self, user):
        """Records this user may see."""
        return self.filter(scope_q(user, township=self.township_lookup, department=self.department_lookup))
