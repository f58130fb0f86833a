from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("在建项目")

    def ready(self):
        from wagewatch.imports import pipeline

        from . import tasks  # noqa: F401  registers the import job with wagewatch.accounts.jobs
        from .imports import ROSTER

        pipeline.register(ROSTER)
