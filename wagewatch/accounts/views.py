from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import notifications
from .forms import LoginForm
from .models import Notification
from .roles import AuthenticatedHttpRequest


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": _("登录")}


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's notifications, newest first."""
    page = Paginator(Notification.objects.filter(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "accounts/inbox.html", {"page": page, "title": _("消息")})


@login_required
@require_POST
def inbox_mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications.mark_all_read(request.user)
    return redirect("inbox")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form was sent without a valid security token (expired page, cookies off): say so in Chinese."""
    return render(request, "csrf_failure.html", status=403)
