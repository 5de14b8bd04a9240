"""The unit of work of one command: the aggregates it loads and creates, saved together."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, Recording

from application.archives import SourceArchives
from application.errors import NotFoundError
from application.eventstore import EventStore
from application.ports import SecretBox
from domain.base import ContainrAggregate
from domain.deployment import DeadlinePolicy
from domain.ids import Actor
from domain.service_spec import DatabaseSettings

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
        fresh: bool = False,
        since: float | None = None,
        database_images: Callable[[DatabaseSettings], str] | None = None,
    ) -> None:
        self.store = store
        self.database_images = database_images
        """The image a managed database of an engine and version runs (the configured
        CONTAINR_*_IMAGE settings; None: the official images)."""
        self.archives = archives
        """Uploaded source archives (to check the one a deployment names)."""
        self.user_id = user_id
        """The signed-in user who sent the command (None for Containr's own components)."""
        self.actor = actor
        self.now = now
        self.secrets = secrets
        self.deadlines = deadlines
        self.fresh = fresh
        """Load every aggregate from the database (a retry after a conflict or stale read)."""
        self.since = time.monotonic() if since is None else since
        """When the command first tried (older commands win conflicts in a group commit)."""
        self._seen: dict[UUID, ContainrAggregate] = {}
        self._read: dict[UUID, int] = {}
        """The version of each aggregate as loaded (0: found absent), checked at commit."""
        self._remembered: dict[UUID, int] = {}
        """The reads answered from memory, not from the database."""

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
            if aggregate_id in self._read:  # found absent before
                return None
            try:
                aggregate, remembered = self.store.load(aggregate_id, fresh=self.fresh)
            except AggregateNotFoundError:
                self._read[aggregate_id] = 0
                return None
            self._seen[aggregate_id] = aggregate
            self._read[aggregate_id] = aggregate.version
            if remembered:
                self._remembered[aggregate_id] = aggregate.version
        return aggregate if isinstance(aggregate, cls) else None

    def find_known(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """As ``find``, but an aggregate this process does not remember is taken to be absent
        without asking the database. The commit checks it: a unit that creates it then is
        refused by the version already recorded, and the bus tries it again, with the
        database's state unless this process committed the aggregate (then it is
        remembered). For an aggregate that is nearly always new (a delivery's record)."""
        if self.fresh or not self.store.verifies_reads:
            return self.find(cls, aggregate_id)
        aggregate = self._seen.get(aggregate_id)
        if aggregate is None:
            if aggregate_id in self._read:
                return None
            aggregate = self.store.load_known(aggregate_id)
            version = 0 if aggregate is None else aggregate.version
            self._read[aggregate_id] = self._remembered[aggregate_id] = version
            if aggregate is None:
                return None
            self._seen[aggregate_id] = aggregate
        return aggregate if isinstance(aggregate, cls) else None

    def add(self, aggregate: A) -> A:
        """Track a newly created aggregate so commit() saves it."""
        self._seen[aggregate.id] = aggregate
        return aggregate

    def commit(self, *extra: ContainrAggregate) -> list[Recording[UUID]]:
        """Save every pending event of this unit (plus ``extra``) atomically, in one save().

        Raises IntegrityError when a concurrent command recorded events of an aggregate
        this unit changed or (where the store verifies reads) read.
        """
        pending = [a for a in self._seen.values() if a.pending_events]
        pending.extend(extra)
        if not pending:
            # Nothing to record, but "nothing to do" may rest on an old state (a service
            # already at 3 replicas that another process scaled to 5 since).
            if self.read_stale():
                raise IntegrityError("an aggregate this command read from memory moved on")
            return []
        return self.store.record(pending, self._read, since=self.since)

    def lost_to_this_process(self) -> bool:
        """Whether the conflict that refused this unit's commit was with a command of this
        process (then loading from memory again sees what it missed)."""
        return self.store.moved_on_here(self._read)

    def read_stale(self) -> bool:
        """Whether an aggregate this unit took from memory has moved on in the database
        (what the unit decided may rest on an old state: try again with ``fresh``)."""
        return bool(self._remembered) and self.store.moved_on(self._remembered)
