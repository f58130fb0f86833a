from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagesConfig(AppConfig):
    name = "wages"
    label = "wages"
    verbose_name = _("工资明细")

    def ready(self) -> None:
        from projects.views import TAB_CONTEXT
        from projects.views_import import IMPORT_PAGES
        from wagewatch.imports import pipeline

        from . import views
        from .imports import ATTENDANCE, PAY_SHEET

        TAB_CONTEXT.setdefault("overview", []).append(views.overview_context)
        TAB_CONTEXT.setdefault("state", []).append(views.state_context)
        TAB_CONTEXT.setdefault("payroll", []).append(views.payroll_context)
        IMPORT_PAGES.update(views.IMPORT_PAGES)
        pipeline.register(PAY_SHEET)
        pipeline.register(ATTENDANCE)
