"""The projection runner: follows the event sequence into a read model, exactly once.

Each batch (up to ``batch_size`` events or ``batch_ms`` milliseconds of work) is applied
to the row store and committed in ONE transaction together with a compare-and-set of the
generation's position. A crash loses at most the uncommitted batch, which the next leader
re-applies from the last committed position. Only the leader writes: a PostgreSQL advisory
lock (or, embedded, a file lock) held by the runner's own connection; a standby polls for
it and takes over when the leader's connection dies.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg

from adapters.readstore.database import (
    GenerationRow,
    PostgresReadDatabase,
    Registry,
    SqliteReadDatabase,
)
from adapters.readstore.decoding import EventDecoder
from adapters.readstore.rowstore import BatchRowStore
from application.changes import Change, ChangeBatch, ChangeFeed
from application.errors import UnavailableError
from application.eventstore import EventMapper, EventStore
from application.ports import EventSignal
from projections.base import Projection

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
_UNKNOWN = object()  # a topic not seen yet
YOUNG_OBJECTS = 500_000
"""How many more objects than at the last collection a catch-up lets live before it looks
for unreachable cycles: more than a rebuild's cache holds alive (each look walks them all),
so a rebuild looks only if something leaves cycles behind, and memory stays bounded."""


class StaleGenerationError(Exception):
    """Raised when the generation's position moved under the runner (another writer)."""


