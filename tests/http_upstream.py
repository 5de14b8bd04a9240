"""Loopback HTTP parts for tests: a plain HTTP server in a thread as an upstream, and a
Caddy of the test's own in front."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from adapters.caddy_process import CaddyServer, CaddyStartError
from tests.conftest import service_missing


@contextmanager
def http_upstream(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """Serves ``handler`` on 127.0.0.1 until the block ends; yields the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def running_caddy(directory: Path) -> Iterator[CaddyServer]:
    """A Caddy of its own in ``directory``, for a fixture to yield from (Caddy missing skips
    the tests, or fails them when services are required); stopped after."""
    server = CaddyServer(directory)
    try:
        server.start()
    except CaddyStartError as e:
        service_missing("Caddy", e)
    try:
        yield server
    finally:
        server.stop()
