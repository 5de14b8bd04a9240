"""Executing queries with less Python per row: a row's plain columns are read in one loop.

graphql-core executes every field of every object through the same path: a resolve info,
the resolver, a completion and a serialisation, some 25 µs a field. The dashboard's rows are
mostly plain columns (an id, a name, a state), each a value of the row read by attribute,
so ``RowExecution`` answers those fields of an object together: the attribute, then the
scalar's own ``serialize``. Any field that is not such a column (a resolver, arguments, an
object, a list), and any column whose value would be an error (null where the schema says
non-null, a value the scalar refuses), takes graphql-core's own path, so answers and errors
are exactly what they were.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import to_nodes
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

from interfaces.graphql.context import GqlContext

_KEPT = "__containr_kept_as__"


def kept(name: str) -> Callable[[F], F]:
    """Mark a resolver that answers ``context.prefetched(root, name)`` whenever a parent kept
    that value (and reads only otherwise): the value is then used without calling it."""

    def mark(resolver: F) -> F:
        setattr(resolver, _KEPT, name)
        return resolver

    return mark


class _Column(NamedTuple):
    """A field answered straight from the row: its attribute and its scalar's serializer."""

    attribute: str
    serialize: Callable[[Any], Any]
    non_null: bool


F = TypeVar("F", bound=Callable[..., Any])
_Plan = tuple[tuple[str, FieldDetailsList, _Column | None], ...]


class RowExecution(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context, reading an object's plain columns in one loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Plans by field set: graphql-core memoizes an object type's field set per selection,
        # so every row of a list shares one (kept alive here, so its id stays its own).
        self._plans: dict[int, tuple[GroupedFieldSet, _Plan]] = {}
        self._kept: dict[tuple[str, str], str | None] = {}
        manager = self.middleware_manager
        self._plain = manager is None or not manager.middlewares

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        """The object's fields: plain columns read here, the others as graphql-core does."""
        if not self._plain:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        plan = self._plan(parent_type, grouped_field_set)
        if all(column is None for _, _, column in plan):
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        rest: GroupedFieldSet = {}
        for response_name, details, column in plan:
            if column is not None:
                value = getattr(source_value, column.attribute, Undefined)
                if value is not None and value is not Undefined:
                    serialized = _serialized(column.serialize, value)
                    if serialized is not Undefined:
                        results[response_name] = serialized
                        continue
                elif value is None and not column.non_null:
                    results[response_name] = None
                    continue
            rest[response_name] = details
            results[response_name] = Undefined  # keeps the selection's order
        if rest:
            others = super().execute_fields(parent_type, source_value, path, rest, position_context)
            if self.is_awaitable(others):
                return self._merged(results, others)
            results.update(others)  # type: ignore[arg-type]  # not awaitable: a dict
        return {k: v for k, v in results.items() if v is not Undefined}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        """A field whose value a parent kept (``kept``) is completed without its resolver."""
        name = self._kept_name(parent_type, field_details_list) if self._plain else None
        value = self._gql.prefetched(source, name) if name is not None else None
        if value is None:
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        assert field_def is not None  # _kept_name found it
        return_type = field_def.type
        info = self.build_resolve_info(field_def, to_nodes(field_details_list), parent_type, path)
        try:
            completed = self.complete_value(
                return_type, field_details_list, info, path, value, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if self.is_awaitable(completed):
            return self._completed(completed, return_type, field_details_list, path)
        return completed

    async def _completed(
        self, completed: Any, return_type: Any, details: FieldDetailsList, path: Path
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, details, path)
            return None

    @property
    def _gql(self) -> GqlContext:
        context: Any = self.context_value
        return context["gql"] if isinstance(context, dict) else context  # type: ignore[no-any-return]

    def _kept_name(self, parent_type: GraphQLObjectType, details: FieldDetailsList) -> str | None:
        """The name a parent keeps this field's value under, or None (see ``kept``)."""
        node = details[0].node
        key = (parent_type.name, node.name.value)
        if key in self._kept:
            return self._kept[key]
        name = None
        field_def = self.schema.get_field(parent_type, node.name.value)
        definition = _definition(field_def) if field_def else None
        if (
            definition is not None
            and definition.base_resolver is not None
            and not definition.extensions
            and not definition.arguments
        ):
            name = getattr(definition.base_resolver.wrapped_func, _KEPT, None)
        self._kept[key] = name
        return name

    async def _merged(self, results: dict[str, Any], others: Any) -> dict[str, Any]:
        results.update(await others)
        return {k: v for k, v in results.items() if v is not Undefined}

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> _Plan:
        found = self._plans.get(id(grouped_field_set))
        if found is not None and found[0] is grouped_field_set:
            return found[1]
        plan = tuple(
            (name, details, self._column(parent_type, details))
            for name, details in grouped_field_set.items()
        )
        self._plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan

    def _column(self, parent_type: GraphQLObjectType, details: FieldDetailsList) -> _Column | None:
        """How to answer a field straight from the row, or None when it is not a column."""
        node = details[0].node
        if node.arguments or node.selection_set is not None:
            return None
        field_def = self.schema.get_field(parent_type, node.name.value)
        if field_def is None or field_def.args or field_def.resolve is None:
            return None
        if not getattr(field_def.resolve, "_is_default", False):
            return None  # a resolver of ours, or strawberry's with permissions or extensions
        definition = _definition(field_def)
        if definition is None or definition.default_resolver is not getattr:
            return None
        return_type: GraphQLOutputType = field_def.type
        non_null = isinstance(return_type, GraphQLNonNull)
        leaf = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        if not is_leaf_type(leaf):
            return None
        assert isinstance(leaf, GraphQLLeafType)
        return _Column(definition.python_name, leaf.serialize, non_null)


def _definition(field_def: GraphQLField) -> StrawberryField | None:
    """The strawberry field behind a graphql-core field."""
    found = (field_def.extensions or {}).get("strawberry-definition")
    return found if isinstance(found, StrawberryField) else None


def _serialized(serialize: Callable[[Any], Any], value: Any) -> Any:
    """The serialized value, or Undefined when the scalar refuses it (graphql-core then
    reports the error as it always does)."""
    try:
        return serialize(value)
    except Exception:
        return Undefined
