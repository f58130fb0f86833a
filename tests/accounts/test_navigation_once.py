"""The menu is worked out once per request: a page rendered from several templates with the request (the
project page's tabs and state panels) ran the navigation context processor for each (7 on a project page)."""

from django.test import RequestFactory

from wagewatch.accounts import context_processors


def test_navigation_once_per_request(db, django_user_model, monkeypatch):
    user = django_user_model.objects.create_user("navonce", password="x")
    request = RequestFactory().get("/projects/")
    request.user = user
    made = []
    real = context_processors.menu_for
    monkeypatch.setattr(context_processors, "menu_for", lambda *a: made.append(1) or real(*a))
    first = context_processors.navigation(request)
    assert context_processors.navigation(request) is first
    assert len(made) == 1
    other = RequestFactory().get("/")
    other.user = user
    assert context_processors.navigation(other) is not first and len(made) == 2
