from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = _("欠薪隐患")

    def ready(self) -> None:
        from wagewatch.lib import workdays

        from . import tasks  # noqa: F401  registers the sweep task's job model with wagewatch.accounts.jobs
        from .services import hazard_deadlines_recompute

        workdays.register_recompute("hazards", hazard_deadlines_recompute)
