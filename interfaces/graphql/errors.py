"""Every GraphQL error carries a code; internal errors never show their insides."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
)
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


def code_of(error: BaseException | None) -> str:
    """The API error code for an exception raised while resolving."""
    if isinstance(error, UnauthenticatedError):
        return "UNAUTHENTICATED"
    if isinstance(error, RateLimitedError):
        return "RATE_LIMITED"
    if isinstance(error, DomainError | ApplicationError):
        code = error.code
        return (
            code if code in CODES else ("CONFLICT" if code == "SECRET_UNAVAILABLE" else "INTERNAL")
        )
    return "INTERNAL"


class ErrorCodes(MaskErrors):
    """Give every error ``extensions.code``; replace unexpected errors with a reference."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [coded(error) for error in errors]


def coded(error: GraphQLError) -> GraphQLError:
    """The error as clients see it (errors that already carry a code stay as they are)."""
    if error.extensions and "code" in error.extensions:
        return error
    original = error.original_error
    if original is None:  # parse, validation and limit errors: the query itself is wrong
        code, message = "VALIDATION_FAILED", error.message
    elif isinstance(original, GraphQLError):
        return coded(original)
    elif isinstance(original, ReadTimeoutError):
        code, message = "INTERNAL", str(original)
    else:
        code = code_of(original)
        message = str(original)
        if code == "INTERNAL":
            reference = uuid.uuid4().hex[:12]
            log.error("internal error %s", reference, exc_info=original)
            message = f"internal error (reference {reference}); it has been logged"
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={"code": code},
    )


def query_cost(max_cost: int, default_page: int = 50) -> type[ASTValidationRule]:
    """A validation rule refusing queries whose estimated cost exceeds ``max_cost``.

    Each field costs 1; a field with a ``first`` argument (a page) multiplies the cost of
    what it selects by that number (``default_page`` when absent on a paginated field).
    """

    class QueryCost(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fragments: dict[str, FragmentDefinitionNode] = {
                f.name.value: f
                for f in context.document.definitions
                if isinstance(f, FragmentDefinitionNode)
            }

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            cost = self._cost(node.selection_set, 0)
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"the query is too expensive (estimated cost {cost}, at most {max_cost}); "
                        "ask for fewer items per page or fewer nested lists",
                        node,
                    )
                )

        def _cost(self, selection_set: SelectionSetNode | None, depth: int) -> int:
            if selection_set is None or depth > 50:
                return 0
            total = 0
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    inner = self._cost(selection.selection_set, depth + 1)
                    total += 1 + inner * _page_size(selection, default_page)
                elif isinstance(selection, InlineFragmentNode):
                    total += self._cost(selection.selection_set, depth + 1)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self.fragments.get(selection.name.value)
                    if fragment is not None:
                        total += self._cost(fragment.selection_set, depth + 1)
            return total

    return QueryCost


PAGINATED = {"projects", "deployments", "auditLog", "releases"}


def _page_size(field: FieldNode, default_page: int) -> int:
    for argument in field.arguments or ():
        if argument.name.value == "first" and isinstance(argument.value, IntValueNode):
            return max(1, int(argument.value.value))
    return default_page if field.name.value in PAGINATED else 1
