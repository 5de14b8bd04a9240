"""``/_containr/wake/…``: the wake handler (issue 16). A sleeping service's route sends its
requests here, with the original URI after this path and the route's wake token in
``X-Containr-Wake``; each request is held until the service has a healthy replica in its
route (see application/wake.py), then handed to that replica and its answer sent back.
Bounded: the start timeout per request, a cap on held requests (503 with Retry-After)."""

from __future__ import annotations

import time
from typing import Any

import anyio.to_thread
import httpx
import msgspec
from litestar import Request, Response, route
from litestar.handlers import HTTPRouteHandler

from application.services import Services
from application.wake import WAKE_HEADER, WAKE_PATH, WakeRefused

METHODS: list[Any] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
        WAKE_HEADER.lower(),
    }
)


def wake_handlers(services: Services) -> list[HTTPRouteHandler]:
    """The wake handler, bound to ``services``."""

    @route(
        [WAKE_PATH, f"{WAKE_PATH}/{{rest:path}}"],
        http_method=METHODS,
        include_in_schema=False,
        cache=False,
    )
    async def wake(request: Request[Any, Any, Any]) -> Response[bytes]:
        gate = services.wake
        if gate is None:
            return _refused(WakeRefused(404, "NOT_FOUND", "no sleeping service answers here"))
        until = time.monotonic() + gate.deadline
        token = request.headers.get(WAKE_HEADER, "")
        try:
            with gate.hold():
                body = await request.body()
                upstream = await anyio.to_thread.run_sync(lambda: gate.upstream(token, until=until))
                return await _forward(request, upstream, body, until)
        except WakeRefused as refused:
            return _refused(refused)

    return [wake]


async def _forward(
    request: Request[Any, Any, Any], upstream: str, body: bytes, until: float
) -> Response[bytes]:
    """The replica's answer to the held request (its URI as the visitor sent it)."""
    raw = request.scope.get("raw_path") or request.scope["path"].encode()
    path = raw.decode("latin-1")[len(WAKE_PATH) :] or "/"
    query = request.scope.get("query_string", b"").decode("latin-1")
    url = f"http://{upstream}{path}" + (f"?{query}" if query else "")
    headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP]
    timeout = max(1.0, until - time.monotonic())
    try:
        async with (
            httpx.AsyncClient(timeout=timeout) as client,
            client.stream(request.method, url, headers=headers, content=body) as answer,
        ):
            content = b"".join([chunk async for chunk in answer.aiter_raw()])
    except httpx.HTTPError as e:
        raise WakeRefused(
            502, "UNAVAILABLE", f"the woken service did not answer: {type(e).__name__}", 5
        ) from None
    kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
    return Response(content, status_code=answer.status_code, headers=kept)


def _refused(refused: WakeRefused) -> Response[bytes]:
    headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else {}
    body = {"errors": [{"message": refused.message, "extensions": {"code": refused.code}}]}
    return Response(
        msgspec.json.encode(body),
        status_code=refused.status,
        headers=headers,
        media_type="application/json",
    )
