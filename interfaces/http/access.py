"""GET /access/check: the ingress asks whether a request may reach a members-only
environment (issue 14). Caddy sends the original request's headers (cookies, Authorization,
Accept) with its method, URI, host and scheme; the answer's status is what the visitor gets
unless it is 2xx (see application/access.py).

GET /access/enter: the member sign-in hop. A signed-in member (``Authorization: Bearer``)
is sent back to the environment's host with a single-use hop token (303); a non-member gets
403, a return address off the environment's hosts 400 (application/member_pass.py). A
browser's page load without a token gets the dashboard, whose /access/enter screen signs in
(its session is in memory, renewed from a cookie only /auth sees) and asks the
``enterEnvironment`` mutation for the same hop."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import anyio.to_thread
import msgspec
from litestar import Request, Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.response import File

from application.errors import (
    ApplicationError,
    DomainError,
    ForbiddenError,
    NotFoundError,
    UnavailableError,
)
from application.services import Services
from interfaces.http.callers import principal_for
from interfaces.http.web import dashboard_page


def access_handlers(services: Services) -> list[HTTPRouteHandler]:
    """The access check and the member sign-in hop, bound to ``services``."""
    settings = services.settings
    # Where a browser reaches Containr: its public URL, else the address the ingress dials
    # (never the request's Host, which is the preview's: Caddy forwards it unchanged).
    dial = f"http://{settings.access_dial}" if settings.access_dial else ""
    containr_url = settings.public_url or dial

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
                    method=request.headers.get("x-forwarded-method", "GET"),
                    accept=request.headers.get("accept", ""),
                    proto=request.headers.get("x-forwarded-proto", "http"),
                    containr_url=containr_url,
                )
            )
        except UnavailableError as e:
            return _answer(503, "UNAVAILABLE", str(e), {})
        code = {400: "INVALID_INPUT", 401: "UNAUTHENTICATED", 403: "FORBIDDEN"}.get(
            answer.status, "OK"
        )
        return _answer(answer.status, code, answer.message, answer.headers)

    @get("/access/enter", include_in_schema=False, cache=False)
    async def enter(request: Request[Any, Any, Any]) -> Response[Any] | File:
        gate = services.access
        page_load = "text/html" in request.headers.get("accept", "").lower()
        if page_load and not request.headers.get("authorization"):
            return dashboard_page()
        try:
            environment_id = UUID(request.query_params.get("environment", ""))
            if gate is None:
                raise UnavailableError("this server does not check access")
            principal, reason = await principal_for(services, request.headers.get("authorization"))
            if principal is None:
                raise _SignInFirstError(
                    reason or "sign in to Containr first (Authorization: Bearer <token>)"
                )
            return_url = request.query_params.get("return", "")
            hop = await anyio.to_thread.run_sync(
                lambda: gate.enter(principal, environment_id, return_url)
            )
        except (_SignInFirstError, ApplicationError, DomainError, ValueError) as e:
            status, code = next(
                (answer for kind, answer in _REFUSALS.items() if isinstance(e, kind)),
                (400, "INVALID_INPUT"),
            )
            return _answer(status, code, str(e), {})
        return _answer(303, "OK", "go back to the environment", {"Location": hop})

    return [check, enter]


class _SignInFirstError(Exception):
    """/access/enter was asked by no one signed in."""


_REFUSALS: dict[type[Exception], tuple[int, str]] = {
    _SignInFirstError: (401, "UNAUTHENTICATED"),
    ForbiddenError: (403, "FORBIDDEN"),
    NotFoundError: (404, "NOT_FOUND"),
    UnavailableError: (503, "UNAVAILABLE"),
}


def _answer(status: int, code: str, message: str, headers: dict[str, str]) -> Response[bytes]:
    body = {"error": {"code": code, "message": message}} if status >= 400 else {"ok": message}
    return Response(
        msgspec.json.encode(body),
        status_code=status,
        media_type="application/json",
        headers={**headers, "Cache-Control": "no-store"},
    )
