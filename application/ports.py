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

    def file_key(self, organization_id: UUID, context: str) -> bytes:
        """A 32-byte key for encrypting the organisation's files (backups), derived from its
        data key for ``context``: destroying the data key makes those files unreadable too.
        Creates the org's data key on first use; never logged, never in an event."""
        ...


class EventSignal(Protocol):
    """Wakes a reader when new events may have been recorded (LISTEN/NOTIFY, or a poll)."""

    def wait(self, timeout: float) -> bool:
        """Block until new events may exist or ``timeout`` seconds pass; True if signalled."""
        ...

    def close(self) -> None:
        """Stop listening."""
        ...


class PasswordHasher(Protocol):
    """Hashes passwords for storage and checks them (argon2 in production)."""

    def hash(self, password: Secret) -> Secret:
        """A salted, slow hash of the password."""
        ...

    def verify(self, hashed: Secret, password: Secret) -> bool:
        """Whether ``password`` matches ``hashed``."""
        ...


class InvalidTokenError(Exception):
    """Raised when a bearer token is forged, expired, malformed or revoked."""


class TokenSigner(Protocol):
    """Signs and verifies short-lived access tokens (JWT)."""

    def issue(self, claims: dict[str, object], ttl_seconds: int) -> str:
        """A signed token carrying ``claims`` that expires after ``ttl_seconds``."""
        ...

    def verify(self, token: str) -> dict[str, object]:
        """The claims of a valid token; InvalidTokenError otherwise."""
        ...


class SessionRecord(Protocol):
    """A signed-in session as the session store keeps it."""

    session_id: UUID
    user_id: UUID


class SessionStore(Protocol):
    """Refresh-token sessions: each refresh token is single-use and rotates."""

    def create(
        self,
        session_id: UUID,
        user_id: UUID,
        token_hash: str,
        expires_at: datetime,
        method: str = "password",
    ) -> None:
        """Start a session whose current refresh token has ``token_hash``; ``method`` says
        how the user signed in ("password", "github", "gitlab")."""
        ...

    def rotate(
        self, token_hash: str, new_hash: str, now: datetime, expires_at: datetime
    ) -> tuple[UUID, UUID, str] | None:
        """Swap a session's current refresh token for a new one; (session, user, how it
        began) or None.

        Presenting an already-rotated token (a stolen copy) revokes the whole session.
        """
        ...

    def revoke(self, session_id: UUID) -> None:
        """End a session; its refresh token and access tokens stop working."""
        ...

    def is_active(self, session_id: UUID, now: datetime) -> bool:
        """Whether the session exists, is not revoked and has not expired."""
        ...


class RateLimiter(Protocol):
    """Counts attempts per key in sliding windows of time."""

    def attempt(self, key: str, limit: int, window_seconds: int) -> int:
        """Count one attempt under ``key``: 0 while fewer than ``limit`` attempts went ahead
        in the last ``window_seconds``, otherwise (the attempt not counted) the whole seconds
        until the oldest of them leaves the window and an attempt is allowed again."""
        ...
