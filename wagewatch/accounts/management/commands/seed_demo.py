from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create or refresh the demo county (idempotent). Each part lives in a <module>.demo with seed()."

    def handle(self, *args, **options):
        from wagewatch.accounts.demo import DEMO_PASSWORD, USERS

        with transaction.atomic():
            for name in settings.DEMO_MODULES:
                if find_spec(name) is None:
                    continue
                self.stdout.write(f"demo: {name}")
                import_module(name).seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for username, full_name, role, towns, dept, _approver in USERS:
            scope = ",".join(towns) or dept or "全县"
            self.stdout.write(f"  {username:<12} {full_name:<6} {role:<10} {scope}")
