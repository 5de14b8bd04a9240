"""A service's repository at a git provider, connected through one of the organisation's git
connections, and the webhook that tells Containr about its pushes (issue 14)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from uuid import UUID

from domain.errors import InvalidValueError

_FULL_NAME = re.compile(r"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+$")
MAX_FULL_NAME = 255


class WebhookMode(Enum):
    """Who puts the webhook at the provider: Containr through the API, or a person."""

    AUTOMATIC = "automatic"
    MANUAL = "manual"


class WebhookState(Enum):
    """Where an automatic webhook is: being registered, registered, or refused by the
    provider (with the reason); a manual one is the person's to paste."""

    REGISTERING = "registering"
    REGISTERED = "registered"
    FAILED = "failed"
    MANUAL = "manual"


@dataclass(frozen=True)
class RepositorySource:
    """The repository a service builds from, heard through a git connection."""

    connection_id: UUID
    repository: str
    branch: str
    webhook_mode: WebhookMode
    webhook_state: WebhookState
    hook_id: str | None = None
    failure: str | None = None
    secret_generation: int = 0
    """The connection's secret generation the registered webhook was signed with."""

    @property
    def key(self) -> str:
        """One webhook per connection and repository (services of both share it)."""
        return webhook_key(self.connection_id, self.repository)


@dataclass(frozen=True)
class WebhookRemoval:
    """A webhook to take off the provider after its repository was disconnected."""

    connection_id: UUID
    repository: str
    hook_id: str | None
    """None when its registration was not recorded (it may still exist: looked up by URL)."""


def webhook_key(connection_id: UUID, repository: str) -> str:
    """How a connection's webhook on a repository is named in a service's state."""
    return f"{connection_id}/{repository.lower()}"


def check_full_name(value: str) -> str:
    """A repository's full name at a provider: ``owner/name`` (GitLab: ``group/sub/name``)."""
    name = value.strip("/")
    if (
        not name
        or len(name) > MAX_FULL_NAME
        or not _FULL_NAME.fullmatch(name)
        or any(part in (".", "..") for part in name.split("/"))
    ):
        raise InvalidValueError(
            "repository",
            f"{value[:100]!r} is not a repository's full name; give it as owner/name "
            "(for GitLab group/subgroup/name), as the provider's repository list shows it",
        )
    return name
