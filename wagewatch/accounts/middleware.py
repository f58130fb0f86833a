import logging
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import Resolver404, resolve
from django.views.defaults import page_not_found


class RejectNulMiddleware:
    """A NUL character in the path or query is never legitimate and PostgreSQL refuses it in a
    parameter (a 500 deep in a view): answer 400 at the door instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return HttpResponseBadRequest("无效的请求 (bad request)")
        return self.get_response(request)


# The addresses the public reaches without logging in (complaint form, lookup, blacklist, certificate check).
PUBLIC_PREFIXES = ("/c/", "/public/", "/blacklist/public/", "/verify/")


class PublicNotFoundMiddleware:
    """With DEBUG on, a bad public address still gets the site's own 404 page, never Django's debug page
    (which lists every URL pattern): a development server on a county's network is reached by the public too.
    Staff pages keep the debug page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _public_under_debug(request):
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404) and _public_under_debug(request):
            return page_not_found(request, exception)
        return None


def _public_under_debug(request: HttpRequest) -> bool:
    return bool(settings.DEBUG) and request.path_info.startswith(PUBLIC_PREFIXES)


class No403Traceback(logging.Filter):
    """A refused request (403) is an everyday event: log its one line, not the PermissionDenied traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
