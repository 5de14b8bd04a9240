"""Sign in with GitHub or GitLab: OAuth 2 authorisation code with PKCE and state, and linking
a provider account to a Containr account.

The browser carries the flow: ``start`` makes a random state and PKCE verifier, and hands them
back in a short-lived signed value the interface keeps in an HttpOnly cookie (never in a URL).
``finish`` checks the state against that cookie and lets each state through once, exchanges
the code with the verifier, and maps the provider's account to a user: first by the provider's
stable user id (a linked account), else by one of its *verified* emails. Nobody is created:
sign-up stays by invitation, so an unknown account is refused.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from typing import Protocol
from uuid import UUID

import msgspec
from eventsourcing.application import AggregateNotFoundError

from application import commands as c
from application.auth import AuthService, Tokens, UnauthenticatedError
from application.authz import Principal
from application.bus import CommandBus, Context
from application.errors import NotFoundError, UnavailableError
from application.eventstore import EventStore
from application.handlers.accounts import EMAILS, PROVIDER_ACCOUNTS, provider_key
from application.limits import LOGIN_BY_CLIENT, RateLimitedError, wait_phrase
from application.ports import Clock, InvalidTokenError, RateLimiter, SessionStore, TokenSigner
from domain.errors import InvalidValueError as DomainInvalidValueError
from domain.ids import Actor
from domain.reservation import Reservation
from domain.user import normalise_email

OPERATOR = Context(actor=Actor("operator:cli"))
"""Who sends a command from the server's own command line (trusted: no session)."""
FLOW_TTL = 600
"""Seconds a started sign-in may take at the provider."""
FLOW_SUBJECT = "sign-in-flow"
STARTS_PER_CLIENT = 30
"""Sign-ins (and links) a client address may start per minute."""


class ProviderIdentity(msgspec.Struct, frozen=True):
    """Who the provider says signed in: its stable user id, login and verified emails."""

    provider: str
    subject: str
    login: str
    verified_emails: tuple[str, ...]


class SignInProvider(Protocol):
    """An OAuth 2 provider people sign in with (GitHub, GitLab)."""

    name: str

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        """Where to send the browser: the provider's consent page, with the state and the
        PKCE challenge (S256) of ``code_verifier``."""
        ...

    def identify(self, *, code: str, code_verifier: str, redirect_uri: str) -> ProviderIdentity:
        """Exchange the code (with its verifier) and read the account and its verified emails;
        ProviderRefusedError or ProviderUnavailableError otherwise, within a deadline."""
        ...


class ProviderRefusedError(UnauthenticatedError):
    """Raised when the provider refuses the code exchange or the account cannot sign in."""


class ProviderUnavailableError(UnavailableError):
    """Raised when the provider does not answer in time (or answers with a server error)."""


class Flow(msgspec.Struct, frozen=True):
    """A started sign-in or link, as the browser's cookie carries it (signed)."""

    provider: str
    state: str
    verifier: str
    next: str
    link_user: str | None = None
    link_session: str | None = None


class Finished(msgspec.Struct, frozen=True):
    """What a finished flow did: signed someone in (``tokens``) or linked an account."""

    next: str
    tokens: Tokens | None = None
    linked: str | None = None
    position: int | None = None
    """The log position of the link (read models show it once they reach it)."""


