"""Operating read models: status, online rebuilds and time travel."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol

import msgspec

from application.eventlog import EventLog
from application.readmodels import DashboardQueries, ReadStore

Progress = Callable[[int, int], None]
"""Called with (events done, events in all) as long work proceeds."""


class ProjectionStatus(msgspec.Struct, frozen=True):
    """Where a read model stands."""

    model: str
    generation: int
    position: int
    head: int
    leader: str | None
    up_to_date_shape: bool
    building: list[int]

    @property
    def lag(self) -> int:
        """Events recorded but not yet applied."""
        return max(self.head - self.position, 0)


class ReadModelAdmin(Protocol):
    """Operations on read models (their storage lives in adapters)."""

    def names(self) -> list[str]:
        """The read models there are."""
        ...

    def status(self) -> list[ProjectionStatus]:
        """Each read model's generation, position, lag and leader."""
        ...

    def rebuild(self, model: str, progress: Progress | None = None) -> int:
        """Rebuild from zero into a new generation, then swap it in; returns its number."""
        ...

    def rebuild_many(
        self, models: list[str], progress: Callable[[str, int, int], None] | None = None
    ) -> dict[str, int]:
        """Rebuild several models side by side; returns each one's new generation."""
        ...

    def build_as_of(self, model: str, position: int, progress: Progress | None = None) -> int:
        """Build a scratch generation as of ``position``; returns its number."""
        ...

    def drop_scratch(self, model: str, generation: int) -> None:
        """Remove a scratch generation."""
        ...


class TimeTravel:
    """Read models as they were at a past position or instant."""

    def __init__(self, admin: ReadModelAdmin, store: ReadStore, events: EventLog) -> None:
        self._admin = admin
        self._store = store
        self._events = events

    def position_at(self, instant: datetime) -> int:
        """The log position that was current at ``instant``."""
        return self._events.position_at(instant)

    @contextmanager
    def dashboard(
        self,
        *,
        position: int | None = None,
        instant: datetime | None = None,
        progress: Progress | None = None,
        store: ReadStore | None = None,
    ) -> Iterator[tuple[int, DashboardQueries]]:
        """The dashboard as of a position or an instant, for the duration of the block (read
        through ``store``, e.g. a caller's read gate, instead of the whole store)."""
        if (position is None) == (instant is None):
            raise ValueError("give either a position or an instant")
        at = position if position is not None else self.position_at(instant)  # type: ignore[arg-type]
        generation = self._admin.build_as_of("dashboard", at, progress)
        try:
            yield at, DashboardQueries(store or self._store, generation=generation)
        finally:
            self._admin.drop_scratch("dashboard", generation)
