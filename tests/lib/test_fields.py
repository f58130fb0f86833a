import hashlib

import pytest
from cryptography.fernet import Fernet
from django import forms
from django.core.exceptions import FieldError
from django.db import connection, models
from django.test import override_settings
from django.test.utils import isolate_apps

from wagewatch.lib.fields import DecryptionError, EncryptedCharField, keyed_hash

ID_NUMBER = "34110319800105751X"
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def _round_trip(field, value):
    return field.from_db_value(field.get_prep_value(value), None, connection)


def test_value_is_stored_encrypted_and_read_back():
    field = EncryptedCharField()
    stored = field.get_prep_value(ID_NUMBER)
    assert ID_NUMBER not in stored
    assert stored.startswith("g1:")  # an AES-GCM token
    assert field.from_db_value(stored, None, connection) == ID_NUMBER
    assert _round_trip(field, "张三 13812345678") == "张三 13812345678"


def test_same_value_encrypts_differently_each_time():
    field = EncryptedCharField()
    assert field.get_prep_value(ID_NUMBER) != field.get_prep_value(ID_NUMBER)


@pytest.mark.parametrize("value", ["", None])
def test_empty_values_are_stored_as_is(value):
    field = EncryptedCharField()
    assert field.get_prep_value(value) == value
    assert field.from_db_value(value, None, connection) == value


def test_to_python_keeps_plain_text():
    field = EncryptedCharField()
    assert field.to_python(ID_NUMBER) == ID_NUMBER
    assert field.to_python(None) is None
    assert field.to_python(12) == "12"


def test_rotated_keys_still_decrypt_old_values():
    field = EncryptedCharField()
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        old_token = field.get_prep_value(ID_NUMBER)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert field.from_db_value(old_token, None, connection) == ID_NUMBER
        new_token = field.get_prep_value(ID_NUMBER)
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]), pytest.raises(DecryptionError):
        field.from_db_value(new_token, None, connection)


def test_keyed_hash_is_stable_and_distinct():
    assert keyed_hash(ID_NUMBER) == keyed_hash(ID_NUMBER)
    assert keyed_hash(ID_NUMBER) != keyed_hash("341103198001057510")
    assert len(keyed_hash(ID_NUMBER)) == 64
    assert keyed_hash(ID_NUMBER) != hashlib.sha256(ID_NUMBER.encode()).hexdigest()
    assert keyed_hash("") == ""


def test_keyed_hash_is_the_hmac_of_the_derived_key():
    # the two SHA-256 states of _keyed give what hmac.new gives, for any key length (a longer key than a
    # block is hashed first) and any text
    import hmac

    from wagewatch.lib.fields import _hash, _hash_key, _keyed, encryption_keys

    key = _hash_key(encryption_keys()[0])
    for value in (ID_NUMBER, "13812345678", "张三", "x" * 200):
        assert keyed_hash(value) == hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
    for key in (b"", b"k", b"k" * 64, b"k" * 65, bytes(range(256))):
        assert _hash(_keyed(key), ID_NUMBER) == hmac.new(key, ID_NUMBER.encode(), hashlib.sha256).hexdigest()


def test_keyed_hash_depends_on_the_first_key_but_is_not_keyed_with_it():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        old = keyed_hash(ID_NUMBER)
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY, NEW_KEY]):
        assert keyed_hash(ID_NUMBER) == old
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert keyed_hash(ID_NUMBER) != old
    import base64
    import hmac

    raw = base64.urlsafe_b64decode(OLD_KEY)
    for key in (raw, OLD_KEY.encode()):
        assert hmac.new(key, ID_NUMBER.encode(), hashlib.sha256).hexdigest() != old


def test_deconstruct_is_clean():
    _name, path, args, kwargs = EncryptedCharField(blank=True).deconstruct()
    assert path == "wagewatch.lib.fields.EncryptedCharField"
    assert args == []
    assert kwargs == {"blank": True}
    assert EncryptedCharField().deconstruct()[3] == {}


def test_form_field_is_a_one_line_input():
    form_field = EncryptedCharField(max_length=18).formfield()
    assert isinstance(form_field, forms.CharField)
    assert not isinstance(form_field.widget, forms.Textarea)
    assert form_field.max_length == 18


@pytest.fixture
def person_model():
    with isolate_apps("tests.lib"):

        class Person(models.Model):
            id_number = EncryptedCharField(blank=True, null=True)
            id_number_hash = models.CharField(max_length=64, db_index=True, blank=True)

            class Meta:
                app_label = "lib"

        yield Person


def test_only_isnull_and_blank_exact_lookups_are_allowed(person_model):
    person_model.objects.filter(id_number__isnull=True)
    person_model.objects.filter(id_number="")
    with pytest.raises(FieldError, match="keyed_hash"):
        person_model.objects.filter(id_number=ID_NUMBER)
    for lookup in ("icontains", "startswith", "in"):
        with pytest.raises(FieldError):
            person_model.objects.filter(**{f"id_number__{lookup}": ID_NUMBER})


@pytest.mark.django_db(transaction=True)
def test_round_trip_through_the_database_and_search_by_hash(person_model):
    with connection.schema_editor() as editor:
        editor.create_model(person_model)
    try:
        person = person_model.objects.create(id_number=ID_NUMBER, id_number_hash=keyed_hash(ID_NUMBER))
        person_model.objects.create(id_number="", id_number_hash="")
        person_model.objects.create(id_number=None)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id_number FROM {person_model._meta.db_table} WHERE id = %s", [person.pk])
            assert ID_NUMBER not in cursor.fetchone()[0]
        found = person_model.objects.get(id_number_hash=keyed_hash(ID_NUMBER))
        assert found.id_number == ID_NUMBER
        assert list(person_model.objects.order_by("pk").values_list("id_number", flat=True)) == [
            ID_NUMBER,
            "",
            None,
        ]
        person_model.objects.filter(pk=person.pk).update(id_number="110105194912310021")
        person.refresh_from_db()
        assert person.id_number == "110105194912310021"
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(person_model)
