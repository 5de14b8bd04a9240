"""Change notices on both feeds (in-process and real Redis), and read-your-writes."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any, cast

import msgspec
import pytest

from adapters.changefeed import InProcessChangeFeed, RedisChangeFeed
from adapters.fakes import FakeClock
from adapters.readstore.host import ReadModelHost
from application import commands as c
from application.bus import Context
from application.changes import ChangeBatch, ChangeFeed
from application.services import Services
from application.settings import Settings
from domain.service_spec import GitSource, ServiceKind
from interfaces.bootstrap import bootstrap

ALICE = Context(actor="user:alice")  # type: ignore[arg-type]


@pytest.fixture(params=["in-process", pytest.param("redis", marks=pytest.mark.redis)])
def feed_settings(request: pytest.FixtureRequest, store_settings: Settings) -> Settings:
    if request.param == "redis":
        return msgspec.structs.replace(
            store_settings, redis_url=request.getfixturevalue("redis_url")
        )
    return store_settings


@pytest.fixture
def running(feed_settings: Settings) -> Iterator[Services]:
    app = bootstrap(feed_settings, clock=FakeClock())
    stop = threading.Event()
    threads = app.run_projections(stop)
    yield app
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    app.close()


class Collector:
    def __init__(self, feed: ChangeFeed) -> None:
        self.batches: list[ChangeBatch] = []
        self.lock = threading.Condition()
        self.stop = feed.listen(self._heard)

    def _heard(self, batch: ChangeBatch) -> None:
        with self.lock:
            self.batches.append(batch)
            self.lock.notify_all()

    def seen(self) -> set[tuple[str, str, str]]:
        with self.lock:
            return {(b.model, ch.kind, ch.id) for b in self.batches for ch in b.changes}

    def wait_for(
        self, wanted: set[tuple[str, str, str]], timeout: float = 10
    ) -> set[tuple[str, str, str]]:
        deadline = time.monotonic() + timeout
        with self.lock:
            while not wanted <= self.seen() and time.monotonic() < deadline:
                self.lock.wait(timeout=0.1)
        return wanted - self.seen()


def test_a_notice_arrives_for_every_committed_change(running: Services) -> None:
    collector = Collector(running.changes)
    org = running.execute(c.CreateOrganization(name="Acme", owner_id=uuid.uuid4()), ALICE).id(
        "organization_id"
    )
    created = running.execute(c.CreateProject(organization_id=org, name="Shop"), ALICE)
    project, env = created.id("project_id"), created.id("environment_id")
    service = running.execute(
        c.CreateService(
            project_id=project,
            name="web",
            kind=ServiceKind.WEB,
            git=GitSource("https://g/x.git"),
            port=80,
        ),
        ALICE,
    ).id("service_id")
    deployment = running.execute(
        c.RequestDeployment(service_id=service, environment_id=env), ALICE
    ).id("deployment_id")
    node = running.execute(
        c.RegisterNode(
            organization_id=org, name="n1", endpoint="tcp://h:2376", cpu_millis=100, memory_mb=100
        ),
        ALICE,
    ).id("node_id")
    expected = {
        ("dashboard", "organization", str(org)),
        ("dashboard", "project", str(project)),
        ("dashboard", "service", str(service)),
        ("dashboard", "deployment", str(deployment)),
        ("dashboard", "node", str(node)),
        ("history", "activity", str(project)),
        ("history", "activity", str(org)),
        ("history", "releases", str(service)),
        ("analytics", "analytics", str(project)),
    }
    assert collector.wait_for(expected) == set()
    head = running.events.head()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        positions: dict[str, int] = {}
        for batch in list(collector.batches):
            positions[batch.model] = max(positions.get(batch.model, 0), batch.position)
        if positions == {"dashboard": head, "history": head, "analytics": head}:
            break
        time.sleep(0.05)
    assert positions == {"dashboard": head, "history": head, "analytics": head}
    collector.stop()


def test_every_changed_row_is_announced_with_its_position(running: Services) -> None:
    collector = Collector(running.changes)
    org = running.execute(c.CreateOrganization(name="Acme", owner_id=uuid.uuid4()), ALICE).id(
        "organization_id"
    )
    result = running.execute(c.RenameOrganization(organization_id=org, name="Acme 2"), ALICE)
    assert collector.wait_for({("dashboard", "organization", str(org))}) == set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        positions = [
            ch.position
            for b in collector.batches
            for ch in b.changes
            if b.model == "dashboard" and ch.id == str(org)
        ]
        if result.position in positions:
            break
        time.sleep(0.05)
    assert result.position in positions
    row = running.dashboard.organization(org)
    assert row.name == "Acme 2"
    collector.stop()


def test_read_your_writes_returns_only_after_the_read_model_has_the_write(
    running: Services,
) -> None:
    host = cast(ReadModelHost, running.projections)
    original = host.projections["dashboard"].process

    def slow(event: Any, store: Any) -> None:
        time.sleep(0.05)  # a slow read model: reading right after the write would miss it
        original(event, store)

    host.projections["dashboard"].process = slow  # type: ignore[method-assign]
    org = running.execute(
        c.CreateOrganization(name="Acme", owner_id=uuid.uuid4()), ALICE, wait_for=["dashboard"]
    ).id("organization_id")
    assert running.dashboard.organization(org).name == "Acme"
    for i in range(5):
        result = running.execute(
            c.CreateProject(organization_id=org, name=f"P{i}"), ALICE, wait_for=["dashboard"]
        )
        assert running.dashboard.project(result.id("project_id")).slug == f"p{i}"
    assert running.read_store.positions()["dashboard"] >= result.position  # type: ignore[operator]


def test_a_feed_without_listeners_and_a_closed_feed_are_harmless(redis_url: str) -> None:
    for feed in (InProcessChangeFeed(), RedisChangeFeed(redis_url, f"test:{uuid.uuid4()}")):
        feed.publish(ChangeBatch("dashboard", 1, []))
        feed.close()
