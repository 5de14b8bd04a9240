"""Accounts as the interfaces use them: sign-up, login, refresh, tokens and invitations."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from uuid import UUID, uuid4

import msgspec
from eventsourcing.application import AggregateNotFoundError

from application import commands as c
from application.authz import ALL_SCOPES, Principal
from application.bus import CommandBus, Context
from application.errors import ApplicationError, ForbiddenError, InvalidValueError
from application.eventstore import EventStore
from application.handlers.accounts import (
    API_TOKENS,
    EMAILS,
    FIRST_USER,
    INVITATION_ONLY,
    password_context,
    pending_invitation,
)
from application.limits import (
    LOGIN_BY_ALL,
    LOGIN_BY_CLIENT,
    SIGNUP_BY_ALL,
    SIGNUP_BY_CLIENT,
    AuthPolicy,
    Limit,
    wait_phrase,
)
from application.limits import RateLimitedError as RateLimitedError  # noqa: PLC0414 - re-exported: callers import it from here
from application.ports import (
    Clock,
    InvalidTokenError,
    PasswordHasher,
    RateLimiter,
    SecretBox,
    SessionStore,
    TokenSigner,
)
from application.secrets import Secret
from domain.base import ContainrAggregate
from domain.errors import InvalidValueError as DomainInvalidValueError
from domain.ids import Actor
from domain.reservation import Reservation
from domain.user import User, normalise_email

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
API_TOKEN_PREFIX = "ctr_"  # noqa: S105 - a prefix, not a secret
REFRESH_PREFIX = "rt_"
MIN_PASSWORD = 10
SYSTEM = Actor("system:accounts")
PRINCIPAL_TTL = 5.0  # seconds a checked bearer token is trusted without looking again
A = TypeVar("A", bound=ContainrAggregate)


class UnauthenticatedError(ApplicationError):
    """Raised when a request needs a signed-in user and has none (or a bad token)."""

    code = "UNAUTHENTICATED"


class Tokens(msgspec.Struct, frozen=True):
    """What a login or refresh returns to the client."""

    access_token: str
    refresh_token: str
    expires_in: int
    user_id: UUID


class SignedUp(msgspec.Struct, frozen=True):
    """A new account, signed in; ``organization_id`` is set for the first user only."""

    tokens: Tokens
    organization_id: UUID | None
    position: int | None


def hash_token(token: str) -> str:
    """The stored form of a high-entropy bearer token (SHA-256; it is never stored itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


class AuthService:
    """Authentication and account actions; authorisation of commands lives in the bus."""

    def __init__(
        self,
        store: EventStore,
        bus: CommandBus,
        *,
        hasher: PasswordHasher,
        signer: TokenSigner,
        sessions: SessionStore,
        limiter: RateLimiter,
        secrets_box: SecretBox,
        clock: Clock,
        session_ended: Callable[[UUID], None] | None = None,
        policy: AuthPolicy | None = None,
    ) -> None:
        self._store = store
        self._bus = bus
        self._hasher = hasher
        self._signer = signer
        self._sessions = sessions
        self._limiter = limiter
        self._box = secrets_box
        self._clock = clock
        self._session_ended = session_ended
        """Told of every session that ends, so open subscriptions of it end too."""
        self._policy = policy or AuthPolicy()
        self._dummy_hash: Secret | None = None
        self._recent: dict[str, tuple[Principal, float]] = {}
        self._recent_lock = threading.Lock()

    def sign_up(
        self,
        email: str,
        name: str,
        password: Secret,
        *,
        client: str = "local",
        invitation_token: Secret | None = None,
    ) -> SignedUp:
        """Create an account and sign it in (rate-limited per client and overall).

        By invitation (the default policy), every refusal is the same FORBIDDEN answer,
        given before any hashing, whether or not the email has an account. With open
        sign-up, a password is hashed before any refusal, so a taken email answers as
        slowly as a free one, with the same message as every other refusal.
        """
        policy = self._policy
        self._limit(f"signup:client:{client}", policy.signup_per_client, SIGNUP_BY_CLIENT)
        self._limit("signup:all", policy.signup_global, SIGNUP_BY_ALL)
        token_hash = hash_token(invitation_token.reveal()) if invitation_token else None
        by_invitation = policy.signup == "invite"
        if by_invitation and not self._may_sign_up(email, token_hash):
            raise ForbiddenError(INVITATION_ONLY)
        if len(password.reveal()) < MIN_PASSWORD:
            raise InvalidValueError("password", f"must be at least {MIN_PASSWORD} characters")
        command = c.SignUp(
            email=email,
            name=name,
            password_hash=self._hasher.hash(password),
            invitation_token_hash=token_hash,
            invitation_required=by_invitation,
        )
        result = self._bus.execute(command, Context(actor=SYSTEM))
        user_id = result.id("user_id")
        return SignedUp(
            self.start_session(user_id), result.ids.get("organization_id"), result.position
        )

    def log_in(self, email: str, password: Secret, client: str) -> Tokens:
        """Check a password and start a session (rate-limited per client, per email and
        overall)."""
        key = normalise_email(email) if "@" in email else email.strip().lower()
        policy = self._policy
        self._limit(f"login:client:{client}", policy.login_per_client, LOGIN_BY_CLIENT)
        self._limit(f"login:email:{key}", policy.login_per_email, LOGIN_BY_CLIENT)
        self._limit("login:all", policy.login_global, LOGIN_BY_ALL)
        user = self._user_by_email(key)
        if user is None:
            if self._dummy_hash is None:
                self._dummy_hash = self._hasher.hash(Secret("timing-equaliser-password"))
            self._hasher.verify(self._dummy_hash, password)  # as slow as a real check
            raise UnauthenticatedError("wrong email or password")
        hashed = self._box.open(user.id, password_context(user.id), user.password_hash)
        if not self._hasher.verify(hashed, password):
            raise UnauthenticatedError("wrong email or password")
        return self.start_session(user.id)

    def _limit(self, key: str, limit: Limit, message: str) -> None:
        wait = self._limiter.attempt(key, limit.count, limit.seconds)
        if wait:
            raise RateLimitedError(message.format(when=wait_phrase(wait)))

    def _may_sign_up(self, email: str, token_hash: str | None) -> bool:
        """By invitation: the first account, or one with a pending invitation for its email.

        It never looks at whether the email has an account, so refusals cannot tell.
        """
        if self._find(Reservation, Reservation.id_for(*FIRST_USER)) is None:
            return True
        if token_hash is None:
            return False
        try:
            normalised = normalise_email(email)
        except DomainInvalidValueError:
            return False
        found = pending_invitation(self._find, token_hash, normalised, self._clock.now())
        return found is not None

    def _find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        try:
            aggregate: object = self._store.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    def refresh(self, refresh_token: Secret) -> Tokens:
        """Trade a refresh token for new tokens (the old refresh token stops working)."""
        new = REFRESH_PREFIX + secrets.token_urlsafe(32)
        now = self._clock.now()
        found = self._sessions.rotate(
            hash_token(refresh_token.reveal()), hash_token(new), now, now + REFRESH_TTL
        )
        if found is None:
            # A replayed token may just have ended a session: forget every cached principal.
            with self._recent_lock:
                self._recent.clear()
            raise UnauthenticatedError("the refresh token is not valid; sign in again")
        session_id, user_id, method = found
        return Tokens(
            self._access(user_id, session_id, method),
            new,
            int(ACCESS_TTL.total_seconds()),
            user_id,
        )

    def log_out(self, principal: Principal) -> None:
        """End the session the principal signed in with."""
        if principal.session_id is not None:
            self._sessions.revoke(principal.session_id)
            self._forget(lambda p: p.session_id == principal.session_id)
            if self._session_ended is not None:
                self._session_ended(principal.session_id)

    def revoke_api_token(self, principal: Principal, token_id: UUID) -> None:
        """Revoke one of the caller's API tokens; it stops working at once here."""
        self._bus.execute(c.RevokeApiToken(token_id=token_id), Context.of(principal))
        self._forget(lambda p: p.token_id == token_id)

    def cached(self, bearer: str) -> Principal | None:
        """The principal of a bearer recently checked by this process, without any I/O.

        Sessions ended and tokens revoked through this process are forgotten at once;
        through another API replica they stop working here within PRINCIPAL_TTL seconds.
        """
        hit = self._recent.get(hash_token(bearer))
        if hit is not None and hit[1] > time.monotonic():
            return hit[0]
        return None

    def authenticate(self, bearer: str, *, fresh: bool = False) -> Principal:
        """The principal behind an access token or a personal API token (``fresh``: looked up
        again, never from this process's short-lived cache)."""
        principal = None if fresh else self.cached(bearer)
        if principal is None:
            principal = self._authenticate(bearer)
            with self._recent_lock:
                if len(self._recent) > 50_000:
                    self._recent.clear()
                self._recent[hash_token(bearer)] = (principal, time.monotonic() + PRINCIPAL_TTL)
        return principal

    def _forget(self, which: Callable[[Principal], bool]) -> None:
        with self._recent_lock:
            for key in [k for k, (p, _) in self._recent.items() if which(p)]:
                del self._recent[key]

    def _authenticate(self, bearer: str) -> Principal:
        if bearer.startswith(API_TOKEN_PREFIX):
            return self._api_token_principal(bearer)
        try:
            claims = self._signer.verify(bearer)
        except InvalidTokenError as e:
            raise UnauthenticatedError(str(e)) from None
        try:
            user_id, session_id = UUID(str(claims["sub"])), UUID(str(claims["sid"]))
        except (KeyError, ValueError):
            raise UnauthenticatedError("the access token is not valid") from None
        if not self._sessions.is_active(session_id, self._clock.now()):
            raise UnauthenticatedError("this session has ended; sign in again")
        expires = claims.get("exp")
        method = claims.get("amr")
        return Principal(
            user_id=user_id,
            session_id=session_id,
            expires_at=datetime.fromtimestamp(expires, UTC) if isinstance(expires, int) else None,
            signed_in_with=method if isinstance(method, str) else "password",
        )

    def create_api_token(
        self, principal: Principal, name: str, scopes: list[str], expires_in_days: int | None
    ) -> tuple[UUID, Secret]:
        """Mint a personal API token; the token itself is returned once and never stored."""
        token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
        result = self._bus.execute(
            c.CreateApiToken(
                name=name,
                scopes=scopes,
                token_hash=hash_token(token),
                expires_in_days=expires_in_days,
            ),
            Context.of(principal),
        )
        return result.id("token_id"), Secret(token)

    def invite(
        self, principal: Principal, organization_id: UUID, email: str, role: str
    ) -> tuple[UUID, Secret]:
        """Invite someone; returns the invitation id and its token (shown once)."""
        token = "inv_" + secrets.token_urlsafe(24)
        command = c.build_command(
            c.InviteMember,
            {
                "organization_id": organization_id,
                "email": email,
                "role": role,
                "token_hash": hash_token(token),
            },
        )
        result = self._bus.execute(command, Context.of(principal))
        return result.id("invitation_id"), Secret(token)

    def accept_invitation(self, principal: Principal, token: Secret) -> UUID:
        """Join an organisation with an invitation token; returns its id."""
        result = self._bus.execute(
            c.AcceptInvitation(token_hash=hash_token(token.reveal())), Context.of(principal)
        )
        return result.id("organization_id")

    def start_session(self, user_id: UUID, method: str = "password") -> Tokens:
        """Sign a user in whose identity was proven (by a password or a provider)."""
        session_id = uuid4()
        refresh = REFRESH_PREFIX + secrets.token_urlsafe(32)
        self._sessions.create(
            session_id, user_id, hash_token(refresh), self._clock.now() + REFRESH_TTL, method
        )
        return Tokens(
            self._access(user_id, session_id, method),
            refresh,
            int(ACCESS_TTL.total_seconds()),
            user_id,
        )

    def _access(self, user_id: UUID, session_id: UUID, method: str) -> str:
        # "amr" (RFC 8176's authentication methods reference): how the session began.
        return self._signer.issue(
            {"sub": str(user_id), "sid": str(session_id), "amr": method},
            int(ACCESS_TTL.total_seconds()),
        )

    def _user_by_email(self, email: str) -> User | None:
        return self._indexed_user(EMAILS, email)

    def _indexed_user(self, scope: str, key: str) -> User | None:
        try:
            index: Reservation = self._store.repository.get(Reservation.id_for(scope, key))
            if index.holder_id is None:
                return None
            user: User = self._store.repository.get(index.holder_id)
        except AggregateNotFoundError:
            return None
        return user

    def _api_token_principal(self, token: str) -> Principal:
        digest = hash_token(token)
        user = self._indexed_user(API_TOKENS, digest)
        record = (
            next((t for t in user.tokens.values() if t.token_hash == digest), None)
            if user
            else None
        )
        if user is None or record is None:
            raise UnauthenticatedError("the API token is not valid")
        if record.revoked:
            raise UnauthenticatedError("the API token has been revoked")
        if record.expires_at is not None and record.expires_at <= self._clock.now():
            raise UnauthenticatedError("the API token has expired")
        return Principal(
            user_id=user.id,
            scopes=frozenset(record.scopes) & ALL_SCOPES,
            token_id=record.id,
            expires_at=record.expires_at,
        )


def is_api_token(value: str) -> bool:
    """Whether a bearer value looks like a personal API token."""
    return value.startswith(API_TOKEN_PREFIX)
