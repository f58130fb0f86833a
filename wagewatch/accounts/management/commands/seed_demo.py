from argparse import ArgumentParser
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create or refresh the demo county (idempotent). Each part lives in a <module>.demo with seed()."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="Seed even though DEBUG is off (a staging or benchmark database you can throw away).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from wagewatch.accounts.demo import DEMO_PASSWORD, USERS

        # The demo writes a superuser "admin" with a password printed below and in the README.
        if not (settings.DEBUG or options["not_production"]):
            raise CommandError(
                "拒绝执行：演示数据会创建密码公开的超级管理员。仅在 DEBUG=1 时运行，或确认不是生产库后加 "
                "--i-know-this-is-not-production (refused: DEBUG is off)"
            )
        with transaction.atomic():
            for name in settings.DEMO_MODULES:  # a missing module fails the whole run: nothing is written
                self.stdout.write(f"demo: {name}")
                import_module(name).seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for username, full_name, role, towns, dept, _approver in USERS:
            scope = ",".join(towns) or dept or "全县"
            self.stdout.write(f"  {username:<12} {full_name:<6} {role:<10} {scope}")
