"""An in-memory git provider behind the GitProviderApi port, for application tests.

The real adapters (GitHub, GitLab, Bitbucket) pass the same contract suite against recorded
provider responses; this fake keeps what a test needs to look at afterwards: registered
webhooks, commit statuses in order, comments, and the checks a test sets per commit.
``refuse`` and ``outage`` make every later call fail the way a provider does.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from application.git_providers import (
    Account,
    Branch,
    ChecksVerdict,
    CommitState,
    Page,
    ProviderAccessError,
    ProviderUnavailableError,
    Repository,
    Webhook,
)

_FAILED = (CommitState.FAILURE, CommitState.CANCELED)
_WAITING = (CommitState.PENDING, CommitState.RUNNING)


@dataclass(frozen=True)
class StatusReport:
    """One commit status as the fake provider received it."""

    full_name: str
    sha: str
    state: CommitState
    context: str
    description: str
    target_url: str | None


@dataclass
class FakeProvider:
    """One provider account's state: its repositories, hooks, statuses and comments."""

    login: str = "containr-bot"
    repositories: dict[str, Repository] = field(default_factory=dict)
    branches: dict[str, list[Branch]] = field(default_factory=dict)
    webhooks: dict[str, dict[str, Webhook]] = field(default_factory=dict)
    hook_secrets: dict[str, str] = field(default_factory=dict)
    """The secret each registered webhook signs with, by hook id (as the provider keeps it)."""
    statuses: list[StatusReport] = field(default_factory=list)
    comments: list[tuple[str, int, str]] = field(default_factory=list)
    verdicts: dict[tuple[str, str], ChecksVerdict] = field(default_factory=dict)
    refused: str | None = None
    """When set, every call is refused with this reason (a revoked token)."""
    unavailable: str | None = None
    """When set, every call fails as unavailable (the provider is down)."""
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _next_hook: int = 1

    def add_repository(
        self, full_name: str, *, branches: dict[str, str] | None = None, private: bool = True
    ) -> Repository:
        """Make ``full_name`` visible, with ``branches`` as ``{name: head sha}``."""
        branches = branches or {"main": "0" * 40}
        repo = Repository(
            full_name=full_name,
            default_branch=next(iter(branches)),
            private=private,
            clone_url=f"https://git.example.test/{full_name}.git",
            web_url=f"https://git.example.test/{full_name}",
        )
        self.repositories[full_name] = repo
        self.branches[full_name] = [Branch(name=n, commit_sha=s) for n, s in branches.items()]
        return repo

    def set_checks(self, full_name: str, sha: str, state: str, summary: str = "") -> None:
        """What the provider's checks say about a commit from now on."""
        self.verdicts[(full_name, sha)] = ChecksVerdict(
            state=state,  # type: ignore[arg-type]
            summary=summary or state,
        )


class FakeGitProviderApi:
    """One connection's view of a FakeProvider (the token is kept to be looked at)."""

    def __init__(self, provider: FakeProvider, token: str | None) -> None:
        self.provider = provider
        self.token = token

    def _enter(self) -> FakeProvider:
        p = self.provider
        with p._lock:
            p.calls += 1
        if p.unavailable is not None:
            raise ProviderUnavailableError(p.unavailable)
        if p.refused is not None:
            raise ProviderAccessError(p.refused, status=401)
        return p

    def _repo(self, full_name: str) -> Repository:
        repo = self._enter().repositories.get(full_name)
        if repo is None:
            raise ProviderAccessError(f"repository {full_name} was not found", status=404)
        return repo

    def account(self) -> Account:
        return Account(login=self._enter().login)

    def repositories(self, page: int = 1, per_page: int = 50) -> Page:
        repos = sorted(self._enter().repositories.values(), key=lambda r: r.full_name)
        start = (page - 1) * per_page
        more = start + per_page < len(repos)
        return Page(items=repos[start : start + per_page], next_page=page + 1 if more else None)

    def repository(self, full_name: str) -> Repository:
        return self._repo(full_name)

    def branches(self, full_name: str, page: int = 1, per_page: int = 100) -> Page:
        self._repo(full_name)
        all_branches = self.provider.branches.get(full_name, [])
        start = (page - 1) * per_page
        more = start + per_page < len(all_branches)
        return Page(
            items=all_branches[start : start + per_page], next_page=page + 1 if more else None
        )

    def register_webhook(self, full_name: str, url: str, secret: str) -> Webhook:
        self._repo(full_name)
        p = self.provider
        with p._lock:
            hook = Webhook(hook_id=str(p._next_hook), url=url)
            p._next_hook += 1
            p.webhooks.setdefault(full_name, {})[hook.hook_id] = hook
            p.hook_secrets[hook.hook_id] = secret
        return hook

    def webhooks(self, full_name: str) -> list[Webhook]:
        self._repo(full_name)
        with self.provider._lock:
            return list(self.provider.webhooks.get(full_name, {}).values())

    def remove_webhook(self, full_name: str, hook_id: str) -> None:
        self._repo(full_name)
        with self.provider._lock:
            self.provider.webhooks.get(full_name, {}).pop(hook_id, None)

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
        self._repo(full_name)
        with self.provider._lock:
            self.provider.statuses.append(
                StatusReport(full_name, sha, state, context, description, target_url)
            )

    def checks(self, full_name: str, sha: str, *, ignore_context: str) -> ChecksVerdict:
        """The verdict a test set for the commit; otherwise, as at a real provider, one made
        of the latest status of each context on it, those starting with ``ignore_context`` left
        out."""
        self._repo(full_name)
        set_verdict = self.provider.verdicts.get((full_name, sha))
        if set_verdict is not None:
            return set_verdict
        latest: dict[str, CommitState] = {}
        with self.provider._lock:
            for report in self.provider.statuses:
                if (report.full_name, report.sha) == (full_name, sha):
                    latest[report.context] = report.state
        latest = {c: s for c, s in latest.items() if not c.startswith(ignore_context)}
        if not latest:
            return ChecksVerdict(state="none", summary="no checks")
        failed = sorted(c for c, s in latest.items() if s in _FAILED)
        if failed:
            return ChecksVerdict(state="failure", summary="failed: " + ", ".join(failed))
        waiting = sorted(c for c, s in latest.items() if s in _WAITING)
        if waiting:
            return ChecksVerdict(state="pending", summary="pending: " + ", ".join(waiting))
        return ChecksVerdict(state="success", summary=f"{len(latest)} succeeded")

    def comment(self, full_name: str, pull_request: int, body: str) -> None:
        self._repo(full_name)
        with self.provider._lock:
            self.provider.comments.append((full_name, pull_request, body))


class FakeGitProviderApis:
    """Opens FakeProviders by API URL: one provider per ``(provider, api_url)``."""

    def __init__(self) -> None:
        self.providers: dict[tuple[str, str], FakeProvider] = {}
        self._lock = threading.Lock()

    def provider(self, provider: str, api_url: str) -> FakeProvider:
        """The fake provider behind ``(provider, api_url)``, made on first use."""
        with self._lock:
            return self.providers.setdefault((provider, api_url.rstrip("/")), FakeProvider())

    def open(self, provider: str, api_url: str, token: str | None) -> FakeGitProviderApi:
        return FakeGitProviderApi(self.provider(provider, api_url), token)
