"""Name reservations: how a slug stays unique within its scope across aggregates."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import RuleViolatedError
from domain.ids import Actor, derived_id


class Reservation(ContainrAggregate):
    """A claim on a name within a scope (e.g. project slugs in one organisation).

    Its id derives from the scope and the name, so two commands that claim the same
    name write the same aggregate and the event store lets only one of them succeed.
    """

    class Created(ContainrAggregate.Created):
        scope: str
        name: str
        holder_id: UUID

    class Released(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.holder_id = None

    class Taken(ContainrAggregate.Event):
        holder_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.holder_id = self.holder_id

    def __init__(self, scope: str, name: str, holder_id: UUID) -> None:
        self.scope = scope
        self.name = name
        self.holder_id: UUID | None = holder_id

    @staticmethod
    def id_for(scope: str, name: str) -> UUID:
        """The reservation id of a name in a scope."""
        return derived_id("reservation", scope, name)

    @classmethod
    def claim(
        cls, scope: str, name: str, holder_id: UUID, *, actor: Actor, now: datetime
    ) -> Reservation:
        """Reserve a name that nobody has reserved before."""
        return cls._create(
            cls.Created,
            id=cls.id_for(scope, name),
            scope=scope,
            name=name,
            holder_id=holder_id,
            actor=actor,
            timestamp=now,
        )

    @property
    def is_held(self) -> bool:
        """Whether some aggregate currently holds the name."""
        return self.holder_id is not None

    def take(self, holder_id: UUID, *, actor: Actor, now: datetime) -> None:
        """Give a released (or expired) name to a new holder."""
        if self.holder_id == holder_id:
            return
        self.trigger_event(self.Taken, holder_id=holder_id, actor=actor, timestamp=now)

    def release(self, holder_id: UUID, *, actor: Actor, now: datetime) -> None:
        """Give the name up; only its holder may."""
        if self.holder_id != holder_id:
            raise RuleViolatedError(f"{self.scope} name {self.name!r} is not held by {holder_id}")
        self.trigger_event(self.Released, actor=actor, timestamp=now)
