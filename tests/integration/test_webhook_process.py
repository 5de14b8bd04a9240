"""Git connections, push triggers and the webhook process on both event stores: secrets
sealed, deliveries recorded once, and each delivery's deployments requested exactly once,
whatever crashes or races between deciding and recording."""

from __future__ import annotations

import hashlib
import hmac
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest

from adapters.fakes import FakeClock
from application import commands as c
from application.bus import CommandResult, Context
from application.errors import InvalidValueError, NotFoundError
from application.handlers.git import handle_webhook_delivery
from application.processes.webhooks import WebhookProcess
from application.settings import Settings
from application.unit_of_work import UnitOfWork
from application.webhooks import UnsignedDeliveryError
from domain.deployment import DeadlinePolicy
from domain.errors import RuleViolatedError
from domain.git_connection import GitProvider
from domain.ids import Actor
from domain.webhook_delivery import DeliveryFact, WebhookDelivery
from interfaces.bootstrap import bootstrap
from tests.integration.conftest import ALICE, World

pytestmark = pytest.mark.usefixtures("app")
SHA = "c0ffee" + "0" * 34


def new_types(world: World, before: int) -> list[str]:
    return [e.type for e in world.app.events.read(after=before, limit=1000)]


def connect(world: World, org: uuid.UUID | None = None) -> uuid.UUID:
    return world.run(
        c.CreateGitConnection(
            organization_id=org or world.org, provider=GitProvider.GITHUB, name="GitHub"
        )
    ).id("connection_id")


def watch(world: World, connection: uuid.UUID, automatic: bool = True) -> None:
    world.run(
        c.build_command(
            c.SetServiceTriggers,
            {
                "service_id": world.service,
                "connection_id": connection,
                "triggers": [
                    {"branch": "main", "environment_id": world.production, "automatic": automatic}
                ],
            },
        )
    )


def deliver(world: World, connection: uuid.UUID, ref: str = "main", body: str = "1") -> uuid.UUID:
    fact = DeliveryFact(kind="push", repository="Shop", ref_kind="branch", ref=ref, commit=SHA)
    return world.run(
        c.RecordWebhookDelivery(
            connection_id=connection,
            delivery_id=f"gh-{uuid.uuid4()}",
            event="push",
            fact=fact,
            digest=body,
        )
    ).id("delivery_id")


@pytest.fixture
def projections(world: World) -> Iterator[None]:
    stop = threading.Event()
    threads = world.app.run_projections(stop)
    yield
    stop.set()
    for thread in threads:
        thread.join(10)


def test_a_connection_seals_its_secrets_and_rotates_with_an_overlap(
    world: World, clock: FakeClock
) -> None:
    before = world.app.events.head()
    connection = world.run(
        c.build_command(
            c.CreateGitConnection,
            {
                "organization_id": world.org,
                "provider": "gitlab",
                "name": "Our GitLab",
                "api_url": "https://git.example.com/api/v4",
                "access_token": "glpat-very-secret",
            },
        )
    ).id("connection_id")
    first = world.app.queries.webhook_secret(connection).reveal()
    world.run(c.RotateWebhookSecret(connection_id=connection, overlap_hours=2))
    second = world.app.queries.webhook_secret(connection).reveal()
    found = world.app.queries.git_connection(connection)
    assert first != second and len(second) >= 40
    assert len(found.accepted_secrets(clock.now() + timedelta(hours=1))) == 2
    assert len(found.accepted_secrets(clock.now() + timedelta(hours=2))) == 1
    logged = repr(world.app.events.read(after=before, limit=100))
    assert first not in logged and second not in logged and "glpat-very-secret" not in logged
    assert new_types(world, before) == [
        "GitConnection.Created",
        "GitConnection.WebhookSecretRotated",
    ]
    world.run(c.RemoveGitConnection(connection_id=connection))
    with pytest.raises(NotFoundError):
        world.run(c.RotateWebhookSecret(connection_id=connection))
    with pytest.raises(NotFoundError):
        deliver(world, connection)


def test_triggers_take_only_the_organisations_connections_and_the_projects_environments(
    world: World,
) -> None:
    other_org = world.run(c.CreateOrganization(name="Other", owner_id=uuid.uuid4())).id(
        "organization_id"
    )
    theirs = connect(world, other_org)
    with pytest.raises(NotFoundError, match="not one of the organisation's"):
        watch(world, theirs)
    ours = connect(world)
    with pytest.raises(NotFoundError, match="not an environment of the project"):
        world.run(
            c.build_command(
                c.SetServiceTriggers,
                {
                    "service_id": world.service,
                    "connection_id": ours,
                    "triggers": [{"branch": "main", "environment_id": uuid.uuid4()}],
                },
            )
        )
    with pytest.raises(InvalidValueError):
        world.run(
            c.build_command(
                c.SetServiceTriggers,
                {
                    "service_id": world.service,
                    "connection_id": ours,
                    "triggers": [{"branch": "a\nb", "environment_id": world.production}],
                },
            )
        )
    with pytest.raises(RuleViolatedError):
        world.run(
            c.build_command(
                c.SetServiceTriggers,
                {
                    "service_id": world.service,
                    "triggers": [{"branch": "main", "environment_id": world.production}],
                },
            )
        )
    before = world.app.events.head()
    watch(world, ours)
    watch(world, ours)  # the same again: nothing new
    assert new_types(world, before) == ["Service.TriggersSet"]


