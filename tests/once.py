"""Posting a form that carries a one-time token (wagewatch/accounts/once.py), as a rendered page would."""

from wagewatch.accounts.once import FIELD, issue


def with_token(data: dict, user=None) -> dict:
    """``data`` plus a fresh token issued to ``user`` (None: an anonymous visitor)."""
    return {**data, FIELD: issue(user)}


def token_in_form(page: str, action: str | None = None) -> str:
    """The one-time token the page put in the form posting to ``action`` (None: the first form with one)."""
    import re

    action_re = rf'action="{re.escape(action)}"' if action else ""
    for form in re.findall(rf"<form[^>]*{action_re}[^>]*>.*?</form>", page, re.S):
        token = re.search(r'name="once_token" value="([^"]+)"', form)
        if token:
            return token.group(1)
    raise AssertionError(f"no form posting to {action or 'this page'} carries a one-time token")


def messages_of(response) -> list[str]:
    """The texts of the messages the request left for the next page."""
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(response.wsgi_request)]
