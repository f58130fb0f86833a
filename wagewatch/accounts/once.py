"""One-time form tokens: a form that creates money entries or a numbered document writes once per token.

The page renders a signed token bound to the user (``{% once_token %}`` from ``accounts/templatetags/once``);
the POST claims it by inserting a ``FormToken`` row (unique) in the same transaction as the write, so a
double click or a resent POST finds the row and is sent to the first result instead of writing again.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from wagewatch.lib.formerrors import add_service_errors

from .models import FormToken
from .roles import AnyUser

FIELD = "once_token"
SALT = "wagewatch.accounts.once"
MAX_AGE = 24 * 3600  # a form left open longer is refused with "refresh the page"


@dataclass(frozen=True)
class Outcome:
    url: str  # where the write's result is shown
    fresh: bool  # False: the token was already used, ``url`` is the first result


def _uid(user: AnyUser | None) -> int:
    return user.pk if user is not None and user.is_authenticated else 0


def issue(user: AnyUser | None) -> str:
    """A signed token for one rendering of a form, bound to ``user`` (0 for an anonymous visitor)."""
    return signing.dumps({"u": _uid(user), "n": secrets.token_urlsafe(16)}, salt=SALT)


def _refused(message: str) -> ValidationError:
    return ValidationError(message, code="form_token")


def _nonce(request: HttpRequest) -> str:
    raw = request.POST.get(FIELD, "")
    if not raw:
        raise _refused(_("表单缺少防重复提交令牌，请刷新页面后重新提交"))
    try:
        data = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise _refused(_("表单已过期，请刷新页面后重新提交")) from None
    except signing.BadSignature:
        raise _refused(_("表单令牌无效，请刷新页面后重新提交")) from None
    if not isinstance(data, dict) or data.get("u") != _uid(request.user) or not data.get("n"):
        raise _refused(_("该表单不是为当前用户生成的，请刷新页面后重新提交"))
    return str(data["n"])


def _replay(nonce: str, user: User | None) -> Outcome:
    first = FormToken.objects.get(token=nonce)
    if first.user_id != (user.pk if user else None):
        raise _refused(_("该表单不是为当前用户生成的，请刷新页面后重新提交"))
    return Outcome(first.result_url, False)


def run_once(request: HttpRequest, write: Callable[[], str]) -> Outcome:
    """Claim the POST's token and run ``write`` (it returns the result's URL) in one transaction.

    A token already claimed gives the first result without writing; a missing, forged, expired or
    foreign token raises ValidationError (Chinese message). A write that raises leaves the token unused.
    """
    nonce = _nonce(request)
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        try:
            with transaction.atomic():
                # a concurrent POST with the same token waits here on the unique index until the first commits
                claim = FormToken.objects.create(token=nonce, user=user)
        except IntegrityError:
            return _replay(nonce, user)
        url = write()
        claim.result_url = url[:300]
        claim.save(update_fields=["result_url"])
    return Outcome(url, True)


def replayed(request: HttpRequest) -> HttpResponseRedirect | None:
    """A POST whose token this user already used goes to the first result before its form is validated again
    (the repeat may no longer validate, e.g. a bank reference now taken); None otherwise."""
    try:
        nonce = _nonce(request)
    except ValidationError:
        return None  # refused later, at the write, with its message
    user = request.user if request.user.is_authenticated else None
    first = FormToken.objects.filter(token=nonce, user=user).exclude(result_url="").first()
    if first is None:
        return None
    tell_replayed(request)
    return redirect(first.result_url)


def tell_replayed(request: HttpRequest) -> None:
    """The message shown when a repeated POST is sent to the first result."""
    messages.info(request, _("该表单已提交过，未重复保存；以下是第一次提交的结果"))


def submit_once(
    request: HttpRequest, write: Callable[[], str], *, ok: str, back: str
) -> HttpResponseRedirect:
    """run_once for a redirect-after-POST view: a refusal shown on ``back``, a repeat on the first result."""
    try:
        outcome = run_once(request, write)
    except ValidationError as exc:
        messages.error(request, _("；").join(exc.messages))
        return redirect(back)
    if outcome.fresh:
        messages.success(request, ok)
    else:
        tell_replayed(request)
    return redirect(outcome.url)


def run_once_on_form(request: HttpRequest, form: BaseForm, write: Callable[[], str]) -> Outcome | None:
    """run_once for a view that shows its form again on a refusal: the errors land on the form (None)."""
    try:
        outcome = run_once(request, write)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    if not outcome.fresh:
        tell_replayed(request)
    return outcome


def purge_spent() -> int:
    """Delete claimed tokens older than a token may live: a repeat of them is refused as expired anyway."""
    cutoff = timezone.now() - timedelta(seconds=MAX_AGE) - timedelta(hours=1)
    return FormToken.objects.filter(created_at__lt=cutoff).delete()[0]
