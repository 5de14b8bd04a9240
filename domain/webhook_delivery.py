"""Webhook deliveries: each verified delivery recorded once, and what it caused (issue 14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.ids import Actor, derived_id


@dataclass(frozen=True)
class DeliveryFact:
    """What a verified delivery says (the provider's payload stays at the adapter).

    ``kind`` is push, pull_request, release, ping or ignored; the other fields are filled
    as far as the kind has them.
    """

    kind: str
    repository: str = ""
    ref_kind: str = ""
    ref: str = ""
    commit: str | None = None
    message: str = ""
    paths: tuple[str, ...] = ()
    paths_complete: bool = False
    number: int | None = None
    action: str = ""
    reason: str = ""
    base_ref: str = ""
    """A pull request's base branch (what it would merge into)."""
    title: str = ""
    url: str = ""
    from_fork: bool = False


@dataclass(frozen=True)
class Caused:
    """One thing a delivery caused for a service in an environment."""

    service_id: UUID
    environment_id: UUID
    outcome: str
    """``deploy`` (a deployment was requested), ``wait`` (the commit waits for someone to
    deploy it) or ``skip``."""
    reason: str
    commit: str | None = None
    deployment_id: UUID | None = None


class WebhookDelivery(ContainrAggregate):
    """A verified delivery of a git connection's webhook, keyed by the provider's delivery id."""

    class Received(ContainrAggregate.Created):
        organization_id: UUID
        connection_id: UUID
        delivery_id: str
        event: str
        fact: DeliveryFact

    class Handled(ContainrAggregate.Event):
        caused: tuple[Caused, ...]
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.handled = True

    def __init__(
        self,
        organization_id: UUID,
        connection_id: UUID,
        delivery_id: str,
        event: str,
        fact: DeliveryFact,
    ) -> None:
        self.organization_id = organization_id
        self.connection_id = connection_id
        self.delivery_id = delivery_id
        self.event = event
        self.fact = fact
        self.handled = False

    @staticmethod
    def id_for(connection_id: UUID, delivery_id: str) -> UUID:
        """The id of a delivery: the same when the provider delivers it again."""
        return derived_id("webhook-delivery", connection_id, delivery_id)

    @classmethod
    def receive(
        cls,
        *,
        organization_id: UUID,
        connection_id: UUID,
        delivery_id: str,
        event: str,
        fact: DeliveryFact,
        actor: Actor,
        now: datetime,
    ) -> WebhookDelivery:
        """Record a verified delivery."""
        return cls._create(
            cls.Received,
            id=cls.id_for(connection_id, delivery_id),
            organization_id=organization_id,
            connection_id=connection_id,
            delivery_id=delivery_id,
            event=event,
            fact=fact,
            actor=actor,
            timestamp=now,
        )

    @staticmethod
    def deployment_id_for(delivery_id: UUID, service_id: UUID, environment_id: UUID) -> UUID:
        """The deployment a delivery requests for a service in an environment (one at most)."""
        return derived_id("webhook-deployment", delivery_id, service_id, environment_id)

    def handle(self, caused: list[Caused], reason: str, *, actor: Actor, now: datetime) -> bool:
        """Record what the delivery caused, once; False when it was handled already."""
        if self.handled:
            return False
        self.trigger_event(
            self.Handled, caused=tuple(caused), reason=reason, actor=actor, timestamp=now
        )
        return True
