"""Errors the application raises to its callers, each with a stable code.

Messages say what is wrong and what to do. ``field`` names the command field (or argument)
at fault when one is; interfaces name it as their clients wrote it.
"""

from __future__ import annotations

from domain.errors import DomainError, InvalidValueError, RuleViolatedError

__all__ = [
    "ApplicationError",
    "ConflictError",
    "DomainError",
    "ForbiddenError",
    "InvalidValueError",
    "NotFoundError",
    "RuleViolatedError",
    "SecretUnavailableError",
    "UnavailableError",
]


class ApplicationError(Exception):
    """Raised when the application cannot carry out a request; ``code`` says why."""

    code = "INTERNAL"
    field: str | None = None
    """The command field (or argument) at fault, when one is."""


class NotFoundError(ApplicationError):
    """Raised when a command or query names something that does not exist."""

    code = "NOT_FOUND"

    def __init__(
        self,
        kind: str,
        ident: object,
        *,
        field: str | None = None,
        message: str | None = None,
    ) -> None:
        self.message = (
            message or f"{kind} {ident} does not exist; check the id (it may have been deleted)"
        )
        super().__init__(self.message)
        self.kind = kind
        self.field = field


class ConflictError(ApplicationError):
    """Raised when concurrent changes kept conflicting and the command gave up."""

    code = "CONFLICT"


class ForbiddenError(ApplicationError):
    """Raised when the caller may not do what they asked."""

    code = "FORBIDDEN"


class SecretUnavailableError(ApplicationError):
    """Raised when a sealed secret cannot be opened (its key was destroyed or is wrong)."""

    code = "SECRET_UNAVAILABLE"


class UnavailableError(ApplicationError):
    """Raised when a dependency (the database, Redis) does not answer in time; try again.

    A command that met it may or may not have been recorded: re-send it with the same
    client mutation id to learn which (the first result comes back, nothing is recorded twice).
    """

    code = "UNAVAILABLE"
