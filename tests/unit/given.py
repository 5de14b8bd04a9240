"""Given/when/then helpers for domain tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from domain.base import ContainrAggregate
from domain.ids import Actor

A = TypeVar("A", bound=ContainrAggregate)
ACTOR = Actor("user:alice")
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def at(minutes: float = 0) -> datetime:
    """A moment ``minutes`` after the tests' epoch."""
    return T0 + timedelta(minutes=minutes)


def given(aggregate: A) -> A:
    """Settle the aggregate's history: what happened before the test's command."""
    aggregate.collect_events()
    return aggregate


def then(aggregate: ContainrAggregate) -> list[Any]:
    """The events the command recorded."""
    return list(aggregate.collect_events())


def types(aggregate: ContainrAggregate) -> list[str]:
    """The names of the event types the command recorded."""
    return [type(e).__name__ for e in then(aggregate)]


def replayed(aggregate: A) -> A:
    """The aggregate rebuilt from its own events: proves apply() matches the command."""
    events = aggregate.collect_events()
    rebuilt: Any = None
    for event in events:
        rebuilt = event.mutate(rebuilt)
    return rebuilt  # type: ignore[no-any-return]
