"""What the three provider adapters share: error mapping, secret scrubbing, the verdict.

Provider payloads stop here: each adapter reads the few fields the port needs out of the
JSON its client returns, and every failure leaves as one of the port's two errors with a
reason that carries the provider's own words (never a token or a webhook secret).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TypeVar

from application.git_providers import (
    ChecksVerdict,
    ProviderAccessError,
    ProviderUnavailableError,
)

DEFAULT_TIMEOUT = 10.0
"""Seconds each step of a call (connect, send, each read) may take at the provider."""
REASON_LIMIT = 300
_NAME_PART = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")

CheckState = Literal["pending", "success", "failure"]
PORT_METHODS = (
    "account",
    "repositories",
    "repository",
    "branches",
    "register_webhook",
    "remove_webhook",
    "set_commit_status",
    "checks",
    "comment",
)
T = TypeVar("T")


def guarded(provider: str) -> Callable[[type[T]], type[T]]:
    """Makes an answer the adapter cannot read (a proxy's HTML page, a field missing) the
    provider's failure, like any other bad answer, instead of a crash in the caller."""

    def wrap_method(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
                raise ProviderUnavailableError(
                    f"{provider} answered in a shape Containr cannot read ({type(exc).__name__})"
                ) from None

        return call

    def wrap(cls: type[T]) -> type[T]:
        for name in PORT_METHODS:
            setattr(cls, name, wrap_method(getattr(cls, name)))
        return cls

    return wrap


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` without any of ``secrets`` (and cut to a readable length)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    text = " ".join(text.split())
    return text if len(text) <= REASON_LIMIT else text[: REASON_LIMIT - 1] + "…"


def provider_message(body: Any, fallback: str) -> str:
    """The message a provider put in its error body (GitHub and GitLab ``message``,
    Bitbucket ``error.message``), or ``fallback``."""
    if isinstance(body, Mapping):
        error = body.get("error")
        if isinstance(error, Mapping) and isinstance(error.get("message"), str):
            return str(error["message"])
        for key in ("message", "error_description", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, Mapping | list) and value:
                return str(value)
    if isinstance(body, str) and body.strip():
        return body.strip()
    return fallback


def refused(status: int, reason: str, secrets: Iterable[str | None]) -> Exception:
    """The port's error for an HTTP error status: 429 and 5xx are the provider's trouble
    (unavailable, tried again later), every other refusal is about the access."""
    reason = scrub(reason, secrets) or f"HTTP {status}"
    if status == 429 or status >= 500:
        return ProviderUnavailableError(f"HTTP {status}: {reason}")
    return ProviderAccessError(reason, status=status)


def unreachable(what: str, exc: BaseException, timeout: float) -> ProviderUnavailableError:
    """The port's error for a call that got no HTTP answer at all."""
    kind = type(exc).__name__
    if "timeout" in kind.lower() or "timed out" in str(exc).lower():
        return ProviderUnavailableError(f"{what} did not answer within {timeout:g} s")
    return ProviderUnavailableError(f"{what} could not be reached ({kind})")


def split_full_name(full_name: str) -> tuple[str, str]:
    """``owner/name`` as two path-safe parts; anything else is a repository not found."""
    owner, _, name = full_name.partition("/")
    if not _NAME_PART.match(owner) or not _NAME_PART.match(name) or name in (".", ".."):
        raise ProviderAccessError(f"repository {full_name!r} was not found", status=404)
    return owner, name


def verdict(checks: Iterable[tuple[str, CheckState]]) -> ChecksVerdict:
    """One verdict from named check states: any failure fails, then any pending waits."""
    by_state: dict[CheckState, list[str]] = {"pending": [], "success": [], "failure": []}
    for name, state in checks:
        by_state[state].append(name)
    total = sum(len(names) for names in by_state.values())
    if total == 0:
        return ChecksVerdict(state="none", summary="no checks")
    failed, pending = by_state["failure"], by_state["pending"]
    if failed:
        return ChecksVerdict(
            state="failure",
            summary=f"{len(failed)} of {total} failed: " + ", ".join(sorted(failed)),
        )
    if pending:
        return ChecksVerdict(
            state="pending",
            summary=f"{len(pending)} of {total} pending: " + ", ".join(sorted(pending)),
        )
    return ChecksVerdict(state="success", summary=f"{total} of {total} succeeded")


def truncate(text: str, limit: int) -> str:
    """A description cut to what the provider accepts."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def commit_sha(sha: str) -> str:
    """A commit id safe to put in a path (hex); anything else is a commit not found."""
    if not 4 <= len(sha) <= 64 or any(c not in "0123456789abcdefABCDEF" for c in sha):
        raise ProviderAccessError(f"commit {sha!r} was not found", status=404)
    return sha


def path_parts(full_name: str) -> list[str]:
    """A GitLab project path (``group/subgroup/project``) as path-safe parts."""
    parts = full_name.split("/")
    if len(parts) < 2 or not all(_NAME_PART.match(p) and p not in (".", "..") for p in parts):
        raise ProviderAccessError(f"repository {full_name!r} was not found", status=404)
    return parts
