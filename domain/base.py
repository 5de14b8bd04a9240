"""The base of every Containr aggregate: each event records who caused it and when."""

from __future__ import annotations

from eventsourcing.domain import Aggregate


class ContainrAggregate(Aggregate):
    """An aggregate whose events all name their actor; time always comes from the caller."""

    class Event(Aggregate.Event):
        """Something that happened to the aggregate, caused by ``actor``."""

        actor: str

    class Created(Event, Aggregate.Created):
        """The aggregate came into existence."""
