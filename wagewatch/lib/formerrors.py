"""A service's refusal shown on the form that asked for it, or as a message after a POST."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext


def add_service_errors(form: BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on ``form``: field errors on their fields, the rest on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def run_step(request: HttpRequest, call: Callable[[], object], ok: str) -> bool:
    """Run a service step for a redirect-after-POST view: its refusal (ValidationError) is shown as an error
    message instead of an error page, success as ``ok``; True when it went through."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, gettext("；").join(exc.messages))
        return False
    messages.success(request, ok)
    return True
