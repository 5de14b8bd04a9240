"""The SourceRepository port on the git CLI: shallow clones, exact commits, tokens kept secret.

A token reaches git only through the child's environment: ``GIT_CONFIG_COUNT`` /
``GIT_CONFIG_KEY_n`` / ``GIT_CONFIG_VALUE_n`` (git 2.31 or later) carry an
``http.<origin>/.extraHeader`` with a basic ``Authorization`` header. Environment config
is never written to ``.git/config``, never shows in another user's ``ps`` and never
enters a credential helper (helpers are switched off while a token is in use). Every
message built from git's output has the token scrubbed out.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Literal
from urllib.parse import quote, urlsplit, urlunsplit

from application.runtime_ports import (
    BranchNotFoundError,
    Checkout,
    RepositoryNotFoundError,
    SourceError,
    SourceUnreachableError,
)
from application.secrets import Secret

TOKEN_USER = "x-access-token"  # noqa: S105 - a user name, not a password
"""The basic-auth user sent with a token (GitHub's convention; GitLab and Gitea accept any)."""

_COMMIT_ID = re.compile(r"[0-9a-f]{4,64}")
_FULL_ID_LENGTHS = (40, 64)
_ALLOWED_PROTOCOLS = "https:http:ssh:git:file"
# The inherited GIT_* variables that configure how git reaches a server; every other one
# (GIT_DIR, GIT_TRACE*, GIT_ASKPASS, GIT_CONFIG_COUNT, ...) would change what we run.
_PASSED_GIT_VARIABLES = frozenset(
    {
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_SSH_VARIANT",
        "GIT_SSL_CAINFO",
        "GIT_SSL_CAPATH",
        "GIT_PROXY_COMMAND",
        "GIT_PROXY_SSL_CAINFO",
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_NOSYSTEM",
        "GIT_EXEC_PATH",
    }
)
_UNREACHABLE = (
    "could not resolve host",
    "could not resolve hostname",
    "failed to connect",
    "couldn't connect",
    "connection refused",
    "connection timed out",
    "no route to host",
    "network is unreachable",
    "ssl certificate problem",
)
_ACCESS_DENIED = (
    "not found",
    "does not appear to be a git repository",
    "does not exist",
    "authentication failed",
    "could not read username",
    "could not read password",
    "terminal prompts disabled",
    "returned error: 401",
    "returned error: 403",
    "returned error: 404",
    "permission denied",
    "access denied",
    "access rights",
)
# What git adds after the real cause of a failed remote operation; never the reason itself.
_BOILERPLATE = (
    "could not read from remote repository",
    "please make sure you have the correct access rights",
    "and the repository exists",
)
_SHOWN_BRANCHES = 5


class GitRepository:
    """Fetches repositories with the git CLI (a subprocess per step, never a shell)."""

    def __init__(self, *, git: str = "git", timeout: float = 120) -> None:
        self._git = git
        self._timeout = timeout

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
        """Check out ``commit`` (or the head of ``branch``) into ``workspace``, replacing it.

        The branch head comes from a ``--depth 1`` clone; an exact commit is fetched by id
        (shallow), or with the full history of every branch when the server refuses that.
        On failure the workspace is removed and SourceError says why.
        """
        check_refs(branch, commit)
        parts = root_parts(root_directory)
        where = display_url(url)
        git = _Git(self._git, url, token, timeout=self._timeout, where=where)
        workspace = workspace.absolute()
        clear_workspace(workspace)
        try:
            if commit is None:
                self._clone(git, url, workspace, branch)
            else:
                self._fetch_commit(git, url, workspace, commit.lower())
            return self._describe(git, workspace, parts, root_directory)
        except _GitFailedError as e:  # a local step (init, checkout, log) failed
            shutil.rmtree(workspace, ignore_errors=True)
            raise explain(e.stderr, where) from None
        except BaseException:
            shutil.rmtree(workspace, ignore_errors=True)
            raise

    def head(self, url: str, *, branch: str, token: Secret | None = None, timeout: float) -> str:
        """The commit at the head of ``branch``, from ``git ls-remote --heads`` (nothing is
        fetched); see the port for the errors."""
        check_refs(branch, None)
        where = display_url(url)
        git = _Git(
            self._git, url, token, timeout=timeout, where=where, doing="listing the branches of"
        )
        try:
            listing = git.run("ls-remote", "--heads", "--", url, cwd=Path(tempfile.gettempdir()))
        except _GitFailedError as e:
            raise explain(e.stderr, where) from None
        heads = {}
        for line in listing.splitlines():
            sha, _, ref = line.partition("\t")
            if ref.startswith("refs/heads/"):
                heads[ref.removeprefix("refs/heads/")] = sha
        if branch in heads:
            return heads[branch]
        raise missing_branch(branch, where, sorted(heads))

    def changed_paths(
        self,
        url: str,
        *,
        base_branch: str,
        head_commit: str,
        token: Secret | None = None,
        timeout: float,
    ) -> list[str]:
        """``git diff --name-only base...head`` in a bare repository of trees only (blobs
        are not fetched where the server can filter them); see the port."""
        check_refs(base_branch, head_commit)
        where = display_url(url)
        git = _Git(self._git, url, token, timeout=timeout, where=where, doing="comparing")
        with tempfile.TemporaryDirectory(prefix="containr-diff-") as directory:
            path = Path(directory)
            try:
                git.run("init", "--quiet", "--bare", "--", str(path), cwd=path)
                git.run("remote", "add", "origin", "--", url, cwd=path)
                base = f"+refs/heads/{base_branch}:refs/containr/base"
                fetch = ("fetch", "--quiet", "--no-tags", "--filter=blob:none", "origin")
                try:
                    git.run(*fetch, base, head_commit.lower(), cwd=path)
                except _GitFailedError as e:
                    if _classify(e.stderr) in ("unreachable", "denied", "no-branch"):
                        raise
                    # a server that refuses unadvertised commits: every branch, then
                    git.run(*fetch, base, "+refs/heads/*:refs/remotes/origin/*", cwd=path)
                listing = git.run(
                    *("diff", "--name-only", "--no-renames", "-z"),
                    f"refs/containr/base...{head_commit.lower()}",
                    "--",
                    cwd=path,
                )
            except _GitFailedError as e:
                raise explain(e.stderr, where, branch=base_branch) from None
        return [name for name in listing.split("\0") if name]

    def _clone(self, git: _Git, url: str, workspace: Path, branch: str) -> None:
        try:
            git.run(
                *("clone", "--quiet", "--depth=1", f"--branch={branch}", "--single-branch"),
                *("--no-tags", "--", url, str(workspace)),
                cwd=workspace.parent,
            )
        except _GitFailedError as e:
            raise explain(e.stderr, git.where, branch=branch) from None

    def _fetch_commit(self, git: _Git, url: str, workspace: Path, commit: str) -> None:
        git.run("init", "--quiet", "--", str(workspace), cwd=workspace.parent)
        git.run("remote", "add", "origin", "--", url, cwd=workspace)
        fetched = False
        if len(commit) in _FULL_ID_LENGTHS:
            try:
                git.run(
                    "fetch", "--quiet", "--depth=1", "--no-tags", "origin", commit, cwd=workspace
                )
                fetched = True
            except _GitFailedError as e:
                if _classify(e.stderr) in ("unreachable", "denied"):
                    raise explain(e.stderr, git.where) from None  # a full fetch fares no better
        if not fetched:  # an abbreviated id, or a server that refuses unadvertised objects
            try:
                everything = "+refs/heads/*:refs/remotes/origin/*"
                git.run("fetch", "--quiet", "--no-tags", "origin", everything, cwd=workspace)
            except _GitFailedError as e:
                raise explain(e.stderr, git.where) from None
        try:
            found = git.run(
                *("rev-parse", "--verify", "--quiet", "--end-of-options", f"{commit}^{{commit}}"),
                cwd=workspace,
            )
        except _GitFailedError:
            raise missing_commit(commit, git.where) from None
        git.run("checkout", "--quiet", "--detach", found.strip(), cwd=workspace)

    def _describe(
        self, git: _Git, workspace: Path, parts: tuple[str, ...], root_directory: str
    ) -> Checkout:
        log = git.run(
            "log", "-1", "--no-show-signature", "--format=%H%x00%an <%ae>%x00%s", cwd=workspace
        )
        sha, author, message = log.rstrip("\n").split("\0", 2)
        directory = service_directory(workspace, parts, root_directory, git.where, sha)
        return Checkout(
            path=str(directory),
            commit=sha,
            message=message,
            author=author,
            files=list_files(directory),
        )


class _GitFailedError(Exception):
    """Raised when a git command exits non-zero; ``stderr`` has the secrets scrubbed out."""

    def __init__(self, stderr: str) -> None:
        super().__init__(stderr)
        self.stderr = stderr


class _Git:
    """The git commands of one fetch: one deadline, one environment, the secrets to scrub."""

    def __init__(
        self,
        executable: str,
        url: str,
        token: Secret | None,
        *,
        timeout: float,
        where: str,
        doing: str = "fetching",
    ) -> None:
        self.where = where
        self._doing = doing
        self._executable = executable
        self._timeout = timeout
        self._deadline = time.monotonic() + timeout
        config = [("advice.detachedHead", "false")]
        self._secrets = [s for s in [urlsplit(url).password] if s] if "://" in url else []
        if token is not None:
            value = token.reveal()
            self._secrets += [value, quote(value, safe="")]
            config += _token_config(url, value, self._secrets)
        self._env = _environment(config)

    def run(self, *args: str, cwd: Path) -> str:
        """Run ``git args`` in ``cwd``; its stdout, or _GitFailedError with scrubbed stderr."""
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise self._timed_out()
        try:
            # Arguments, never a shell; the URL and refs follow "--" or were validated.
            process = subprocess.Popen(  # noqa: S603 - fixed git subcommands, no shell
                [self._executable, *args],
                cwd=cwd,
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                # No controlling terminal (nothing can prompt) and one group to kill on timeout.
                start_new_session=True,
            )
        except OSError as e:
            raise SourceError(f"cannot run {self._executable}: {e.strerror}") from None
        try:
            out, err = process.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise self._timed_out() from None
        except BaseException:
            _kill(process)
            raise
        if process.returncode != 0:
            raise _GitFailedError(self.scrub(err.decode(errors="replace")))
        return out.decode(errors="replace")

    def scrub(self, text: str) -> str:
        """``text`` without any secret of this fetch."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "*****")
        return text

    def _timed_out(self) -> SourceError:
        return SourceUnreachableError(
            f"git timed out after {self._timeout:g} s {self._doing} {self.where}"
        )


def _token_config(url: str, token: str, secrets: list[str]) -> list[tuple[str, str]]:
    """Environment config that sends the token to the URL's origin (HTTP(S) only)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return []  # ssh, git and file URLs authenticate otherwise
    if not token or any(c in token for c in "\r\n\0"):
        raise SourceError("the repository token is empty or contains a line break")
    basic = base64.b64encode(f"{TOKEN_USER}:{token}".encode()).decode()
    secrets.append(basic)
    origin = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/"
    return [
        (f"http.{origin}.extraHeader", f"Authorization: Basic {basic}"),
        # The token is the only credential: no helper fills another one in or stores ours.
        ("credential.helper", ""),
    ]


def _environment(config: list[tuple[str, str]]) -> dict[str, str]:
    # The inherited environment passes through to git (HOME for ssh keys, SSH_AUTH_SOCK,
    # proxies); it is not read as Containr configuration.
    env = {
        k: v
        for k, v in os.environ.items()
        if (not k.startswith("GIT_") or k in _PASSED_GIT_VARIABLES) and k != "SSH_ASKPASS"
    }
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_ALLOW_PROTOCOL=_ALLOWED_PROTOCOLS,
        LC_ALL="C",  # English messages, which explain() recognises
        GIT_CONFIG_COUNT=str(len(config)),
    )
    for i, (key, value) in enumerate(config):
        env[f"GIT_CONFIG_KEY_{i}"] = key
        env[f"GIT_CONFIG_VALUE_{i}"] = value
    return env


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    # A descendant that left the group may hold the pipes open: stop collecting after 5 s.
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.communicate(timeout=5)


