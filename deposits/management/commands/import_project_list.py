"""manage.py import_project_list FILE.xlsx [--dry-run]: the go-live project list with deposit balances."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deposits.imports import import_project_list
from wagewatch.imports.reading import ImportFileError


class Command(BaseCommand):
    help = "导入在建工程项目清单（含保证金期初余额）"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, path, dry_run, **options):
        data = Path(path).read_bytes()
        try:  # the upload guard comes first
            result = import_project_list(data=data, filename=path, dry_run=dry_run)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for error in result.errors:
            self.stderr.write(f"第{error['row']}行 {error['column']}：{error['message']}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} 处错误，未导入任何数据")
        verb = "预检通过" if dry_run else "已导入"
        self.stdout.write(f"{verb}：{result.total} 行，新增 {result.created}，更新 {result.updated}")
