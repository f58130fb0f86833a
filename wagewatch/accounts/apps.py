from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "wagewatch.accounts"
    label = "accounts"
    verbose_name = _("账户与辖区")
    default = True


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin on the site that fails closed (installed in place of ``django.contrib.admin``)."""

    default = False
    default_site = "wagewatch.accounts.admin_mixins.FailClosedAdminSite"