def test_a_delivery_is_recorded_once_and_a_replayed_body_not_at_all(world: World) -> None:
    connection = connect(world)
    command = c.RecordWebhookDelivery(
        connection_id=connection,
        delivery_id="d-1",
        event="ping",
        fact=DeliveryFact(kind="ping"),
        digest="abc",
    )
    before = world.app.events.head()
    first = world.run(command).id("delivery_id")
    assert new_types(world, before) == ["Reservation.Created", "WebhookDelivery.Received"]
    again = world.run(command)
    replayed = world.run(
        c.RecordWebhookDelivery(
            connection_id=connection,
            delivery_id="d-2",
            event="ping",
            fact=DeliveryFact(kind="ping"),
            digest="abc",
        )
    )
    assert again.id("delivery_id") == replayed.id("delivery_id") == first
    assert again.position is None and replayed.position is None


@pytest.mark.usefixtures("projections")
def test_each_delivery_requests_its_deployment_once_across_crashes_and_races(
    world: World, clock: FakeClock
) -> None:
    connection = connect(world)
    watch(world, connection)
    delivery = deliver(world, connection)
    # A crash in the middle of handling: the unit of work never commits, nothing is recorded.
    before = world.app.events.head()
    crashed = UnitOfWork(
        world.app.store,
        actor=Actor("system:webhooks"),
        now=clock.now(),
        secrets=world.app.secrets,
        deadlines=DeadlinePolicy(),
    )
    handle_webhook_delivery(
        c.HandleWebhookDelivery(delivery_id=delivery, service_ids=[world.service]), crashed
    )
    assert world.app.events.head() == before
    world.app.wait_for(before, ("dashboard",))
    process = WebhookProcess(bus=world.app.commands, dashboard=world.app.dashboard)
    # Two leaders for a moment (one about to lose its lock) handle the same delivery at once.
    results: list[bool] = []
    racers = [
        threading.Thread(
            target=lambda: results.append(process.handle(delivery, connection, "push"))
        )
        for _ in range(2)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(30)
    assert sorted(results) == [False, True]
    # Restarted before the read model showed it handled: the delivery still looks pending.
    head = world.app.events.head()
    assert not process.handle(delivery, connection, "push")
    world.app.wait_for(head, ("dashboard",))
    assert process.tick() == 0
    assert world.app.events.head() == head
    types = new_types(world, before)
    assert types.count("Deployment.Requested") == 1
    assert types.count("WebhookDelivery.Handled") == 1
    handled = world.app.queries.webhook_delivery(delivery)
    deployment_id = WebhookDelivery.deployment_id_for(delivery, world.service, world.production)
    deployment = world.app.queries.deployment(deployment_id)
    assert (deployment.commit, deployment.trigger.value) == (SHA, "git_push")
    assert handled.handled
    [row] = world.app.dashboard.webhook_deliveries(connection)
    assert row.caused[0]["deployment_id"] == str(deployment_id)


@pytest.mark.usefixtures("projections")
def test_manual_triggers_and_other_branches_request_nothing(world: World) -> None:
    connection = connect(world)
    watch(world, connection, automatic=False)
    waiting = deliver(world, connection, body="a")
    elsewhere = deliver(world, connection, ref="feature/x", body="b")
    world.app.wait_for(world.app.events.head(), ("dashboard",))
    before = world.app.events.head()
    process = WebhookProcess(bus=world.app.commands, dashboard=world.app.dashboard)
    assert process.tick() == 2
    assert "Deployment.Requested" not in new_types(world, before)
    [row] = [r for r in world.app.dashboard.webhook_deliveries(connection) if r.id == waiting]
    world.app.wait_for(world.app.events.head(), ("dashboard",))
    rows = {r.id: r for r in world.app.dashboard.webhook_deliveries(connection)}
    assert [x["outcome"] for x in rows[waiting].caused] == ["wait"]
    assert rows[elsewhere].caused == []
    assert rows[elsewhere].outcome == "no service deploys pushes to 'feature/x' of Shop"
    assert row.kind == "push"


def test_services_that_do_not_watch_the_connection_are_never_deployed(world: World) -> None:
    """Service ids passed beside a delivery are checked again: an unknown one, and one whose
    triggers use no connection, change nothing."""
    connection = connect(world)
    delivery = deliver(world, connection)
    before = world.app.events.head()
    world.app.execute(
        c.HandleWebhookDelivery(delivery_id=delivery, service_ids=[uuid.uuid4(), world.service]),
        Context(actor=ALICE),
    )
    assert new_types(world, before) == ["WebhookDelivery.Handled"]
    assert world.app.queries.webhook_delivery(delivery).handled


def _signed_ping(secret: str, delivery_id: str | None = None) -> tuple[dict[str, str], bytes]:
    body = b'{"zen": "' + str(uuid.uuid4()).encode() + b'", "hook_id": 1}'
    digest = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "content-type": "application/json",
        "x-github-event": "ping",
        "x-github-delivery": delivery_id or str(uuid.uuid4()),
        "x-hub-signature-256": digest,
    }
    return headers, body


