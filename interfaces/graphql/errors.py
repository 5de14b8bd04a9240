"""Every GraphQL error carries a code; internal errors never show their insides.

An error about one argument also carries ``extensions.argument``: the argument's path as the
client wrote it (``name``, ``settings.git.branch``), and its message starts with that path,
so a client can show it beside the field.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping

from graphql import FieldNode, GraphQLError
from strawberry.extensions import MaskErrors

from application.auth import RateLimitedError, UnauthenticatedError
from application.errors import ApplicationError, DomainError
from application.services import ReadTimeoutError

log = logging.getLogger("containr.graphql")
CODES = (
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "CONFLICT",
    "VALIDATION_FAILED",
    "RATE_LIMITED",
    "UNAVAILABLE",
    "INTERNAL",
)

_AS_CONFLICT = {"SECRET_UNAVAILABLE": "CONFLICT", "PROVIDER_ACCESS": "CONFLICT"}
"""Codes answered as CONFLICT: sealed values that cannot be opened, and a git provider
refusing a connection's token or repository (the message gives the provider's reason)."""


def code_of(error: BaseException | None) -> str:
    """The API error code for an exception raised while resolving."""
    if isinstance(error, UnauthenticatedError):
        return "UNAUTHENTICATED"
    if isinstance(error, RateLimitedError):
        return "RATE_LIMITED"
    if isinstance(error, DomainError | ApplicationError):
        code = error.code
        return code if code in CODES else _AS_CONFLICT.get(code, "INTERNAL")
    return "INTERNAL"


class ErrorCodes(MaskErrors):
    """Give every error ``extensions.code`` and ``extensions.reference`` and log it once;
    replace unexpected errors with their reference. In production, drop graphql-core's
    "Did you mean …?" suggestions, which would tell a stranger the schema's names."""

    def __init__(self, *, hide_suggestions: bool = False) -> None:
        super().__init__()
        self.hide_suggestions = hide_suggestions
        self.reference: str | None = None  # one per operation: its log lines share it

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        context = self.execution_context
        self.reference = self.reference or new_reference()
        out = [
            coded(
                error,
                operation=context.operation_name,
                reference=self.reference,
                variables=context.variables,
            )
            for error in errors
        ]
        return [without_suggestions(e) for e in out] if self.hide_suggestions else out


def new_reference() -> str:
    """A correlation id: the client is given it, and the log lines of its request carry it."""
    return uuid.uuid4().hex[:12]


def argument_error(error: DomainError | ApplicationError, argument: str | None) -> GraphQLError:
    """``error`` about the argument at ``argument`` (a path in the client's spelling); with
    None, about no argument of the operation (its message then names none either)."""
    if argument is None:
        return GraphQLError(bare_message(error), extensions={"code": code_of(error)})
    return GraphQLError(
        f"{argument}: {bare_message(error)}",
        extensions={"code": code_of(error), "argument": argument},
    )


def request_error(message: str, code: str) -> dict[str, object]:
    """An error refusing a whole request (before any document is read), logged as one line."""
    reference = new_reference()
    log.info("%s: request refused, reference %s", code, reference)
    return {"message": message, "extensions": {"code": code, "reference": reference}}


def coded(
    error: GraphQLError,
    *,
    operation: str | None = None,
    reference: str | None = None,
    variables: Mapping[str, object] | None = None,
) -> GraphQLError:
    """The error as clients see it, logged once (errors coded already stay as they are).

    A coded error is one INFO line: code, operation, path and reference. An internal error is
    logged with its traceback and the names of the variables, never their values. Neither
    ever logs the document or the message, which may quote what the client sent.
    """
    if error.extensions and "reference" in error.extensions:
        return error
    reference = reference or new_reference()
    original = error.original_error
    argument = None
    if error.extensions and "code" in error.extensions:  # raised with its code
        code, message = str(error.extensions["code"]), error.message
        argument = error.extensions.get("argument")
    elif original is None:  # parse, validation and limit errors: the query itself is wrong
        code, message = "VALIDATION_FAILED", error.message
    elif isinstance(original, GraphQLError):
        return coded(original, operation=operation, reference=reference, variables=variables)
    elif isinstance(original, ReadTimeoutError):
        code, message = "INTERNAL", str(original)
    else:
        code = code_of(original)
        argument = argument_of(original) if code != "INTERNAL" else None
        if argument is not None and not _names_an_argument_of(error.nodes, argument):
            argument = None  # a setting of what the field reads, not one of its arguments
        message = client_message(original)
        if code == "INTERNAL":
            message = f"internal error (reference {reference}); it has been logged"
    _log(error, code, operation, reference, variables)
    extensions: dict[str, object] = {"code": code, "reference": reference}
    if argument:
        extensions["argument"] = argument
    reason = getattr(original, "reason", None)
    if isinstance(reason, str):  # a finer code under FORBIDDEN (PROVIDER_SIGN_IN_REQUIRED)
        extensions["reason"] = reason
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


NOT_ARGUMENTS = frozenset({"input", "command"})
"""Fields that name no argument (a whole input that could not be read, the command)."""


def argument_of(error: BaseException) -> str | None:
    """The argument an error is about, named as GraphQL spells it, if it names one."""
    field = getattr(error, "field", None)
    if not isinstance(field, str) or not field or field in NOT_ARGUMENTS:
        return None
    return graphql_name(field)


def _names_an_argument_of(nodes: object, argument: str) -> bool:
    """Whether ``argument`` starts with an argument the erring field was given (True when
    the error is not located at a field)."""
    fields = [n for n in nodes or () if isinstance(n, FieldNode)]  # type: ignore[attr-defined]
    if not fields:
        return True
    head = re.split(r"[.\[]", argument, maxsplit=1)[0]
    return any(a.name.value == head for field in fields for a in field.arguments or ())


def bare_message(error: BaseException) -> str:
    """An error's message without the field it starts with."""
    message = getattr(error, "message", None)
    return message if isinstance(message, str) else str(error)


def client_message(error: BaseException) -> str:
    """What the client is told: the argument at fault named as GraphQL spells it
    (``cronSchedule``, ``healthCheck.gracePeriod``), however the command spells it."""
    argument = argument_of(error)
    if argument is not None:
        return f"{argument}: {bare_message(error)}"
    return str(error)


def graphql_name(field: str) -> str:
    """A field path in camelCase: ``health_check.grace_period`` → ``healthCheck.gracePeriod``
    (names already in camelCase, and variable names such as ``DB_URL``, stay as they are)."""
    return re.sub(r"(?<=[a-z0-9])_([a-z])", lambda m: m[1].upper(), field)


def _log(
    error: GraphQLError,
    code: str,
    operation: str | None,
    reference: str,
    variables: Mapping[str, object] | None,
) -> None:
    path = ".".join(str(p) for p in error.path) if error.path else "-"
    if code != "INTERNAL":
        log.info("%s: operation %s, path %s, reference %s", code, operation or "-", path, reference)
        return
    log.error(
        "INTERNAL: operation %s, path %s, reference %s, variables %s (values redacted)",
        operation or "-",
        path,
        reference,
        ", ".join(sorted(variables or {})) or "-",
        exc_info=error.original_error,
    )


_SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


def without_suggestions(error: GraphQLError) -> GraphQLError:
    """The error without graphql-core's "Did you mean …?" suggestions."""
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=error.extensions,
    )
