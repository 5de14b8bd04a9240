"""Read-your-writes over HTTP, across API processes.

A mutation answers with the log position it reached (``extensions.position`` and the
``X-Containr-Position`` header; the highest one when a request holds several mutation fields).
A client sends the highest position it has seen back as ``X-Containr-After``; a query carrying
it waits, up to ``read_wait_ms``, until every read model of this process's view has applied
that position, and is never answered from a cache entry computed before it. When the wait
runs out the query is answered anyway, marked ``extensions.stale: true`` with the position
the read models had reached, so a client can show it and retry.

Without the header, a caller still reads their own writes on the process that took them: each
process remembers the last position it gave each user, and treats it as their X-Containr-After.
The API processes of one ``containr serve --processes N`` remember it together, in
``SharedPositions``: there a caller reads their own writes whichever process answers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from multiprocessing import get_context
from typing import Any, Protocol
from uuid import UUID

import msgspec

from application.authz import Principal
from application.changes import PositionWaiter
from application.services import ALL_MODELS, Services

AFTER_HEADER = "x-containr-after"
POSITION_HEADER = "x-containr-position"
_MAX_DIGITS = 18  # positions are PostgreSQL bigints; longer is not a position


class BadPositionError(ValueError):
    """Raised when an X-Containr-After header is not a log position."""


class CaughtUp(msgspec.Struct, frozen=True):
    """Where the read models were before a request ran, and whether that was short of what
    the request asked for."""

    position: int
    stale: bool = False


def parse_after(value: str | None) -> int:
    """The position an X-Containr-After header asks for (0 without one)."""
    if value is None or not value.strip():
        return 0
    value = value.strip()
    if not value.isdecimal() or not value.isascii() or len(value) > _MAX_DIGITS:
        raise BadPositionError(
            "X-Containr-After must be a log position: the whole number a mutation returned "
            "in X-Containr-Position"
        )
    return int(value)


class SharedArray(Protocol):
    """What SharedPositions needs of a ``multiprocessing.Array('q', n)``."""

    def get_lock(self) -> Any: ...
    def get_obj(self) -> Any: ...


class SharedPositions:
    """The last position each user's mutations reached, in memory the API processes of one
    ``containr serve`` share (created before they start, handed to each).

    A fixed table of slots chosen by the user's id. Two users whose ids share a slot each read
    at the higher of their positions: a query may wait for a position it did not need (one the
    read models reach in moments), never read short of its caller's own write."""

    SLOTS = 65_536

    def __init__(self, array: SharedArray | None = None) -> None:
        self.array: SharedArray = (
            array if array is not None else get_context("spawn").Array("q", self.SLOTS)
        )
        self._lock = self.array.get_lock()
        self._slots: Any = self.array.get_obj()

    def last(self, user: UUID) -> int:
        """The highest position remembered for ``user`` (0 when none)."""
        with self._lock:
            return int(self._slots[user.int % self.SLOTS])

    def raise_to(self, user: UUID, position: int) -> None:
        """Remember that ``user`` wrote up to ``position``, unless a higher one is there."""
        slot = user.int % self.SLOTS
        with self._lock:
            self._slots[slot] = max(self._slots[slot], position)


class ReadYourWrites:
    """Makes a request wait for the positions its caller has written up to.

    When a whole wait ran out without the read models moving at all (a stuck runner), later
    requests do not each hold a worker thread for the full wait: they look at the tracking
    table once and are answered at once, marked stale, until the read models move again.
    """

    def __init__(
        self,
        waiter: PositionWaiter,
        head: Callable[[], int],
        timeout: float,
        *,
        models: Sequence[str] = ALL_MODELS,
        remembered: int = 10_000,
        shared: SharedPositions | None = None,
    ) -> None:
        self._waiter = waiter
        self._head = head
        self._timeout = timeout
        self._models = tuple(models)
        self._stuck_at = -1
        """Where the read models were when a whole wait ran out without them moving."""
        self._last: OrderedDict[UUID, int] = OrderedDict()
        self._lock = threading.Lock()
        self._remembered = remembered
        self._shared = shared
        """The users' positions shared with the other API processes of this server, if any
        (then it, not ``_last``, remembers them)."""

    @classmethod
    def of(cls, services: Services, shared: SharedPositions | None = None) -> ReadYourWrites:
        """Read-your-writes for one API process (remembering with the others in ``shared``)."""
        return cls(
            services.waiter(),
            services.events.head,
            services.settings.read_wait_ms / 1000,
            shared=shared,
        )

    def after(self, principal: Principal | None, requested: int) -> int:
        """The position a request must read at: the one it asked for, or the last this process
        (or a process sharing its positions) gave the same user, whichever is higher."""
        if principal is None:
            return requested
        if self._shared is not None:
            return max(requested, self._shared.last(principal.user_id))
        with self._lock:
            return max(requested, self._last.get(principal.user_id, 0))

    def wrote(self, principal: Principal | None, position: int) -> None:
        """Remember that a user's mutation reached ``position`` (for their next queries here)."""
        if principal is None or position <= 0:
            return
        if self._shared is not None:
            self._shared.raise_to(principal.user_id, position)
            return
        with self._lock:
            self._last[principal.user_id] = max(position, self._last.get(principal.user_id, 0))
            self._last.move_to_end(principal.user_id)
            while len(self._last) > self._remembered:
                self._last.popitem(last=False)

    def reached(self, after: int) -> bool:
        """Whether the read models are known to have applied ``after`` already (a request
        asking for it has nothing to wait for); never waits, never asks the database."""
        return after <= self._waiter.reached(self._models)

    def catch_up(self, after: int) -> CaughtUp:
        """Wait (blocking, bounded) until the read models reach ``after``; where they are."""
        reached = self._waiter.reached(self._models)
        if after > 0 and reached == 0:  # nothing heard yet (a fresh process): ask the table
            self._waiter.refresh()
            reached = self._waiter.reached(self._models)
        if after <= reached:
            return CaughtUp(reached)
        try:
            # A position past the log's head cannot come from this installation's mutations
            # (a restored database, another server): wait for what there is, not for ever.
            target = min(after, self._head())
        except Exception:  # the database is away: run the request now, it answers UNAVAILABLE
            return CaughtUp(reached, stale=True)
        if reached == self._stuck_at:
            self._waiter.refresh()
            if self._waiter.reached(self._models) == reached:
                return CaughtUp(reached, stale=reached < target)
        if self._waiter.wait(target, self._models, self._timeout):
            return CaughtUp(self._waiter.reached(self._models))
        now = self._waiter.reached(self._models)
        if now == reached:
            self._stuck_at = reached
        return CaughtUp(now, stale=True)

    @staticmethod
    def extensions(wrote: int, caught_up: CaughtUp | None) -> dict[str, Any]:
        """What a response says about positions: the one its mutations reached, or that it
        was computed before the position asked for."""
        if wrote > 0:
            return {"position": wrote}
        if caught_up is not None and caught_up.stale:
            return {"stale": True, "position": caught_up.position}
        return {}

    @staticmethod
    def headers(wrote: int) -> dict[str, str]:
        """The response headers: X-Containr-Position after a mutation reached a position."""
        return {POSITION_HEADER: str(wrote)} if wrote > 0 else {}
