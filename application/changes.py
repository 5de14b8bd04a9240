"""Change notices: what a read-model batch changed, announced after it commits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Protocol

import msgspec


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

    It learns positions from change notices; if a notice is lost it falls back to asking
    ``read_positions`` (the tracking table) now and then, so a lost notice only delays.
    """

    def __init__(
        self,
        feed: ChangeFeed,
        read_positions: Callable[[], dict[str, int]],
        *,
        recheck_seconds: float = 0.5,
    ) -> None:
        self._positions: dict[str, int] = {}
        self._condition = threading.Condition()
        self._read_positions = read_positions
        self._recheck = recheck_seconds
        self._stop = feed.listen(self._heard)

    def _heard(self, batch: ChangeBatch) -> None:
        with self._condition:
            if batch.position > self._positions.get(batch.model, 0):
                self._positions[batch.model] = batch.position
                self._condition.notify_all()

    def _reached(self, models: Iterable[str], position: int) -> bool:
        return all(self._positions.get(m, 0) >= position for m in models)

    def wait(self, position: int, models: Iterable[str], timeout: float = 5.0) -> bool:
        """Block until every model has applied ``position``; False after ``timeout`` seconds."""
        models = tuple(models)
        deadline = time.monotonic() + timeout
        with self._condition:
            while not self._reached(models, position):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                if not self._condition.wait(timeout=min(remaining, self._recheck)):
                    for model, known in self._read_positions().items():
                        self._positions[model] = max(known, self._positions.get(model, 0))
            return True

    def close(self) -> None:
        """Stop listening."""
        self._stop()
