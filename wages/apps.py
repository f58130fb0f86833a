from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagesConfig(AppConfig):
    name = "wages"
    label = "wages"
    verbose_name = _("工资明细")

    def ready(self):
        from projects.views import TAB_CONTEXT

        from .views import overview_context, payroll_context

        TAB_CONTEXT.setdefault("overview", []).append(overview_context)
        TAB_CONTEXT.setdefault("payroll", []).append(payroll_context)
