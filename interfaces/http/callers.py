"""Who is calling: the bearer token's principal and the client's address."""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

import anyio.to_thread
from litestar.types import Scope

from application.auth import UnauthenticatedError
from application.services import Services


async def principal_for(services: Services, authorization: str | None) -> tuple[Any, str | None]:
    """The caller behind an Authorization header (None with the reason when it fails)."""
    if not authorization:
        return None, None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None, "send the token as 'Authorization: Bearer <token>'"
    cached = services.auth.cached(token.strip())
    if cached is not None:
        return cached, None
    try:
        return await anyio.to_thread.run_sync(services.auth.authenticate, token.strip()), None
    except UnauthenticatedError as e:
        return None, str(e)


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_of(scope: Scope) -> str:
    """The client's address, for rate limits: the peer's, or, when the peer is one of
    CONTAINR_TRUSTED_PROXIES, the right-most X-Forwarded-For address that is not."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    app = scope.get("litestar_app")
    services = app.state.get("services") if app is not None else None
    proxies = services.settings.trusted_proxies if services is not None else ()
    if not proxies:
        return peer
    forwarded = [
        value.decode("latin-1")
        for name, value in scope.get("headers", ())
        if name.lower() == b"x-forwarded-for"
    ]
    return client_address(peer, forwarded, trusted_networks(proxies))


@functools.lru_cache(maxsize=8)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """CONTAINR_TRUSTED_PROXIES as networks (a lone address is a /32 or /128)."""
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def client_address(peer: str, forwarded_for: list[str], trusted: tuple[Network, ...]) -> str:
    """Who the client is, given the direct peer and the X-Forwarded-For header(s).

    Only a trusted proxy's word is taken: walking the header from the right (the hop
    nearest to us), each trusted address vouches for the one before it; the first
    address that is not trusted is the client. Anything a client wrote further left is
    ignored, so rotating it gains nothing. An entry that is not an address ends the walk
    at the last trusted hop.
    """
    nearest = parse_address(peer)
    if nearest is None or not _is_trusted(nearest, trusted):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",")]
    for hop in reversed([h for h in hops if h]):
        address = parse_address(hop)
        if address is None:
            return str(nearest)
        if not _is_trusted(address, trusted):
            return str(address)
        nearest = address
    return str(nearest)


def parse_address(text: str) -> IPAddress | None:
    """An IP address as proxies write it ("203.0.113.7", "203.0.113.7:5123", "[2001:db8::1]:80",
    "2001:db8::1"), or None."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, trusted: tuple[Network, ...]) -> bool:
    return any(address.version == n.version and address in n for n in trusted)
