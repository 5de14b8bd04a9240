"""Security headers on every response, and whether a request came over HTTPS.

One ``before_send`` hook adds them to every HTTP response start (the dashboard and its
assets, GraphQL, health, metrics, errors and 404s) and to the WebSocket handshake's answer,
so no handler can forget them. A response that sets its own Content-Security-Policy keeps
it (GraphiQL, in development mode only, loads its scripts from a CDN).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from functools import lru_cache

from litestar.types import Message, Scope
from strawberry.http.ides import get_graphql_ide_html

HSTS = "max-age=31536000"
"""Browsers keep to HTTPS for a year once they saw this over HTTPS (subdomains are left out:
deployed services answer on subdomains of the ingress domain, some over plain HTTP)."""
PERMISSIONS = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
FIXED = (
    ("x-content-type-options", "nosniff"),
    # strict-origin-when-cross-origin, not no-referrer: under no-referrer browsers send
    # `Origin: null` even on same-origin POSTs, which the /auth/* CSRF check refuses.
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", PERMISSIONS),
)
CDN = "https://unpkg.com"
_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$"
)

Hook = Callable[[Message, Scope], Awaitable[None]]


def content_security_policy(host: str | None) -> str:
    """The policy of every page Containr serves: its own scripts and styles only (the
    built dashboard has no inline ones), its own API over HTTP and WebSocket, no frames."""
    return _policy(host, script="'self'", style="'self'")


def graphiql_policy(host: str | None) -> str:
    """GraphiQL's page (development mode): its CDN scripts and styles, and its own inline
    script and style allowed by hash; otherwise the dashboard's policy."""
    return _policy(
        host,
        script=" ".join(["'self'", CDN, *_graphiql_hashes("script")]),
        style=" ".join(["'self'", CDN, *_graphiql_hashes("style")]),
        font=f"'self' {CDN} data:",  # GraphiQL's stylesheet inlines its fonts
    )


def _policy(host: str | None, *, script: str, style: str, font: str = "'self'") -> str:
    # 'self' covers ws(s) to the same host in current browsers; older ones need them named.
    sockets = f" ws://{host} wss://{host}" if host is not None and _HOST.match(host) else ""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {script}",
            f"style-src {style}",
            "img-src 'self' data:",
            f"font-src {font}",
            f"connect-src 'self'{sockets}",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        )
    )


@lru_cache(maxsize=2)
def _graphiql_hashes(tag: str) -> tuple[str, ...]:
    """The page's inline scripts or styles, by hash (strawberry serves the page as shipped)."""
    found = re.findall(rf"<{tag}>(.*?)</{tag}>", get_graphql_ide_html("graphiql"), re.DOTALL)
    return tuple(
        "'sha256-" + base64.b64encode(hashlib.sha256(f.encode()).digest()).decode() + "'"
        for f in found
    )


def header(scope: Scope, name: bytes) -> str | None:
    """A request header's value (the first one), decoded."""
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def served_over_https(scope: Scope, trusted_proxies: Sequence[str] = ()) -> bool:
    """Whether the client reached us over HTTPS: the connection's own scheme, or the
    X-Forwarded-Proto of a reverse proxy in ``trusted_proxies`` (CONTAINR_TRUSTED_PROXIES;
    uvicorn's own proxy-header handling is off)."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    forwarded = header(scope, b"x-forwarded-proto")
    if forwarded is None or forwarded.split(",")[0].strip().lower() != "https":
        return False
    client = scope.get("client")
    return client is not None and _is_trusted(str(client[0]), tuple(trusted_proxies))


@lru_cache(maxsize=1024)
def _is_trusted(address: str, networks: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


def security_headers(trusted_proxies: Sequence[str] = ()) -> Hook:
    """The ``before_send`` hook adding the security headers to every response."""

    async def add(message: Message, scope: Scope) -> None:
        kind = message["type"]
        if kind not in ("http.response.start", "websocket.accept"):
            return
        existing: list[tuple[bytes, bytes]] = list(message.get("headers") or ())  # type: ignore[call-overload]  # both message kinds carry a header list
        present = {bytes(k).lower() for k, _ in existing}
        wanted: list[tuple[str, str]] = [
            ("content-security-policy", content_security_policy(header(scope, b"host"))),
            *FIXED,
        ]
        if served_over_https(scope, trusted_proxies):
            wanted.append(("strict-transport-security", HSTS))
        message["headers"] = existing + list(_encoded(wanted, present))  # type: ignore[typeddict-unknown-key]  # websocket.accept takes headers too (ASGI 2.1)

    return add


def _encoded(
    pairs: Iterable[tuple[str, str]], present: set[bytes]
) -> Iterable[tuple[bytes, bytes]]:
    for name, value in pairs:
        key = name.encode()
        if key not in present:
            yield key, value.encode("latin-1")
