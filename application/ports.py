"""Ports: the capabilities the application needs from the outside world."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.secrets import Secret
from domain.values import SealedValue


class Clock(Protocol):
    """The current time; the only source of ``now`` for commands."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SecretBox(Protocol):
    """Seals secrets with a per-organisation data key before they enter an event.

    Destroying an organisation's key makes everything sealed with it unreadable
    (crypto-shredding). ``context`` is bound into the seal as associated data, so a
    sealed value cannot be moved to another variable or organisation and still open.
    """

    def seal(self, organization_id: UUID, context: str, value: Secret) -> SealedValue:
        """Encrypt ``value`` for ``organization_id``; creates the org's key on first use."""
        ...

    def open(self, organization_id: UUID, context: str, sealed: SealedValue) -> Secret:
        """Decrypt a sealed value; raises SecretUnavailableError when that cannot be done."""
        ...

    def destroy_key(self, organization_id: UUID) -> None:
        """Destroy the organisation's data key for good."""
        ...


class EventSignal(Protocol):
    """Wakes a reader when new events may have been recorded (LISTEN/NOTIFY, or a poll)."""

    def wait(self, timeout: float) -> bool:
        """Block until new events may exist or ``timeout`` seconds pass; True if signalled."""
        ...

    def close(self) -> None:
        """Stop listening."""
        ...
