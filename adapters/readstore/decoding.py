"""Stored events to typed domain events in one msgspec pass, for runners and rebuilds.

``EventMapper.decode`` parses the JSON into dicts and then converts them to the event class
(two passes, a dict per event). A runner decodes every event of the log, so it instead hands
the stored JSON, with the originator's id and version spliced in, straight to a typed
``msgspec.json.Decoder`` of the event class. Whenever that shortcut could differ from the
mapper (an event recorded under an older ``class_version`` that needs upcasting, an
unexpected layout, anything the typed decoder refuses) the mapper decodes the event, so
the result, and every error, is the mapper's.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.utils import resolve_topic

from application.eventstore import EventMapper

_NO_CLASS_VERSION = b'"class_version"'


class EventDecoder:
    """Decodes (topic, state, originator id as text, version) into domain events."""

    def __init__(self, mapper: EventMapper) -> None:
        self._mapper = mapper
        self._plans: dict[str, tuple[Any, bytes | None]] = {}

    def decode(self, topic: str, state: bytes, originator_id: str, version: int) -> Any:
        """The event recorded under ``topic``, exactly as the mapper would decode it."""
        plan = self._plans.get(topic)
        if plan is None:
            plan = self._plans[topic] = _plan(topic)
        decoder, suffix = plan
        # The stored state must be at the event class's current version: either it names
        # none (version 1) or it ends with the current one (the transcoder writes it last).
        if decoder is not None and (
            _NO_CLASS_VERSION not in state if suffix is None else state.endswith(suffix)
        ):
            try:
                return decoder.decode(
                    b'%b,"originator_id":"%b","originator_version":%d}'
                    % (state[:-1], originator_id.encode(), version)
                )
            except msgspec.MsgspecError:
                pass  # the mapper decodes it, or raises its own error
        return self._mapper.decode(topic, state, UUID(originator_id), version)


def _plan(topic: str) -> tuple[Any, bytes | None]:
    """A typed decoder for the topic's class, and the ending that names its version."""
    try:
        cls = resolve_topic(topic)
        decoder = msgspec.json.Decoder(cls)
    except Exception:  # not a class msgspec can decode to: leave it to the mapper
        return None, None
    class_version = getattr(cls, "class_version", 1)
    if class_version == 1:
        return decoder, None
    return decoder, b',"class_version":%d}' % class_version
