"""Notification deliveries (issue 17): one alert notification to one notifier, recorded once
however often it is handed over, then sent and retried with exponential backoff until the
channel takes it or the retry budget is spent. Every attempt is recorded with what the
channel answered (never a secret)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.ids import Actor, derived_id

MAX_ANSWER = 500
"""Characters of a channel's answer kept per attempt."""


class DeliveryState(Enum):
    """Where a delivery stands."""

    PENDING = "pending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: ``first`` doubling up to ``longest``; give up after ``budget``
    since the request or after ``attempts`` attempts, whichever comes first."""

    first: timedelta = timedelta(seconds=10)
    longest: timedelta = timedelta(minutes=10)
    budget: timedelta = timedelta(hours=24)
    attempts: int = 160

    def delay(self, attempt: int) -> timedelta:
        """How long to wait after failed attempt number ``attempt`` (1 is the first)."""
        if attempt < 1:
            return timedelta(0)
        seconds = self.first.total_seconds() * 2 ** min(attempt - 1, 32)
        return min(timedelta(seconds=seconds), self.longest)

    def next_attempt(self, attempt: int, requested_at: datetime, now: datetime) -> datetime | None:
        """When to try again after failed attempt ``attempt``; None: give up."""
        if attempt >= self.attempts:
            return None
        at = now + self.delay(attempt)
        return at if at <= requested_at + self.budget else None


RETRY_POLICY = RetryPolicy()


@dataclass(frozen=True, kw_only=True)
class NotificationMessage:
    """What the notification says, as every channel renders it (from the alert process)."""

    key: str
    incident_id: UUID
    status: str
    """``firing`` or ``resolved``."""
    severity: str
    """``info``, ``warning`` or ``critical``."""
    title: str
    body: str
    at: datetime
    labels: dict[str, str]
    url: str | None = None


class NotificationDelivery(ContainrAggregate):
    """One notification to one notifier: pending, retrying, then delivered or failed."""

    class Requested(ContainrAggregate.Created):
        organization_id: UUID
        notifier_id: UUID
        message: NotificationMessage

    class Attempted(ContainrAggregate.Event):
        """Attempt ``attempt`` ended: delivered, or failed with a next attempt or none."""

        attempt: int
        ok: bool
        answer: str
        next_attempt_at: datetime | None

        def apply(self, aggregate: Any) -> None:
            aggregate.attempts = self.attempt
            aggregate.next_attempt_at = self.next_attempt_at
            if self.ok:
                aggregate.state = DeliveryState.DELIVERED
            elif self.next_attempt_at is None:
                aggregate.state = DeliveryState.FAILED
            else:
                aggregate.state = DeliveryState.RETRYING

    def __init__(
        self, organization_id: UUID, notifier_id: UUID, message: NotificationMessage
    ) -> None:
        self.organization_id = organization_id
        self.notifier_id = notifier_id
        self.message = message
        self.state = DeliveryState.PENDING
        self.attempts = 0
        self.requested_at: datetime = self.created_on
        self.next_attempt_at: datetime | None = self.created_on

    @staticmethod
    def id_for(notification_key: str, notifier_id: UUID) -> UUID:
        """The one delivery of a notification to a notifier, however often it is handed over."""
        return derived_id("notification-delivery", notification_key, notifier_id)

    @classmethod
    def request(
        cls,
        *,
        organization_id: UUID,
        notifier_id: UUID,
        message: NotificationMessage,
        actor: Actor,
        now: datetime,
    ) -> NotificationDelivery:
        """Record that ``message`` is to be sent to the notifier (due now)."""
        return cls._create(
            cls.Requested,
            id=cls.id_for(message.key, notifier_id),
            organization_id=organization_id,
            notifier_id=notifier_id,
            message=message,
            actor=actor,
            timestamp=now,
        )

    @property
    def finished(self) -> bool:
        """Delivered or given up: nothing more is sent."""
        return self.state in (DeliveryState.DELIVERED, DeliveryState.FAILED)

    def record_attempt(
        self,
        attempt: int,
        *,
        ok: bool,
        answer: str,
        permanent: bool = False,
        policy: RetryPolicy = RETRY_POLICY,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """Record attempt ``attempt`` (the next one, else ignored: a repeat after a crash);
        a failure is retried with backoff unless ``permanent`` or the budget is spent."""
        if self.finished or attempt != self.attempts + 1:
            return False
        next_at = None
        if not ok and not permanent:
            next_at = policy.next_attempt(attempt, self.requested_at, now)
        self.trigger_event(
            self.Attempted,
            attempt=attempt,
            ok=ok,
            answer=answer[:MAX_ANSWER],
            next_attempt_at=next_at,
            actor=actor,
            timestamp=now,
        )
        return True
