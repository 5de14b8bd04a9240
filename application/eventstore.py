"""The one event store: an eventsourcing Application whose events table is the audit log."""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar
from uuid import UUID

import msgspec
from eventsourcing.application import Application, ProcessingEvent
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


_SHARED_TYPES = (str, bytes, int, float, complex, UUID, date, time, timedelta, Decimal)
"""Values nobody can change in place: a copy of an aggregate shares them."""
_EXACTLY_SHARED = frozenset((*_SHARED_TYPES, datetime, bool, type(None)))


def _unchangeable(value: object) -> bool:
    """Whether ``value`` cannot be changed in place, nor anything in it."""
    kind = type(value)
    if kind in _EXACTLY_SHARED or isinstance(value, Enum):  # Enum members are singletons
        return True
    if kind is tuple or kind is frozenset:
        return all(_unchangeable(item) for item in value)  # type: ignore[attr-defined]
    names = _frozen_fields.get(kind)
    if names is None:
        params = getattr(kind, "__dataclass_params__", None)
        frozen = params is not None and params.frozen
        names = _frozen_fields[kind] = (
            tuple(f.name for f in fields(kind)) if frozen else ()  # type: ignore[arg-type]
        )
    if names:
        return all(_unchangeable(getattr(value, name)) for name in names)
    # A subclass of an immutable type (a str subclass…) unless it has attributes of its own.
    return isinstance(value, _SHARED_TYPES) and not getattr(value, "__dict__", None)


_frozen_fields: dict[type, tuple[str, ...]] = {}
"""The fields of each frozen dataclass met (empty for any other class)."""


def _unchangeable_since(value: object, before: object) -> bool:
    """``_unchangeable(value)``, where ``before`` is a value found unchangeable: of a frozen
    dataclass that ``before`` is of too (a ``replace`` of it, say), only the fields that are
    not the very objects ``before`` holds are looked at."""
    names = _frozen_fields.get(type(value))
    if not names or type(before) is not type(value):
        return _unchangeable(value)
    for name in names:
        field = getattr(value, name)
        if field is not getattr(before, name) and not _unchangeable(field):
            return False
    return True


def _copier(value: object, before: object = None) -> Callable[[Any], Any] | None:
    """How a copy of an aggregate copies one of its attributes (None: it shares it).
    ``before``: an earlier value of the attribute that copies shared (None: none known)."""
    if _unchangeable(value) if before is None else _unchangeable_since(value, before):
        return None
    if isinstance(value, dict) and type(value) is dict:
        if all(_unchangeable(k) and _unchangeable(v) for k, v in value.items()):
            return dict.copy
    elif (
        isinstance(value, list | set)
        and type(value) in (list, set)
        and all(_unchangeable(item) for item in value)
    ):
        return type(value).copy
    return copy.deepcopy


_Copiers = tuple[tuple[str, Callable[[Any], Any]], ...]


class _Frozen:
    """A committed aggregate nobody changes any more, and how to copy it: attributes that
    cannot change in place are shared, containers of such values copied shallowly, and
    anything else deep-copied (far cheaper than pickling the whole aggregate).

    How to copy it is worked out by the first copy. Where the entry it replaced had worked
    it out already, only the attributes that are not the very objects that entry shared
    are looked at again (a command changes a few attributes of an aggregate).
    """

    __slots__ = ("_copiers", "_previous", "aggregate")

    def __init__(
        self,
        aggregate: ContainrAggregate,
        *,
        copiers: _Copiers | None = None,
        previous: _Frozen | None = None,
    ) -> None:
        self.aggregate = aggregate
        self._copiers = copiers
        # Only a previous entry whose plan is known helps (and no chain of them is kept).
        self._previous = previous if previous is not None and previous._copiers else None

    @property
    def copiers(self) -> _Copiers:
        """Each attribute a copy cannot share, with how to copy it."""
        copiers = self._copiers
        if copiers is None:
            previous, self._previous = self._previous, None
            state = vars(self.aggregate).items()
            if previous is None or previous._copiers is None:
                copiers = tuple(
                    (name, copier) for name, value in state if (copier := _copier(value))
                )
            else:
                shared = vars(previous.aggregate)
                copied = {name for name, _ in previous._copiers}
                found = []
                for name, value in state:
                    if name in copied:
                        copier = _copier(value)
                    else:
                        before = shared.get(name, _Frozen)
                        if before is value:
                            continue
                        copier = _copier(value, None if before is _Frozen else before)
                    if copier is not None:
                        found.append((name, copier))
                copiers = tuple(found)
            self._copiers = copiers
        return copiers

    def copy(self) -> ContainrAggregate:
        """A copy for a command to change: changing it leaves this one as it is."""
        original = self.aggregate
        state = dict(vars(original))
        for name, copier in self.copiers:
            state[name] = copier(state[name])
        copied: ContainrAggregate = object.__new__(type(original))
        copied.__dict__ = state
        return copied


