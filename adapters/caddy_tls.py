"""Certificates for custom domains through Caddy's automatic HTTPS (issue 18): a TLS
automation policy for the domains (Caddy's ACME issuer with the operator's email, or its
internal CA where no ACME server is reachable, as in the tests), an HTTPS server that ends
TLS and hands each request, Host kept, to our plain HTTP server's listener (which routes
it), and each domain's certificate state read by a TLS handshake with its name (SNI)."""

from __future__ import annotations

import socket
import ssl
import threading
from typing import Any, Literal

import httpx
import msgspec
from cryptography import x509

from adapters.caddy import IngressError
from application.runtime_ports import CertificateState

Issuer = Literal["acme", "internal"]


class CaddyCertificates:
    """Keeps Caddy's TLS automation and HTTPS server for the custom domains, through the
    admin API at ``admin_url`` (one /load per change, everything else in the config kept)."""

    def __init__(
        self,
        admin_url: str,
        *,
        tls_listen: str,
        http_listen: str,
        issuer: Issuer = "acme",
        email: str | None = None,
        server: str = "containr-tls",
        timeout: float = 5,
    ) -> None:
        if issuer == "acme" and not email:
            raise ValueError("the ACME issuer needs an email address for the account")
        self._client = httpx.Client(
            base_url=admin_url,
            timeout=timeout,
            transport=httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)),
        )
        self._admin_url = admin_url
        self._tls_listen = tls_listen
        self._http_listen = http_listen
        self._issuer = issuer
        self._email = email
        self._server = server
        self._timeout = timeout
        self._lock = threading.Lock()

    def close(self) -> None:
        """Release the HTTP client."""
        self._client.close()

    def _issuers(self) -> list[dict[str, object]]:
        if self._issuer == "internal":
            return [{"module": "internal"}]
        return [{"module": "acme", "email": self._email}]

    def apply(self, domains: list[str]) -> None:
        """Have Caddy obtain and renew certificates for exactly these domains, and serve
        them on the HTTPS listener (no domains: no HTTPS server)."""
        wanted = sorted({d.strip().lower() for d in domains if d.strip()})
        with self._lock:
            config: Any = msgspec.json.decode(self._call("GET", "/config/").content) or {}
            apps = config.setdefault("apps", {})
            servers = apps.setdefault("http", {}).setdefault("servers", {})
            tls = apps.setdefault("tls", {})
            if not wanted:
                servers.pop(self._server, None)
                tls.pop("automation", None)
                tls.get("certificates", {}).pop("automate", None)
            else:
                tls["automation"] = {"policies": [{"subjects": wanted, "issuers": self._issuers()}]}
                tls.setdefault("certificates", {})["automate"] = wanted
                if self._issuer == "internal":
                    # never into this machine's trust store: only Caddy's own data directory
                    authorities = apps.setdefault("pki", {}).setdefault(
                        "certificate_authorities", {}
                    )
                    authorities.setdefault("local", {})["install_trust"] = False
                servers[self._server] = {
                    "listen": [self._tls_listen],
                    "routes": [
                        {
                            "match": [{"host": wanted}],
                            "handle": [
                                {
                                    "handler": "reverse_proxy",
                                    "upstreams": [{"dial": self._http_listen}],
                                }
                            ],
                        }
                    ],
                    "tls_connection_policies": [{"match": {"sni": wanted}}],
                    # our policy and certificates say what is served: no redirects, no others
                    "automatic_https": {"disable": True},
                }
            self._call("POST", "/load", msgspec.json.encode(config))

    def state(self, domain: str) -> CertificateState:
        """The certificate the HTTPS listener serves for ``domain`` now (see CertificateProbe)."""
        return CertificateProbe(self._tls_listen, timeout=self._timeout).state(domain)

    def _call(self, method: str, path: str, body: bytes | None = None) -> httpx.Response:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            response = self._client.request(method, path, content=body, headers=headers)
        except httpx.HTTPError as e:
            raise IngressError(
                f"the Caddy admin API at {self._admin_url} is unreachable ({method} {path}): "
                f"{type(e).__name__}: {e}"
            ) from e
        if response.status_code >= 400:
            raise IngressError(
                f"Caddy refused {method} {path} ({response.status_code}): {response.text.strip()}"
            )
        return response


class CertificateProbe:
    """Reads the certificate an HTTPS listener serves for a name, as a client would."""

    def __init__(self, tls_listen: str, *, timeout: float = 5) -> None:
        self._tls_listen = tls_listen
        self._timeout = timeout

    def state(self, domain: str) -> CertificateState:
        """The certificate the HTTPS listener serves for ``domain`` now (by a handshake with
        it as SNI, within the deadline): issued with its expiry, else pending or failed."""
        host, _, port = self._tls_listen.rpartition(":")
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # we read the certificate; clients verify it
        try:
            with (
                socket.create_connection((host or "127.0.0.1", int(port)), self._timeout) as raw,
                context.wrap_socket(raw, server_hostname=domain) as tls,
            ):
                der = tls.getpeercert(binary_form=True)
        except ssl.SSLError as e:
            # Caddy ends the handshake while it has no certificate for the name yet
            return CertificateState(domain=domain, state="pending", reason=e.reason or str(e))
        except OSError as e:
            return CertificateState(
                domain=domain, state="failed", reason=f"the HTTPS listener did not answer: {e}"
            )
        if der is None:
            return CertificateState(domain=domain, state="pending", reason="no certificate")
        cert = x509.load_der_x509_certificate(der)
        try:
            extension = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
            names = [n.lower() for n in extension.value.get_values_for_type(x509.DNSName)]
        except x509.ExtensionNotFound:
            names = []
        if domain.lower() not in names:
            return CertificateState(
                domain=domain, state="pending", reason="another name's certificate is served"
            )
        return CertificateState(
            domain=domain,
            state="issued",
            not_after=cert.not_valid_after_utc.isoformat(),
            issuer=cert.issuer.rfc4514_string(),
        )
