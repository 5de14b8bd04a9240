"""The one event store: an eventsourcing Application whose events table is the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from uuid import UUID

import msgspec
from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoder,
)
from eventsourcing.utils import Environment, resolve_topic

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


class EventStore(Application[UUID]):
    """Containr's single event-sourced application: one events table, one global sequence."""

    name = "containr"
    env: ClassVar[dict[str, str]] = {}

    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        """Use only the mapping bootstrap gives; never the process environment."""
        return Environment(name, dict(env or {}))

    def construct_mapper(self) -> Mapper[UUID]:
        """Our typed msgspec mapper instead of the library's JSON one."""
        return EventMapper()
