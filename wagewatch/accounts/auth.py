def lockout_username(request, credentials) -> str:
    """The username axes counts failures for, cut to the length a username can have."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw)[:150]
