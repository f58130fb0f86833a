from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("投诉案件")

    def ready(self):
        from projects.views import TAB_CONTEXT
        from wagewatch.lib import workdays

        from . import views
        from .services import complaint_deadlines_recompute

        workdays.register_recompute("complaints", complaint_deadlines_recompute)
        TAB_CONTEXT.setdefault("state", []).append(views.state_context)
