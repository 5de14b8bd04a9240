"""GET /access/check: the ingress asks whether a request may reach a members-only
environment (issue 14). Caddy sends the original request's headers (cookies, Authorization)
with its method, URI and host; the answer's status is what the visitor gets unless it is
2xx (see application/access.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import anyio.to_thread
import msgspec
from litestar import Request, Response, get
from litestar.handlers import HTTPRouteHandler

from application.errors import UnavailableError
from application.services import Services


def access_handlers(services: Services) -> list[HTTPRouteHandler]:
    """The access check, bound to ``services``."""

    @get("/access/check", include_in_schema=False, cache=False)
    async def check(request: Request[Any, Any, Any]) -> Response[bytes]:
        gate = services.access
        try:
            environment_id = UUID(request.query_params.get("environment", ""))
        except ValueError:
            return _answer(400, "INVALID_INPUT", "give the environment's id", {})
        if gate is None:
            return _answer(503, "UNAVAILABLE", "this server does not check access", {})
        try:
            answer = await anyio.to_thread.run_sync(
                lambda: gate.check(
                    environment_id,
                    host=request.headers.get("x-containr-host", ""),
                    uri=request.headers.get("x-forwarded-uri", "/"),
                    authorization=request.headers.get("authorization"),
                    cookies=dict(request.cookies),
                )
            )
        except UnavailableError as e:
            return _answer(503, "UNAVAILABLE", str(e), {})
        code = {401: "UNAUTHENTICATED", 403: "FORBIDDEN"}.get(answer.status, "OK")
        return _answer(answer.status, code, answer.message, answer.headers)

    return [check]


def _answer(status: int, code: str, message: str, headers: dict[str, str]) -> Response[bytes]:
    body = {"error": {"code": code, "message": message}} if status >= 400 else {"ok": message}
    return Response(
        msgspec.json.encode(body),
        status_code=status,
        media_type="application/json",
        headers={**headers, "Cache-Control": "no-store"},
    )
