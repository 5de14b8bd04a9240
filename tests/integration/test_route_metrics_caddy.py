"""Requests, 5xx errors and latency per service from a real Caddy's access log: routes made
through the admin API, requests sent through Caddy on loopback, samples per service."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest

from adapters.caddy import CaddyIngress
from adapters.caddy_process import CaddyServer, CaddyStartError
from adapters.ingress_metrics import AccessLogTail, RouteMetricsSource
from application.metrics_ports import ERRORS, LATENCY_P95, REQUESTS
from application.runtime_ports import Route
from tests.conftest import service_missing
from tests.http_upstream import http_upstream


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def eventually(check: Callable[[], bool], *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {seconds}s")
        time.sleep(0.1)


class Upstream(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = 500 if self.path.startswith("/fail") else 200
        self.send_response(status)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[int]:
    with http_upstream(Upstream) as port:
        yield port


@pytest.fixture
def caddy(tmp_path: Path) -> Iterator[CaddyServer]:
    if not CaddyServer.available():
        service_missing("Caddy", "no `caddy` executable on PATH")
    server = CaddyServer(tmp_path / "caddy")
    try:
        server.start()
    except CaddyStartError as e:
        service_missing("Caddy", e)
    yield server
    server.stop()


def test_each_routes_requests_errors_and_latency_become_the_services_samples(
    caddy: CaddyServer, upstream: int, tmp_path: Path
) -> None:
    listen = f"127.0.0.1:{free_port()}"
    access_log = tmp_path / "access.log"
    ingress = CaddyIngress(caddy.admin_url, listen=listen, access_log=str(access_log))
    instance = f"m{uuid.uuid4().hex[:8]}"
    web, other = uuid.uuid4(), uuid.uuid4()
    try:
        ingress.apply(
            Route(
                id=f"containr-{instance}-{web}-{uuid.uuid4()}",
                hosts=["web.test.localhost"],
                upstreams=[f"127.0.0.1:{upstream}"],
            )
        )
        ingress.apply(
            Route(
                id=f"containr-{instance}-{other}-{uuid.uuid4()}",
                hosts=["other.test.localhost"],
                upstreams=[f"127.0.0.1:{upstream}"],
            )
        )
        ingress.ensure_access_log()
        ingress.ensure_access_log()  # already so: no change
        source = RouteMetricsSource(AccessLogTail(access_log), ingress.routes, instance=instance)
        start = datetime.now(UTC)
        assert source(start) == []  # the first round only marks where reading starts
        with httpx.Client(base_url=f"http://{listen}", timeout=10) as client:
            for path in ["/"] * 6 + ["/fail"] * 2:
                client.get(path, headers={"host": "web.test.localhost"})
            client.get("/", headers={"host": "nobody.test.localhost"})  # no route: 404

        def logged() -> bool:
            return access_log.exists() and access_log.read_bytes().count(b"\n") >= 9

        eventually(logged)
        samples = source(start + timedelta(seconds=10))
        of_web = {s.metric: s.value for s in samples if s.service_id == web}
        assert of_web[REQUESTS] == pytest.approx(0.8)
        assert of_web[ERRORS] == pytest.approx(0.2)
        assert (of_web[LATENCY_P95] or 0) > 0
        of_other = {s.metric: s.value for s in samples if s.service_id == other}
        assert of_other == {REQUESTS: 0.0, ERRORS: 0.0}  # routed, idle: zero, not missing
        assert all(s.replica == "" for s in samples)
    finally:
        ingress.close()
