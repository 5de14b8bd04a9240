"""The web app's session over REST: /auth/login, /auth/signup, /auth/refresh, /auth/logout.

The refresh token never reaches JavaScript: it lives in an HttpOnly, SameSite=Strict cookie
scoped to ``/auth`` (Secure over HTTPS) and is rotated on every refresh. The JSON answer
carries only the short-lived access token, which the web app keeps in memory. Every POST
here must carry ``X-Containr-CSRF: 1`` (a cross-site form cannot send a custom header, and
a cross-site script would need a CORS preflight this server never grants) and, when the
browser sends one, an Origin (or Referer) of this very host.

API clients and the CLI keep using the GraphQL ``logIn`` / ``signUp`` / ``refreshSession``
mutations, which hand the refresh token over in the body.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

import anyio.to_thread
import msgspec
from litestar import Request, Response, post
from litestar.handlers import HTTPRouteHandler

from application.auth import REFRESH_TTL, SignedUp, Tokens, UnauthenticatedError
from application.authz import Principal
from application.errors import ApplicationError, DomainError
from application.secrets import Secret
from application.services import ReadTimeoutError, Services
from interfaces.http.callers import client_of, principal_for
from interfaces.http.headers import header, served_over_https

log = logging.getLogger("containr.http.session")
REFRESH_COOKIE = "containr_refresh"
COOKIE_PATH = "/auth"
CSRF_HEADER = "x-containr-csrf"
STATUS = {
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "VALIDATION_FAILED": 400,
    "RATE_LIMITED": 429,
    "UNAVAILABLE": 503,
}
T = TypeVar("T")


class LogInBody(msgspec.Struct):
    """POST /auth/login."""

    email: str
    password: str


class SignUpBody(msgspec.Struct):
    """POST /auth/signup."""

    email: str
    name: str
    password: str
    invitationToken: str | None = None


class SessionAnswer(msgspec.Struct):
    """What /auth/login, /auth/signup and /auth/refresh answer (never the refresh token)."""

    accessToken: str
    expiresIn: int
    userId: str
    organizationId: str | None


class RefusedError(Exception):
    """Raised when a request to /auth/* is refused before it reaches the accounts."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def session_handlers(services: Services) -> list[HTTPRouteHandler]:
    """The four /auth/* endpoints, bound to ``services``."""
    trusted = services.settings.trusted_proxies  # whose X-Forwarded-Proto counts
    auth = services.auth

    def answer(
        request: Request[Any, Any, Any], tokens: Tokens, org: uuid.UUID | None = None
    ) -> Response[bytes]:
        body = SessionAnswer(
            tokens.access_token, tokens.expires_in, str(tokens.user_id), str(org) if org else None
        )
        response = _json(msgspec.json.encode(body), 200)
        _set_cookie(response, request, tokens.refresh_token, REFRESH_TTL, trusted)
        return response

    @post("/auth/login", status_code=200, include_in_schema=False)
    async def login(request: Request[Any, Any, Any]) -> Response[bytes]:
        try:
            body = await _body(request, LogInBody)
            client = client_of(request.scope)
            tokens = await _run(lambda: auth.log_in(body.email, Secret(body.password), client))
        except Exception as e:
            return _refusal(request, e, trusted)
        return answer(request, tokens)

    @post("/auth/signup", status_code=200, include_in_schema=False)
    async def signup(request: Request[Any, Any, Any]) -> Response[bytes]:
        try:
            body = await _body(request, SignUpBody)
            client = client_of(request.scope)
            invitation = body.invitationToken.strip() if body.invitationToken else None
            signed: SignedUp = await _run(
                lambda: auth.sign_up(
                    email=body.email,
                    name=body.name,
                    password=Secret(body.password),
                    client=client,
                    invitation_token=Secret(invitation) if invitation else None,
                )
            )
        except Exception as e:
            return _refusal(request, e, trusted)
        position = signed.position
        if position is not None:
            await _run(lambda: _caught_up(services, position))
        return answer(request, signed.tokens, signed.organization_id)

    @post("/auth/refresh", status_code=200, include_in_schema=False)
    async def refresh(request: Request[Any, Any, Any]) -> Response[bytes]:
        try:
            _check_csrf(request)
            token = request.cookies.get(REFRESH_COOKIE)
            if not token:
                raise UnauthenticatedError("no session here: log in")
            tokens = await _run(lambda: auth.refresh(Secret(token)))
        except Exception as e:
            return _refusal(request, e, trusted)
        return answer(request, tokens)

    @post("/auth/logout", status_code=200, include_in_schema=False)
    async def logout(request: Request[Any, Any, Any]) -> Response[bytes]:
        try:
            _check_csrf(request)
        except RefusedError as e:
            return _refusal(request, e, trusted)
        principal, _ = await principal_for(services, request.headers.get("authorization"))
        token = request.cookies.get(REFRESH_COOKIE)
        if (principal is None or principal.session_id is None) and token:
            # No access token of a session (gone, expired, or an API token): find the session
            # through its refresh token (rotating it is harmless, the session ends right after).
            principal = await _run(lambda: _principal_of_refresh(services, token))
        if principal is not None:
            await _run(lambda: auth.log_out(principal))
        response = _json(b'{"loggedOut":true}', 200)
        _set_cookie(response, request, "", timedelta(0), trusted)
        return response

    return [login, signup, refresh, logout]


async def _run(work: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(work)


async def _body(request: Request[Any, Any, Any], kind: type[T]) -> T:
    _check_csrf(request)
    try:
        return msgspec.json.decode(await request.body(), type=kind)
    except msgspec.ValidationError as e:
        raise RefusedError("VALIDATION_FAILED", f"the request body does not fit: {e}") from None
    except msgspec.DecodeError:
        raise RefusedError("VALIDATION_FAILED", "the request body is not a JSON object") from None


def _check_csrf(request: Request[Any, Any, Any]) -> None:
    """Refuse a request a foreign site could have made the browser send."""
    if request.headers.get(CSRF_HEADER) != "1":
        raise RefusedError(
            "FORBIDDEN",
            f"this endpoint serves the Containr web app: send the header {CSRF_HEADER}: 1 "
            "(API clients use the GraphQL logIn, signUp and refreshSession mutations)",
        )
    host = header(request.scope, b"host")
    origin = request.headers.get("origin")
    source = origin if origin is not None else request.headers.get("referer")
    if source is not None and not _same_host(source, host):
        raise RefusedError(
            "FORBIDDEN", "the request comes from another site; sign in from Containr's own page"
        )


def _same_host(url: str, host: str | None) -> bool:
    """Whether a browser's Origin or Referer names this host (``null`` never does)."""
    if host is None:
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    default = 443 if parts.scheme == "https" else 80
    return _host_port(parts.hostname, port or default) == _host_port(*_split_host(host, default))


def _split_host(host: str, default: int) -> tuple[str, int]:
    try:
        parts = urlsplit(f"//{host}")
        return parts.hostname or "", parts.port or default
    except ValueError:
        return "", 0


def _host_port(hostname: str, port: int) -> tuple[str, int]:
    return hostname.lower().rstrip("."), port


def _set_cookie(
    response: Response[Any],
    request: Request[Any, Any, Any],
    value: str,
    lifetime: timedelta,
    trusted: tuple[str, ...],
) -> None:
    seconds = int(lifetime.total_seconds())
    response.set_cookie(
        REFRESH_COOKIE,
        value,
        max_age=seconds,
        expires=seconds if seconds == 0 else None,
        path=COOKIE_PATH,
        secure=served_over_https(request.scope, trusted),
        httponly=True,
        samesite="strict",
    )
    response.headers["cache-control"] = "no-store"


def _refusal(
    request: Request[Any, Any, Any], error: Exception, trusted: tuple[str, ...]
) -> Response[bytes]:
    """A coded JSON error; a refused refresh also clears the cookie."""
    code, message = _coded(error)
    if code != "INTERNAL":  # one line, never the body: it holds passwords and tokens
        log.info("%s refused: %s", request.url.path, code)
    body = msgspec.json.encode({"error": {"code": code, "message": message}})
    response = _json(body, STATUS.get(code, 500))
    if code == "UNAUTHENTICATED" and request.url.path == "/auth/refresh":
        _set_cookie(response, request, "", timedelta(0), trusted)
    response.headers["cache-control"] = "no-store"
    return response


def _coded(error: Exception) -> tuple[str, str]:
    if isinstance(error, RefusedError):
        return error.code, str(error)
    if isinstance(error, ApplicationError | DomainError):
        code = str(error.code)
        if code in STATUS:
            return code, str(error)
    reference = uuid.uuid4().hex[:12]
    log.error("internal error %s", reference, exc_info=error)
    return "INTERNAL", f"internal error (reference {reference}); it has been logged"


def _json(body: bytes, status: int) -> Response[bytes]:
    return Response(body, status_code=status, media_type="application/json")


def _caught_up(services: Services, position: int) -> None:
    """Wait until the dashboard shows the new account (read-your-writes for the app's next
    query); the account exists either way."""
    try:
        services.wait_for(position, ("dashboard",))
    except ReadTimeoutError:
        log.warning("the dashboard did not reach position %s in time", position)


def _principal_of_refresh(services: Services, token: str) -> Principal | None:
    try:
        tokens = services.auth.refresh(Secret(token))
        return services.auth.authenticate(tokens.access_token)
    except ApplicationError:
        return None