def explain(stderr: str, where: str, *, branch: str | None = None) -> SourceError:
    """A SourceError saying in plain words why git failed and what to check (``stderr`` is
    scrubbed)."""
    detail = _detail(stderr)
    kind = _classify(stderr)
    if kind == "no-branch" and branch is not None:
        return missing_branch(branch, where)
    if kind == "unreachable":
        return unreachable(where, detail)
    if kind == "denied":
        return repository_missing(where, detail)
    return SourceError(f"git could not fetch {where} ({detail})")


def repository_missing(where: str, detail: str | None = None) -> SourceError:
    """The error for a repository the server does not have, or will not show us."""
    why = f" ({detail})" if detail else ""
    return RepositoryNotFoundError(
        f"repository not found or access denied: {where}{why}; check the URL, and for a "
        "private repository give a token that can read it"
    )


def unreachable(where: str, detail: str) -> SourceError:
    """The error for a repository whose server cannot be reached."""
    return SourceUnreachableError(
        f"could not reach {where} ({detail}); check the host name and that this server can reach it"
    )


def missing_commit(commit: str, where: str) -> SourceError:
    """The error for a commit the repository does not have."""
    return SourceError(
        f"commit {commit} not found in {where}; check the commit id (was it pushed?), or "
        "deploy the head of the branch"
    )


