from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("统计报表")

    def ready(self):
        # Register the report job with the kernel's job registry in every process (web, worker, beat).
        from . import tasks  # noqa: F401
