"""Build and runtime logs per deployment and replica, redacted before anything keeps them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Literal, Protocol
from uuid import UUID

import msgspec

from application.secrets import MASK

Stream = Literal["build", "runtime", "system"]
MIN_SECRET_LENGTH = 3  # shorter values would mask ordinary text ("1", "on") everywhere


class LogEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a deployment's log."""

    id: int
    deployment_id: UUID
    service_id: UUID
    replica: int | None
    stream: str
    at: datetime
    line: str


class LogQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which log lines to read: filters, and a cursor (``after_id``) to continue from."""

    service_id: UUID | None = None
    deployment_id: UUID | None = None
    replica: int | None = None
    stream: Stream | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None
    after_id: int = 0
    limit: int = 500
    newest: bool = False
    """The newest ``limit`` matching lines (still oldest first) instead of the oldest."""


class LogStore(Protocol):
    """Where log lines live (with a retention limit), announcing new lines as they come."""

    def append(
        self,
        deployment_id: UUID,
        service_id: UUID,
        stream: Stream,
        lines: list[str],
        *,
        replica: int | None = None,
        at: datetime | None = None,
    ) -> int:
        """Store lines (already redacted); returns the id of the last one."""
        ...

    def read(self, query: LogQuery) -> list[LogEntry]:
        """Lines matching the query, oldest first."""
        ...

    def prune(self, keep_per_deployment: int) -> int:
        """Drop all but the newest lines of each deployment; returns how many went."""
        ...


class Redactor:
    """Replaces every secret value in a line with ``*****`` before it is stored or sent."""

    def __init__(self, secrets: Iterable[str]) -> None:
        values = sorted({s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(v) for v in values)) if values else None

    def redact(self, line: str) -> str:
        """The line with secrets masked."""
        if self._pattern is None:
            return line
        return self._pattern.sub(MASK, line)

    def lines(self, lines: Iterable[str]) -> list[str]:
        """Several lines, masked."""
        return [self.redact(line) for line in lines]