class CommittedAggregates:
    """The latest committed state of recently used aggregates, as the commands of this
    process left them or last read them (least recently used ones are dropped).

    An entry is an aggregate nobody changes any more; a command gets its own copy of it
    (see ``_Frozen``). Entries are replaced whole, and only by newer versions.
    """

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._entries: OrderedDict[UUID, tuple[int, _Frozen]] = OrderedDict()
        self._lock = threading.Lock()

    def copy(self, aggregate_id: UUID) -> ContainrAggregate | None:
        """A copy of the remembered aggregate, for a command to change; None if unknown."""
        with self._lock:
            entry = self._entries.get(aggregate_id)
            if entry is None:
                return None
            self._entries.move_to_end(aggregate_id)
        return entry[1].copy()

    def peek(self, aggregate_id: UUID) -> ContainrAggregate | None:
        """The remembered aggregate itself (nobody may change it), or None."""
        with self._lock:
            entry = self._entries.get(aggregate_id)
            if entry is None:
                return None
            self._entries.move_to_end(aggregate_id)
        return entry[1].aggregate

    def version(self, aggregate_id: UUID) -> int | None:
        """The version remembered, or None."""
        with self._lock:
            entry = self._entries.get(aggregate_id)
        return None if entry is None else entry[0]

    def put(self, aggregate: ContainrAggregate, *, copy: bool = False) -> None:
        """Remember ``aggregate`` unless a newer version is known: as it is (then nobody may
        change it any more), or a copy of it."""
        frozen: _Frozen | None = None
        if copy:  # the caller goes on to change the one it has
            original = _Frozen(aggregate)
            frozen = _Frozen(original.copy(), copiers=original.copiers)
        with self._lock:
            known = self._entries.get(aggregate.id)
            if known is not None and known[0] >= aggregate.version:
                return
            if frozen is None:
                frozen = _Frozen(aggregate, previous=None if known is None else known[1])
            self._entries[aggregate.id] = (aggregate.version, frozen)
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

    def running(self) -> AbstractContextManager[object]:
        """A block that runs one attempt of a command: a recorder that group-commits may
        wait a moment for its save rather than commit without it."""
        running: Callable[[], AbstractContextManager[object]] | None = getattr(
            self.recorder, "running", None
        )
        return nullcontext() if running is None else running()

    def load(self, aggregate_id: UUID, *, fresh: bool) -> tuple[ContainrAggregate, bool]:
        """A copy of the aggregate for a command to change, and whether it came from this
        process's memory unverified (False when it was read from the database).

        Raises AggregateNotFoundError when there is no aggregate under that id.
        """
        committed = self._committed
        if committed is not None and not fresh:
            known = committed.copy(aggregate_id)
            if known is not None:
                return known, True
        aggregate: ContainrAggregate = self.repository.get(aggregate_id)
        if committed is not None:
            committed.put(aggregate, copy=True)
        return aggregate, False

    def load_known(self, aggregate_id: UUID) -> ContainrAggregate | None:
        """A copy of the aggregate as this process last committed or read it, without asking
        the database; None when it is not remembered (or the recorder cannot verify reads
        at commit, when nothing is remembered)."""
        committed = self._committed
        return None if committed is None else committed.copy(aggregate_id)

    def peek(self, aggregate_id: UUID) -> ContainrAggregate | None:
        """The remembered aggregate itself, for reading only (never to be changed): None when
        it is not remembered. It may be behind what other processes committed."""
        committed = self._committed
        return None if committed is None else committed.peek(aggregate_id)

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
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        # What save() does, without its protocol isinstance checks per aggregate (about a
        # quarter of a 20-aggregate command's time): these are all our own aggregates.
        for aggregate in aggregates:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        committed = self._committed
        if committed is not None:

            def remember() -> None:  # as soon as committed: a command refused for it sees it
                for aggregate in aggregates:
                    committed.put(aggregate)

            processing.saved_kwargs.update(
                read_versions=read_versions, since=since, on_commit=remember
            )
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        return recordings

    def moved_on_here(self, read_versions: Mapping[UUID, int]) -> bool:
        """Whether a command of this process committed a newer version of one of these
        aggregates (then what it remembers is enough to try again)."""
        committed = self._committed
        if committed is None:
            return False
        for aggregate_id, version in read_versions.items():
            known = committed.version(aggregate_id)
            if known is not None and known > version:
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