class ProviderSignIn:
    """Starts and finishes sign-ins and links through the configured providers."""

    def __init__(
        self,
        providers: Mapping[str, SignInProvider],
        *,
        store: EventStore,
        bus: CommandBus,
        auth: AuthService,
        signer: TokenSigner,
        sessions: SessionStore,
        limiter: RateLimiter,
        clock: Clock,
    ) -> None:
        self._providers = dict(providers)
        self._store = store
        self._bus = bus
        self._auth = auth
        self._signer = signer
        self._sessions = sessions
        self._limiter = limiter
        self._clock = clock

    @property
    def names(self) -> tuple[str, ...]:
        """The providers configured here."""
        return tuple(sorted(self._providers))

    def start(
        self,
        provider: str,
        *,
        redirect_uri: str,
        next_path: str,
        client: str,
        linking: Principal | None = None,
    ) -> tuple[str, str]:
        """The provider's URL to send the browser to, and the signed flow to keep in its
        cookie. With ``linking``, the finished flow links the account to that session's user."""
        chosen = self._provider(provider)
        wait = self._limiter.attempt(f"sign-in:start:{client}", STARTS_PER_CLIENT, 60)
        if wait:
            raise RateLimitedError(LOGIN_BY_CLIENT.format(when=wait_phrase(wait)))
        if linking is not None and linking.session_id is None:
            raise UnauthenticatedError("link a provider from a signed-in session, not a token")
        flow = Flow(
            provider=provider,
            state=secrets.token_urlsafe(32),
            verifier=secrets.token_urlsafe(64)[:96],  # RFC 7636: 43 to 128 characters
            next=next_path,
            link_user=str(linking.user_id) if linking else None,
            link_session=str(linking.session_id) if linking else None,
        )
        url = chosen.authorization_url(
            redirect_uri=redirect_uri, state=flow.state, code_verifier=flow.verifier
        )
        claims = {"sub": FLOW_SUBJECT, "flow": msgspec.to_builtins(flow)}
        return url, self._signer.issue(claims, FLOW_TTL)

    def finish(
        self, provider: str, *, code: str, state: str, flow_cookie: str | None, redirect_uri: str
    ) -> Finished:
        """Check the state (once), exchange the code and sign in or link."""
        chosen = self._provider(provider)
        flow = self._flow(flow_cookie)
        if flow.provider != provider or not hmac.compare_digest(flow.state, state):
            raise UnauthenticatedError(
                "this sign-in does not match the one your browser started; start again"
            )
        if self._limiter.attempt(f"sign-in:state:{flow.state}", 1, FLOW_TTL):
            raise UnauthenticatedError("this sign-in was already used; start again")
        if not code:
            raise UnauthenticatedError("the provider sent no authorisation code; start again")
        identity = chosen.identify(
            code=code, code_verifier=flow.verifier, redirect_uri=redirect_uri
        )
        if flow.link_user is not None:
            return Finished(
                flow.next, linked=identity.provider, position=self._link(flow, identity)
            )
        user_id = self._user_of(identity)
        return Finished(flow.next, tokens=self._auth.start_session(user_id, provider))

    def unlink(self, principal: Principal, provider: str) -> int | None:
        """Unlink one of the caller's provider accounts; the log position of the change."""
        result = self._bus.execute(c.UnlinkProvider(provider=provider), Context.of(principal))
        return result.position

    def _provider(self, name: str) -> SignInProvider:
        chosen = self._providers.get(name)
        if chosen is None:
            configured = ", ".join(self.names) or "none is configured here"
            raise NotFoundError(
                "sign-in provider", name, message=f"no sign-in provider {name!r} ({configured})"
            )
        return chosen

    def _flow(self, cookie: str | None) -> Flow:
        if not cookie:
            raise UnauthenticatedError(
                "no sign-in was started in this browser (or it took over 10 minutes); start again"
            )
        try:
            claims = self._signer.verify(cookie)
            if claims.get("sub") != FLOW_SUBJECT:
                raise InvalidTokenError("not a sign-in flow")
            return msgspec.convert(claims.get("flow"), Flow)
        except (InvalidTokenError, msgspec.ValidationError):
            raise UnauthenticatedError(
                "this sign-in has expired or is not valid; start again"
            ) from None

    def _link(self, flow: Flow, identity: ProviderIdentity) -> int | None:
        user_id, session_id = UUID(str(flow.link_user)), UUID(str(flow.link_session))
        if not self._sessions.is_active(session_id, self._clock.now()):
            raise UnauthenticatedError("the session that started this link has ended; sign in")
        principal = Principal(user_id=user_id, session_id=session_id)
        command = c.LinkProvider(
            provider=identity.provider, subject=identity.subject, login=identity.login
        )
        return self._bus.execute(command, Context.of(principal)).position

    def _user_of(self, identity: ProviderIdentity) -> UUID:
        """The user this provider account signs in as: linked by its id, else by email."""
        key = provider_key(identity.provider, identity.subject)
        linked = self._holder(PROVIDER_ACCOUNTS, key)
        if linked is not None:
            return linked
        what = identity.provider.capitalize().replace("hub", "Hub").replace("lab", "Lab")
        if not identity.verified_emails:
            raise ProviderRefusedError(
                f"your {what} account has no verified email address; verify one at {what} "
                "(or link the account from your Containr settings) and try again"
            )
        for email in identity.verified_emails:
            try:
                user_id = self._holder(EMAILS, normalise_email(email))
            except DomainInvalidValueError:
                continue
            if user_id is not None:
                return user_id
        raise ProviderRefusedError(
            f"no Containr account has a verified email of this {what} account; ask an "
            "organisation admin for an invitation, or sign in and link the account first"
        )

    def _holder(self, scope: str, key: str) -> UUID | None:
        try:
            index: Reservation = self._store.repository.get(Reservation.id_for(scope, key))
        except AggregateNotFoundError:
            return None
        if index.holder_id is None:
            return None
        try:
            self._store.repository.get(index.holder_id)
        except AggregateNotFoundError:
            return None
        return index.holder_id


__all__ = [
    "Finished",
    "Flow",
    "ProviderIdentity",
    "ProviderRefusedError",
    "ProviderSignIn",
    "ProviderUnavailableError",
    "SignInProvider",
]
