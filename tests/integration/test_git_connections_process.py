"""The git connections process on both event stores, against the in-memory provider:
webhooks registered once (even across a crash between the provider's answer and the
record), removed when the last service disconnects, an outage recording nothing and tried
again with backoff, and a connection's health recorded on changes only."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import msgspec
import pytest

from adapters.fake_git_providers import FakeGitProviderApis, FakeProvider
from adapters.fakes import FakeClock
from application import commands as c
from application.bus import CommandBus, CommandResult, Context
from application.errors import NotFoundError
from application.git_sources import webhook_url
from application.processes.git_connections import GitConnectionsProcess
from application.services import Services
from application.settings import Settings
from domain.git_connection import GitProvider
from domain.service_spec import GitSource, ServiceKind
from interfaces.bootstrap import bootstrap
from tests.integration.conftest import World

PUBLIC = "https://containr.example.test"
SHA = "a" * 40


@pytest.fixture
def apis() -> FakeGitProviderApis:
    return FakeGitProviderApis()


@pytest.fixture
def provider(apis: FakeGitProviderApis) -> FakeProvider:
    found = apis.provider("github", "https://api.github.com")
    found.add_repository("acme/shop", branches={"main": SHA, "dev": SHA})
    return found


@pytest.fixture
def app(
    store_settings: Settings, clock: FakeClock, apis: FakeGitProviderApis
) -> Iterator[Services]:
    """The world's services, with the in-memory provider and a public address."""
    settings = msgspec.structs.replace(store_settings, public_url=PUBLIC)
    services = bootstrap(settings, clock=clock, git_providers=apis)
    stop = threading.Event()
    threads = services.run_projections(stop)
    yield services
    stop.set()
    for thread in threads:
        thread.join(10)
    services.close()


class CrashingBus:
    """The command bus, but the process dies once on the way to recording ``crash_on``."""

    def __init__(self, bus: CommandBus, crash_on: type[c.Command]) -> None:
        self.bus = bus
        self.crash_on: type[c.Command] | None = crash_on

    def execute(self, command: c.Command, ctx: Context) -> CommandResult:
        if isinstance(command, self.crash_on or ()):
            self.crash_on = None
            raise SystemExit("the worker died")
        return self.bus.execute(command, ctx)


def process(world: World, clock: FakeClock, bus: Any = None) -> GitConnectionsProcess:
    git = world.app.git_sources()
    return GitConnectionsProcess(
        bus=bus or world.app.commands,
        queries=world.app.queries,
        dashboard=world.app.dashboard,
        connections=git.connections,
        health=git.health,
        clock=clock,
        public_url=PUBLIC,
        check_seconds=3600,
    )


def settle(world: World) -> None:
    world.app.wait_for(world.app.events.head(), ("dashboard",))


def tick(proc: GitConnectionsProcess, world: World) -> None:
    settle(world)
    proc.tick()
    settle(world)


def new_types(world: World, before: int, prefix: str = "") -> list[str]:
    found = [e.type for e in world.app.events.read(after=before, limit=1000)]
    return [t for t in found if t.startswith(prefix)] if prefix else found


def connection_of(world: World) -> uuid.UUID:
    return world.run(
        c.build_command(
            c.CreateGitConnection,
            {
                "organization_id": world.org,
                "provider": "github",
                "name": "GitHub",
                "access_token": "ghp_secret_token",
            },
        )
    ).id("connection_id")


def connect(
    world: World, connection: uuid.UUID, service: uuid.UUID | None = None, **kw: Any
) -> None:
    world.run(
        c.build_command(
            c.ConnectServiceRepository,
            {
                "service_id": service or world.service,
                "connection_id": connection,
                "repository": "acme/shop",
                "branch": "main",
                **kw,
            },
        )
    )


def second_service(world: World) -> uuid.UUID:
    return world.run(
        c.CreateService(
            project_id=world.project,
            name="api",
            kind=ServiceKind.WEB,
            git=GitSource("https://git.example.com/api.git"),
            port=8080,
        )
    ).id("service_id")


