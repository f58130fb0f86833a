from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoliveConfig(AppConfig):
    name = "golive"
    verbose_name = _("上线初始化")

    def ready(self) -> None:
        from wagewatch.imports import pipeline

        from .imports import GOLIVE

        pipeline.register(GOLIVE)
