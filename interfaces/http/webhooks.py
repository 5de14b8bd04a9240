"""POST /webhooks/{connection_id}: git providers' webhook deliveries (issue 14).

The delivery is verified against the connection's webhook secrets, recorded once, and
answered 202 with the recorded delivery's id; what it causes is decided asynchronously.
A refused delivery records nothing and is answered 400, 401, 413 or 415 with a JSON
message; an unknown connection 404. The body is capped while it streams in, never read
whole past MAX_DELIVERY_BYTES.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

import anyio.to_thread
import msgspec
from litestar import Request, Response, post
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath

from application.errors import NotFoundError, UnavailableError
from application.services import Services
from application.webhooks import MAX_DELIVERY_BYTES, DeliveryTooLargeError, WebhookRefusedError

log = logging.getLogger("containr.http.webhooks")


def webhook_handlers(services: Services) -> list[HTTPRouteHandler]:
    """The webhook endpoint, bound to ``services``."""

    @post(
        "/webhooks/{connection_id:str}",
        status_code=202,
        include_in_schema=False,
        request_max_body_size=MAX_DELIVERY_BYTES,
    )
    async def webhook(
        request: Request[Any, Any, Any], connection_id: FromPath[str]
    ) -> Response[bytes]:
        intake = services.webhooks
        try:
            ident = _connection_id(connection_id)
            if intake is None:
                raise NotFoundError("git connection", ident)
            body = await _body(request)
            headers = {name: value for name, value in request.headers.items()}
            result = await anyio.to_thread.run_sync(intake.receive, ident, headers, body)
        except WebhookRefusedError as e:
            log.info("webhook delivery refused (%s): %s", e.status, e.code)
            return _answer(e.status, {"error": {"code": str(e.code), "message": str(e)}})
        except NotFoundError:
            return _answer(
                404, {"error": {"code": "NOT_FOUND", "message": "no such git connection"}}
            )
        except UnavailableError as e:
            return _answer(503, {"error": {"code": "UNAVAILABLE", "message": str(e)}})
        return _answer(
            202,
            {"deliveryId": str(result.id("delivery_id")), "recorded": result.position is not None},
        )

    return [webhook]


def _connection_id(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise NotFoundError("git connection", value) from None


async def _body(request: Request[Any, Any, Any]) -> bytes:
    """The body, streamed and capped (Content-Length is checked before any of it is read)."""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_DELIVERY_BYTES:
                raise RequestEntityTooLarge()
            chunks.append(chunk)
    except RequestEntityTooLarge:
        raise DeliveryTooLargeError(
            f"the delivery is larger than {MAX_DELIVERY_BYTES} bytes, the most accepted"
        ) from None
    return b"".join(chunks)


def _answer(status: int, body: dict[str, Any]) -> Response[bytes]:
    return Response(msgspec.json.encode(body), status_code=status, media_type="application/json")
