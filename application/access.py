"""The gate in front of members-only environments (issue 14), asked by the ingress.

For an environment whose access is ``members``, Caddy asks ``GET /access/check`` before each
request (``forward_auth``); Containr answers from the event store and its own clock:

- a visit to ``/_containr/share?token=…`` with a live share link: 303 to ``/`` setting an
  HttpOnly cookie that carries the token, scoped to the environment's hosts
  (``<environment>.<project>.<domain>`` and every service under it), until the link expires;
- a request carrying that cookie while its link is live: 200;
- a request with ``Authorization: Bearer`` of a Containr session (or API token) of a member
  of the organisation: 200 (and Caddy drops that header before the app sees it);
- a visit to ``/_containr/enter?token=…`` with a hop token Containr's ``/access/enter`` just
  made for a member: 303 to the page they asked for, setting a member cookie (12 hours);
- a request carrying that cookie while its user is still a member: 200;
- a browser's page load (GET accepting text/html) with none of these: 302 to Containr's
  ``/access/enter``, the member sign-in hop (application/member_pass.py);
- anything else: 401 (403 for a signed-in non-member), saying how to get in.

Tokens are never stored: share links keep the SHA-256 of theirs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit
from uuid import UUID, uuid4

from application import commands as c
from application.auth import AuthService, UnauthenticatedError, hash_token
from application.authz import Permission, Principal, grants
from application.bus import CommandBus, Context
from application.errors import ForbiddenError, NotFoundError
from application.member_pass import (
    MemberPasses,
    PassRefusedError,
    member_cookie,
    return_target,
    safe_path,
)
from application.ports import Clock
from application.queries import Queries
from domain.environment_access import AccessMode, EnvironmentAccess
from domain.errors import InvalidValueError

SHARE_PATH = "/_containr/share"
"""Where a share link points, on any host of the environment."""
ENTER_PATH = "/_containr/enter"
"""Where the member sign-in hop lands, on any host of the environment."""
SHARE_TOKEN_PREFIX = "shr_"  # noqa: S105 - a prefix, not a secret
MEMBER_HEADER = "X-Containr-Access"
"""The check's answer header saying how the request got in (``member`` or ``share-link``)."""


def share_cookie(environment_id: UUID) -> str:
    """The name of the cookie carrying an environment's share-link token."""
    return f"containr_share_{environment_id.hex[:12]}"


@dataclass(frozen=True)
class AccessAnswer:
    """What the gate answers the ingress: a status, a message and headers to send."""

    status: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Visit:
    """How the ingress describes the request it asks about."""

    host: str
    uri: str
    authorization: str | None
    cookies: dict[str, str]
    method: str = "GET"
    accept: str = ""
    proto: str = "http"
    containr_url: str = ""
    """Containr's own address (its public URL, or the one the ingress reached it at)."""

    @property
    def is_page_load(self) -> bool:
        """A browser navigating (which can follow a redirect to sign in), not an API call."""
        return self.method.upper() == "GET" and "text/html" in self.accept.lower()


@dataclass(frozen=True)
class NewShareLink:
    """A share link just made: its token is shown this once."""

    link_id: UUID
    token: str
    expires_at: datetime
    urls: list[str]


