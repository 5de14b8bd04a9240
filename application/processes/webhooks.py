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
from application.processes.previews import PreviewProcess
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
        previews: PreviewProcess | None = None,
        ingress_domain: str = "localhost",
        url_format: str = "http://{host}",
    ) -> None:
        self.bus = bus
        self.dashboard = dashboard
        self.previews = previews
        """Measures the free disk for the previews' disk guard (None: not measured)."""
        self.ingress_domain = ingress_domain
        self.url_format = url_format
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
            if self.handle(row.id, row.connection_id, row.kind, row.organization_id):
                handled += 1
        return handled

    def handle(
        self,
        delivery_id: UUID,
        connection_id: UUID,
        kind: str,
        organization_id: UUID | None = None,
    ) -> bool:
        """Handle one delivery (the unit the tests drive); False if it was handled already
        or refused."""
        if kind == "pull_request":
            command = self._pull_request(delivery_id, connection_id, organization_id)
        else:
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

    def _previews_on(self, project_id: UUID) -> bool:
        """Whether a pull request may make or remove a preview in the project."""
        policy = self.dashboard.preview_policy(project_id)
        if policy is not None and policy.enabled:
            return True
        return any(row.state == "active" for row in self.dashboard.previews(project_id))

    def _pull_request(
        self, delivery_id: UUID, connection_id: UUID, organization_id: UUID | None
    ) -> c.HandleWebhookDelivery:
        """A pull request may make previews: every service of the projects whose services
        watch the connection (a preview may deploy them all), and the node's free disk."""
        watching = self.dashboard.services_watching(connection_id)
        projects = {self.dashboard.service(s).project_id for s in watching}
        projects = {p for p in projects if self._previews_on(p)}
        services = [s.id for p in sorted(projects) for s in self.dashboard.services(p)]
        watching = [s for s in watching if s in services]
        disk, changed = None, None
        if self.previews is not None and organization_id is not None and services:
            disk = self.previews.disk(organization_id)
            changed = self.previews.changed_paths(delivery_id, watching)
        return c.HandleWebhookDelivery(
            delivery_id=delivery_id,
            service_ids=services,
            disk=disk,
            changed_paths=changed,
            ingress_domain=self.ingress_domain,
            url_format=self.url_format,
        )
