"""Worker.phone_hash: kept by the services and the import, and filled for the phones stored before it."""

import importlib

from django.apps import apps

from projects.models import Worker
from projects.services import worker_upsert
from tests.projects.factories import make_worker, valid_id
from wagewatch.lib.fields import keyed_hash

migration = importlib.import_module("projects.migrations.0013_worker_phone_hash")


def test_migration_fills_the_hash_of_stored_phones(db):
    old = make_worker(phone="13712345678", phone_hash="")
    none = make_worker(phone="", phone_hash="")
    migration.fill_phone_hash(apps, None)
    old.refresh_from_db()
    none.refresh_from_db()
    assert old.phone_hash == keyed_hash("13712345678") and none.phone_hash == ""


def test_worker_upsert_keeps_the_phone_hash(db, office):
    number = valid_id()
    worker, _created = worker_upsert(id_number=number, name="张铁柱", phone="137 1234 5678", user=office)
    assert worker.phone_hash == keyed_hash("13712345678")
    worker, _created = worker_upsert(id_number=number, name="张铁柱", phone="13812345678", user=office)
    assert Worker.objects.get(pk=worker.pk).phone_hash == keyed_hash("13812345678")
