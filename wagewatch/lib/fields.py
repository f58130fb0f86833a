"""Encrypted model fields for personal numbers (PIPL) and the keyed hash used to search them.

AES-256-GCM encryption (a random 96-bit nonce per value, stored as ``g1:`` + base64 of nonce and
ciphertext) is randomised: the same ID number gives a different ciphertext on every save, so the
database cannot compare ciphertexts. A model that must find a record by number stores a second column:

    id_number = EncryptedCharField(_("身份证号码"), blank=True)
    id_number_hash = models.CharField(max_length=64, db_index=True, blank=True, editable=False)

which services fill with `keyed_hash(validate_resident_id(value))`, and searches with
`filter(id_number_hash=keyed_hash(normalised))`. On the encrypted field itself only `isnull` and an exact
match against '' are allowed; any other lookup (icontains, startswith, exact on a number) is a FieldError.

Keys come from settings.FIELD_ENCRYPTION_KEYS (Fernet-format keys; the first encrypts, all decrypt). The
cipher key and the hash key are both derived from a key with HKDF under different labels, so they are
never the same bytes; putting a new key first means re-hashing every *_hash column. GCM rather than
Fernet: a quarter of the cost per value, which matters when an import encrypts 100,000 numbers.
"""

import base64
import hashlib
import os
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django import forms
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, Lookup, Transform
from django.db.models.lookups import Exact

_HASH_KEY_LABEL = b"wagewatch:keyed-hash:v1"
_CIPHER_KEY_LABEL = b"wagewatch:field-cipher:v1"
_PREFIX = "g1:"
_NONCE = 12


class DecryptionError(ValueError):
    """A stored value could not be decrypted with any of FIELD_ENCRYPTION_KEYS."""


def encryption_keys() -> tuple[str, ...]:
    """FIELD_ENCRYPTION_KEYS: the first encrypts and signs, any decrypts and verifies (older values after a
    rotation). Every process that reads personal data has them: the web process and the worker alike."""
    keys = tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or ())
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    return keys


def _derive(key: str, label: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label)
    return hkdf.derive(base64.urlsafe_b64decode(key))


@lru_cache(maxsize=8)
def _ciphers(keys: tuple[str, ...]) -> tuple[AESGCM, ...]:
    return tuple(AESGCM(_derive(key, _CIPHER_KEY_LABEL)) for key in keys)


@lru_cache(maxsize=8)
def _hash_key(key: str) -> bytes:
    """A key for HMAC derived from the encryption key, so the two are never the same bytes."""
    return _derive(key, _HASH_KEY_LABEL)


def encrypt(value: str) -> str:
    """Ciphertext (ASCII) of a text value, with the first FIELD_ENCRYPTION_KEY."""
    return _seal(_ciphers(encryption_keys())[0], value)


def _seal(cipher: AESGCM, value: str) -> str:
    nonce = os.urandom(_NONCE)
    sealed = cipher.encrypt(nonce, value.encode("utf-8"), None)
    return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def encrypter() -> Callable[[str], str]:
    """``encrypt`` with the first key as it is now, looked up once (an import encrypts a batch of numbers)."""
    return partial(_seal, _ciphers(encryption_keys())[0])


def decrypt(token: str) -> str:
    """The text behind a token made with any of FIELD_ENCRYPTION_KEYS; DecryptionError otherwise."""
    try:
        if not token.startswith(_PREFIX):
            raise ValueError("unknown token format")
        raw = base64.urlsafe_b64decode(token[len(_PREFIX) :].encode("ascii"))
    except (ValueError, UnicodeError) as exc:
        raise DecryptionError("stored value is not an encrypted token") from exc
    for cipher in _ciphers(encryption_keys()):
        try:
            return cipher.decrypt(raw[:_NONCE], raw[_NONCE:], None).decode("utf-8")
        except (InvalidTag, ValueError, UnicodeError):
            continue
    raise DecryptionError("stored value does not decrypt with FIELD_ENCRYPTION_KEYS")


_BLOCK = hashlib.sha256().block_size
_INNER, _OUTER = bytes(x ^ 0x36 for x in range(256)), bytes(x ^ 0x5C for x in range(256))


@lru_cache(maxsize=8)
def _keyed(key: bytes) -> tuple["hashlib._Hash", "hashlib._Hash"]:
    """HMAC-SHA256 of a key as its two SHA-256 states already fed the padded key (RFC 2104): each hash
    copies them (imports hash 150,000 numbers; hmac.HMAC.copy is Python code, twice the cost). Every hash is
    the same as ``hmac.new(key, value, sha256)``'s."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return hashlib.sha256(key.translate(_INNER)), hashlib.sha256(key.translate(_OUTER))


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 hex of a normalised value for exact search; '' for an empty value."""
    return _hash(_keyed(_hash_key(encryption_keys()[0])), value)


def _hash(keyed: tuple["hashlib._Hash", "hashlib._Hash"], value: str) -> str:
    if value is None or value == "":
        return ""
    inner, outer = keyed[0].copy(), keyed[1].copy()
    inner.update(str(value).encode("utf-8"))
    outer.update(inner.digest())
    return outer.hexdigest()


def keyed_hasher() -> Callable[[str], str]:
    """``keyed_hash`` with the first key as it is now, looked up once (for a batch of values)."""
    return partial(_hash, _keyed(_hash_key(encryption_keys()[0])))


class _BlankOnlyExact(Exact):
    """Exact match on an encrypted field works only for '': ciphertexts of the same value differ."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "":
            raise FieldError(
                f"{self.lhs.output_field.name} is encrypted: search its *_hash field with keyed_hash()"
            )
        return super().get_prep_lookup()


class EncryptedCharField(models.TextField):
    """Short text stored Fernet-encrypted and read back as plain text; '' and None are stored as is."""

    description = "Encrypted text"

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        if lookup_name == "exact":
            return _BlankOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # Django raises FieldError: "Unsupported lookup ..."

    def get_transform(self, lookup_name: str) -> type[Transform] | None:
        return None

    def to_python(self, value: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = self.to_python(models.Field.get_prep_value(self, value))
        if value is None or value == "":
            return value
        return encrypt(value)

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        # A one-line input, not the Textarea a TextField would get.
        return models.Field.formfield(self, **{"max_length": self.max_length, **kwargs})
