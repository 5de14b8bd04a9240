"""Application metrics scraped from real HTTP endpoints on loopback: a good one, one answering
garbage, one answering an error and one that hangs. The bad ones are recorded as unavailable
(None) in the store, within the scrape deadline, and never stop the others."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

import pytest

from adapters.app_metrics import UP, AppMetricsSource, ScrapeTarget
from adapters.timeseries import SqliteTimeSeries
from application.settings import Settings
from tests.http_upstream import http_upstream

RELEASE = threading.Event()
ANSWERS = {
    "/good": (200, b"# TYPE queue_depth gauge\nqueue_depth 12\n"),
    "/garbage": (200, b"<html>definitely not metrics</html>"),
    "/error": (500, b"boom"),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/hang":
            RELEASE.wait(30)  # held until the test ends: the scrape's deadline must cut it
            return
        status, body = ANSWERS.get(self.path.split("?")[0], (404, b""))
        self.send_response(status)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[int]:
    RELEASE.clear()
    with http_upstream(Handler) as port:
        try:
            yield port
        finally:
            RELEASE.set()  # before the server waits for its handlers to end


def test_bad_endpoints_are_recorded_unavailable_and_good_ones_measured(
    endpoint: int, sqlite_settings: Settings
) -> None:
    services = {path: uuid.uuid4() for path in ("/good", "/garbage", "/error", "/hang")}
    targets = [
        ScrapeTarget(service_id=sid, replica=f"d:{path}", node="local", address="127.0.0.1")
        for path, sid in services.items()
    ]
    paths = {sid: (path, endpoint) for path, sid in services.items()}
    source = AppMetricsSource(lambda: targets, lambda ids: {i: paths[i] for i in ids})
    store = SqliteTimeSeries(sqlite_settings.sqlite_path)
    try:
        now = datetime.now(UTC)
        store.record(source(now))
        window = timedelta(minutes=1)
        good = services["/good"]
        assert store.latest_per_replica(good, "custom:queue_depth", window) == {"d:/good": 12.0}
        assert store.latest_per_replica(good, UP, window) == {"d:/good": 1.0}
        for path in ("/garbage", "/error", "/hang"):
            assert store.latest_per_replica(services[path], UP, window) == {f"d:{path}": None}
        # A replica that answered before and now fails: its metrics become unavailable too.
        ANSWERS["/good"] = (200, b"\x00\x01 garbage")
        try:
            store.record(source(now + timedelta(seconds=10)))
        finally:
            ANSWERS["/good"] = (200, b"# TYPE queue_depth gauge\nqueue_depth 12\n")
        later = now + timedelta(seconds=20)
        depth = store.latest_per_replica(good, "custom:queue_depth", window, now=later)
        assert depth == {"d:/good": None}
    finally:
        source.close()
