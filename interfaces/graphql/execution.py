"""Executing queries with less Python per row: a row's plain columns are read in one loop.

graphql-core executes every field of every object through the same path: a resolve info,
the resolver, a completion and a serialisation, some 25 µs a field. The dashboard's rows are
mostly plain columns (an id, a name, a state), each a value of the row read by attribute,
so ``RowExecution`` answers those fields of an object together: the attribute, then the
scalar's own ``serialize``. Any field that is not such a column (a resolver, arguments, an
object, a list), and any column whose value would be an error (null where the schema says
non-null, a value the scalar refuses), takes graphql-core's own path, so answers and errors
are exactly what they were.

An object whose selected fields are all columns, or values its parent kept (``kept``), is
completed whole in one recursive pass (the dashboard's projects, services, states and latest
deployments): graphql-core's five calls per object and per list item become one. Whatever
that pass cannot answer as graphql-core would (a null, a refused value, a value not kept)
sends the object back to graphql-core's own completion, which then answers it from the start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar
from uuid import UUID

import msgspec
from graphql import (
    ExecutionResult,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import to_nodes
from graphql.pyutils import AwaitableOrValue, Path
from graphql.type.scalars import serialize_boolean, serialize_id, serialize_int, serialize_string
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField
from strawberry.types.info import Info
from strawberry.types.nodes import SelectedField, Selection

from interfaces.graphql.context import GqlContext

_KEPT = "__containr_kept_as__"


def kept(name: str) -> Callable[[F], F]:
    """Mark a resolver that answers ``context.prefetched(root, name)`` whenever a parent kept
    that value (and reads only otherwise): the value is then used without calling it."""

    def mark(resolver: F) -> F:
        setattr(resolver, _KEPT, name)
        return resolver

    return mark


def selected_under(fields: Sequence[Selection], *path: str) -> list[SelectedField]:
    """The fields selected at ``path`` beneath ``fields`` (fragments flattened, each place
    the path is selected, whatever its directives say: a superset)."""
    found = [f for f in fields if isinstance(f, SelectedField)]
    for name in path:
        found = [sub for parent in found for sub in _flat(parent.selections) if sub.name == name]
    return found


def _flat(selections: Sequence[Selection]) -> list[SelectedField]:
    flat: list[SelectedField] = []
    for selection in selections:
        if isinstance(selection, SelectedField):
            flat.append(selection)
        else:  # a fragment: its fields are the object's own
            flat.extend(_flat(selection.selections))
    return flat


def columns_selected(
    info: Info[Any, Any], type_name: str, fields: Sequence[SelectedField]
) -> tuple[str, ...] | None:
    """The row columns the selections ``fields`` (of objects of ``type_name``) show, when
    every field they select is a column or a value its parent keeps (``kept``); None when
    some field resolves otherwise (a resolver may read any column: read them all)."""
    definition = info.schema.get_type_by_name(type_name)
    if not isinstance(definition, StrawberryObjectDefinition):
        return None
    by_name = {info.schema.config.name_converter.get_graphql_name(f): f for f in definition.fields}
    columns: dict[str, None] = {}
    for selected in (sub for field in fields for sub in _flat(field.selections)):
        if selected.name == "__typename":
            continue
        found = by_name.get(selected.name)
        if found is None or found.arguments or found.extensions or found.permission_classes:
            return None
        if found.base_resolver is None:
            columns[found.python_name] = None
        elif getattr(found.base_resolver.wrapped_func, _KEPT, None) is None:
            return None
    return tuple(columns)


class _Column(NamedTuple):
    """A field answered straight from the row: its attribute and its scalar's serializer
    (``same``: the type whose values the serializer answers unchanged, ``uuid_text``:
    whether it answers an id as its text, both checked inline before calling it)."""

    attribute: str
    serialize: Callable[[Any], Any]
    non_null: bool
    same: type | None = None
    uuid_text: bool = False


_SAME: dict[Callable[[Any], Any], type] = {
    serialize_string: str,
    serialize_id: str,
    serialize_boolean: bool,
    serialize_int: int,
}
"""graphql-core's serializers that answer values of one type unchanged (Int: within 32 bits)."""
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_encode_ids = msgspec.json.Encoder().encode
_decode_texts = msgspec.json.Decoder(list[str]).decode


F = TypeVar("F", bound=Callable[..., Any])
_Plan = tuple[tuple[str, FieldDetailsList, _Column | None], ...]
_Step = tuple[
    str, FieldDetailsList, str | None, type | None, bool, bool, Callable[[Any], Any], str, Any
]
"""One field of a whole completion, flat (one unpacking per field): the response name, the
field details, then a column's attribute (None for a kept value), ``same``, ``uuid_text``,
``non_null`` and serializer, or a kept value's name and field type."""
_Whole = tuple[_Step, ...]


