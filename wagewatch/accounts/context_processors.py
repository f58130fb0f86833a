from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from wagewatch.lib import law as law_module

from .navigation import menu_for
from .notifications import unread_count
from .roles import profile_of, role_of


def law(request: HttpRequest) -> dict[str, Any]:
    """The legal numbers, so a page states the configured figure: ``{{ law.DEPOSIT_NOTICE_DAYS }}``."""
    return {"law": law_module}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu and role for the base layout, worked out once per request: a page made of several templates
    rendered with the request (the project page's tabs and panels) runs the context processors for each."""
    made = getattr(request, "_wagewatch_navigation", None)
    if made is None:
        made = _navigation(request)
        request._wagewatch_navigation = made  # type: ignore[attr-defined]
    return made


def _navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    role = role_of(user)
    profile = profile_of(user)
    menu = menu_for(role, request.path)
    return {
        "nav_menu": [item for item in menu if not item["more"]],
        "nav_more": [item for item in menu if item["more"]],  # the "More" drop-down
        "user_role": role,
        "user_role_label": profile.get_role_display() if profile else "",
        # one COUNT query, only on pages that render the header
        "unread_count": SimpleLazyObject(lambda: unread_count(user)),
    }
