from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("在建项目")

    def ready(self):
        from wagewatch.imports import pipeline

        # tasks registers the import job with wagewatch.accounts.jobs
        from . import tasks, views_import  # noqa: F401
        from .imports import ROSTER
        from .imports_batch import ROSTERS

        pipeline.register(ROSTER)
        pipeline.register(ROSTERS)
        views_import.TEMPLATE_KINDS.add(ROSTERS.name)