def test_the_intake_sees_another_processs_rotation_and_removal_at_once(
    world: World, store_settings: Settings, clock: FakeClock
) -> None:
    """The intake verifies with the connection it remembers; a rotation or a removal made by
    another process is never missed: a delivery signed with the new secret is accepted, one
    with a retired secret or for a removed connection refused, and nothing recorded then."""
    connection = connect(world)
    intake = world.app.webhooks
    assert intake is not None
    old = world.app.queries.webhook_secret(connection).reveal()
    assert intake.receive(connection, *_signed_ping(old)).position is not None  # remembered
    other = bootstrap(store_settings, clock=clock)  # another process, same database
    try:
        other.execute(
            c.RotateWebhookSecret(connection_id=connection, overlap_hours=0), Context(actor=ALICE)
        )
        new = other.queries.webhook_secret(connection).reveal()
        before = world.app.events.head()
        with pytest.raises(UnsignedDeliveryError):
            intake.receive(connection, *_signed_ping(old))
        assert new_types(world, before) == []
        assert intake.receive(connection, *_signed_ping(new)).position is not None
        other.execute(c.RemoveGitConnection(connection_id=connection), Context(actor=ALICE))
        before = world.app.events.head()
        with pytest.raises(NotFoundError):
            intake.receive(connection, *_signed_ping(new))
        assert new_types(world, before) == []
    finally:
        other.close()


def test_a_rotation_between_verifying_and_recording_verifies_the_delivery_again(
    world: World, store_settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A delivery verified with a secret the connection retired before its record commits
    is refused (verified again against the connection as committed), and records nothing."""
    connection = connect(world)
    intake = world.app.webhooks
    assert intake is not None
    old = world.app.queries.webhook_secret(connection).reveal()
    assert intake.receive(connection, *_signed_ping(old)).position is not None
    other = bootstrap(store_settings, clock=clock)
    bus = intake._bus  # the intake's own, to rotate just before its command runs
    execute = bus.execute

    rotated: list[bool] = []

    def rotate_first(command: c.Command, ctx: Context) -> CommandResult:
        if isinstance(command, c.RecordWebhookDelivery) and not rotated:
            rotated.append(True)
            other.execute(
                c.RotateWebhookSecret(connection_id=connection, overlap_hours=0),
                Context(actor=ALICE),
            )
        return execute(command, ctx)

    try:
        monkeypatch.setattr(bus, "execute", rotate_first)
        before = world.app.events.head()
        with pytest.raises(UnsignedDeliveryError):
            intake.receive(connection, *_signed_ping(old))
        assert new_types(world, before) == ["GitConnection.WebhookSecretRotated"]
    finally:
        other.close()


def test_a_redelivery_another_process_recorded_records_nothing(
    world: World, store_settings: Settings, clock: FakeClock
) -> None:
    """This process takes a delivery it does not remember to be new; the commit finds it
    recorded (by another process) and the redelivery answers the first id, recording
    nothing; a replayed body under a new id likewise."""
    connection = connect(world)
    intake = world.app.webhooks
    assert intake is not None
    secret = world.app.queries.webhook_secret(connection).reveal()
    assert intake.receive(connection, *_signed_ping(secret)).position is not None
    other = bootstrap(store_settings, clock=clock)
    try:
        assert other.webhooks is not None
        headers, body = _signed_ping(secret)
        first = other.webhooks.receive(connection, headers, body)
        assert first.position is not None
        before = world.app.events.head()
        again = intake.receive(connection, headers, body)
        replayed = intake.receive(connection, headers | {"x-github-delivery": "new"}, body)
        assert again.id("delivery_id") == replayed.id("delivery_id") == first.id("delivery_id")
        assert again.position is None and replayed.position is None
        assert new_types(world, before) == []
    finally:
        other.close()


def test_a_delivery_to_a_remembered_connection_reads_nothing_before_its_commit(
    world: World, store_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the commit checks what a command read (PostgreSQL), a delivery is one round
    trip: the connection comes from memory and the delivery and body are taken to be new.
    The embedded store, which checks no reads at commit, looks them up first."""
    connection = connect(world)
    intake = world.app.webhooks
    assert intake is not None
    secret = world.app.queries.webhook_secret(connection).reveal()
    intake.receive(connection, *_signed_ping(secret))
    recorder = world.app.store.recorder
    reads: list[object] = []
    select = recorder.select_events
    monkeypatch.setattr(
        recorder, "select_events", lambda *a, **k: reads.append(a) or select(*a, **k)
    )
    assert intake.receive(connection, *_signed_ping(secret)).position is not None
    if store_settings.database_url is None:
        # The embedded store checks no reads at commit: it looks the delivery up first.
        assert reads != []
    else:
        assert reads == []