class AccessGate:
    """Decides whether a request may reach a members-only environment's web services."""

    def __init__(
        self,
        *,
        queries: Queries,
        auth: AuthService,
        bus: CommandBus,
        clock: Clock,
        ingress_domain: str,
        passes: MemberPasses,
    ) -> None:
        self._passes = passes
        self._queries = queries
        self._auth = auth
        self._bus = bus
        self._clock = clock
        self._domain = ingress_domain

    def environment_domain(self, project_id: UUID, environment_id: UUID) -> str:
        """``<environment>.<project>.<domain>``: the hosts of its services are under it."""
        project = self._queries.project(project_id)
        return f"{project.environment(environment_id).name}.{project.slug}.{self._domain}"

    def create_share_link(
        self,
        principal: Principal,
        project_id: UUID,
        environment_id: UUID,
        hours: int,
        service_names: list[str],
    ) -> NewShareLink:
        """Make a share link (authorised as the principal) and the URLs that use it."""
        token = SHARE_TOKEN_PREFIX + secrets.token_urlsafe(32)
        link_id = uuid4()
        self._bus.execute(
            c.CreateShareLink(
                project_id=project_id,
                environment_id=environment_id,
                expires_in_hours=hours,
                link_id=link_id,
                token_hash=hash_token(token),
            ),
            Context.of(principal),
        )
        access = self._queries.environment_access(environment_id)
        assert access is not None
        domain = self.environment_domain(project_id, environment_id)
        return NewShareLink(
            link_id=link_id,
            token=token,
            expires_at=access.links[link_id].expires_at,
            urls=[f"http://{name}.{domain}{SHARE_PATH}?token={token}" for name in service_names],
        )

    def enter(self, principal: Principal, environment_id: UUID, return_url: str) -> str:
        """Where to send a signed-in member's browser so it gets into the environment: the
        environment host of ``return_url`` with a hop token (``ValueError`` when that is not a
        host of the environment (``InvalidValueError``; ``ForbiddenError`` for a non-member)."""
        access = self._queries.environment_access(environment_id)
        if access is None or access.mode is AccessMode.PUBLIC:
            raise InvalidValueError("environmentId", "this environment is open to anyone")
        try:
            role = self._queries.organization(access.organization_id).role_of(principal.user_id)
        except NotFoundError:
            role = None
        if not grants(principal, role.value if role else None, Permission.READ):
            raise ForbiddenError("you are not a member of the organisation of this environment")
        domain = self.environment_domain(access.project_id, environment_id)
        try:
            origin, path = return_target(return_url, domain)
        except ValueError as e:
            raise InvalidValueError("returnUrl", str(e)) from None
        token = self._passes.hop(environment_id, principal.user_id)
        return f"{origin}{ENTER_PATH}?{urlencode({'token': token, 'return': path})}"

    def check(
        self,
        environment_id: UUID,
        *,
        host: str,
        uri: str,
        authorization: str | None,
        cookies: dict[str, str],
        method: str = "GET",
        accept: str = "",
        proto: str = "http",
        containr_url: str = "",
    ) -> AccessAnswer:
        """Whether the request the ingress describes may go through."""
        visit = Visit(host, uri, authorization, cookies, method, accept, proto, containr_url)
        access = self._queries.environment_access(environment_id)
        if access is None or access.mode is AccessMode.PUBLIC:
            return AccessAnswer(200, "public")
        now = self._clock.now()
        target = urlsplit(uri or "/")
        if target.path in (SHARE_PATH, ENTER_PATH):
            land = self._share if target.path == SHARE_PATH else self._redeem
            return land(access, visit, target.query)
        held = cookies.get(share_cookie(environment_id))
        if held and access.link_for(hash_token(held), now) is not None:
            return AccessAnswer(200, "share link", {MEMBER_HEADER: "share-link"})
        if self._cookie_member(access.organization_id, environment_id, cookies):
            return AccessAnswer(200, "member", {MEMBER_HEADER: "member-cookie"})
        if authorization:
            return self._member(access.organization_id, authorization)
        return self._refusal(environment_id, visit)

    def _share(self, access: EnvironmentAccess, visit: Visit, query: str) -> AccessAnswer:
        now = self._clock.now()
        token = (parse_qs(query).get("token") or [""])[0]
        link = access.link_for(hash_token(token), now) if token else None
        if link is None:
            return AccessAnswer(401, "this share link has expired or was revoked")
        seconds = max(1, int((link.expires_at - now).total_seconds()))
        cookie = (
            f"{share_cookie(access.environment_id)}={token}; Max-Age={seconds}; Path=/"
            f"{self._cookie_scope(access.environment_id, visit.host)}; HttpOnly; SameSite=Lax"
        )
        return AccessAnswer(303, "share link accepted", {"Location": "/", "Set-Cookie": cookie})

    def _cookie_member(
        self, organization_id: UUID, environment_id: UUID, cookies: dict[str, str]
    ) -> bool:
        held = cookies.get(member_cookie(environment_id))
        if not held:
            return False
        try:
            user = self._passes.cookie_user(held, environment_id)
        except PassRefusedError:
            return False
        return self._is_member(organization_id, user)

    def _refusal(self, environment_id: UUID, visit: Visit) -> AccessAnswer:
        if visit.is_page_load and visit.containr_url and visit.host:
            scheme = "https" if visit.proto.lower() == "https" else "http"
            back = f"{scheme}://{visit.host}{safe_path(visit.uri or '/')}"
            query = urlencode({"environment": str(environment_id), "return": back})
            return AccessAnswer(
                302,
                "sign in to Containr to open this environment",
                {"Location": f"{visit.containr_url.rstrip('/')}/access/enter?{query}"},
            )
        return AccessAnswer(
            401,
            "this environment is for members of its organisation: sign in to Containr and "
            "send your token (Authorization: Bearer), or open a share link",
        )

    def _redeem(self, access: EnvironmentAccess, visit: Visit, query: str) -> AccessAnswer:
        organization_id, environment_id = access.organization_id, access.environment_id
        asked = parse_qs(query)
        token = (asked.get("token") or [""])[0]
        try:
            user = self._passes.redeem(token, environment_id)
        except PassRefusedError as e:
            return AccessAnswer(401, str(e))
        if not self._is_member(organization_id, user):
            return AccessAnswer(403, "you are not a member of the organisation of this environment")
        value, seconds = self._passes.cookie(environment_id, user)
        cookie = (
            f"{member_cookie(environment_id)}={value}; Max-Age={seconds}; Path=/"
            f"{self._cookie_scope(environment_id, visit.host)}; HttpOnly; SameSite=Lax"
        )
        if visit.proto.lower() == "https":
            cookie += "; Secure"
        location = safe_path((asked.get("return") or ["/"])[0])
        return AccessAnswer(303, "member signed in", {"Location": location, "Set-Cookie": cookie})

    def _cookie_scope(self, environment_id: UUID, host: str) -> str:
        access = self._queries.environment_access(environment_id)
        assert access is not None
        domain = self.environment_domain(access.project_id, environment_id)
        bare = host.rsplit(":", 1)[0].lower() if host else ""
        return f"; Domain={domain}" if bare.endswith(f".{domain}") else ""

    def _is_member(self, organization_id: UUID, user_id: UUID) -> bool:
        try:
            return self._queries.organization(organization_id).role_of(user_id) is not None
        except NotFoundError:
            return False

    def _member(self, organization_id: UUID, authorization: str) -> AccessAnswer:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return AccessAnswer(401, "send the token as 'Authorization: Bearer <token>'")
        try:
            principal = self._auth.authenticate(token.strip())
        except UnauthenticatedError as e:
            return AccessAnswer(401, str(e))
        try:
            role = self._queries.organization(organization_id).role_of(principal.user_id)
        except NotFoundError:
            role = None
        if role is None:
            return AccessAnswer(403, "you are not a member of the organisation of this environment")
        return AccessAnswer(200, "member", {MEMBER_HEADER: "member"})
