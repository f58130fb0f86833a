from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoliveConfig(AppConfig):
    name = "golive"
    verbose_name = _("上线初始化")
