"""Fault: the database stops answering — a host that takes the connection and then says nothing (a hung
server, a network that drops the replies). A page must give up within the connect timeout and answer the
project's clean 500 page, not hold the worker until gunicorn kills it (the browser then gets no answer).
"""

import socket
import threading
import time
from contextlib import contextmanager

import pytest
import requests

from tests.integration import faults_support as fs
from tests.integration.private_services import free_port

pytestmark = pytest.mark.postgres


@contextmanager
def silent_server():
    """A TCP port that accepts connections and never sends a byte; yields the port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:  # closed by the test
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield server.getsockname()[1]
    finally:
        server.close()
        for conn in held:
            conn.close()


def test_silent_database_answers_the_clean_page_within_the_connect_timeout():
    clean_page = (fs.ROOT / "templates" / "500.html").read_text(encoding="utf-8")
    with (
        silent_server() as db_port,
        fs.gunicorn(
            database=f"postgres://postgres@127.0.0.1:{db_port}/ww",
            port=free_port(),
            ready="/static/css/app.css",
        ) as base,
    ):
        start = time.monotonic()
        try:
            r = requests.get(base + "/blacklist/public/", timeout=25)
        except requests.RequestException as exc:
            pytest.fail(f"no answer while the database was silent: {exc!r}")
        elapsed = time.monotonic() - start
    assert r.status_code == 500, r.status_code
    assert r.text == clean_page, r.text[:500]
    assert elapsed < 15, elapsed
