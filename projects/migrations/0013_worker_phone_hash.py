# Worker.phone_hash: the keyed hash of the phone number, so staff can find a worker by phone (issue 18 item 3).

from django.db import migrations, models

from wagewatch.lib.fields import keyed_hash


def fill_phone_hash(apps, schema_editor):
    """Hash the phones already stored (decrypted by the field as it reads them), in batches."""
    Worker = apps.get_model("projects", "Worker")
    batch = []
    for worker in Worker.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=2000):
        worker.phone_hash = keyed_hash(worker.phone)
        batch.append(worker)
        if len(batch) >= 2000:
            Worker.objects.bulk_update(batch, ["phone_hash"])
            batch = []
    Worker.objects.bulk_update(batch, ["phone_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0012_importjob_rosters_batch"),
    ]

    operations = [
        migrations.AddField(
            model_name="worker",
            name="phone_hash",
            field=models.CharField(
                blank=True, db_default="", db_index=True, default="", editable=False, max_length=64
            ),
        ),
        migrations.RunPython(fill_phone_hash, migrations.RunPython.noop),
    ]
