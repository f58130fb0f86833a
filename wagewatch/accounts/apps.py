from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from wagewatch.lib.checks import wagewatch_values


class AccountsConfig(AppConfig):
    name = "wagewatch.accounts"
    label = "accounts"
    verbose_name = _("账户与辖区")

    def ready(self) -> None:
        # every legal number and operational value read once at start-up (wagewatch/lib/law.py)
        checks.register(wagewatch_values, "wagewatch")