def test_connecting_registers_one_webhook_with_the_connections_url_and_secret(
    world: World, clock: FakeClock, provider: FakeProvider
) -> None:
    connection = connection_of(world)
    connect(world, connection)
    service = world.app.queries.service(world.service)
    assert service.spec.git is not None
    assert service.spec.git.repository_url == "https://github.com/acme/shop.git"
    assert service.repository_token is not None  # the connection's token clones it
    before = world.app.events.head()
    proc = process(world, clock)
    tick(proc, world)
    tick(proc, world)
    [hook] = provider.webhooks["acme/shop"].values()
    assert hook.url == webhook_url(PUBLIC, connection) == f"{PUBLIC}/webhooks/{connection}"
    secret = world.app.queries.webhook_secret(connection).reveal()
    assert provider.hook_secrets[hook.hook_id] == secret
    assert new_types(world, before, "Service.") == ["Service.WebhookRegistered"]
    row = world.app.dashboard.service_source(world.service)
    assert row is not None and (row.webhook_state, row.hook_id) == ("registered", hook.hook_id)
    logged = repr(world.app.events.read(after=0, limit=10_000))
    assert secret not in logged and "ghp_secret_token" not in logged


def test_a_crash_after_the_provider_made_the_hook_does_not_make_a_second(
    world: World, clock: FakeClock, provider: FakeProvider
) -> None:
    connection = connection_of(world)
    connect(world, connection)
    before = world.app.events.head()
    crashing = process(world, clock, CrashingBus(world.app.commands, c.ReportWebhookRegistered))
    settle(world)
    with pytest.raises(SystemExit):
        crashing.register(world.app.dashboard.webhooks_registering()[0])
    assert len(provider.webhooks["acme/shop"]) == 1
    assert new_types(world, before, "Service.") == []
    restarted = process(world, clock)
    tick(restarted, world)
    [hook] = provider.webhooks["acme/shop"].values()
    assert new_types(world, before, "Service.") == ["Service.WebhookRegistered"]
    assert world.app.queries.service(world.service).source.hook_id == hook.hook_id  # type: ignore[union-attr]


def test_an_outage_records_nothing_and_is_tried_again_with_backoff(
    world: World, clock: FakeClock, provider: FakeProvider
) -> None:
    connection = connection_of(world)
    connect(world, connection)
    before = world.app.events.head()
    proc = process(world, clock)
    provider.unavailable = "503 Service Unavailable"
    tick(proc, world)
    first_retry = proc.retry_at(connection, "acme/shop", "register")
    assert first_retry is not None and first_retry > clock.now()
    first_delay = first_retry - clock.now()
    assert new_types(world, before) == []
    calls = provider.calls
    tick(proc, world)  # still backing off: the provider is not asked
    assert provider.calls == calls
    clock.advance(first_delay)
    tick(proc, world)  # asked again, down again: waits longer
    second_retry = proc.retry_at(connection, "acme/shop", "register")
    assert second_retry is not None and second_retry - clock.now() > first_delay
    assert provider.calls > calls and new_types(world, before) == []
    provider.unavailable = None
    clock.advance(timedelta(minutes=15))
    tick(proc, world)
    assert len(provider.webhooks["acme/shop"]) == 1
    assert new_types(world, before) == ["Service.WebhookRegistered"]
    assert proc.retry_at(connection, "acme/shop", "register") is None


def test_a_refused_registration_is_recorded_with_the_providers_reason(
    world: World, clock: FakeClock, provider: FakeProvider
) -> None:
    connection = connection_of(world)
    connect(world, connection)
    provider.refused = "Resource not accessible by personal access token"
    proc = process(world, clock)
    tick(proc, world)
    row = world.app.dashboard.service_source(world.service)
    assert row is not None and row.webhook_state == "failed"
    assert row.webhook_failure == "Resource not accessible by personal access token"
    assert provider.webhooks == {}


