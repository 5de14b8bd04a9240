"""The GitProviderApi port: what Containr asks of a git provider's REST API (issue 14).

(``runtime_ports.SourceRepository`` is the other half of the source: it clones a commit.)

One implementation per provider lives in ``adapters/`` (GitHub through githubkit, GitLab
through python-gitlab, Bitbucket Cloud through atlassian-python-api), each behind the same
contract suite. Everything crossing this port is a plain msgspec Struct: provider payloads
stop in the adapter.

Every call has a deadline (the adapter's timeout) and answers with one of three outcomes:
a value; ``ProviderAccessError`` when the provider refused the connection's credentials or
the repository (the connection is then shown broken, with ``reason`` as the provider gave
it); ``ProviderUnavailableError`` when the provider did not answer in time or failed on its
side (tried again later, the connection stays as it was).
"""

from __future__ import annotations

from enum import Enum
from typing import Literal, Protocol

import msgspec

from application.errors import ApplicationError, UnavailableError


class ProviderAccessError(ApplicationError):
    """The provider refused: bad or expired token, missing scope, repository gone (401/403/404)."""

    code = "PROVIDER_ACCESS"

    def __init__(self, reason: str, *, status: int | None = None) -> None:
        self.reason = reason
        self.status = status
        super().__init__(f"the git provider refused the request: {reason}")


class ProviderUnavailableError(UnavailableError):
    """The provider did not answer within its deadline, or failed on its side (5xx, 429)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"the git provider is unavailable: {reason}; try again")


class Account(msgspec.Struct, frozen=True, kw_only=True):
    """Whom a connection's token acts as."""

    login: str
    name: str | None = None


class Repository(msgspec.Struct, frozen=True, kw_only=True):
    """A repository the connection can see. ``full_name`` is ``owner/name`` (GitLab: the
    project's path with its namespace; Bitbucket: ``workspace/slug``)."""

    full_name: str
    default_branch: str | None
    private: bool
    clone_url: str
    web_url: str


class Branch(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    commit_sha: str


class Page(msgspec.Struct, frozen=True, kw_only=True):
    """One page of a listing; ``next_page`` is None on the last page."""

    items: list[Repository] | list[Branch]
    next_page: int | None


class CommitState(Enum):
    """A commit status as Containr reports it; adapters map it to the provider's words
    (GitHub pending/success/failure/error, GitLab pending/running/success/failed/canceled,
    Bitbucket INPROGRESS/SUCCESSFUL/FAILED/STOPPED)."""

    PENDING = "pending"
    RUNNING = "running"
    SUCCESS = "success"
    FAILURE = "failure"
    CANCELED = "canceled"


class ChecksVerdict(msgspec.Struct, frozen=True, kw_only=True):
    """The combined outcome of a commit's checks at the provider (for "wait for CI").

    ``none`` means the commit has no checks at all; ``pending`` that some have not ended.
    Containr's own status (its ``context``) is left out of the verdict."""

    state: Literal["none", "pending", "success", "failure"]
    summary: str


class Webhook(msgspec.Struct, frozen=True, kw_only=True):
    """A webhook registered at the provider: its id there, to remove it later."""

    hook_id: str
    url: str


class GitProviderApi(Protocol):
    """One provider connection's view of its repositories (token and base URL bound)."""

    def account(self) -> Account:
        """Whom the token acts as; the cheapest call that proves the connection works."""
        ...

    def repositories(self, page: int = 1, per_page: int = 50) -> Page:
        """The repositories the token can see, one page at a time."""
        ...

    def repository(self, full_name: str) -> Repository:
        """One repository, by its full name."""
        ...

    def branches(self, full_name: str, page: int = 1, per_page: int = 100) -> Page:
        """A repository's branches, one page at a time."""
        ...

    def register_webhook(self, full_name: str, url: str, secret: str) -> Webhook:
        """Register ``url`` for push, pull request and release events, signed with ``secret``."""
        ...

    def webhooks(self, full_name: str) -> list[Webhook]:
        """The repository's webhooks (to find one registered before a crash by its URL)."""
        ...

    def remove_webhook(self, full_name: str, hook_id: str) -> None:
        """Remove a registered webhook; one already gone counts as removed."""
        ...

    def set_commit_status(
        self,
        full_name: str,
        sha: str,
        state: CommitState,
        *,
        context: str,
        description: str,
        target_url: str | None,
    ) -> None:
        """Report a deployment's progress on a commit (replaces the status of ``context``)."""
        ...

    def checks(self, full_name: str, sha: str, *, ignore_context: str) -> ChecksVerdict:
        """The commit's checks at the provider, leaving out every check whose context (name)
        starts with ``ignore_context``: Containr's own statuses, of any service."""
        ...

    def comment(self, full_name: str, pull_request: int, body: str) -> None:
        """Post a comment on a pull request (GitLab: a merge request note)."""
        ...


class GitProviderApis(Protocol):
    """Opens a provider's API for one connection (the adapter chooses the client)."""

    def open(self, provider: str, api_url: str, token: str | None) -> GitProviderApi:
        """``provider`` is ``github``, ``gitlab`` or ``bitbucket``; ``token`` in clear."""
        ...
