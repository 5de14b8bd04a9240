"""The event log as people read it: the audit trail behind `containr events`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import Notification

from application.eventstore import EventStore
from application.ports import EventSignal

_STANDARD_FIELDS = {"originator_id", "originator_version", "timestamp", "actor", "originator_topic"}


class LoggedEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One event of the log, ready to print: position, when, who, what, and its fields."""

    position: int | None
    aggregate_id: UUID
    version: int
    type: str
    timestamp: datetime
    actor: str
    fields: dict[str, Any]


class EventLog:
    """Reads the global sequence of events, in order."""

    def __init__(self, store: EventStore) -> None:
        self._store = store

    def head(self) -> int:
        """The position of the newest event (0 when the log is empty)."""
        return self._store.recorder.max_notification_id() or 0

    def read(self, after: int = 0, limit: int = 100) -> list[LoggedEvent]:
        """Up to ``limit`` events after position ``after``."""
        notifications = self._store.recorder.select_notifications(
            start=after, limit=limit, inclusive_of_start=False
        )
        return [self._logged(n, n.id) for n in notifications]

    def tail(self, count: int) -> list[LoggedEvent]:
        """The newest ``count`` events, oldest first."""
        return self.read(after=max(self.head() - count, 0), limit=count)

    def follow(self, after: int, signal: EventSignal, *, batch: int = 500) -> Iterator[LoggedEvent]:
        """Every event after ``after``, then each new one as it arrives, while iterated."""
        while True:
            events = self.read(after, batch)
            yield from events
            if events:
                after = events[-1].position or after
            if len(events) < batch:
                signal.wait(timeout=1.0)

    def position_at(self, instant: datetime) -> int:
        """The position of the last event recorded at or before ``instant`` (0 if none).

        A binary search over the log: events are recorded in time order, so it reads
        about log2(head) events whatever the log's length.
        """
        low, high = 0, self.head()
        while low < high:
            middle = (low + high + 1) // 2
            [found] = self._store.recorder.select_notifications(start=middle, limit=1)
            moment: datetime = vars(self._store.mapper.to_domain_event(found))["timestamp"]
            if moment <= instant:
                low = found.id
            else:
                high = middle - 1
        return low

    def of_aggregate(self, aggregate_id: UUID) -> list[LoggedEvent]:
        """Every event of one aggregate, oldest first."""
        stored = self._store.recorder.select_events(aggregate_id)
        return [self._logged(s, None) for s in stored]

    def _logged(self, stored: Notification | Any, position: int | None) -> LoggedEvent:
        event = self._store.mapper.to_domain_event(stored)
        state = vars(event)
        return LoggedEvent(
            position=position,
            aggregate_id=event.originator_id,
            version=stored.originator_version,
            type=stored.topic.split(":", 1)[-1],
            timestamp=state["timestamp"],
            actor=state.get("actor", "unknown"),
            fields={k: v for k, v in state.items() if k not in _STANDARD_FIELDS},
        )