def test_disconnecting_removes_the_hook_once_the_last_service_lets_go(
    world: World, clock: FakeClock, provider: FakeProvider
) -> None:
    connection = connection_of(world)
    api = second_service(world)
    connect(world, connection)
    connect(world, connection, api)
    proc = process(world, clock)
    tick(proc, world)
    assert len(provider.webhooks["acme/shop"]) == 1  # shared: one URL per connection
    world.run(c.DisconnectServiceRepository(service_id=world.service))
    tick(proc, world)
    assert len(provider.webhooks["acme/shop"]) == 1  # the api service still hears it
    before = world.app.events.head()
    world.run(c.DisconnectServiceRepository(service_id=api))
    tick(proc, world)
    tick(proc, world)
    assert provider.webhooks["acme/shop"] == {}
    assert new_types(world, before, "Service.") == [
        "Service.RepositoryDisconnected",
        "Service.WebhookRemoved",
    ]
    assert world.app.dashboard.webhook_removals() == []


def test_a_rotated_secret_registers_the_shared_webhook_again_with_it(
    world: World, clock: FakeClock, provider: FakeProvider
) -> None:
    connection = connection_of(world)
    api = second_service(world)
    connect(world, connection)
    connect(world, connection, api)
    proc = process(world, clock)
    tick(proc, world)
    [old] = provider.webhooks["acme/shop"]
    world.run(c.RotateWebhookSecret(connection_id=connection, overlap_hours=1))
    before = world.app.events.head()
    tick(proc, world)
    tick(proc, world)
    [new] = provider.webhooks["acme/shop"].values()
    assert new.hook_id != old
    secret = world.app.queries.webhook_secret(connection).reveal()
    assert provider.hook_secrets[new.hook_id] == secret
    assert new_types(world, before, "Service.") == ["Service.WebhookRegistered"] * 2
    for service in (world.service, api):
        row = world.app.dashboard.service_source(service)
        assert row is not None and (row.hook_id, row.secret_generation) == (new.hook_id, 1)


def test_a_manual_webhook_is_left_to_the_person(
    world: World, clock: FakeClock, provider: FakeProvider
) -> None:
    connection = connection_of(world)
    connect(world, connection, webhook_mode="manual")
    proc = process(world, clock)
    tick(proc, world)
    world.run(c.DisconnectServiceRepository(service_id=world.service))
    tick(proc, world)
    assert provider.webhooks == {}
    assert provider.calls == 1  # the token's check (account), nothing about webhooks


def test_a_connection_of_another_organisation_cannot_be_connected(world: World) -> None:
    other = world.run(c.CreateOrganization(name="Other", owner_id=uuid.uuid4())).id(
        "organization_id"
    )
    theirs = world.run(
        c.CreateGitConnection(organization_id=other, provider=GitProvider.GITHUB, name="Theirs")
    ).id("connection_id")
    before = world.app.events.head()
    with pytest.raises(NotFoundError, match="not one of the organisation's"):
        connect(world, theirs)
    assert new_types(world, before) == []


def test_health_is_recorded_on_changes_only(
    world: World, clock: FakeClock, provider: FakeProvider
) -> None:
    connection = connection_of(world)
    health = world.app.git_sources().health
    before = world.app.events.head()
    assert health.check(connection).status == "ok"
    assert health.check(connection).status == "ok"
    provider.refused = "Bad credentials"
    found = health.check(connection)
    assert (found.status, found.reason) == ("broken", "Bad credentials")
    provider.refused = "Bad credentials (token expired)"
    health.check(connection)
    provider.refused, provider.unavailable = None, "timed out after 10s"
    assert health.check(connection).status == "unavailable"
    provider.unavailable = None
    health.check(connection)
    assert new_types(world, before) == [
        "GitConnection.AccessRestored",
        "GitConnection.AccessLost",
        "GitConnection.AccessRestored",
    ]
    settle(world)
    row = world.app.dashboard.git_connection(connection)
    assert (row.status, row.status_reason, row.login) == ("ok", None, "containr-bot")


def test_the_process_checks_every_connection_when_due(
    world: World, clock: FakeClock, provider: FakeProvider
) -> None:
    connection = connection_of(world)
    proc = process(world, clock)
    provider.refused = "Bad credentials"
    tick(proc, world)
    assert world.app.dashboard.git_connection(connection).status == "broken"
    provider.refused = None
    tick(proc, world)  # not due yet
    assert world.app.dashboard.git_connection(connection).status == "broken"
    clock.advance(timedelta(hours=1))
    tick(proc, world)
    assert world.app.dashboard.git_connection(connection).status == "ok"
