"""make backup / make restore round-trip a populated database: rows, money sums and audit history."""

import subprocess
from decimal import Decimal

import psycopg2
import pytest
from django.apps import apps
from django.db import connection, models

from tests.conftest import ROOT
from wagewatch.accounts.notifications import notify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _url(name: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _figures(cursor) -> dict:
    """Row count of every model's table and the sum of every money column."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        out[table] = cursor.fetchone()[0]
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DecimalField):
                cursor.execute(f'SELECT COALESCE(SUM("{field.column}"), 0) FROM "{table}"')
                out[f"{table}.{field.column}"] = Decimal(cursor.fetchone()[0])
    return out


def _populate(office, inspector_a):
    from django.core.management import call_command

    call_command(
        "seed_demo",
        "--i-know-this-is-not-production",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )  # every app's demo data; tests run with DEBUG off
    notify(users=[office, inspector_a], event_key="backup-test", title="备份测试")


def test_backup_and_restore_round_trip(tmp_path, office, inspector_a):
    _populate(office, inspector_a)
    with connection.cursor() as cursor:
        before = _figures(cursor)
    assert sum(v for k, v in before.items() if "." not in k) > 20
    assert any(k.startswith(("accounts_historical", "projects_historical")) and v for k, v in before.items())

    source = connection.settings_dict["NAME"]
    target = f"{source}_restore"
    env = {"PATH": "/usr/bin:/bin", "MEDIA_ROOT": str(tmp_path / "media")}
    upload = tmp_path / "media" / "imports" / "花名册.xlsx"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"uploaded file")
    archive = tmp_path / "b.tar"
    subprocess.run(
        ["bash", "scripts/backup.sh", str(archive)],
        cwd=ROOT,
        check=True,
        env={**env, "DATABASE_URL": _url(source)},
        capture_output=True,
    )
    admin = psycopg2.connect(_url("postgres"))
    admin.autocommit = True
    upload.unlink()
    with admin.cursor() as c:
        c.execute(f'DROP DATABASE IF EXISTS "{target}"')
        c.execute(f'CREATE DATABASE "{target}"')
    try:
        subprocess.run(
            ["bash", "scripts/restore.sh", str(archive)],
            cwd=ROOT,
            check=True,
            env={**env, "DATABASE_URL": _url(target)},
            capture_output=True,
        )
        restored = psycopg2.connect(_url(target))
        with restored.cursor() as cursor:
            after = _figures(cursor)
        restored.close()
    finally:
        with admin.cursor() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.close()
    assert after == before
    assert upload.read_bytes() == b"uploaded file"
