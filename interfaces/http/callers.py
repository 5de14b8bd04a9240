"""Who is calling: the bearer token's principal and the client's address."""

from __future__ import annotations

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


def client_of(scope: Scope) -> str:
    """The client address (for login rate limits)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"