class ProjectionRunner:
    """Applies events to one generation of one read model."""

    def __init__(
        self,
        projection: Projection,
        events: EventStore,
        db: PostgresReadDatabase | SqliteReadDatabase,
        *,
        feed: ChangeFeed | None = None,
        batch_size: int = 1000,
        batch_ms: float = 50.0,
        page_size: int = 1000,
    ) -> None:
        self.projection = projection
        self.events = events
        self.db = db
        self.registry = Registry(db)
        self.feed = feed
        self.batch_size = batch_size
        self.batch_ms = batch_ms
        self.page_size = page_size
        self._store: BatchRowStore | None = None
        self._handlers: dict[str, Any] = {}  # topic -> the projection's handler, or None
        mapper = events.mapper
        assert isinstance(mapper, EventMapper)
        self._decoder = EventDecoder(mapper)

    @property
    def model(self) -> str:
        """The read model's name."""
        return self.projection.name

    def _store_for(self, row: GenerationRow) -> BatchRowStore:
        if self._store is None or self._store.generation != row.generation:
            self._store = BatchRowStore(
                self.db.dialect,
                self.model,
                row.generation,
                self.projection.tables,
                empty=row.position == 0,
                bulk=getattr(self.db, "bulk_upsert", None),
                announce=self.feed is not None,  # change notices only for a feed to carry
            )
        return self._store

    def step(self, conn: Any, *, generation: int | None = None, stop_at: int | None = None) -> int:
        """Apply one batch to ``generation`` (default: the active one); returns events read."""
        self.db.begin(conn)
        try:
            row = (
                self.registry.get(conn, self.model, generation)
                if generation is not None
                else self.registry.active(conn, self.model)
            )
            applied = self.apply_batch(conn, row, stop_at) if row is not None else None
            if applied is None:
                conn.rollback()
                return 0
            conn.commit()
        except StaleGenerationError as e:
            log.info("%s; starting over from the registry", e)
            self._discard(conn)
            return 0
        except BaseException:
            self._discard(conn)
            raise
        position, count, changes = applied
        if self.feed is not None and generation is None:
            self.feed.publish(ChangeBatch(self.model, position, changes))
        return count

    def apply_batch(
        self, conn: Any, row: GenerationRow, stop_at: int | None = None
    ) -> tuple[int, int, list[Change]] | None:
        """Inside the caller's transaction: apply a batch to ``row``'s generation, flush the
        rows and compare-and-set the position. None when there was nothing to apply."""
        store = self._store_for(row)
        store.bind(conn)
        position, count = self._apply(store, row.position, stop_at)
        if count == 0:
            return None
        changes = store.flush()
        if not self.registry.advance(conn, self.model, row.generation, row.position, position):
            raise StaleGenerationError(
                f"{self.model} generation {row.generation} moved past {row.position}"
            )
        return position, count, changes

    def _discard(self, conn: Any) -> None:
        if self._store is not None:
            self._store.discard()
        _rollback_quietly(conn)

    def _apply(self, store: BatchRowStore, position: int, stop_at: int | None) -> tuple[int, int]:
        started = time.monotonic()
        count = 0
        decode = self._decoder.decode
        handlers = self._handlers
        while count < self.batch_size:
            limit = min(self.page_size, self.batch_size - count)
            if stop_at is not None:
                limit = min(limit, stop_at - position)
                if limit <= 0:
                    break
            page = self._read(store, position, limit)
            for notification_id, originator_id, version, topic, state in page:
                # The handler straight from the topic: a topic names one event class.
                handler = handlers.get(topic, _UNKNOWN)
                if handler is _UNKNOWN:
                    handler = handlers[topic] = self.projection.handler_for_topic(topic)
                if handler is not None:
                    store.position = notification_id
                    handler(decode(topic, state, originator_id, version), store)
                position = notification_id
            count += len(page)
            if len(page) < limit or (time.monotonic() - started) * 1000 >= self.batch_ms:
                break
        return position, count

    def _read(self, store: BatchRowStore, after: int, limit: int) -> list[tuple[Any, ...]]:
        if isinstance(self.db, PostgresReadDatabase):
            # Same database: read on the runner's own connection, as plain tuples.
            # (Aggregate ids come as text: the decoder splices them into the JSON.)
            return self.db.read_events(store.connection, after, limit)
        page = self.events.recorder.select_notifications(
            start=after, limit=limit, inclusive_of_start=False
        )
        return [(n.id, str(n.originator_id), n.originator_version, n.topic, n.state) for n in page]

    def catch_up(
        self,
        conn: Any,
        *,
        generation: int | None = None,
        stop_at: int | None = None,
        progress: Progress | None = None,
    ) -> int:
        """Apply batches until nothing is left (or ``stop_at`` is reached); returns the count.

        Python's automatic garbage collection is off meanwhile: a batch keeps its rows (and
        the cache thousands more) alive, and each of the many collections their allocations
        set off walked them all, and every object of the process, again (nearly half a
        rebuild's time). Reference counting frees nearly everything; the young objects are
        searched for cycles between batches, once they are ``YOUNG_OBJECTS`` more."""
        total = 0
        head = stop_at if stop_at is not None else self.events.recorder.max_notification_id() or 0
        with _collecting_per_batch():
            while True:
                count = self.step(conn, generation=generation, stop_at=stop_at)
                if gc.get_count()[0] > YOUNG_OBJECTS:
                    gc.collect(1)
                total += count
                if progress is not None:
                    progress(total, head)
                if count == 0:
                    return total

    def run(
        self,
        stop: threading.Event,
        signal: EventSignal,
        *,
        standby_seconds: float = 0.5,
        on_lead: Callable[[], None] | None = None,
    ) -> None:
        """Lead (or wait to lead) and follow the sequence until ``stop`` is set."""
        conn: Any = None
        leading = away = False
        while not stop.is_set():
            try:
                if conn is None:
                    conn = self.db.connect(f"runner:{self.model}")
                if not leading:
                    leading = self.db.try_lead(conn, f"runner:{self.model}")
                    if not leading:
                        stop.wait(standby_seconds)
                        continue
                    log.info("leading the %s projection", self.model)
                    if on_lead is not None:
                        on_lead()
                if self.step(conn) == 0:
                    signal.wait(timeout=1.0)
                away = False
            except (UnavailableError, psycopg.OperationalError) as e:
                # The database is away (or restarting): say so once, then keep trying.
                if not away:
                    log.warning("the %s runner lost the database (%s); reconnecting", self.model, e)
                away = True
                self._reset(conn)
                conn, leading = None, False
                stop.wait(1.0)
            except Exception:
                log.exception("the %s runner failed; reconnecting", self.model)
                self._reset(conn)
                conn, leading = None, False
                stop.wait(1.0)
        _close_quietly(conn)
        if isinstance(self.db, SqliteReadDatabase):
            self.db.release(f"runner:{self.model}")

    def _reset(self, conn: Any) -> None:
        """Drop the connection (and with it the lead) and the batch in progress."""
        _close_quietly(conn)
        if isinstance(self.db, SqliteReadDatabase):
            self.db.release(f"runner:{self.model}")
        self._store = None


class _Collection:
    """Automatic garbage collection of the process, off while any catch-up runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0  # catch-ups running now
        self._was_enabled = False

    @contextlib.contextmanager
    def off(self) -> Iterator[None]:
        """Off while this (and any other catch-up) runs; as it was once the last one ends."""
        with self._lock:
            if self._holders == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0 and self._was_enabled:
                    gc.enable()


_collection = _Collection()
_collecting_per_batch = _collection.off


def _rollback_quietly(conn: Any) -> None:
    with contextlib.suppress(Exception):  # the connection may already be gone
        conn.rollback()


def _close_quietly(conn: Any) -> None:
    if conn is not None:
        with contextlib.suppress(Exception):  # the connection may already be gone
            conn.close()
