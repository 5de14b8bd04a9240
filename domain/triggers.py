"""Push triggers: which pushed branches deploy a service to which environment (issue 14).

A pure policy: given a service's triggers and what a push says (branch, commit, head commit
message, changed paths), decide per environment whether to deploy, to record the commit as
waiting for someone to press Deploy, or to do nothing, always with the reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit
from uuid import UUID

from domain.errors import InvalidValueError

SKIP_MARKERS = ("[skip deploy]", "[deploy skip]")
"""Markers in a head commit's message that stop a push from deploying (case-insensitive)."""
MAX_TRIGGERS = 20
MAX_WATCH_PATHS = 50
MAX_GLOB_LENGTH = 200
_SCP_LIKE = re.compile(r"^[\w.-]+@[\w.-]+:(?P<path>.+)$")


@dataclass(frozen=True)
class PushTrigger:
    """Pushes to branches matching ``branch`` (a glob) deploy to ``environment_id``."""

    branch: str
    environment_id: UUID
    automatic: bool = True
    """False: the commit is recorded as waiting and deployed only when someone asks."""
    watch_paths: tuple[str, ...] = ()
    """Globs of repository paths; when given, a push that changed none of them (as far as a
    complete path list shows) does not deploy."""
    wait_for_ci: bool = False
    """True: the commit deploys only once its checks at the provider succeed (automatic
    triggers only: a manual trigger already waits for someone)."""


@dataclass(frozen=True)
class PushDecision:
    """What one push means for one environment of a service."""

    environment_id: UUID
    action: Literal["deploy", "wait", "checks", "skip"]
    """``checks``: the commit waits for its checks at the provider, then deploys."""
    reason: str


def check_glob(field: str, pattern: str) -> str:
    """A sane glob: 1 to 200 printable characters, relative, no '..' segment."""
    if not pattern or len(pattern) > MAX_GLOB_LENGTH:
        raise InvalidValueError(field, f"must be 1 to {MAX_GLOB_LENGTH} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in pattern):
        raise InvalidValueError(field, f"{pattern!r} must not contain control characters")
    if pattern.startswith("/") or ".." in pattern.split("/"):
        raise InvalidValueError(field, f"{pattern!r} must be a relative path without '..'")
    return pattern


def check_triggers(triggers: tuple[PushTrigger, ...]) -> tuple[PushTrigger, ...]:
    """Raise InvalidValueError unless every trigger's globs are sane and few enough."""
    if len(triggers) > MAX_TRIGGERS:
        raise InvalidValueError("triggers", f"at most {MAX_TRIGGERS} triggers per service")
    for trigger in triggers:
        check_glob("triggers.branch", trigger.branch)
        if len(trigger.watch_paths) > MAX_WATCH_PATHS:
            raise InvalidValueError(
                "triggers.watch_paths", f"at most {MAX_WATCH_PATHS} watch paths per trigger"
            )
        for path in trigger.watch_paths:
            check_glob("triggers.watch_paths", path)
        if trigger.wait_for_ci and not trigger.automatic:
            raise InvalidValueError(
                "triggers.wait_for_ci",
                f"the trigger for {trigger.branch!r} is manual: someone deploys its commits "
                "already; wait for CI only applies to automatic triggers",
            )
    return triggers


@lru_cache(maxsize=512)
def _glob(pattern: str) -> re.Pattern[str]:
    """``*`` matches within one path segment, ``**`` across segments, ``?`` one character."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out), re.DOTALL)


def glob_matches(pattern: str, value: str) -> bool:
    """Whether ``value`` matches the glob ``pattern`` as a whole."""
    return _glob(pattern).fullmatch(value) is not None


def path_watched(pattern: str, path: str) -> bool:
    """Whether a changed file is under a watch path: the glob matches it or a directory of it."""
    pattern = pattern.rstrip("/")
    parts = path.split("/")
    return any(glob_matches(pattern, "/".join(parts[:n])) for n in range(1, len(parts) + 1))


def has_skip_marker(message: str) -> bool:
    """Whether a commit message asks not to deploy (``[skip deploy]`` or ``[deploy skip]``)."""
    lowered = message.lower()
    return any(marker in lowered for marker in SKIP_MARKERS)


def decide_push(
    triggers: tuple[PushTrigger, ...],
    *,
    branch: str,
    message: str,
    paths: tuple[str, ...],
    paths_complete: bool,
) -> list[PushDecision]:
    """For each environment a trigger matching ``branch`` names: deploy, wait or skip (first
    matching trigger per environment wins). An empty list: no trigger matches the branch."""
    decisions: dict[UUID, PushDecision] = {}
    for trigger in triggers:
        if trigger.environment_id in decisions or not glob_matches(trigger.branch, branch):
            continue
        decisions[trigger.environment_id] = _decide(trigger, message, paths, paths_complete)
    return list(decisions.values())


def _decide(
    trigger: PushTrigger, message: str, paths: tuple[str, ...], paths_complete: bool
) -> PushDecision:
    env = trigger.environment_id
    if has_skip_marker(message):
        return PushDecision(env, "skip", "the head commit's message asks to skip deploying")
    watched = any(path_watched(w, p) for w in trigger.watch_paths for p in paths)
    if trigger.watch_paths and paths_complete and not watched:
        return PushDecision(env, "skip", "no changed file is under the watch paths")
    if trigger.automatic and trigger.wait_for_ci:
        return PushDecision(
            env, "checks", f"branch matches {trigger.branch!r}; deploys once the checks pass"
        )
    if trigger.automatic:
        return PushDecision(env, "deploy", f"branch matches {trigger.branch!r}")
    return PushDecision(env, "wait", f"branch matches {trigger.branch!r}; deploys on request")


def repository_full_name(url: str) -> str:
    """The ``owner/name`` (or ``group/sub/name``) a git URL names, lowercased, without
    ``.git``: how a provider's delivery names the repository."""
    scp = _SCP_LIKE.match(url)
    path = scp["path"] if scp else urlsplit(url).path
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    return path.lower()
