from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .forms import LoginForm
from .models import WorkerHeartbeat
from .roles import role_of


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": _("登录")}


@login_required
def dashboard(request):
    """Landing page after login; the office's dashboard replaces its body when reports land."""
    heartbeat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    return render(request, "accounts/dashboard.html", {"role": role_of(request.user), "heartbeat": heartbeat})


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)