class RowExecution(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context, reading an object's plain columns in one loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Plans by field set: graphql-core memoizes an object type's field set per selection,
        # so every row of a list shares one (kept alive here, so its id stays its own).
        self._plans: dict[int, tuple[GroupedFieldSet, _Plan]] = {}
        self._kept: dict[tuple[str, str], str | None] = {}
        self._wholes: dict[tuple[str, int], tuple[FieldDetailsList, _Whole | None]] = {}
        self._ids: list[tuple[dict[str, Any], str, UUID]] = []
        self._kept_values = self._gql.kept_values()
        manager = self.middleware_manager
        self._plain = manager is None or not manager.middlewares

    def execute_operation(self, serially: bool | None = None) -> Any:
        """The operation's result; once it is complete, the executor lets go of itself.

        graphql-core's executor refers to itself (its resolve-info helpers are its own bound
        methods), so without this it and everything it reaches (the context, the rows the
        resolvers kept, hundreds of thousands of objects per dashboard answer) live until
        the garbage collector walks them: under load, collections of a second and more."""
        result = super().execute_operation(serially)
        if isinstance(result, ExecutionResult):  # complete: nothing is deferred or awaited
            self.async_helpers = None  # type: ignore[assignment]
            self._kept_values = {}
        return result

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

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        """An object (or a list of them) of columns and kept values completed in one pass;
        anything else as graphql-core does."""
        if self._plain and result is not None:
            whole = self._whole_value(return_type, field_details_list, result)
            if self._ids:
                self._write_ids()
            if whole is not Undefined:
                return whole
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _whole_value(self, return_type: Any, details: FieldDetailsList, value: Any) -> Any:
        """The completed value, or Undefined where graphql-core must answer."""
        if isinstance(return_type, GraphQLNonNull):
            if value is None:
                return Undefined
            return_type = return_type.of_type
        elif value is None:
            return None
        if isinstance(return_type, GraphQLList):
            return self._whole_list(return_type.of_type, details, value)
        if isinstance(return_type, GraphQLObjectType) and return_type.is_type_of is None:
            return self._whole_object(return_type, details, value)
        return Undefined

    def _whole_list(self, item_type: Any, details: FieldDetailsList, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return Undefined
        inner = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
            return self._whole_objects(inner is item_type, self._whole(inner, details), value)
        items = []
        for item in value:
            completed = self._whole_value(item_type, details, item)
            if completed is Undefined:
                return Undefined
            items.append(completed)
        return items

    def _whole_objects(self, nullable: bool, whole: _Whole | None, value: Any) -> Any:
        """A list of objects: how to complete them is looked up once, not per item."""
        if whole is None:
            return Undefined
        items = []
        for item in value:
            completed = (
                self._object(whole, item) if item is not None else None if nullable else Undefined
            )
            if completed is Undefined:
                return Undefined
            items.append(completed)
        return items

    def _whole_object(
        self, object_type: GraphQLObjectType, details: FieldDetailsList, value: Any
    ) -> Any:
        whole = self._whole(object_type, details)
        if whole is None:
            return Undefined
        return self._object(whole, value)

    def _object(self, whole: _Whole, value: Any) -> Any:
        """One object completed as ``whole`` says, or Undefined where graphql-core must."""
        answer: dict[str, Any] = {}
        for name, details, attribute, same, uuid_text, non_null, serialize, kept_as, of in whole:
            if attribute is not None:
                found: Any = getattr(value, attribute, Undefined)
                kind = found.__class__
                # The scalars' own answers for the common values, without calling them.
                if kind is same and (kind is not int or _INT_MIN <= found <= _INT_MAX):
                    answer[name] = found
                    continue
                if kind is UUID and uuid_text:
                    answer[name] = found  # its text once the list is done
                    self._ids.append((answer, name, found))  # see _write_ids
                    continue
                if found is None and not non_null:
                    answer[name] = None
                    continue
                if found is None or found is Undefined:
                    return Undefined
                found = _serialized(serialize, found)
            else:
                entry = self._kept_values.get((id(value), kept_as))
                kept_value = entry[1] if entry is not None else None
                if kept_value is None:
                    return Undefined
                if of.__class__ is _Shape:  # a list of objects, or an object: inline
                    found = self._shaped(of, details, kept_value)
                else:
                    found = self._whole_value(of, details, kept_value)
            if found is Undefined:
                return Undefined
            answer[name] = found
        return answer

    def _shaped(self, shape: _Shape, details: FieldDetailsList, value: Any) -> Any:
        """A kept list of objects (or object) completed as ``_whole_value`` would, with the
        selection's completion looked up once per step, not once per value."""
        whole = shape.whole
        if whole is _UNRESOLVED:
            whole = shape.whole = self._whole(shape.object_type, details)
        if whole is None:
            return Undefined
        if not shape.is_list:
            return self._object(whole, value)
        if not isinstance(value, list | tuple):
            return Undefined
        items = []
        completed: Any
        for item in value:
            if item is None:
                if not shape.nullable:
                    return Undefined
                completed = None
            else:
                completed = self._object(whole, item)
                if completed is Undefined:
                    return Undefined
            items.append(completed)
        return items

    def _write_ids(self) -> None:
        """Write the ids a whole completion left as UUIDs as their text, all at once:
        msgspec writes a UUID's canonical text (what ``str`` gives) in C, where ``str``
        runs uuid.__str__ in Python (the dashboard shows some 1,200 ids)."""
        ids, self._ids = self._ids, []
        texts = _decode_texts(_encode_ids([found for _, _, found in ids]))
        for (answer, response_name, _), text in zip(ids, texts, strict=True):
            answer[response_name] = text

    def _whole(self, object_type: GraphQLObjectType, details: FieldDetailsList) -> _Whole | None:
        """How to complete objects of this selection in one pass, or None when some field is
        neither a column nor kept (or the selection defers anything)."""
        key = (object_type.name, id(details))
        found = self._wholes.get(key)
        if found is not None and found[0] is details:
            return found[1]
        grouped, deferred, _ = self.collect_subfields(object_type, details)
        whole: list[_Step] = []
        for name, sub_details, column in self._plan(object_type, grouped):
            kept_name = None if column else self._kept_name(object_type, sub_details)
            field_def = self.schema.get_field(object_type, sub_details[0].node.name.value)
            if column is not None:
                attribute, serialize, non_null, same, uuid_text = column
                step = (
                    name,
                    sub_details,
                    attribute,
                    same,
                    uuid_text,
                    non_null,
                    serialize,
                    "",
                    None,
                )
                whole.append(step)
            elif kept_name is not None and field_def is not None:
                of = _shape_of(field_def.type)
                whole.append((name, sub_details, None, None, False, False, _no, kept_name, of))
            else:
                break
        else:
            if not deferred:
                self._wholes[key] = (details, tuple(whole))
                return self._wholes[key][1]
        self._wholes[key] = (details, None)
        return None

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
        serialize = leaf.serialize
        return _Column(
            definition.python_name,
            serialize,
            non_null,
            _SAME.get(serialize),
            serialize is serialize_id,
        )


_UNRESOLVED: Any = object()


class _Shape:
    """A kept field's type that ``_whole_value`` completes in one known way: an object type
    (read only by attribute, ``is_type_of`` None), or a list of them; with its selection's
    completion once looked up (per request: an execution context is made per request)."""

    __slots__ = ("is_list", "nullable", "object_type", "whole")

    def __init__(self, is_list: bool, nullable: bool, object_type: GraphQLObjectType) -> None:
        self.is_list = is_list
        self.nullable = nullable
        self.object_type = object_type
        self.whole: _Whole | None = _UNRESOLVED


def _shape_of(field_type: GraphQLOutputType) -> Any:
    """The ``_Shape`` of a kept field's type, or the type itself when it has none (a leaf,
    an abstract type, a list of lists): ``_whole_value`` then completes it."""
    bare = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if isinstance(bare, GraphQLObjectType) and bare.is_type_of is None:
        return _Shape(False, False, bare)
    if isinstance(bare, GraphQLList):
        item = bare.of_type
        inner = item.of_type if isinstance(item, GraphQLNonNull) else item
        if isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
            return _Shape(True, inner is item, inner)
    return field_type


def _definition(field_def: GraphQLField) -> StrawberryField | None:
    """The strawberry field behind a graphql-core field."""
    found = (field_def.extensions or {}).get("strawberry-definition")
    return found if isinstance(found, StrawberryField) else None


def _no(value: Any) -> Any:
    """The serializer of a kept value's step (never called: it completes as its type)."""
    raise AssertionError(value)


def _serialized(serialize: Callable[[Any], Any], value: Any) -> Any:
    """The serialized value, or Undefined when the scalar refuses it (graphql-core then
    reports the error as it always does)."""
    try:
        return serialize(value)
    except Exception:
        return Undefined
