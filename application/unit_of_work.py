"""The unit of work of one command: the aggregates it loads and creates, saved together."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import Recording

from application.archives import SourceArchives
from application.errors import NotFoundError
from application.eventstore import EventStore
from application.ports import SecretBox
from domain.base import ContainrAggregate
from domain.deployment import DeadlinePolicy
from domain.ids import Actor

A = TypeVar("A", bound=ContainrAggregate)


class UnitOfWork:
    """Loads aggregates once, tracks new ones, and saves every pending event in one save()."""

    def __init__(
        self,
        store: EventStore,
        *,
        actor: Actor,
        now: datetime,
        secrets: SecretBox,
        deadlines: DeadlinePolicy,
        user_id: UUID | None = None,
        archives: SourceArchives | None = None,
    ) -> None:
        self.store = store
        self.archives = archives
        """Uploaded source archives (to check the one a deployment names)."""
        self.user_id = user_id
        """The signed-in user who sent the command (None for Containr's own components)."""
        self.actor = actor
        self.now = now
        self.secrets = secrets
        self.deadlines = deadlines
        self._seen: dict[UUID, ContainrAggregate] = {}

    def get(self, cls: type[A], aggregate_id: UUID, kind: str) -> A:
        """The aggregate of type ``cls``; NotFoundError if there is none under that id."""
        found = self.find(cls, aggregate_id)
        if found is None:
            raise NotFoundError(kind, aggregate_id)
        return found

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate of type ``cls`` under ``aggregate_id``, or None."""
        aggregate = self._seen.get(aggregate_id)
        if aggregate is None:
            try:
                aggregate = self.store.repository.get(aggregate_id)
            except AggregateNotFoundError:
                return None
            self._seen[aggregate_id] = aggregate
        return aggregate if isinstance(aggregate, cls) else None

    def add(self, aggregate: A) -> A:
        """Track a newly created aggregate so commit() saves it."""
        self._seen[aggregate.id] = aggregate
        return aggregate

    def commit(self, *extra: ContainrAggregate) -> list[Recording[UUID]]:
        """Save every pending event of this unit (plus ``extra``) atomically, in one save()."""
        pending = [a for a in self._seen.values() if a.pending_events]
        pending.extend(extra)
        if not pending:
            return []
        return self.store.save(*pending)
