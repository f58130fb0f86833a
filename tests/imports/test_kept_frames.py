"""The typed rows a streamed preview keeps (pipeline._frame / _unframe): signed pickled batches that give
back the rows as they were, and nothing from a file this server did not write."""

import datetime
import io
import pickle
from decimal import Decimal

import pytest
from django.test import override_settings

from wagewatch.imports import pipeline
from wagewatch.lib.fields import encryption_keys

OTHER_KEY = "b3RoZXItc2VydmVyLWtleS0wMDAwMDAwMDAwMDAwMDA="
NEW_KEY = "bmV3LWtleS1hZnRlci1yb3RhdGlvbi0wMDAwMDAwMDA="
ROWS = [
    {"row": 2, "name": "张三", "entry_date": datetime.date(2024, 3, 5), "exit_date": None, "signed": True,
     "at": datetime.datetime(2024, 3, 5, 8, 30, tzinfo=datetime.UTC), "time": datetime.time(7, 45),
     "hours": datetime.timedelta(hours=30, minutes=5), "amount": Decimal("1234.50"), "n": 3, "x": 1.5,
     "tags": ["a", "b"], "note": "含\t制表符\n和换行 \\ =1+1"},
    {"row": 3, "name": "李四", "entry_date": datetime.date(2024, 3, 6)},
]  # fmt: skip


def _walk(data: bytes) -> list[dict]:
    return list(pipeline._unframe(io.BytesIO(data)))


def test_frames_give_back_the_rows():
    data = pipeline._frame(ROWS) + pipeline._frame(ROWS[1:]) + pipeline._frame([])
    assert _walk(data) == ROWS + ROWS[1:]


def test_a_changed_byte_or_another_key_is_refused():
    data = bytearray(pipeline._frame(ROWS))
    data[-5] ^= 1
    with pytest.raises(ValueError, match="not signed"):
        _walk(bytes(data))
    with pytest.raises(ValueError, match="cut short"):
        _walk(pipeline._frame(ROWS)[:-1])
    with override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]):
        other = pipeline._frame(ROWS)
    with pytest.raises(ValueError, match="not signed"):
        _walk(other)
    # kept before the keys were rotated: read while the former key is still one of the keys
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OTHER_KEY]):
        assert _walk(other) == ROWS


def test_a_worker_with_another_secret_key_reads_what_the_web_process_kept():
    # the web process keeps the preview, the worker confirms it: they share the field-encryption keys (both
    # read personal data), not necessarily SECRET_KEY (a browser test's worker runs with another one)
    with override_settings(SECRET_KEY="the-web-process-" * 4):
        kept = pipeline._frame(ROWS)
    with override_settings(SECRET_KEY="the-worker-process-" * 4):
        assert _walk(kept) == ROWS


class Evil:
    def __reduce__(self):
        return (print, ("never run",))


def test_a_signed_frame_builds_only_the_kept_types(capsys):
    # (a frame signed by this server holding something else: refused by the unpickler all the same)
    data = pickle.dumps([{"row": 2, "x": Evil()}])
    head = pipeline._FRAME_HEAD.pack(
        len(data),
        pipeline.salted_hmac(
            pipeline._FRAME_SALT, data, secret=encryption_keys()[0], algorithm="sha256"
        ).digest(),
    )
    with pytest.raises(pickle.UnpicklingError, match=r"builtins\.print"):
        _walk(head + data)
    assert capsys.readouterr().out == ""
