"""Change notices: what a read-model batch changed, announced after it commits."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Protocol

import msgspec

log = logging.getLogger(__name__)


class Change(msgspec.Struct, frozen=True, array_like=True):
    """One changed entity of a read model: its kind, its id, and the position that changed it."""

    kind: str
    id: str
    position: int


class ChangeBatch(msgspec.Struct, frozen=True):
    """Everything one committed read-model batch changed, and the position it reached."""

    model: str
    position: int
    changes: list[Change]


Listener = Callable[[ChangeBatch], None]


class ChangeFeed(Protocol):
    """Carries change notices from projection runners to whoever listens (API replicas)."""

    def publish(self, batch: ChangeBatch) -> None:
        """Announce a committed batch (never raises for a missing listener)."""
        ...

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` for every batch from now on; returns a function that stops it."""
        ...

    def close(self) -> None:
        """Stop delivering and release connections."""
        ...


class PositionWaiter:
    """Read-your-writes: waits until read models have reached a log position.

    It learns positions from change notices; when they are late or lost (no Redis, or a
    notice dropped) it asks ``read_positions`` (the tracking table), soon at first and then
    less often, so a lost notice only delays. The table is read without holding the lock
    listeners take, so a slow database never holds up the delivery of notices.
    """

    def __init__(
        self,
        feed: ChangeFeed,
        read_positions: Callable[[], dict[str, int]],
        *,
        recheck_seconds: float = 0.5,
        first_recheck_seconds: float = 0.05,
    ) -> None:
        self._positions: dict[str, int] = {}
        self._condition = threading.Condition()
        self._read_positions = read_positions
        self._recheck = recheck_seconds
        self._first_recheck = min(first_recheck_seconds, recheck_seconds)
        self._stop = feed.listen(self._heard)

    def _heard(self, batch: ChangeBatch) -> None:
        self._learn({batch.model: batch.position})

    def _learn(self, positions: dict[str, int]) -> None:
        with self._condition:
            moved = False
            for model, position in positions.items():
                if position > self._positions.get(model, 0):
                    self._positions[model] = position
                    moved = True
            if moved:
                self._condition.notify_all()

    def refresh(self) -> None:
        """Learn the positions from the tracking table now (for when notices may not come)."""
        try:
            positions = self._read_positions()
        except Exception as e:  # the database is away: keep what notices said, wait on
            log.warning("could not read the read models' positions (%s)", type(e).__name__)
            return
        self._learn(positions)

    def _reached(self, models: Iterable[str], position: int) -> bool:
        return all(self._positions.get(m, 0) >= position for m in models)

    def reached(self, models: Iterable[str]) -> int:
        """The position every one of ``models`` is known to have applied (0 if unknown).

        A lower bound: what a read started now sees includes at least this much.
        """
        with self._condition:
            return min((self._positions.get(m, 0) for m in models), default=0)

    def wait(self, position: int, models: Iterable[str], timeout: float = 5.0) -> bool:
        """Block until every model has applied ``position``; False after ``timeout`` seconds."""
        models = tuple(models)
        deadline = time.monotonic() + timeout
        with self._condition:
            if self._reached(models, position):
                return True
            unknown = any(m not in self._positions for m in models)
        if unknown:  # a fresh process has heard nothing yet: ask at once
            self.refresh()
        recheck = self._first_recheck
        while True:
            with self._condition:
                if self._condition.wait_for(
                    lambda: self._reached(models, position),
                    timeout=max(0.0, min(deadline - time.monotonic(), recheck)),
                ):
                    return True
            if time.monotonic() >= deadline:
                return False
            self.refresh()
            recheck = min(recheck * 2, self._recheck)

    def close(self) -> None:
        """Stop listening."""
        self._stop()
