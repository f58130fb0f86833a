"""Helpers for tests that compare whole pages."""

import re

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def page_text(response) -> str:
    """The page's HTML without its CSRF tokens (new on every load), for comparing two loads."""
    return _CSRF.sub("", response.content.decode())
