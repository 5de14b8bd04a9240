"""The notification process manager (issue 17): sends each pending notification delivery
and retries failed ones with exponential backoff until the retry budget is spent.

Level-triggered like the other process managers: every tick it reads the deliveries due
from the dashboard, checks each against its aggregate (the read model may lag a recorded
attempt), sends it, and reports the attempt with its number; the delivery accepts one
report per attempt number and ignores repeats. After a crash nothing recorded as delivered
is sent again. A send whose outcome was not recorded yet (a crash between the channel's
answer and the report) is sent again: a channel may see that message twice, which is the
price of never losing one (at-least-once delivery).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import ApplicationError, DomainError, UnavailableError
from application.eventstore import EventStore
from application.notifications import (
    SEND_SECONDS,
    ChannelError,
    NotifierTransport,
    target_of,
)
from application.ports import Clock, SecretBox
from application.readmodels import DashboardQueries
from domain.ids import Actor
from domain.notification_delivery import NotificationDelivery
from domain.notifier import Notifier

log = logging.getLogger(__name__)
ACTOR = Actor("system:notifications")
LONGEST_WAIT = 1.0
"""Seconds between looks at the deliveries when nothing is due sooner (and at most until
the process notices it is to stop)."""
CONCURRENT_SENDS = 4
"""Sends at once: a slow channel holds up only its own deliveries."""


class NotificationProcess:
    """Sends due notification deliveries and records every attempt."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        dashboard: DashboardQueries,
        store: EventStore,
        secrets: SecretBox,
        transport: NotifierTransport,
        clock: Clock,
        timeout: float = SEND_SECONDS,
    ) -> None:
        self.bus = bus
        self.dashboard = dashboard
        self.store = store
        self.secrets = secrets
        self.transport = transport
        self.clock = clock
        self.timeout = timeout
        self._ctx = Context(actor=ACTOR)

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Tick until ``stop`` is set; ``wait`` blocks until something may have changed."""
        while not stop.is_set():
            try:
                self.tick()
                wait(self._until_next())
            except Exception:
                log.exception("the notification process's tick failed")
                wait(LONGEST_WAIT)

    def _until_next(self) -> float:
        due = self.dashboard.next_notification_due()
        if due is None:
            return LONGEST_WAIT
        seconds = (due - self.clock.now()).total_seconds()
        return min(max(seconds, 0.05), LONGEST_WAIT)

    def tick(self) -> int:
        """Attempt every delivery due now; how many attempts were recorded."""
        rows = self.dashboard.due_notification_deliveries(self.clock.now())
        if not rows:
            return 0
        with ThreadPoolExecutor(CONCURRENT_SENDS, thread_name_prefix="notify") as pool:
            return sum(pool.map(self.attempt, [row.id for row in rows]))

    def attempt(self, delivery_id: UUID) -> bool:
        """Send one delivery if it is due (the unit the tests drive); whether an attempt was
        recorded."""
        now = self.clock.now()
        delivery = self._delivery(delivery_id)
        if delivery is None or not _due(delivery, now):
            return False
        attempt = delivery.attempts + 1
        ok, answer, permanent = self._send(delivery)
        command = c.RecordDeliveryAttempt(
            delivery_id=delivery_id, attempt=attempt, ok=ok, answer=answer, permanent=permanent
        )
        try:
            result = self.bus.execute(command, self._ctx)
        except UnavailableError:
            raise
        except (DomainError, ApplicationError) as e:
            log.warning("attempt %s of delivery %s not recorded: %s", attempt, delivery_id, e)
            return False
        return result.position is not None

    def _delivery(self, delivery_id: UUID) -> NotificationDelivery | None:
        try:
            found: object = self.store.repository.get(delivery_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, NotificationDelivery) else None

    def _send(self, delivery: NotificationDelivery) -> tuple[bool, str, bool]:
        """(delivered, what the channel answered, whether retrying is pointless)."""
        try:
            notifier: object = self.store.repository.get(delivery.notifier_id)
        except AggregateNotFoundError:
            notifier = None
        if not isinstance(notifier, Notifier) or notifier.deleted:
            return False, "the notifier was deleted", True
        if not notifier.enabled:
            return False, "the notifier is disabled", True
        try:
            answer = self.transport.send(
                target_of(self.secrets, notifier), delivery.message, timeout=self.timeout
            )
        except ChannelError as e:
            return False, f"{e.code}: {e}", e.permanent
        return True, answer, False


def _due(delivery: NotificationDelivery, now: datetime) -> bool:
    return (
        not delivery.finished
        and delivery.next_attempt_at is not None
        and delivery.next_attempt_at <= now
    )
