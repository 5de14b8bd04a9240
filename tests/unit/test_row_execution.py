"""RowExecution answers a row's plain columns in one loop: the same data and the same errors as
graphql-core's own execution, and a value a parent kept is used without its resolver."""

from __future__ import annotations

import gc
import uuid
import weakref
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import Info

from application.authz import Principal
from interfaces.graphql.context import GqlContext
from interfaces.graphql.execution import RowExecution, kept


@dataclass(frozen=True)
class Item:
    id: str
    name: str | None
    count: int
    ratio: float | None


ITEMS = [
    Item("a", "first", 1, 0.5),
    Item("b", None, 2, None),
    Item("c", "third", 2**40, 1.0),  # Int cannot represent it
    Item("d", "fourth", None, 2.0),  # type: ignore[arg-type]  # null where non-null
]

calls: list[str] = []


@strawberry.type
class Child:
    label: str


@kept("children")
def item_children(root: Item, info: Info[Any, None]) -> list[Child]:
    calls.append(root.id)
    context: GqlContext = info.context
    found = context.prefetched(root, "children")
    return found if found is not None else [Child(label=f"read {root.id}")]


@strawberry.type
class ItemType:
    id: strawberry.ID
    name: str | None
    count: int
    ratio: float | None
    children: list[Child] = strawberry.field(resolver=item_children)

    @strawberry.field
    def shout(self) -> str:
        return (self.name or "").upper()


def items(info: Info[Any, None]) -> list[ItemType | None]:
    context: GqlContext = info.context
    context.prefetch(ITEMS[0], "children", [Child(label="kept")])
    return ITEMS  # type: ignore[return-value]  # rows are their types' values


@strawberry.type
class Query:
    items: list[ItemType | None] = strawberry.field(resolver=items)


QUERY = "{ items { name id shout count ratio children { label } } }"
COLUMNS = "{ items { id ratio children { label } name } again: items { name count } }"


def _run(execution: type[Any], query: str = QUERY) -> tuple[Any, list[tuple[str, Any]]]:
    schema = strawberry.Schema(query=Query, execution_context_class=execution)
    context = GqlContext(None, None, "test")  # type: ignore[arg-type]  # no services needed
    result = schema.execute_sync(query, context_value=context)
    errors = sorted((e.message, e.path) for e in result.errors or [])
    return result.data, errors


def test_columns_answer_the_same_data_and_errors_as_graphql_core() -> None:
    expected = _run(StrawberryGraphQLCoreExecutionContext)

    found = _run(RowExecution)

    assert found == expected
    data, errors = found
    assert data["items"][0] == {
        "name": "first",
        "id": "a",
        "shout": "FIRST",
        "count": 1,
        "ratio": 0.5,
        "children": [{"label": "kept"}],
    }
    assert list(data["items"][1]) == ["name", "id", "shout", "count", "ratio", "children"]
    assert data["items"][2] is None and data["items"][3] is None
    assert [path for _, path in errors] == [["items", 3, "count"], ["items", 2, "count"]]


def test_a_kept_value_is_used_without_calling_its_resolver() -> None:
    calls.clear()

    data, _ = _run(RowExecution)

    assert data["items"][0]["children"] == [{"label": "kept"}]
    assert data["items"][1]["children"] == [{"label": "read b"}]
    assert "a" not in calls and "b" in calls


def test_objects_of_columns_and_kept_values_complete_whole_as_graphql_core_would() -> None:
    calls.clear()
    expected = _run(StrawberryGraphQLCoreExecutionContext, COLUMNS)
    calls.clear()

    found = _run(RowExecution, COLUMNS)

    assert found == expected
    data, errors = found
    assert data["items"][0] == {
        "id": "a",
        "ratio": 0.5,
        "children": [{"label": "kept"}],
        "name": "first",
    }
    assert data["items"][1]["children"] == [{"label": "read b"}]
    assert data["again"] == [{"name": "first", "count": 1}, {"name": None, "count": 2}, None, None]
    assert sorted(path[1] for _, path in errors) == [2, 3]
    assert calls == ["b", "c", "d"]


@dataclass(frozen=True)
class Odd:
    """Column values whose scalar converts them (or refuses them)."""

    id: Any
    name: Any
    count: Any
    flag: Any


@strawberry.type
class OddType:
    id: strawberry.ID
    name: str
    count: int
    flag: bool


ODD = [
    Odd(uuid.UUID(int=7), "plain", 2**31 - 1, True),
    Odd(12, True, True, 1),  # an int id, a bool name and count, an int flag: converted
    Odd("x", 2.5, -(2**31), False),
    Odd("y", "ok", 2**31, True),  # Int cannot represent it: null, and an error
    Odd("z", "ok", 1, "yes"),  # Boolean cannot represent it
]


@strawberry.type
class OddQuery:
    @strawberry.field
    def odd(self) -> list[OddType | None]:
        return ODD  # type: ignore[return-value]  # rows are their types' values


def test_column_values_of_other_types_serialize_as_graphql_core_does() -> None:
    def run(execution: type[Any]) -> tuple[Any, list[tuple[str, Any]]]:
        schema = strawberry.Schema(query=OddQuery, execution_context_class=execution)
        context = GqlContext(None, None, "test")  # type: ignore[arg-type]  # no services needed
        result = schema.execute_sync("{ odd { id name count flag } }", context_value=context)
        return result.data, sorted((e.message, e.path) for e in result.errors or [])

    expected = run(StrawberryGraphQLCoreExecutionContext)

    found = run(RowExecution)

    assert found == expected
    data, errors = found
    assert data["odd"][:3] == [
        {"id": str(uuid.UUID(int=7)), "name": "plain", "count": 2**31 - 1, "flag": True},
        {"id": "12", "name": "true", "count": 1, "flag": True},
        {"id": "x", "name": "2.5", "count": -(2**31), "flag": False},
    ]
    assert data["odd"][3:] == [None, None] and len(errors) == 2


@dataclass
class _Reads:
    observe: Any


class _Services:
    """Enough of the services for ``GqlContext.reads``: the reads keep their observer, as
    the read gate does."""

    def reads(self, principal: Any, *, observe: Any) -> _Reads:
        return _Reads(observe)


def test_an_answered_query_is_freed_without_the_garbage_collector() -> None:
    # Each answer's executor, context and rows used to sit in reference cycles (the executor's
    # own bound methods; the read gate's observer, the context's), so only the collector freed
    # them: under load, collections walking a million objects stalled every request.
    schema = strawberry.Schema(query=Query, execution_context_class=RowExecution)
    context = GqlContext(_Services(), Principal(user_id=uuid.uuid4()), "test")  # type: ignore[arg-type]
    _ = context.reads  # the gate now holds the context's observer
    query = "{ items { id name children { label } } }"
    gone = weakref.ref(context)
    gc.collect()
    gc.disable()
    try:
        result = schema.execute_sync(query, context_value=context)
        assert result.data is not None and not result.errors
        del context, result

        assert gone() is None  # and with it the rows it kept, by reference counting alone
    finally:
        gc.enable()