def missing_branch(branch: str, where: str, branches: list[str] | None = None) -> SourceError:
    """The error for a branch the repository does not have (naming some it has, if known)."""
    if branches:
        shown = ", ".join(branches[:_SHOWN_BRANCHES])
        more = (
            f" and {len(branches) - _SHOWN_BRANCHES} more"
            if len(branches) > _SHOWN_BRANCHES
            else ""
        )
        has = f"its branches are {shown}{more}"
    elif branches is not None:
        has = "it has no branches yet; push one first"
    else:
        has = "check the branch name"
    return BranchNotFoundError(f"branch '{branch}' does not exist in {where}; {has}")


def _detail(stderr: str) -> str:
    """The line of git's output that says what went wrong, without its ``fatal:`` prefix.

    git prints the cause first and generic advice after it ("Please make sure you have the
    correct access rights / and the repository exists."), so the last line is never it.
    """
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    causes = [line for line in lines if not line.lower().startswith(_BOILERPLATE)] or lines
    if not causes:
        return "no output"
    cause = causes[0]
    for prefix in ("fatal: ", "error: ", "remote: "):
        cause = cause.removeprefix(prefix)
    return cause[:300]


def _classify(stderr: str) -> Literal["no-branch", "unreachable", "denied", "other"]:
    text = stderr.lower()
    if "remote branch" in text and "not found" in text:
        return "no-branch"
    if any(marker in text for marker in _UNREACHABLE):
        return "unreachable"
    if any(marker in text for marker in _ACCESS_DENIED):
        return "denied"
    return "other"


