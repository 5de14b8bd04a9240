"""The read models of this installation: migrations, runners, rebuilds and scratch copies."""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import closing
from queue import Queue
from typing import Any

import msgspec

from adapters.eventstore import open_event_store
from adapters.postgres import unavailable_when_unreachable
from adapters.readstore.database import (
    PostgresReadDatabase,
    Registry,
    SqliteReadDatabase,
    open_read_database,
    transaction,
)
from adapters.readstore.runner import ProjectionRunner
from application.changes import ChangeFeed
from application.eventstore import EventStore
from application.ports import EventSignal
from application.projections import Progress, ProjectionStatus
from application.secrets import Secret, secret_dec_hook
from application.settings import Settings
from projections.analytics import AnalyticsProjection
from projections.base import Projection
from projections.dashboard import DashboardProjection
from projections.history import HistoryProjection

log = logging.getLogger(__name__)
REBUILD_BATCH = 20_000
"""Events per transaction when a generation is built from zero."""
REBUILD_BATCH_MS = 3_000.0
"""...or this much work, whichever comes first."""
REBUILD_PAGE = 5_000
"""Events per read of the log."""


def all_projections() -> list[Projection]:
    """Every read model Containr keeps."""
    return [DashboardProjection(), HistoryProjection(), AnalyticsProjection()]


