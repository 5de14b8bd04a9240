"""The webhook intake: verify a delivery against its connection's secrets and record it once.

It answers fast: verification, one command, no read-model wait; what the delivery causes is
decided later by the webhook process manager (application/processes/webhooks.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application import commands as c
from application.bus import CommandBus, CommandResult, Context
from application.errors import ConflictError, NotFoundError
from application.eventstore import EventStore
from application.ports import Clock
from application.queries import Queries
from application.webhooks import (
    Delivery,
    Fact,
    Ignored,
    PullRequest,
    Push,
    Release,
    SecretsChangedError,
    WebhookReader,
    WebhookRefusedError,
)
from domain.git_connection import GitConnection
from domain.ids import Actor
from domain.values import SealedValue
from domain.webhook_delivery import DeliveryFact

ACTOR = Actor("system:webhooks")
MAX_OPENED = 10_000
MAX_VERIFICATIONS = 4
"""How many times a delivery is verified again when its connection keeps changing meanwhile."""


class WebhookIntake:
    """Receives deliveries for the HTTP endpoint ``POST /webhooks/{connection_id}``."""

    def __init__(
        self,
        *,
        queries: Queries,
        reader: WebhookReader,
        bus: CommandBus,
        clock: Clock,
        store: EventStore | None = None,
    ) -> None:
        self._queries = queries
        self._reader = reader
        self._bus = bus
        self._clock = clock
        self._store = store
        self._ctx = Context(actor=ACTOR)
        self._opened: dict[tuple[UUID, str], bytes] = {}

    def receive(
        self, connection_id: UUID, headers: Mapping[str, str], body: bytes
    ) -> CommandResult:
        """Record a verified delivery; its id is ``result.id("delivery_id")``.

        Raises NotFoundError for an unknown or removed connection, and the reader's
        WebhookRefusedError subclasses for a delivery that fails verification or parsing;
        nothing is recorded then. A redelivery records nothing and answers the same id.

        The connection is taken from this process's memory when it is there: the command
        records the delivery only under the very version that verified it, and its commit
        checks that version is still the latest (the connection is one of the aggregates it
        read), so a rotation or removal anywhere is never missed. A refusal, which the
        commit cannot check, is given only after the database confirms the connection.
        """
        connection, remembered = self._connection(connection_id, fresh=False)
        for _ in range(MAX_VERIFICATIONS):
            try:
                delivery = self._verify(connection, headers, body)
            except (WebhookRefusedError, NotFoundError):
                if not remembered:
                    raise
                latest, remembered = self._connection(connection_id, fresh=True)
                if latest.version == connection.version:
                    raise
                connection = latest
                continue
            try:
                return self._bus.execute(
                    c.RecordWebhookDelivery(
                        connection_id=connection.id,
                        delivery_id=delivery.delivery_id,
                        event=delivery.event,
                        fact=fact_of(delivery),
                        digest=hashlib.sha256(body).hexdigest(),
                        connection_version=connection.version,
                    ),
                    self._ctx,
                )
            except SecretsChangedError:
                connection, remembered = self._connection(connection_id, fresh=True)
        raise ConflictError(f"git connection {connection_id} kept changing; send it again")

    def _verify(
        self, connection: GitConnection, headers: Mapping[str, str], body: bytes
    ) -> Delivery:
        if connection.removed:
            raise NotFoundError("git connection", connection.id)
        secrets = [
            self._open(connection, sealed)
            for sealed in connection.accepted_secrets(self._clock.now())
        ]
        return self._reader.read(connection.provider, secrets, headers, body)

    def _connection(self, connection_id: UUID, *, fresh: bool) -> tuple[GitConnection, bool]:
        """The connection, and whether it came from memory (possibly behind the database)."""
        if not fresh and self._store is not None:
            known = self._store.peek(connection_id)
            if isinstance(known, GitConnection):
                return known, True
        try:
            if self._store is not None:
                # Read from the database, and remembered for the next deliveries.
                loaded, _ = self._store.load(connection_id, fresh=True)
                if isinstance(loaded, GitConnection):
                    return loaded, False
                raise NotFoundError("git connection", connection_id)
            return self._queries.git_connection(connection_id), False
        except (NotFoundError, AggregateNotFoundError):
            raise NotFoundError("git connection", connection_id) from None

    def _open(self, connection: GitConnection, sealed: SealedValue) -> bytes:
        """A webhook secret, opened once per sealed value: each rotation seals a new one, so
        what was opened stays right, and opening costs a data-key read and a decryption."""
        key = (connection.id, sealed)
        opened = self._opened.get(key)
        if opened is None:
            if len(self._opened) >= MAX_OPENED:
                self._opened.clear()
            secret = self._queries.open_sealed(
                connection.organization_id, GitConnection.secret_context(connection.id), sealed
            )
            opened = self._opened[key] = secret.reveal().encode()
        return opened


def fact_of(delivery: Delivery) -> DeliveryFact:
    """The domain's record of what a delivery says (never a secret: none is in a fact)."""
    fact: Fact = delivery.fact
    if isinstance(fact, Push):
        return DeliveryFact(
            kind="push",
            repository=fact.repository,
            ref_kind=fact.ref_kind,
            ref=fact.ref,
            commit=fact.commit,
            message=fact.message,
            paths=fact.paths,
            paths_complete=fact.paths_complete,
        )
    if isinstance(fact, PullRequest):
        return DeliveryFact(
            kind="pull_request",
            repository=fact.repository,
            ref_kind="branch",
            ref=fact.head_branch,
            commit=fact.head_commit,
            number=fact.number,
            action=fact.action,
            base_ref=fact.base_branch,
            title=fact.title[:300],
            url=fact.url[:500],
            from_fork=fact.from_fork,
        )
    if isinstance(fact, Release):
        return DeliveryFact(
            kind="release", repository=fact.repository, ref_kind="tag", ref=fact.tag
        )
    if isinstance(fact, Ignored):
        return DeliveryFact(kind="ignored", reason=fact.reason)
    return DeliveryFact(kind="ping")


__all__ = ["ACTOR", "WebhookIntake", "fact_of"]
