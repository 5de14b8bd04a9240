"""The one event store: an eventsourcing Application whose events table is the audit log."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from copy import deepcopy
from typing import Any, ClassVar
from uuid import UUID

import msgspec
from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    Mapper,
    MapperDeserialisationError,
    Recording,
    StoredEvent,
    Transcoder,
)
from eventsourcing.utils import Environment, resolve_topic

from domain.base import ContainrAggregate

_decode_json = msgspec.json.Decoder().decode
_encode_json = msgspec.json.Encoder().encode


class MsgspecTranscoder(Transcoder):
    """Encodes event state as compact JSON with msgspec (UUIDs, datetimes, enums, dataclasses)."""

    def encode(self, obj: Any) -> bytes:
        """JSON bytes of ``obj``."""
        return _encode_json(obj)

    def decode(self, data: bytes) -> Any:
        """Plain JSON values of ``data``; the mapper gives them their types."""
        return _decode_json(data)


class EventMapper(Mapper[UUID]):
    """Maps stored events to typed domain events, using each event class's annotations.

    Decoding is strict: a stored event that does not match its class fails loudly.
    Shipped event shapes change only through ``class_version`` and ``upcast_vN_vM``.
    """

    def __init__(self) -> None:
        super().__init__(transcoder=MsgspecTranscoder())

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        """The domain event a stored event records."""
        return self.decode(
            stored_event.topic,
            stored_event.state,
            stored_event.originator_id,  # type: ignore[arg-type]  # our ids are always UUIDs
            stored_event.originator_version,
        )

    def decode(
        self, topic: str, data: bytes, originator_id: UUID, originator_version: int
    ) -> DomainEventProtocol[UUID]:
        """The domain event recorded under ``topic`` with state ``data``."""
        cls = resolve_topic(topic)
        try:
            state: dict[str, Any] = _decode_json(data)
            class_version = getattr(cls, "class_version", 1)
            from_version = state.pop("class_version", 1)
            while from_version < class_version:
                getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
                from_version += 1
            state["originator_id"] = originator_id
            state["originator_version"] = originator_version
            event: DomainEventProtocol[UUID] = msgspec.convert(state, type=cls, str_keys=True)
        except (msgspec.ValidationError, msgspec.DecodeError) as e:
            msg = (
                f"stored event {topic} of {originator_id} v{originator_version} "
                f"does not match its class: {e}"
            )
            raise MapperDeserialisationError(msg) from e
        return event


class CommittedAggregates:
    """The latest committed state of recently used aggregates, as the commands of this
    process left them or last read them (least recently used ones are dropped).

    Entries are replaced whole and never changed in place, so a copy can be taken without
    a lock; an entry only ever moves forward (a newer version replaces an older one).
    """

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._entries: OrderedDict[UUID, ContainrAggregate] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, aggregate_id: UUID) -> ContainrAggregate | None:
        """The cached aggregate (not a copy: never change it), or None."""
        with self._lock:
            aggregate = self._entries.get(aggregate_id)
            if aggregate is not None:
                self._entries.move_to_end(aggregate_id)
            return aggregate

    def put(self, aggregate: ContainrAggregate) -> None:
        """Remember ``aggregate`` (no longer to be changed) unless a newer version is known."""
        with self._lock:
            known = self._entries.get(aggregate.id)
            if known is not None and known.version >= aggregate.version:
                return
            self._entries[aggregate.id] = aggregate
            self._entries.move_to_end(aggregate.id)
            if len(self._entries) > self._maxsize:
                self._entries.popitem(last=False)


class EventStore(Application[UUID]):
    """Containr's single event-sourced application: one events table, one global sequence.

    Commands load aggregates with ``load`` and save with ``record``. Where the recorder
    checks at commit time that every aggregate a command read is still at the version it
    read (``verifies_reads``: the PostgreSQL group-commit recorder), ``load`` answers from
    the aggregates this process last committed or read without asking the database; a
    command that read a stale one is refused at commit and retried with ``fresh`` loads.
    """

    name = "containr"
    env: ClassVar[dict[str, str]] = {}

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        super().__init__(env)
        self.verifies_reads: bool = getattr(self.recorder, "verifies_reads", False)
        maxsize = int(self.env.get(self.AGGREGATE_CACHE_MAXSIZE) or 5000)
        self._committed = CommittedAggregates(maxsize) if self.verifies_reads else None

    def load(self, aggregate_id: UUID, *, fresh: bool) -> tuple[ContainrAggregate, bool]:
        """A copy of the aggregate for a command to change, and whether it came from this
        process's memory unverified (False when it was read from the database).

        Raises AggregateNotFoundError when there is no aggregate under that id.
        """
        committed = self._committed
        if committed is not None and not fresh:
            known = committed.get(aggregate_id)
            if known is not None:
                return deepcopy(known), True
        aggregate: ContainrAggregate = self.repository.get(aggregate_id)
        if committed is not None:
            committed.put(deepcopy(aggregate))
        return aggregate, False

    def record(
        self,
        aggregates: Sequence[ContainrAggregate],
        read_versions: Mapping[UUID, int],
        *,
        since: float,
    ) -> list[Recording[UUID]]:
        """Save the pending events of ``aggregates`` in one transaction.

        ``read_versions`` are the versions of every aggregate the command read (0 for one it
        found absent): where the recorder verifies reads, the save fails with
        IntegrityError if any of them moved on meanwhile. ``since`` is when the command
        first tried (the older of two conflicting commands wins).
        """
        committed = self._committed
        if committed is None:
            return self.save(*aggregates)

        def remember() -> None:  # as soon as committed: a command refused for it sees it
            for aggregate in aggregates:
                committed.put(aggregate)

        return self.save(*aggregates, read_versions=read_versions, since=since, on_commit=remember)

    def moved_on_here(self, read_versions: Mapping[UUID, int]) -> bool:
        """Whether a command of this process committed a newer version of one of these
        aggregates (then what it remembers is enough to try again)."""
        committed = self._committed
        if committed is None:
            return False
        for aggregate_id, version in read_versions.items():
            known = committed.get(aggregate_id)
            if known is not None and known.version > version:
                return True
        return False

    def moved_on(self, read_versions: Mapping[UUID, int]) -> bool:
        """Whether any of these aggregates has events after the version given for it."""
        return any(
            self.recorder.select_events(aggregate_id, gt=version, limit=1)
            for aggregate_id, version in read_versions.items()
        )

    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        """Use only the mapping bootstrap gives; never the process environment."""
        return Environment(name, dict(env or {}))

    def construct_mapper(self) -> Mapper[UUID]:
        """Our typed msgspec mapper instead of the library's JSON one."""
        return EventMapper()
