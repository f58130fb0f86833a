"""Who the user is: role and permissions read from the profile (cached on the user object)."""

from .models import Profile, Role


def profile_of(user) -> Profile | None:
    """The user's profile, or None for anonymous users and users without one."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_ww_profile"):
        user._ww_profile = Profile.objects.filter(user=user).select_related("department").first()
    return user._ww_profile


def role_of(user) -> str | None:
    """admin / office / inspector / department, or None; superusers count as admin."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Role.ADMIN
    profile = profile_of(user)
    return profile.role if profile else None


def is_admin(user) -> bool:
    return role_of(user) == Role.ADMIN


def is_office(user) -> bool:
    """Office staff or admin: the county-wide roles."""
    return role_of(user) in (Role.OFFICE, Role.ADMIN)


def is_inspector(user) -> bool:
    return role_of(user) == Role.INSPECTOR


def is_department(user) -> bool:
    return role_of(user) == Role.DEPARTMENT


def is_approver(user) -> bool:
    """Admins, and office staff holding the approver permission."""
    if is_admin(user):
        return True
    profile = profile_of(user)
    return bool(profile and profile.role == Role.OFFICE and profile.is_approver)


def can_edit_field_work(user) -> bool:
    """Create and edit projects, rosters, inspections, cases: inspectors (own townships), office, admin."""
    return role_of(user) in (Role.ADMIN, Role.OFFICE, Role.INSPECTOR)


def can_reveal(user) -> bool:
    """May see full ID and phone numbers (each reveal is logged)."""
    return is_approver(user)
