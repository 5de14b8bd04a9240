"""The notification process as the server runs it (issue 17): wired by bootstrap among the
other process managers, it sends what the alert process hands over to a local receiver."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest

from adapters.fake_ingress import InMemoryIngress
from adapters.fake_runtime import InMemoryRuntime
from adapters.fake_source import InMemorySource
from adapters.fakes import FakeClock
from application import commands as c
from application.alert_ports import Notification
from application.services import Services
from application.settings import Settings
from domain.notifier import NotifierKind
from interfaces.bootstrap import bootstrap
from tests.integration.conftest import World
from tests.integration.deploy_support import until
from tests.integration.test_commit_statuses_running import Healthy, OneEngine
from tests.integration.test_notifier_channels import Receiver


@pytest.fixture
def store_settings(pg_settings: Settings) -> Settings:
    """The server setup's store only (the process itself is tested on both stores in
    test_notifications_process.py)."""
    return pg_settings


@pytest.fixture
def app(store_settings: Settings, clock: FakeClock) -> Iterator[Services]:
    services = bootstrap(
        store_settings,
        clock=clock,
        runtimes=OneEngine(InMemoryRuntime()),
        source=InMemorySource({}),
        ingress=InMemoryIngress(),
        prober=Healthy(),
    )
    stop = threading.Event()
    threads = services.run_projections(stop) + services.run_processes(stop)
    yield services
    stop.set()
    for thread in threads:
        thread.join(20)
    services.close()


def test_the_running_server_delivers_a_handed_over_notification(
    world: World, clock: FakeClock
) -> None:
    receiver = Receiver()
    try:
        result = world.run(
            c.CreateNotifier(
                organization_id=world.org,
                name="pager",
                kind=NotifierKind.WEBHOOK,
                url=f"{receiver.url}/hook",
            )
        )
        world.app.wait_for(result.position or 0, ("dashboard",))
        assert world.app.alert_delivery is not None
        world.app.alert_delivery.deliver(
            Notification(
                key="incident-9:firing",
                organization_id=world.org,
                incident_id=uuid.UUID(int=9),
                status="firing",
                severity="warning",
                title="Node unreachable: node-2",
                body="No heartbeat for 60 s",
                at=clock.now(),
            ),
            None,
        )
        until(lambda: len(receiver.received) == 1, what="the notification at the receiver")

        def delivered() -> bool:
            rows = world.app.dashboard.notification_deliveries(incident_id=uuid.UUID(int=9))
            return [row.state for row in rows] == ["delivered"]

        until(delivered, what="the delivery recorded")
    finally:
        receiver.close()
