from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = "Create or refresh the demo county (idempotent). Each app adds its part in <app>/demo.py."

    def handle(self, *args, **options):
        from wagewatch.accounts.demo import DEMO_PASSWORD, USERS

        with transaction.atomic():
            for config in apps.get_app_configs():
                if not module_has_submodule(config.module, "demo"):
                    continue
                self.stdout.write(f"demo: {config.label}")
                module = __import__(f"{config.name}.demo", fromlist=["seed"])
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for username, full_name, role, towns, dept, _approver in USERS:
            scope = ",".join(towns) or dept or "全县"
            self.stdout.write(f"  {username:<12} {full_name:<6} {role:<10} {scope}")
