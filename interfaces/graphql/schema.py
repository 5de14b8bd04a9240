"""The schema: types, limits, caches and error codes put together."""

from __future__ import annotations

import functools
from typing import Any

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import AddValidationRules, DisableIntrospection, MaxTokensLimiter
from strawberry.types import ExecutionContext

from interfaces.graphql.errors import ErrorCodes
from interfaces.graphql.execution import RowExecution
from interfaces.graphql.limits import OneHashingField
from interfaces.graphql.measure import MAX_ALIASES, MAX_COST, MAX_DEPTH, MAX_NODES, MAX_TOKENS
from interfaces.graphql.mutation import Mutation
from interfaces.graphql.query import Query
from interfaces.graphql.scalars import SCALAR_OVERRIDES
from interfaces.graphql.subscription import Subscription
from interfaces.graphql.validation import ParseDocuments, ValidateDocuments

__all__ = ["MAX_ALIASES", "MAX_COST", "MAX_DEPTH", "MAX_NODES", "MAX_TOKENS", "build_schema"]


class ContainrSchema(Schema):
    """The strawberry schema, except that strawberry never logs errors itself: its logger
    writes each error with the document (passwords and tokens written inline included) and a
    traceback. ``ErrorCodes`` logs each error once instead, without the document."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Nothing: see ``ErrorCodes``."""


def build_schema(*, introspection: bool = True, hide_suggestions: bool | None = None) -> Schema:
    """The GraphQL schema; production turns introspection and field suggestions off."""
    hide = not introspection if hide_suggestions is None else hide_suggestions
    # Factories, not instances: an extension holds one execution's state, and requests
    # run concurrently. The parse and validation caches live at module level, shared.
    extensions: list[Any] = [
        functools.partial(ErrorCodes, hide_suggestions=hide),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules([OneHashingField]),  # a class of its own: cacheable
        ParseDocuments,
        functools.partial(ValidateDocuments, hide_suggestions=hide),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return ContainrSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        scalar_overrides=SCALAR_OVERRIDES,
        execution_context_class=RowExecution,
    )


def schema_sdl() -> str:
    """The schema in SDL, as committed in schema.graphql."""
    return build_schema().as_str() + "\n"
