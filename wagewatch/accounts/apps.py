from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.core import checks
from django.utils.translation import gettext_lazy as _

from wagewatch.lib import choices, lookups
from wagewatch.lib.checks import wagewatch_values


class AccountsConfig(AppConfig):
    name = "wagewatch.accounts"
    label = "accounts"
    verbose_name = _("账户与辖区")
    default = True

    def ready(self) -> None:
        # every legal number and operational value read once at start-up (wagewatch/lib/law.py)
        checks.register(wagewatch_values, "wagewatch")
        # field__any=values: one array parameter on PostgreSQL, __in elsewhere (wagewatch/lib/lookups.py)
        lookups.install()
        # every model's get_FOO_display from a table per field and language (wagewatch/lib/choices.py)
        choices.install(list(apps.get_models(include_auto_created=True)))
        # cached pages (the desk, the project list) follow the writes under them (generations.py)
        from . import generations

        generations.connect()


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin on the site that fails closed (installed in place of ``django.contrib.admin``)."""

    default = False
    default_site = "wagewatch.accounts.admin_mixins.FailClosedAdminSite"