def display_url(url: str) -> str:
    """The URL as it may be shown: no password, no HTTP user, no query or fragment."""
    if "://" not in url:
        return url  # a path, or scp-like user@host:path (which cannot hold a password)
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    user = parts.username if parts.scheme not in ("http", "https") else None
    return urlunsplit((parts.scheme, f"{user}@{host}" if user else host, parts.path, "", ""))


def check_refs(branch: str, commit: str | None) -> None:
    """Raise SourceError unless the branch name and commit id are safe to hand to git."""
    if not branch or branch.startswith("-") or any(c.isspace() or c in "~^:?*[\\" for c in branch):
        raise SourceError(f"{branch!r} is not a valid branch name")
    if commit is not None and not _COMMIT_ID.fullmatch(commit.lower()):
        raise SourceError(f"{commit!r} is not a commit id")


def root_parts(root_directory: str) -> tuple[str, ...]:
    """The root directory's path segments (SourceError if it leaves the repository)."""
    parts = tuple(p for p in root_directory.split("/") if p not in ("", "."))
    if root_directory.startswith("/") or ".." in parts:
        raise SourceError(f"root directory {root_directory!r} must be a path inside the repository")
    return parts


def service_directory(
    workspace: Path, parts: tuple[str, ...], root_directory: str, where: str, commit: str
) -> Path:
    """The checked-out root directory (SourceError if the commit has no such directory)."""
    directory = workspace.joinpath(*parts)
    inside = directory.resolve().is_relative_to(workspace.resolve()) and ".git" not in parts
    if not (inside and directory.is_dir()):
        raise SourceError(
            f"directory '{root_directory}' does not exist in {where} at commit {commit[:12]}"
        )
    return directory


def list_files(directory: Path) -> list[str]:
    """Every file (and symlink) under ``directory``, relative and '/' separated, sorted."""
    found: list[str] = []
    for current, dirs, names in os.walk(directory):
        base = Path(current).relative_to(directory)
        links = [d for d in dirs if (Path(current) / d).is_symlink()]
        dirs[:] = [d for d in dirs if d != ".git" and d not in links]
        found += [(base / n).as_posix() for n in [*names, *links] if n != ".git"]
    return sorted(found)


def clear_workspace(workspace: Path) -> None:
    """Remove whatever is at ``workspace`` and make sure its parent exists."""
    try:
        if workspace.is_symlink() or workspace.is_file():
            workspace.unlink()
        elif workspace.exists():
            shutil.rmtree(workspace)
        workspace.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SourceError(f"cannot prepare the workspace {workspace}: {e.strerror}") from None
