"""Sign in with GitHub or GitLab over the browser: /auth/{provider}/start, /callback and /link.

``start`` (a top-level GET) sends the browser to the provider with a state and a PKCE
challenge; the state and the verifier travel only in a signed, 10-minute, HttpOnly cookie
scoped to ``/auth`` (SameSite=Lax: the provider's redirect back is a cross-site navigation,
which a Strict cookie would not follow). ``callback`` checks the state against that cookie,
lets it through once, and signs the user in exactly as /auth/login does (the refresh token in
its HttpOnly cookie), then redirects to ``next``, which must be a path on this site.
``link`` is a POST from the signed-in web app (bearer token and the CSRF header): it answers
the provider URL to go to and sets the same flow cookie, so the callback links the account.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar import Request, Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath

from application.auth import REFRESH_TTL, UnauthenticatedError
from application.services import Services
from application.sign_in import FLOW_TTL, ProviderSignIn
from interfaces.http.callers import client_of, principal_for
from interfaces.http.headers import header, served_over_https
from interfaces.http.session import (
    RefusedError,
    _caught_up,
    _check_csrf,
    _json,
    _refusal,
    _run,
    _set_cookie,
)

log = logging.getLogger("containr.http.sign_in")
FLOW_COOKIE = "containr_sign_in"
COOKIE_PATH = "/auth"
MAX_NEXT = 2000


def safe_next(value: str | None, default: str = "/") -> str:
    """``value`` when it is a path on this site, else ``default`` (no open redirects: never
    another host, scheme, ``//host`` or ``/\\host``, nor control characters)."""
    if not value or len(value) > MAX_NEXT or not value.startswith("/"):
        return default
    if value.startswith(("//", "/\\")) or any(ord(ch) < 0x20 or ch == "\x7f" for ch in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


class LinkBody(msgspec.Struct):
    """POST /auth/{provider}/link."""

    next: str | None = None


def sign_in_handlers(services: Services) -> list[HTTPRouteHandler]:
    """The provider sign-in endpoints, bound to ``services``."""
    trusted = services.settings.trusted_proxies
    public_url = services.settings.public_url

    def flow_of() -> ProviderSignIn:
        if services.sign_in is None:
            raise UnauthenticatedError("sign-in with a provider is not set up here")
        return services.sign_in

    def callback_url(request: Request[Any, Any, Any], provider: str) -> str:
        return _callback_url(request, provider, public_url, trusted)

    def with_flow(
        response: Response[Any], request: Request[Any, Any, Any], value: str, seconds: int
    ) -> Response[Any]:
        return _with_flow(response, request, value, seconds, trusted)

    @get("/auth/{provider:str}/start", include_in_schema=False)
    async def start(request: Request[Any, Any, Any], provider: FromPath[str]) -> Response[Any]:
        try:
            flow = flow_of()
            next_path = safe_next(request.query_params.get("next"))
            client = client_of(request.scope)
            redirect = callback_url(request, provider)
            url, cookie = await _run(
                lambda: flow.start(
                    provider, redirect_uri=redirect, next_path=next_path, client=client
                )
            )
        except Exception as e:
            return _refusal(request, e, trusted)
        return with_flow(_redirect(url), request, cookie, FLOW_TTL)

    @post("/auth/{provider:str}/link", status_code=200, include_in_schema=False)
    async def link(request: Request[Any, Any, Any], provider: FromPath[str]) -> Response[Any]:
        try:
            _check_csrf(request)
            flow = flow_of()
            principal, reason = await principal_for(services, request.headers.get("authorization"))
            if principal is None:
                raise UnauthenticatedError(reason or "sign in first (send a bearer token)")
            next_path = safe_next((await _link_body(request)).next)
            client = client_of(request.scope)
            redirect = callback_url(request, provider)
            url, cookie = await _run(
                lambda: flow.start(
                    provider,
                    redirect_uri=redirect,
                    next_path=next_path,
                    client=client,
                    linking=principal,
                )
            )
        except Exception as e:
            return _refusal(request, e, trusted)
        answer = _json(msgspec.json.encode({"url": url}), 200)
        return with_flow(answer, request, cookie, FLOW_TTL)

    @get("/auth/{provider:str}/callback", include_in_schema=False)
    async def callback(request: Request[Any, Any, Any], provider: FromPath[str]) -> Response[Any]:
        params = request.query_params
        cookie = request.cookies.get(FLOW_COOKIE)
        try:
            flow = flow_of()
            refused = params.get("error")
            if refused:
                raise UnauthenticatedError(
                    f"{provider} did not sign you in ({refused[:60]}); start again"
                )
            code, state = params.get("code") or "", params.get("state") or ""
            redirect = callback_url(request, provider)
            done = await _run(
                lambda: flow.finish(
                    provider, code=code, state=state, flow_cookie=cookie, redirect_uri=redirect
                )
            )
        except Exception as e:
            return with_flow(_refusal(request, e, trusted), request, "", 0)
        position = done.position
        if position is not None:  # the page it returns to shows the link
            await _run(lambda: _caught_up(services, position))
        response = with_flow(_redirect(done.next), request, "", 0)
        if done.tokens is not None:
            _set_cookie(response, request, done.tokens.refresh_token, REFRESH_TTL, trusted)
        return response

    return [start, link, callback]


async def _link_body(request: Request[Any, Any, Any]) -> LinkBody:
    raw = await request.body()
    try:
        return msgspec.json.decode(raw, type=LinkBody) if raw.strip() else LinkBody()
    except (msgspec.ValidationError, msgspec.DecodeError):
        raise RefusedError(
            "VALIDATION_FAILED", 'the body must be {"next": "/path"} or empty'
        ) from None


def _callback_url(
    request: Request[Any, Any, Any], provider: str, public_url: str | None, trusted: tuple[str, ...]
) -> str:
    """Where the provider sends the browser back (the provider checks it was registered)."""
    if public_url:
        return f"{public_url}/auth/{provider}/callback"
    scheme = "https" if served_over_https(request.scope, trusted) else "http"
    host = header(request.scope, b"host") or "localhost"
    return f"{scheme}://{host}/auth/{provider}/callback"


def _with_flow(
    response: Response[Any],
    request: Request[Any, Any, Any],
    value: str,
    seconds: int,
    trusted: tuple[str, ...],
) -> Response[Any]:
    """Set (or, with ``seconds`` 0, clear) the sign-in flow's cookie."""
    response.set_cookie(
        FLOW_COOKIE,
        value,
        max_age=seconds,
        expires=seconds if seconds == 0 else None,
        path=COOKIE_PATH,
        secure=served_over_https(request.scope, trusted),
        httponly=True,
        samesite="lax",
    )
    response.headers["cache-control"] = "no-store"
    return response


def _redirect(location: str) -> Response[Any]:
    response: Response[Any] = Response(b"", status_code=303, headers={"location": location})
    response.headers["cache-control"] = "no-store"
    return response


__all__ = ["FLOW_COOKIE", "safe_next", "sign_in_handlers"]