class ReadModelHost:
    """Implements ReadModelAdmin, and runs the live runners of a process."""

    def __init__(
        self,
        events: EventStore,
        db: PostgresReadDatabase | SqliteReadDatabase,
        *,
        feed: ChangeFeed | None = None,
        projections: list[Projection] | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.settings = settings
        self.events = events
        self.db = db
        self.feed = feed
        self.registry = Registry(db)
        self.projections = {p.name: p for p in (projections or all_projections())}

    def names(self) -> list[str]:
        """The read models there are."""
        return list(self.projections)

    def _projection(self, model: str) -> Projection:
        try:
            return self.projections[model]
        except KeyError:
            raise ValueError(
                f"no read model {model!r} (there are: {', '.join(self.projections)})"
            ) from None

    def runner(self, model: str, **kwargs: Any) -> ProjectionRunner:
        """A runner for one read model (its projection object is shared by its runners)."""
        return ProjectionRunner(
            self._projection(model), self.events, self.db, feed=self.feed, **kwargs
        )

    def _bulk_runner(self, projection: Projection) -> ProjectionRunner:
        """A runner for building a generation from zero: large batches (fewer, larger COPYs
        and commits, more updates of one row coalesced), bounded so memory stays flat."""
        return ProjectionRunner(
            projection,
            self.events,
            self.db,
            batch_size=REBUILD_BATCH,
            batch_ms=REBUILD_BATCH_MS,
            page_size=REBUILD_PAGE,
        )

    def migrate(self, progress: Progress | None = None) -> list[str]:
        """Create the registry and a first generation of each model; rebuild changed shapes."""
        done = []
        with closing(self.db.connect("migrate")) as conn, transaction(self.db, conn):
            self.registry.create_schema(conn)
            for generation in self.registry.all(conn):
                if generation.state in ("scratch", "building"):
                    self.registry.drop(
                        conn,
                        generation.model,
                        generation.generation,
                        self._projection(generation.model).tables,
                    )
            for model, projection in self.projections.items():
                if self.registry.active(conn, model) is None:
                    self.registry.create(
                        conn, model, projection.tables, projection.shape(), "active"
                    )
                    done.append(f"read model {model}: created")
        for model, projection in self.projections.items():
            with closing(self.db.connect("migrate")) as conn:
                active = self.registry.active(conn, model)
                conn.rollback()
            if active is not None and active.shape != projection.shape():
                rebuilt = self.rebuild(model, progress)
                done.append(f"read model {model}: tables changed, rebuilt as generation {rebuilt}")
        return done

    def status(self) -> list[ProjectionStatus]:
        """Each model's generation, position, head, lag and leader."""
        head = self.events.recorder.max_notification_id() or 0
        with closing(self.db.connect("status")) as conn:
            rows = self.registry.all(conn)
            conn.rollback()
        result = []
        for model, projection in self.projections.items():
            active = next((r for r in rows if r.model == model and r.state == "active"), None)
            if active is None:
                continue
            result.append(
                ProjectionStatus(
                    model=model,
                    generation=active.generation,
                    position=active.position,
                    head=head,
                    leader=self.db.leader(f"runner:{model}"),
                    up_to_date_shape=active.shape == projection.shape(),
                    building=[
                        r.generation for r in rows if r.model == model and r.state == "building"
                    ],
                )
            )
        return result

    def rebuild(self, model: str, progress: Progress | None = None) -> int:
        """Build a new generation from zero while the old one keeps serving, then swap."""
        projection = self._projection(model)
        runner = self._bulk_runner(projection)
        with closing(self.db.connect(f"rebuild:{model}")) as conn:
            _commit_without_waiting(self.db, conn)
            with transaction(self.db, conn):
                generation = self.registry.create(
                    conn,
                    model,
                    projection.tables,
                    projection.shape(),
                    "building",
                    defer_indexes=True,
                )
            try:
                runner.catch_up(conn, generation=generation, progress=progress)
                with transaction(self.db, conn):
                    self.registry.create_indexes(conn, model, generation, projection.tables)
                self._swap(conn, runner, generation)
            except BaseException:
                with transaction(self.db, conn):
                    self.registry.drop(conn, model, generation, projection.tables)
                raise
        return generation

    def rebuild_many(
        self, models: list[str], progress: Callable[[str, int, int], None] | None = None
    ) -> dict[str, int]:
        """Rebuild several models at once: the largest (the one handling the most kinds of
        event) in this process, which has nothing to start, each other one in a process of
        its own (one per core), whatever the order they are named in."""
        models = list(dict.fromkeys(models))  # each once
        projections = [self._projection(model) for model in models]
        if len(models) < 2 or self.settings is None:
            return {m: self.rebuild(m, _for_model(progress, m)) for m in models}
        queue: Queue[tuple[Any, ...]] = Queue()
        largest = max(projections, key=lambda p: len(p.topics)).name
        local, others = largest, [m for m in models if m != largest]
        children = [_Child.start(self.settings, model, queue) for model in others]
        thread = threading.Thread(
            target=self._rebuild_reporting, args=(local, queue), name=f"rebuild-{local}"
        )
        done: dict[str, int] = {}
        errors: dict[str, str] = {}
        try:
            thread.start()
            while len(done) + len(errors) < len(models):
                kind, model, *rest = queue.get()
                if kind == "progress" and progress is not None:
                    progress(model, rest[0], rest[1])
                elif kind == "done":
                    done[model] = rest[0]
                elif kind == "error":
                    errors[model] = rest[0]
                elif kind == "ended" and model not in done:  # a child that died without a word
                    errors.setdefault(model, f"its process ended ({rest[0]})")
            thread.join()
        finally:
            for child in children:
                child.stop()
        if errors:
            raise RuntimeError(
                "rebuild failed: " + "; ".join(f"{m}: {e}" for m, e in errors.items())
            )
        return done

    def _rebuild_reporting(self, model: str, queue: Queue[tuple[Any, ...]]) -> None:
        """Rebuild ``model`` here, reporting through ``queue`` like a child process does."""
        try:
            generation = self.rebuild(model, lambda d, t: queue.put(("progress", model, d, t)))
            queue.put(("done", model, generation))
        except Exception as e:  # reported to rebuild_many, which raises
            queue.put(("error", model, f"{type(e).__name__}: {e}"))

    def _swap(self, conn: Any, runner: ProjectionRunner, generation: int) -> None:
        model, tables = runner.model, runner.projection.tables
        with transaction(self.db, conn):
            if isinstance(self.db, PostgresReadDatabase):
                # The swap is durable when it is done (and with it every batch before it).
                conn.execute("SET LOCAL synchronous_commit = on")
                # Hold every runner of this model off the registry while we finish and swap.
                conn.execute(
                    f"SELECT 1 FROM {self.db.dialect.qualified('rm_generations')} "
                    "WHERE model = %s FOR UPDATE",
                    (model,),
                )
            old = self.registry.active(conn, model)
            while True:
                row = self.registry.get(conn, model, generation)
                assert row is not None
                if runner.apply_batch(conn, row) is None:
                    break
            if old is not None:
                self.registry.set_state(conn, model, old.generation, "retired")
            self.registry.set_state(conn, model, generation, "active")
        if old is not None:
            with transaction(self.db, conn):
                if isinstance(self.db, PostgresReadDatabase):
                    conn.execute("SET LOCAL synchronous_commit = on")
                self.registry.drop(conn, model, old.generation, tables)
        log.info("read model %s now serves generation %d", model, generation)

    def build_as_of(self, model: str, position: int, progress: Progress | None = None) -> int:
        """A scratch generation holding the model as of ``position``."""
        with unavailable_when_unreachable():  # a query asked for it
            return self._build_as_of(model, position, progress)

    def _build_as_of(self, model: str, position: int, progress: Progress | None) -> int:
        projection = self._projection(model)
        runner = self._bulk_runner(projection)
        with closing(self.db.connect(f"as-of:{model}")) as conn:
            _commit_without_waiting(self.db, conn)
            with transaction(self.db, conn):
                generation = self.registry.create(
                    conn,
                    model,
                    projection.tables,
                    projection.shape(),
                    "scratch",
                    defer_indexes=True,
                )
            try:
                runner.catch_up(conn, generation=generation, stop_at=position, progress=progress)
                with transaction(self.db, conn):
                    self.registry.create_indexes(conn, model, generation, projection.tables)
            except BaseException:
                with transaction(self.db, conn):
                    self.registry.drop(conn, model, generation, projection.tables)
                raise
        return generation

    def drop_scratch(self, model: str, generation: int) -> None:
        """Remove a scratch generation."""
        with (
            unavailable_when_unreachable(),
            closing(self.db.connect("as-of")) as conn,
            transaction(self.db, conn),
        ):
            row = self.registry.get(conn, model, generation)
            if row is not None and row.state == "scratch":
                self.registry.drop(conn, model, generation, self._projection(model).tables)

    def start(self, stop: threading.Event, signal_factory: Any) -> list[threading.Thread]:
        """Run every model's live runner in a thread of this process until ``stop`` is set."""
        threads = []
        for model in self.projections:
            runner = self.runner(model)
            signal: EventSignal = signal_factory()
            thread = threading.Thread(
                target=_run_and_close,
                args=(runner, stop, signal),
                name=f"containr-projection-{model}",
                daemon=True,
            )
            thread.start()
            threads.append(thread)
        return threads


def _commit_without_waiting(db: PostgresReadDatabase | SqliteReadDatabase, conn: Any) -> None:
    """Commits of a generation being built do not wait for the WAL to reach the disk (one
    flush per batch). A crash may lose the last of them, but only whole batches with their
    position, never one without the other; and a building generation is dropped at the
    next start anyway."""
    if isinstance(db, PostgresReadDatabase):
        conn.execute("SET synchronous_commit = off")
        conn.commit()


def _for_model(progress: Callable[[str, int, int], None] | None, model: str) -> Progress | None:
    if progress is None:
        return None
    return lambda done, total: progress(model, done, total)


class _Child:
    """A model rebuilt in a process of its own, which reports on its standard output.

    A fresh interpreter that imports only what a rebuild needs (``rebuild_child``): a
    multiprocessing child would first import the parent's main module again (the whole
    CLI, or a benchmark), which costs more than a small model's rebuild.
    """

    def __init__(self, model: str, process: subprocess.Popen[bytes]) -> None:
        self.model = model
        self.process = process

    @classmethod
    def start(cls, settings: Settings, model: str, queue: Queue[tuple[Any, ...]]) -> _Child:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter, module and model name
            [sys.executable, "-m", "adapters.readstore.rebuild_child", model],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        child = cls(model, process)
        assert process.stdin is not None
        # The settings (secrets included) go through a pipe, never the command line.
        process.stdin.write(_encode_settings(settings))
        process.stdin.close()
        threading.Thread(target=child._relay, args=(queue,), name=f"rebuild-{model}").start()
        return child

    def _relay(self, queue: Queue[tuple[Any, ...]]) -> None:
        """Pass the child's reports on, then say that it ended."""
        assert self.process.stdout is not None
        try:
            with self.process.stdout as reports:
                for line in reports:
                    with contextlib.suppress(msgspec.DecodeError):  # not a report: skip it
                        queue.put(tuple(msgspec.json.decode(line, type=list[Any])))
        finally:
            queue.put(("ended", self.model, self.process.wait()))

    def stop(self) -> None:
        """End the child if it still runs (the parent failed or was interrupted)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _encode_settings(settings: Settings) -> bytes:
    return msgspec.json.encode(
        settings, enc_hook=lambda o: o.reveal() if isinstance(o, Secret) else o
    )


def rebuild_child(model: str, encoded: bytes, report: Callable[[tuple[Any, ...]], None]) -> None:
    """In a child process: rebuild one model, reporting progress, then its generation or
    its error, through ``report``."""
    settings = msgspec.json.decode(encoded, type=Settings, dec_hook=secret_dec_hook)
    events = open_event_store(settings)
    try:
        host = ReadModelHost(events, open_read_database(settings))
        generation = host.rebuild(model, lambda d, t: report(("progress", model, d, t)))
        report(("done", model, generation))
    except Exception as e:  # reported to the parent, which raises
        report(("error", model, f"{type(e).__name__}: {e}"))
    finally:
        events.close()


def _run_and_close(runner: ProjectionRunner, stop: threading.Event, signal: EventSignal) -> None:
    try:
        runner.run(stop, signal)
    finally:
        signal.close()
