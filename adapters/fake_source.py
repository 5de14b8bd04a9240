"""An in-memory SourceRepository for tests: registered repositories, recorded fetches.

Repositories are registered as ``{url: {branch: [commit, ...]}}``, oldest commit first,
where each commit is a FakeCommit or a dict ``{"files": {path: text}, "message": ...,
"author": ...}`` holding the whole tree at that commit. Commit ids are content hashes
chained to the parent, so a branch that repeats another's first commits shares their ids,
as in git. Errors carry the same messages as the git adapter's.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from adapters.git_source import (
    check_refs,
    clear_workspace,
    display_url,
    list_files,
    missing_branch,
    missing_commit,
    repository_missing,
    root_parts,
    service_directory,
    unreachable,
)
from application.runtime_ports import Checkout, SourceError
from application.secrets import Secret

Branches = Mapping[str, Sequence["FakeCommit | Mapping[str, Any]"]]


class FakeCommit(msgspec.Struct, frozen=True, kw_only=True):
    """One commit: every file of the tree at that point, its message and author."""

    files: dict[str, str]
    message: str = "A commit"
    author: str = "Test Author <author@example.com>"


class SourceFetch(msgspec.Struct, frozen=True, kw_only=True):
    """One call of ``fetch``, as it was asked."""

    url: str
    workspace: Path
    branch: str
    commit: str | None
    root_directory: str
    token: Secret | None


class InMemorySource:
    """A SourceRepository over registered repositories; ``fetches`` and ``tokens`` record calls.

    A repository registered with a token is private: fetching it without that token fails
    as access denied, like an HTTPS server refusing the credentials.
    """

    def __init__(
        self,
        repositories: Mapping[str, Branches] | None = None,
        *,
        private: Mapping[str, Secret] | None = None,
    ) -> None:
        self._repositories: dict[str, dict[str, list[tuple[str, FakeCommit]]]] = {}
        self._private: dict[str, Secret] = dict(private or {})
        self.fetches: list[SourceFetch] = []
        self.heads: list[tuple[str, str]] = []
        """(url, branch) of every ``head`` call, in order."""
        self.unreachable: set[str] = set()
        """URLs whose server cannot be reached (every call about them fails so)."""
        self.tokens: list[Secret] = []
        """Every token received, in order."""
        self._lock = threading.Lock()
        for url, branches in (repositories or {}).items():
            self.add(url, branches)

    def add(self, url: str, branches: Branches, *, token: Secret | None = None) -> None:
        """Register (or replace) a repository; with a token it is private."""
        history: dict[str, list[tuple[str, FakeCommit]]] = {}
        for branch, commits in branches.items():
            parent = ""
            history[branch] = []
            for raw in commits:
                commit = raw if isinstance(raw, FakeCommit) else msgspec.convert(raw, FakeCommit)
                parent = _commit_id(parent, commit)
                history[branch].append((parent, commit))
        with self._lock:
            self._repositories[url] = history
            if token is not None:
                self._private[url] = token

    def history(self, url: str, branch: str) -> list[str]:
        """The commit ids of a registered branch, oldest first."""
        with self._lock:
            return [sha for sha, _ in self._repositories[url][branch]]

    def fetch(
        self,
        url: str,
        workspace: Path,
        *,
        branch: str,
        commit: str | None = None,
        root_directory: str = "",
        token: Secret | None = None,
    ) -> Checkout:
        """Write the commit's files into ``workspace`` (replacing it) and describe them."""
        with self._lock:
            self.fetches.append(
                SourceFetch(
                    url=url,
                    workspace=workspace,
                    branch=branch,
                    commit=commit,
                    root_directory=root_directory,
                    token=token,
                )
            )
            if token is not None:
                self.tokens.append(token)
        check_refs(branch, commit)
        parts = root_parts(root_directory)
        workspace = workspace.absolute()
        clear_workspace(workspace)
        try:  # like git: a failed fetch leaves no workspace behind
            with self._lock:
                sha, found = self._find(url, branch, commit, token)
            for name, text in found.files.items():
                path = workspace / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
            directory = service_directory(workspace, parts, root_directory, display_url(url), sha)
        except SourceError:
            shutil.rmtree(workspace, ignore_errors=True)
            raise
        return Checkout(
            path=str(directory),
            commit=sha,
            message=(found.message.splitlines() or [""])[0],
            author=found.author,
            files=list_files(directory),
        )

    def head(self, url: str, *, branch: str, token: Secret | None = None, timeout: float) -> str:
        """The head commit of a registered branch (errors as the git adapter's)."""
        with self._lock:
            self.heads.append((url, branch))
            if token is not None:
                self.tokens.append(token)
        check_refs(branch, None)
        with self._lock:
            repository = self._repository(url, token)
            if not repository.get(branch):
                raise missing_branch(branch, display_url(url), sorted(repository))
            return repository[branch][-1][0]

    def changed_paths(
        self,
        url: str,
        *,
        base_branch: str,
        head_commit: str,
        token: Secret | None = None,
        timeout: float,
    ) -> list[str]:
        """The files that differ between the base branch's head and the commit (no merge
        base: the fake's branches are lists of snapshots)."""
        check_refs(base_branch, head_commit)
        with self._lock:
            base = self._find(url, base_branch, None, token)[1].files
            head = self._find(url, base_branch, head_commit, token)[1].files
        return sorted(n for n in base.keys() | head.keys() if base.get(n) != head.get(n))

    def _repository(
        self, url: str, token: Secret | None
    ) -> dict[str, list[tuple[str, FakeCommit]]]:
        where = display_url(url)
        if url in self.unreachable:
            raise unreachable(where, "Could not resolve host")
        repository = self._repositories.get(url)
        required = self._private.get(url)
        if repository is None or (required is not None and token != required):
            raise repository_missing(where)
        return repository

    def _find(
        self, url: str, branch: str, commit: str | None, token: Secret | None
    ) -> tuple[str, FakeCommit]:
        where = display_url(url)
        repository = self._repository(url, token)
        if commit is None:
            if not repository.get(branch):
                raise missing_branch(branch, where)
            return repository[branch][-1]
        wanted = commit.lower()
        matches = {
            sha: found
            for commits in repository.values()
            for sha, found in commits
            if sha.startswith(wanted)
        }
        if len(matches) != 1:
            raise missing_commit(wanted, where)
        return next(iter(matches.items()))


def _commit_id(parent: str, commit: FakeCommit) -> str:
    content = msgspec.json.encode(
        [parent, sorted(commit.files.items()), commit.message, commit.author]
    )
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()
