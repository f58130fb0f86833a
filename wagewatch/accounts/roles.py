"""Who the user is: role and permissions read from the profile (cached on the user object)."""

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from .models import Profile, Role

AnyUser = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind ``login_required`` (for the type checker: its user is signed in)."""

    user: User


def profile_of(user: AnyUser | None) -> Profile | None:
    """The user's profile, or None for anonymous users and users without one."""
    if user is None or not user.is_authenticated:
        return None
    cache = vars(user)  # read once per request: cached on the user object
    if "_ww_profile" not in cache:
        cache["_ww_profile"] = Profile.objects.filter(user=user).select_related("department").first()
    return cache["_ww_profile"]


def role_of(user: AnyUser | None) -> str | None:
    """admin / office / inspector / department, or None; superusers count as admin."""
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return Role.ADMIN
    profile = profile_of(user)
    return profile.role if profile else None


def is_admin(user: AnyUser | None) -> bool:
    return role_of(user) == Role.ADMIN


def is_office(user: AnyUser | None) -> bool:
    """Office staff or admin: the county-wide roles."""
    return role_of(user) in (Role.OFFICE, Role.ADMIN)


def is_inspector(user: AnyUser | None) -> bool:
    return role_of(user) == Role.INSPECTOR


def is_department(user: AnyUser | None) -> bool:
    return role_of(user) == Role.DEPARTMENT


def is_approver(user: AnyUser | None) -> bool:
    """Admins, and office staff holding the approver permission."""
    if is_admin(user):
        return True
    profile = profile_of(user)
    return bool(profile and profile.role == Role.OFFICE and profile.is_approver)


def can_edit_field_work(user: AnyUser | None) -> bool:
    """Create and edit projects, rosters, inspections, cases: inspectors (own townships), office, admin."""
    return role_of(user) in (Role.ADMIN, Role.OFFICE, Role.INSPECTOR)


def can_reveal(user: AnyUser | None) -> bool:
    """May see full ID and phone numbers (each reveal is logged)."""
    return is_approver(user)
