"""The client's network address, one definition for the login lockout, the public form and the audit logs."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry the trusted proxies vouch for."""
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    # Each trusted proxy appends the address it saw, so the client is the proxies-th entry from the
    # right; anything further left was written by the client and proves nothing.
    candidate = forwarded[-proxies] if proxies and len(forwarded) >= proxies else remote
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
