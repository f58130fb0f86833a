"""Posting a form that carries a one-time token (wagewatch/accounts/once.py), as a rendered page would."""

from wagewatch.accounts.once import FIELD, issue


def with_token(data: dict, user=None) -> dict:
    """``data`` plus a fresh token issued to ``user`` (None: an anonymous visitor)."""
    return {**data, FIELD: issue(user)}
