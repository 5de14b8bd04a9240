"""The webhook process manager: handles each recorded delivery exactly once (issue 14).

Level-triggered like the deployer: every tick it reads the deliveries not handled yet and
sends one HandleWebhookDelivery each. That command requests the deployments (ids derived
from the delivery) and marks the delivery handled in one transaction, so a crash before it
commits leaves nothing recorded, and a second look after it committed changes nothing: no
deployment is ever requested twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import ApplicationError, DomainError, UnavailableError
from application.readmodels import DashboardQueries
from domain.ids import Actor

log = logging.getLogger(__name__)
ACTOR = Actor("system:webhooks")


class WebhookProcess:
    """Turns recorded deliveries into deployment requests and recorded outcomes."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        dashboard: DashboardQueries,
        wait_for: Callable[[int], None] = lambda _position: None,
    ) -> None:
        self.bus = bus
        self.dashboard = dashboard
        self._wait_for = wait_for
        self._ctx = Context(actor=ACTOR)

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Tick until ``stop`` is set; ``wait`` blocks until something may have changed."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("the webhook process's tick failed")
            wait(1.0)

    def tick(self) -> int:
        """Handle every delivery not handled yet; how many were handled now."""
        handled = 0
        for row in self.dashboard.pending_webhook_deliveries():
            if self.handle(row.id, row.connection_id, row.kind):
                handled += 1
        return handled

    def handle(self, delivery_id: UUID, connection_id: UUID, kind: str) -> bool:
        """Handle one delivery (the unit the tests drive); False if it was handled already
        or refused."""
        watching = self.dashboard.services_watching(connection_id) if kind == "push" else []
        command = c.HandleWebhookDelivery(delivery_id=delivery_id, service_ids=watching)
        try:
            result = self.bus.execute(command, self._ctx)
        except UnavailableError:
            raise  # tried again next tick
        except (DomainError, ApplicationError) as e:
            log.warning("delivery %s could not be handled: %s", delivery_id, e)
            return False
        if result.position is not None:
            self._wait_for(result.position)
        return result.position is not None
