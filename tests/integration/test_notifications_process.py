"""Notification deliveries end to end on both event stores (issue 17): the alert process
hands a notification over (twice: one delivery), the notification process sends it to a
local receiver, an unreachable webhook is retried with backoff on a controllable clock and
every attempt recorded, a restarted process never sends again what was recorded delivered,
and a deleted notifier's pending delivery gives up."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import uuid
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import cast

import pytest

from adapters.fakes import FakeClock
from adapters.notifiers import ChannelSender
from adapters.readstore.host import ReadModelHost
from application import commands as c
from application.alert_ports import Notification
from application.bus import CommandBus, CommandResult, Context
from application.notifications import AlertNotifications, ChannelTarget
from application.processes.notifications import NotificationProcess
from application.secrets import Secret
from application.services import ALL_MODELS
from domain.notification_delivery import NotificationMessage
from domain.notifier import NotifierKind
from tests.integration.conftest import World
from tests.integration.test_notifier_channels import Receiver


class CrashAfterReport:
    """A bus that dies once right after recording a delivery attempt (a crash before the
    process could go on)."""

    def __init__(self, inner: CommandBus) -> None:
        self.inner = inner
        self.armed = False

    def execute(self, command: c.Command, ctx: Context) -> CommandResult:
        result = self.inner.execute(command, ctx)
        if self.armed and isinstance(command, c.RecordDeliveryAttempt):
            self.armed = False
            raise RuntimeError("killed after the report")
        return result


class CountingSender:
    """The real sender, counting the sends (a crash test asks how often it was used)."""

    def __init__(self) -> None:
        self.inner = ChannelSender()
        self.sent = 0

    def send(self, target: ChannelTarget, message: NotificationMessage, *, timeout: float) -> str:
        self.sent += 1
        return self.inner.send(target, message, timeout=timeout)


@dataclass
class Rig:
    world: World
    clock: FakeClock
    sender: CountingSender
    bus: CrashAfterReport

    def sync(self) -> None:
        host = cast(ReadModelHost, self.world.app.projections)
        for model in ALL_MODELS:
            with closing(host.db.connect("test")) as conn:
                host.runner(model).catch_up(conn)

    def run(self, command: c.Command) -> CommandResult:
        result = self.world.run(command)
        self.sync()
        return result

    def process(self) -> NotificationProcess:
        """A fresh process manager (as after a restart)."""
        app = self.world.app
        return NotificationProcess(
            bus=cast(CommandBus, self.bus),
            dashboard=app.dashboard,
            store=app.store,
            secrets=app.secrets,
            transport=self.sender,
            clock=self.clock,
            timeout=5.0,
        )

    def tick(self) -> int:
        done = self.process().tick()
        self.sync()
        return done

    def webhook(self, url: str, name: str = "pager") -> uuid.UUID:
        return self.run(
            c.CreateNotifier(
                organization_id=self.world.org,
                name=name,
                kind=NotifierKind.WEBHOOK,
                url=url,
                headers=[Secret("X-Api-Key: k-1")],
            )
        ).id("notifier_id")

    def notification(self, status: str = "firing") -> Notification:
        return Notification(
            key=f"incident-1:{status}",
            organization_id=self.world.org,
            incident_id=uuid.UUID(int=1),
            status=status,  # type: ignore[arg-type]
            severity="critical",
            title="Replica crash looping on web",
            body="web-2 exited 137 five times in 3 minutes",
            at=self.clock.now(),
            labels={"service": "web"},
        )


@pytest.fixture
def rig(world: World, clock: FakeClock) -> Rig:
    return Rig(world, clock, CountingSender(), CrashAfterReport(world.app.commands))


def signing_secret(rig: Rig, notifier: uuid.UUID) -> str:
    tests = rig.world.app.notifier_tests
    assert tests is not None
    found = tests.signing_secret(notifier)
    assert found is not None
    return found.reveal()


def test_a_notification_handed_over_twice_is_delivered_once(rig: Rig) -> None:
    receiver = Receiver()
    try:
        notifier = rig.webhook(f"{receiver.url}/hook")
        delivery = rig.world.app.alert_delivery
        assert isinstance(delivery, AlertNotifications)
        delivery.deliver(rig.notification(), None)
        delivery.deliver(rig.notification(), None)  # the alert process, after a crash
        rig.sync()
        [row] = rig.world.app.dashboard.notification_deliveries(organization_id=rig.world.org)
        assert (row.state, row.notifier_id, row.status) == ("pending", notifier, "firing")

        assert rig.tick() == 1
        assert rig.tick() == 0  # delivered: a restarted process sends nothing again
        [got] = receiver.received
        stamp = got.headers["X-Containr-Timestamp"]
        key = signing_secret(rig, notifier).encode()
        mac = hmac.new(key, f"{stamp}.".encode() + got.body, hashlib.sha256)
        assert got.headers["X-Containr-Signature"] == f"sha256={mac.hexdigest()}"
        assert json.loads(got.body)["title"] == "Replica crash looping on web"
        [row] = rig.world.app.dashboard.notification_deliveries(incident_id=uuid.UUID(int=1))
        assert (row.state, row.attempts, row.last_answer) == ("delivered", 1, "200 OK: ok")

        delivery.deliver(rig.notification("resolved"), [notifier])
        rig.sync()
        assert rig.tick() == 1
        assert json.loads(receiver.received[1].body)["status"] == "resolved"
    finally:
        receiver.close()


def test_an_unreachable_webhook_is_retried_with_backoff_and_every_attempt_recorded(
    rig: Rig,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    notifier = rig.webhook(f"http://127.0.0.1:{port}/hook")
    rig.world.app.alert_delivery.deliver(rig.notification(), None)  # type: ignore[union-attr]
    rig.sync()
    start = rig.clock.now()

    assert rig.tick() == 1
    [row] = rig.world.app.dashboard.notification_deliveries(organization_id=rig.world.org)
    assert (row.state, row.attempts) == ("retrying", 1)
    assert row.last_answer == "CHANNEL_UNREACHABLE: webhook unreachable: connection refused"
    assert row.next_attempt_at == start + timedelta(seconds=10)
    assert rig.tick() == 0  # not due yet

    rig.clock.advance(timedelta(seconds=10))
    assert rig.tick() == 1
    [row] = rig.world.app.dashboard.notification_deliveries(organization_id=rig.world.org)
    assert row.next_attempt_at == rig.clock.now() + timedelta(seconds=20)

    receiver = Receiver(port)
    try:
        rig.clock.advance(timedelta(seconds=19))
        assert rig.tick() == 0
        rig.clock.advance(timedelta(seconds=1))
        rig.bus.armed = True  # killed right after the report: the next process sends nothing
        with pytest.raises(RuntimeError):
            rig.process().attempt(row.id)
        rig.sync()
        assert rig.tick() == 0
        assert len(receiver.received) == 1
    finally:
        receiver.close()
    attempts = rig.world.app.dashboard.delivery_attempts(row.id)
    assert [(a.attempt, a.ok) for a in attempts] == [(1, False), (2, False), (3, True)]
    assert attempts[0].at.astimezone(UTC) == start.astimezone(UTC)
    assert rig.world.app.dashboard.notifier(notifier).name == "pager"


def test_a_send_whose_outcome_was_not_recorded_is_sent_again(rig: Rig) -> None:
    receiver = Receiver()
    try:
        rig.webhook(f"{receiver.url}/hook")
        rig.world.app.alert_delivery.deliver(rig.notification(), None)  # type: ignore[union-attr]
        rig.sync()
        [row] = rig.world.app.dashboard.notification_deliveries(organization_id=rig.world.org)
        # the process dies between the channel's answer and its report: at least once
        rig.bus.inner = _FailingReports(rig.bus.inner)  # type: ignore[assignment]
        with pytest.raises(RuntimeError):
            rig.process().attempt(row.id)
        rig.bus.inner = rig.bus.inner.inner  # type: ignore[attr-defined]
        assert rig.tick() == 1
        assert len(receiver.received) == 2
        assert rig.tick() == 0
    finally:
        receiver.close()


class _FailingReports:
    def __init__(self, inner: CommandBus) -> None:
        self.inner = inner

    def execute(self, command: c.Command, ctx: Context) -> CommandResult:
        if isinstance(command, c.RecordDeliveryAttempt):
            raise RuntimeError("killed before the report")
        return self.inner.execute(command, ctx)


def test_a_deleted_notifier_s_pending_delivery_gives_up_and_disabled_ones_get_nothing(
    rig: Rig,
) -> None:
    notifier = rig.webhook("http://127.0.0.1:9/hook")
    rig.world.app.alert_delivery.deliver(rig.notification(), None)  # type: ignore[union-attr]
    rig.run(c.DeleteNotifier(notifier_id=notifier))
    assert rig.tick() == 1
    [row] = rig.world.app.dashboard.notification_deliveries(organization_id=rig.world.org)
    assert (row.state, row.last_answer) == ("failed", "the notifier was deleted")
    assert rig.sender.sent == 0
    quiet = rig.webhook("http://127.0.0.1:9/quiet", name="quiet")
    rig.run(c.UpdateNotifier(notifier_id=quiet, enabled=False))
    for chosen in (None, [notifier, quiet]):  # deleted and disabled notifiers get nothing
        rig.world.app.alert_delivery.deliver(rig.notification("resolved"), chosen)  # type: ignore[union-attr]
    rig.sync()
    assert len(rig.world.app.dashboard.notification_deliveries(organization_id=rig.world.org)) == 1


def test_concurrent_hand_overs_of_one_notification_record_one_delivery(rig: Rig) -> None:
    rig.webhook("http://127.0.0.1:9/a", name="one")
    rig.webhook("http://127.0.0.1:9/b", name="two")
    delivery = rig.world.app.alert_delivery
    assert delivery is not None
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def hand_over() -> None:
        barrier.wait(timeout=10)
        try:
            delivery.deliver(rig.notification(), None)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=hand_over) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    rig.sync()
    rows = rig.world.app.dashboard.notification_deliveries(organization_id=rig.world.org)
    assert sorted(row.notification_key for row in rows) == ["incident-1:firing"] * 2
    assert len({row.notifier_id for row in rows}) == 2
