"""Errors raised when a command breaks a rule of the domain."""

from __future__ import annotations


class DomainError(Exception):
    """Raised when a command breaks a rule of the domain."""

    code = "VALIDATION_FAILED"


class InvalidValueError(DomainError):
    """Raised when a command carries a value the domain does not accept."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class RuleViolatedError(DomainError):
    """Raised when a command would break an invariant of an aggregate."""

    code = "CONFLICT"


class InvalidTransitionError(RuleViolatedError):
    """Raised when a state machine is asked for a transition it does not allow."""


class NameTakenError(RuleViolatedError):
    """Raised when a name that must be unique in its scope is already in use."""
