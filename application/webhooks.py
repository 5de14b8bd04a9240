"""Webhook deliveries from git providers, as the few facts Containr acts on (issue 14).

A delivery is verified (its signature or token against the connection's webhook secrets)
before anything is recorded, then read into one of the facts below. The provider's own
payloads stop at the adapter that reads them (adapters/git_webhooks.py); everything past
it sees only these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, Protocol

import msgspec

from application.errors import ApplicationError, ConflictError
from domain.git_connection import GitProvider

__all__ = [
    "MAX_DELIVERY_BYTES",
    "Delivery",
    "DeliveryTooLargeError",
    "Fact",
    "GitProvider",
    "Ignored",
    "Ping",
    "PullRequest",
    "Push",
    "Release",
    "SecretsChangedError",
    "UnsignedDeliveryError",
    "WebhookReader",
    "WebhookRefusedError",
    "WrongContentTypeError",
]

MAX_DELIVERY_BYTES = 5 * 1024 * 1024
"""The largest delivery accepted. GitHub caps payloads at 25 MB and drops larger ones; a
push of 20 commits with their file lists is a few hundred KB."""


class WebhookRefusedError(ApplicationError):
    """A delivery refused before anything was recorded; ``status`` is the HTTP answer."""

    code = "INVALID_INPUT"
    status = 400


class UnsignedDeliveryError(WebhookRefusedError):
    """No signature or token, or one that does not match any of the connection's secrets."""

    code = "UNAUTHENTICATED"
    status = 401


class DeliveryTooLargeError(WebhookRefusedError):
    """Larger than MAX_DELIVERY_BYTES."""

    code = "TOO_LARGE"
    status = 413


class WrongContentTypeError(WebhookRefusedError):
    """Not JSON (GitHub's form-encoded deliveries are not accepted: choose application/json)."""

    code = "UNSUPPORTED_MEDIA_TYPE"
    status = 415


class SecretsChangedError(ConflictError):
    """The connection changed between verifying a delivery and recording it (a rotation or
    a removal): it is verified again against the connection as it is now."""


class Push(msgspec.Struct, frozen=True, kw_only=True):
    """Commits pushed to a branch or a tag (or the ref deleted)."""

    repository: str
    """The repository's full name at the provider, e.g. ``acme/shop``."""
    ref_kind: Literal["branch", "tag"]
    ref: str
    """The branch or tag name, without ``refs/heads/`` or ``refs/tags/``."""
    commit: str | None
    """The commit the ref now points at; None when the push deleted the ref."""
    message: str = ""
    """The head commit's message (where skip markers such as ``[skip deploy]`` are)."""
    paths: tuple[str, ...] = ()
    """Files added, changed or removed by the pushed commits, as far as the payload says."""
    paths_complete: bool = False
    """Whether ``paths`` lists every changed file (providers list at most 20 commits, and
    Bitbucket none): watch paths only skip a deployment when it does."""


class PullRequest(msgspec.Struct, frozen=True, kw_only=True):
    """A pull request (GitLab: merge request) opened, updated, reopened, closed or merged."""

    repository: str
    """The repository the pull request is against (its base)."""
    number: int
    action: Literal["opened", "synchronize", "reopened", "closed", "merged"]
    head_branch: str
    head_commit: str
    base_branch: str
    from_fork: bool
    """Whether the head branch lives in another repository: such a build gets no secrets
    unless the organisation allows it."""
    title: str = ""
    url: str = ""


class Release(msgspec.Struct, frozen=True, kw_only=True):
    """A release published for a tag."""

    repository: str
    tag: str


class Ping(msgspec.Struct, frozen=True, kw_only=True):
    """The provider checking that the webhook answers."""


class Ignored(msgspec.Struct, frozen=True, kw_only=True):
    """A verified delivery Containr does not act on, with the reason it is recorded with."""

    reason: str


Fact = Push | PullRequest | Release | Ping | Ignored


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    """A verified delivery: the provider's id for it, its event name and what it says."""

    delivery_id: str
    """The provider's id of this delivery (the same when the provider redelivers it)."""
    event: str
    """The provider's event name as it sent it (``push``, ``Merge Request Hook``, …)."""
    fact: Fact


class WebhookReader(Protocol):
    """Verifies and reads deliveries of one provider's webhooks."""

    def read(
        self,
        provider: GitProvider,
        secrets: Sequence[bytes],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Delivery:
        """The delivery ``body`` carries, once its signature or token matches one of
        ``secrets`` (the current secret and, during a rotation, the previous one).

        ``headers`` are matched case-insensitively. Raises UnsignedDeliveryError,
        DeliveryTooLargeError, WrongContentTypeError or WebhookRefusedError (unparseable,
        no delivery id), never recording or trusting anything of a refused delivery.
        """
        ...
