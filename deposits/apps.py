from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepositsConfig(AppConfig):
    name = "deposits"
    verbose_name = _("工资保证金")

    def ready(self):
        from projects.views import TAB_CONTEXT
        from wagewatch.imports import pipeline
        from wagewatch.lib import workdays

        from . import views
        from .imports import PROJECT_LIST
        from .services import deposit_deadlines_recompute

        workdays.register_recompute("deposits", deposit_deadlines_recompute)
        pipeline.register(PROJECT_LIST)
        TAB_CONTEXT.setdefault("state", []).append(views.state_context)
