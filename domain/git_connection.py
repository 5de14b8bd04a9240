"""Git provider connections: where an organisation's repositories are hosted, and the
webhook secret their deliveries are signed with (issue 14)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import Actor
from domain.values import SealedValue, validate_name


class GitProvider(Enum):
    """Where a repository is hosted."""

    GITHUB = "github"
    GITLAB = "gitlab"
    BITBUCKET = "bitbucket"


DEFAULT_API_URLS = {
    GitProvider.GITHUB: "https://api.github.com",
    GitProvider.GITLAB: "https://gitlab.com/api/v4",
    GitProvider.BITBUCKET: "https://api.bitbucket.org/2.0",
}
MAX_OVERLAP = timedelta(days=7)


class AccessStatus(Enum):
    """Whether the connection's token works, as the last check that changed it found."""

    UNCHECKED = "unchecked"
    OK = "ok"
    BROKEN = "broken"


class GitConnectionRemovedError(RuleViolatedError):
    """Raised when a removed connection is asked to change."""


def check_api_url(provider: GitProvider, url: str | None) -> str:
    """The provider's API base URL: the default, or a self-hosted one (GitHub Enterprise,
    GitLab) as ``http(s)://host[:port][/path]`` without credentials, query or fragment."""
    if url is None or not url.strip():
        return DEFAULT_API_URLS[provider]
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidValueError(
            "api_url", "must be the provider's API address, like https://github.example.com/api/v3"
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidValueError(
            "api_url", "must be only the API's address: no credentials, query or fragment"
        )
    if provider is GitProvider.BITBUCKET and url.rstrip("/") != DEFAULT_API_URLS[provider]:
        raise InvalidValueError("api_url", "Bitbucket Cloud has one API address; leave it out")
    return url.strip().rstrip("/")


def clone_url(provider: GitProvider, api_url: str, full_name: str) -> str:
    """The HTTPS clone URL of a repository of a connection (from its API address)."""
    if provider is GitProvider.BITBUCKET:
        return f"https://bitbucket.org/{full_name}.git"
    parts = urlsplit(api_url)
    host = parts.netloc
    if provider is GitProvider.GITHUB and host == "api.github.com":
        host = "github.com"
    path = parts.path.rstrip("/")
    for suffix in ("/api/v3", "/api/v4"):  # GitHub Enterprise, GitLab
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return f"{parts.scheme}://{host}{path}/{full_name}.git"


class GitConnection(ContainrAggregate):
    """An organisation's connection to a git provider (its token and webhook secret sealed)."""

    class Created(ContainrAggregate.Created):
        organization_id: UUID
        provider: GitProvider
        name: str
        api_url: str
        access_token: str | None
        webhook_secret: str

    class WebhookSecretRotated(ContainrAggregate.Event):
        webhook_secret: str
        previous_secret: str
        previous_valid_until: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.webhook_secret = SealedValue(self.webhook_secret)
            aggregate.previous_secret = SealedValue(self.previous_secret)
            aggregate.previous_valid_until = self.previous_valid_until
            aggregate.secret_generation += 1

    class Removed(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.removed = True

    class AccessLost(ContainrAggregate.Event):
        """A check found the provider refusing the token (revoked, expired, scope lost)."""

        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.access = AccessStatus.BROKEN
            aggregate.access_reason = self.reason

    class AccessRestored(ContainrAggregate.Event):
        """A check found the token working (the first check too), acting as ``login``."""

        login: str

        def apply(self, aggregate: Any) -> None:
            aggregate.access = AccessStatus.OK
            aggregate.access_reason = None
            aggregate.login = self.login

    def __init__(
        self,
        organization_id: UUID,
        provider: GitProvider,
        name: str,
        api_url: str,
        access_token: str | None,
        webhook_secret: str,
    ) -> None:
        self.organization_id = organization_id
        self.provider = provider
        self.name = name
        self.api_url = api_url
        self.access_token = SealedValue(access_token) if access_token else None
        self.webhook_secret = SealedValue(webhook_secret)
        self.previous_secret: SealedValue | None = None
        self.previous_valid_until: datetime | None = None
        self.removed = False
        self.secret_generation = 0
        """How many times the webhook secret was rotated (webhooks registered with an
        older one are registered again)."""
        self.access = AccessStatus.UNCHECKED
        self.access_reason: str | None = None
        self.login: str | None = None

    @classmethod
    def create(
        cls,
        connection_id: UUID,
        *,
        organization_id: UUID,
        provider: GitProvider,
        name: str,
        api_url: str | None,
        access_token: SealedValue | None,
        webhook_secret: SealedValue,
        actor: Actor,
        now: datetime,
    ) -> GitConnection:
        """Connect a provider (the token and the webhook secret arrive sealed)."""
        return cls._create(
            cls.Created,
            id=connection_id,
            organization_id=organization_id,
            provider=provider,
            name=validate_name("name", name),
            api_url=check_api_url(provider, api_url),
            access_token=access_token,
            webhook_secret=webhook_secret,
            actor=actor,
            timestamp=now,
        )

    @staticmethod
    def token_context(connection_id: UUID) -> str:
        """What the sealed access token is bound to."""
        return f"git-connection:{connection_id}:token"

    @staticmethod
    def secret_context(connection_id: UUID) -> str:
        """What the sealed webhook secrets (current and previous) are bound to."""
        return f"git-connection:{connection_id}:webhook-secret"

    def rotate_webhook_secret(
        self, secret: SealedValue, overlap: timedelta, *, actor: Actor, now: datetime
    ) -> None:
        """Use a new webhook secret; the current one is still accepted for ``overlap``."""
        self._require_live()
        if not timedelta(0) <= overlap <= MAX_OVERLAP:
            raise InvalidValueError("overlap_hours", "must be between 0 and 168 hours (7 days)")
        self.trigger_event(
            self.WebhookSecretRotated,
            webhook_secret=secret,
            previous_secret=self.webhook_secret,
            previous_valid_until=now + overlap,
            actor=actor,
            timestamp=now,
        )

    def accepted_secrets(self, now: datetime) -> list[SealedValue]:
        """The sealed secrets a delivery may be signed with at ``now`` (newest first)."""
        secrets = [self.webhook_secret]
        if (
            self.previous_secret is not None
            and self.previous_valid_until is not None
            and now < self.previous_valid_until
        ):
            secrets.append(self.previous_secret)
        return secrets

    def access_confirmed(self, login: str, *, actor: Actor, now: datetime) -> bool:
        """A check found the token working as ``login``; recorded only when that changes
        what is known (broken or unchecked before, or another account): never per check."""
        self._require_live()
        if self.access is AccessStatus.OK and self.login == login:
            return False
        self.trigger_event(self.AccessRestored, login=login[:200], actor=actor, timestamp=now)
        return True

    def access_refused(self, reason: str, *, actor: Actor, now: datetime) -> bool:
        """A check found the provider refusing the token; recorded only when the connection
        was not broken already (a provider's wording may change from check to check)."""
        self._require_live()
        if self.access is AccessStatus.BROKEN:
            return False
        reason = " ".join(reason.split())[:500] or "the provider refused the token"
        self.trigger_event(self.AccessLost, reason=reason, actor=actor, timestamp=now)
        return True

    def remove(self, *, actor: Actor, now: datetime) -> None:
        """Forget the connection: its deliveries are refused from now on."""
        self._require_live()
        self.trigger_event(self.Removed, actor=actor, timestamp=now)

    def _require_live(self) -> None:
        if self.removed:
            raise GitConnectionRemovedError(
                f"git connection {self.name!r} is removed; create another one"
            )
