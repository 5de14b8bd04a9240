"""The schema: types, limits, caches and error codes put together."""

from __future__ import annotations

from typing import Any

from strawberry import Schema
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from interfaces.graphql.errors import ErrorCodes, query_cost
from interfaces.graphql.limits import OneHashingField
from interfaces.graphql.mutation import Mutation
from interfaces.graphql.query import Query
from interfaces.graphql.subscription import Subscription

MAX_DEPTH = 12
MAX_TOKENS = 4000
MAX_ALIASES = 30
MAX_COST = 50_000


def build_schema(*, introspection: bool = True) -> Schema:
    """The GraphQL schema; production turns introspection off."""
    # Factories, not instances: an extension holds one execution's state, and requests
    # run concurrently. The parse and validation caches live at module level, shared.
    cost_rule = query_cost(MAX_COST)
    extensions: list[Any] = [
        ErrorCodes,
        lambda: ParserCache(maxsize=1000),
        lambda: ValidationCache(maxsize=1000),
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: AddValidationRules([cost_rule, OneHashingField]),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return Schema(query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions)


def schema_sdl() -> str:
    """The schema in SDL, as committed in schema.graphql."""
    return build_schema().as_str() + "\n"
