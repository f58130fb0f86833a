from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlacklistConfig(AppConfig):
    name = "blacklist"
    verbose_name = _("失信联合惩戒")

    def ready(self):
        from wagewatch.lib import workdays

        from .services import blacklist_deadlines_recompute

        workdays.register_recompute("blacklist", blacklist_deadlines_recompute)
