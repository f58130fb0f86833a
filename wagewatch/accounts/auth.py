from typing import Any

from django.http import HttpRequest


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The username axes counts failures for, cut to the length a username can have."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw)[:150]
