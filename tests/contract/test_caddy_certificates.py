"""Certificates for custom domains on the real Caddy (issue 18), with its internal CA since
no ACME server is reachable here: a domain gets a certificate that a TLS client sending the
domain as SNI receives and verifies against that CA, and the request reaches the route; a
domain not asked for gets none; an unreachable listener is a failed state with a reason."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from adapters.caddy import CaddyIngress
from adapters.caddy_process import CaddyServer, free_port
from adapters.caddy_tls import CaddyCertificates
from application.runtime_ports import Route
from tests.http_upstream import http_upstream, running_caddy
from tests.integration.deploy_support import until

DOMAIN = "shop.example.test"


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"hello from {self.headers.get('Host')}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[str]:
    with http_upstream(_Hello) as port:
        yield f"127.0.0.1:{port}"


@pytest.fixture
def caddy(tmp_path: Path) -> Iterator[CaddyServer]:
    yield from running_caddy(tmp_path / "caddy")


def https_get(port: int, domain: str, ca: Path) -> tuple[str, dict[str, object]]:
    """A GET over TLS with ``domain`` as SNI and Host, verified against ``ca``."""
    context = ssl.create_default_context(cafile=str(ca))
    with (
        socket.create_connection(("127.0.0.1", port), 10) as raw,
        context.wrap_socket(raw, server_hostname=domain) as tls,
    ):
        tls.sendall(f"GET / HTTP/1.1\r\nHost: {domain}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := tls.recv(65536):
            answer += chunk
        cert = tls.getpeercert()
    assert cert is not None
    return answer.decode(errors="replace"), dict(cert)


def test_a_custom_domain_gets_a_certificate_a_tls_client_receives_with_sni(
    caddy: CaddyServer, upstream: str, tmp_path: Path
) -> None:
    http_listen = f"127.0.0.1:{free_port()}"
    tls_port = free_port()
    ingress = CaddyIngress(caddy.admin_url, listen=http_listen)
    ingress.apply(Route(id="containr-shop", hosts=[DOMAIN], upstreams=[upstream]))
    certificates = CaddyCertificates(
        caddy.admin_url,
        tls_listen=f"127.0.0.1:{tls_port}",
        http_listen=http_listen,
        issuer="internal",
    )
    try:
        certificates.apply([DOMAIN])
        until(lambda: certificates.state(DOMAIN).state == "issued", 60, "the certificate")
        issued = certificates.state(DOMAIN)
        assert issued.not_after is not None
        assert datetime.fromisoformat(issued.not_after) > datetime.now(UTC)

        root = tmp_path / "caddy" / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        answer, cert = https_get(tls_port, DOMAIN, root)
        assert answer.startswith("HTTP/1.1 200") and answer.endswith(f"hello from {DOMAIN}")
        assert ("DNS", DOMAIN) in cert["subjectAltName"]  # type: ignore[operator]

        other = certificates.state("other.example.test")
        assert other.state == "pending" and other.reason

        certificates.apply([])
        gone = certificates.state(DOMAIN)
        assert gone.state == "failed" and gone.reason and "did not answer" in gone.reason
        assert [r.id for r in ingress.routes()] == ["containr-shop"]  # the routes stay
    finally:
        certificates.close()
        ingress.close()


def test_the_acme_issuer_needs_an_email() -> None:
    with pytest.raises(ValueError, match="email"):
        CaddyCertificates("http://127.0.0.1:1", tls_listen="127.0.0.1:2", http_listen="127.0.0.1:3")
