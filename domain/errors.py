"""Errors raised when a command breaks a rule of the domain.

Each message says what is wrong and what to do about it. An error about one value names it
in ``field`` (the command's field path, e.g. ``git.branch``), which interfaces translate
into the argument their clients wrote (``settings.git.branch``).
"""

from __future__ import annotations


class DomainError(Exception):
    """Raised when a command breaks a rule of the domain."""

    code = "VALIDATION_FAILED"
    field: str | None = None
    """The command field at fault, when one is."""


class InvalidValueError(DomainError):
    """Raised when a command carries a value the domain does not accept."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NameTakenError(InvalidValueError):
    """Raised when a name that must be unique in its scope is already in use.

    It is a bad value (VALIDATION_FAILED naming the argument), not a conflict: the fix is to
    choose another name, not to reload and try again.
    """


class RuleViolatedError(DomainError):
    """Raised when a command would break an invariant of an aggregate."""

    code = "CONFLICT"


class InvalidTransitionError(RuleViolatedError):
    """Raised when a state machine is asked for a transition it does not allow."""
