"""The base of every projection: a stable name, its tables, and handlers per event type."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeVar

from eventsourcing.utils import TopicError, resolve_topic

from projections.schema import Table, shape_of
from projections.store import RowStore

F = TypeVar("F", bound=Callable[..., None])


def handles(*event_classes: type) -> Callable[[F], F]:
    """Mark a projection method as the handler of these event types (and their subclasses)."""

    def mark(method: F) -> F:
        method.__handles__ = event_classes  # type: ignore[attr-defined]
        return method

    return mark


class Projection:
    """A read model built from the event sequence; deterministic, time comes from events."""

    name: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]

    def __init__(self) -> None:
        self._handlers: dict[type, Callable[[Any, RowStore], None]] = {}
        for attribute in dir(type(self)):
            method = getattr(self, attribute)
            for event_class in getattr(method, "__handles__", ()):
                self._handlers[event_class] = method
        self._resolved: dict[type, Callable[[Any, RowStore], None] | None] = {}
        # The topic format of eventsourcing's get_topic(), computed without registering
        # (the library keeps internal copies of some event classes under the same name).
        self.topics = frozenset(
            f"{cls.__module__}:{cls.__qualname__}"
            for base in self._handlers
            for cls in _with_subclasses(base)
        )

    @classmethod
    def shape(cls) -> str:
        """A digest of the tables; when it changes, the read model must be rebuilt."""
        return shape_of(cls.tables)

    def handler_for_topic(self, topic: str) -> Callable[[Any, RowStore], None] | None:
        """The handler of the events recorded under ``topic`` (of the class it names), or
        None: what ``process`` calls for them, found once per topic. Unlike ``topics``,
        which knows only the subclasses imported so far, this resolves the topic (importing
        its module): a process that never imported an aggregate still applies its events."""
        try:
            event_type = resolve_topic(topic)
        except (TopicError, ImportError, AttributeError):
            return None  # no such class (any more): as before, the event changes nothing
        return self._handler(event_type) if isinstance(event_type, type) else None

    def process(self, event: Any, store: RowStore) -> None:
        """Apply one event to the read model (events without a handler change nothing)."""
        handler = self._handler(type(event))
        if handler is not None:
            handler(event, store)

    def _handler(self, event_type: type) -> Callable[[Any, RowStore], None] | None:
        if event_type not in self._resolved:
            self._resolved[event_type] = next(
                (self._handlers[c] for c in event_type.__mro__ if c in self._handlers), None
            )
        return self._resolved[event_type]


def _with_subclasses(cls: type) -> Iterator[type]:
    yield cls
    sub: type
    for sub in cls.__subclasses__():
        yield from _with_subclasses(sub)
