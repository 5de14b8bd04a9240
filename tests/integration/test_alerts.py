"""The alert process on PostgreSQL with the real time-series store and a controlled clock
(issue 17): a metric rule goes pending, fires after its ``for`` and resolves; the ``for``
survives a restart mid-pending; a store that does not answer changes nothing; silences;
repeats and crashes neither lose nor duplicate an incident or a notification; an event rule
on a release that fails on the deployer's fakes, resolved by the next healthy one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from typing import cast

import pytest

from adapters.fakes import FakeClock
from adapters.readstore.host import ReadModelHost
from adapters.readstore.reader import SqlReadStore
from application import commands as c
from application.alert_ports import Notification
from application.alert_readings import AlertReadings
from application.backup_ports import DumpError
from application.errors import InvalidValueError, UnavailableError
from application.metrics_ports import (
    CPU_CORES,
    MetricReader,
    MetricsUnavailableError,
    ReplicaId,
    Sample,
)
from application.notifications import AlertNotifications
from application.processes.alerts import AlertProcess
from application.readmodels import IncidentRow
from application.services import ALL_MODELS, Services
from application.settings import Settings
from domain.alerting import AlertEvent, AlertMetric, Comparator, ConditionKind
from domain.autoscaling import MetricKind
from domain.backup import BackupState
from domain.service_spec import Resources
from interfaces.bootstrap import bootstrap
from tests.integration.conftest import World
from tests.integration.readmodel_helpers import dump
from tests.integration.test_autoscaler_fakes import Scaling, scaling  # noqa: F401 - fixtures
from tests.integration.test_backups_fakes import Db, db  # noqa: F401 - fixtures
from tests.integration.test_deployer_fakes import (  # noqa: F401 - fixtures
    CrashingBus,
    Rig,
    bare_rig,
    rig,
)

STEP = timedelta(seconds=15)


@pytest.fixture
def clock() -> FakeClock:
    # Near the real time: the store picks raw samples or rollups by its own clock.
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def app(pg_settings: Settings, clock: FakeClock) -> Iterator[Services]:
    services = bootstrap(pg_settings, clock=clock)
    yield services
    services.close()


class RecordingDelivery:
    """The notifiers as a list of what was handed over (or refusing, when told to)."""

    def __init__(self) -> None:
        self.handed: list[tuple[Notification, Sequence[uuid.UUID] | None]] = []
        self.down = False

    def deliver(self, notification: Notification, notifiers: Sequence[uuid.UUID] | None) -> None:
        if self.down:
            raise UnavailableError("the notifiers' store did not answer within 5 s")
        self.handed.append((notification, notifiers))

    @property
    def keys(self) -> list[str]:
        return [n.key for n, _ in self.handed]


class SwitchableStore:
    """The real store, or one that does not answer (a store outage, on demand)."""

    def __init__(self, inner: MetricReader) -> None:
        self.inner = inner
        self.down = False

    def series(self, *args: object, **kwargs: object) -> list[tuple[datetime, float]]:
        self._check()
        return self.inner.series(*args, **kwargs)  # type: ignore[arg-type]

    def node_series(self, *args: object, **kwargs: object) -> list[tuple[datetime, float]]:
        self._check()
        return self.inner.node_series(*args, **kwargs)  # type: ignore[arg-type]

    def latest_per_replica(
        self, service_id: uuid.UUID, metric: str, window: timedelta, *, now: datetime | None = None
    ) -> dict[ReplicaId, float | None]:
        self._check()
        return self.inner.latest_per_replica(service_id, metric, window, now=now)

    def _check(self) -> None:
        if self.down:
            raise MetricsUnavailableError("the metrics store does not answer")


class Alerts:
    """The world, the real time-series store and the alert process, driven step by step."""

    def __init__(self, world: World, clock: FakeClock) -> None:
        self.world, self.clock = world, clock
        self.delivery = RecordingDelivery()
        self.bus = CrashingBus(world.app.commands)
        assert world.app.timeseries is not None
        self.store = SwitchableStore(world.app.timeseries)
        self.process = self.restart()

    def restart(self) -> AlertProcess:
        """A fresh process: nothing of the last one's memory survives."""
        app = self.world.app
        self.process = AlertProcess(
            bus=self.bus,  # type: ignore[arg-type]
            dashboard=app.dashboard,
            readings=AlertReadings(app.dashboard, self.store, app.events),
            clock=self.clock,
            delivery=self.delivery,
            period=STEP,
            public_url="https://containr.example.com/",
            wait_for=lambda position: self.sync(),
        )
        return self.process

    def sync(self) -> None:
        host = cast(ReadModelHost, self.world.app.projections)
        for model in ALL_MODELS:
            with closing(host.db.connect("test")) as conn:
                host.runner(model).catch_up(conn)

    def run(self, command: c.Command) -> uuid.UUID:
        result = self.world.run(command)
        self.sync()
        return next(iter(result.ids.values()))

    def cpu(self, cores: float | None, replicas: int = 2) -> None:
        """Every replica of the web service measured at ``cores`` now (None: unavailable)."""
        now = self.clock.now()
        assert self.world.app.timeseries is not None
        self.world.app.timeseries.record(
            [
                Sample(
                    metric=CPU_CORES,
                    at=now,
                    value=cores,
                    service_id=self.world.service,
                    replica=f"{uuid.uuid4()}:{n}" if cores is None else f"d:{n}",
                )
                for n in range(replicas)
            ]
        )

    def tick(self, cores: float | None = None) -> list[IncidentRow]:
        """15 s on: samples, one evaluation, read models caught up; the incidents after."""
        self.clock.advance(STEP)
        if cores is not None:
            self.cpu(cores)
        self.process.tick()
        self.sync()
        return self.incidents()

    def incidents(self) -> list[IncidentRow]:
        return self.world.app.dashboard.incidents(self.world.org)


def cpu_rule(
    world: World, *, for_seconds: int = 300, notifiers: list[uuid.UUID] | None = None
) -> c.CreateAlertRule:
    return c.CreateAlertRule(
        organization_id=world.org,
        settings=c.AlertRuleInput(
            name="CPU high",
            kind=ConditionKind.METRIC,
            metric=AlertMetric.CPU_PERCENT_OF_REQUEST,
            comparator=Comparator.GT,
            threshold=90,
            for_seconds=for_seconds,
            project_id=world.project,
            notifier_ids=notifiers,
        ),
    )


@pytest.fixture
def alerts(world: World, clock: FakeClock) -> Alerts:
    a = Alerts(world, clock)
    a.run(c.UpdateService(service_id=world.service, resources=Resources(cpu_request_millis=500)))
    return a


def test_cpu_above_90_percent_for_5_minutes_is_pending_then_fires_then_resolves(
    alerts: Alerts,
) -> None:
    rule_id = alerts.run(cpu_rule(alerts.world))
    (pending,) = alerts.tick(cores=0.5)  # 100 % of a 500 m request
    assert (pending.status, pending.value, pending.threshold) == ("pending", 100.0, 90.0)
    assert pending.rule_id == rule_id and pending.service_id == alerts.world.service
    for _ in range(19):  # 4 min 45 s after it started: still pending
        (still,) = alerts.tick(cores=0.48)
        assert still.status == "pending" and still.id == pending.id
    assert alerts.delivery.handed == []
    (firing,) = alerts.tick(cores=0.48)  # 5 min
    assert firing.status == "firing" and firing.value == 96.0
    assert firing.fired_at == pending.started_at + timedelta(minutes=5)
    assert alerts.delivery.keys == [f"{pending.id}:firing"]
    notification, notifiers = alerts.delivery.handed[0]
    assert notification.severity == "warning" and notifiers is None
    assert notification.title == "CPU (% of request) > 90 for 300 s on web"
    assert notification.url == f"https://containr.example.com/incidents/{pending.id}"
    assert notification.labels == {"service": "web"} and "Threshold: 90" in notification.body
    (resolved,) = alerts.tick(cores=0.1)
    assert resolved.status == "resolved" and not resolved.open
    assert [t["status"] for t in resolved.timeline] == ["pending", "firing", "resolved"]
    assert alerts.delivery.keys == [f"{pending.id}:firing", f"{pending.id}:resolved"]
    (row,) = alerts.incidents()
    assert [n["status"] for n in row.notifications] == ["firing", "resolved"]
    host = cast(ReadModelHost, alerts.world.app.projections)
    reader = cast(SqlReadStore, alerts.world.app.read_store)
    old = dump(reader, host, "dashboard")
    rebuilt = dump(reader, host, "dashboard", host.rebuild("dashboard"))  # from the log
    for table in ("alert_rules", "incidents"):
        assert rebuilt[table] == old[table] and old[table], table


def test_a_condition_that_stops_before_for_drops_the_pending_incident_unsent(
    alerts: Alerts,
) -> None:
    alerts.run(cpu_rule(alerts.world))
    alerts.tick(cores=0.5)
    (dropped,) = alerts.tick(cores=0.2)
    assert dropped.status == "dropped" and dropped.fired_at is None
    (again, _) = alerts.tick(cores=0.5)  # a new run of the condition: a new incident
    assert again.status == "pending" and again.id != dropped.id
    alerts.tick()
    assert alerts.delivery.handed == []


def test_the_for_clock_survives_a_restart_mid_pending(alerts: Alerts) -> None:
    alerts.run(cpu_rule(alerts.world, for_seconds=60))
    (pending,) = alerts.tick(cores=0.5)
    alerts.tick(cores=0.5)
    alerts.restart()  # 15 s into the minute
    alerts.tick(cores=0.5)
    (still,) = alerts.tick(cores=0.5)
    assert still.status == "pending"
    (firing,) = alerts.tick(cores=0.5)  # 60 s after it started, not after the restart
    assert firing.id == pending.id and firing.status == "firing"
    assert firing.fired_at == pending.started_at + timedelta(seconds=60)


def test_a_store_that_does_not_answer_or_no_samples_neither_fire_nor_resolve(
    alerts: Alerts,
) -> None:
    rule_id = alerts.run(cpu_rule(alerts.world, for_seconds=0))
    (firing,) = alerts.tick(cores=0.5)
    assert firing.status == "firing"
    alerts.store.down = True
    for _ in range(4):
        (same,) = alerts.tick()
        assert same.status == "firing"
    alerts.store.down = False
    for _ in range(6):  # 90 s without a sample: older than the 60 s window, unknown
        (same,) = alerts.tick()
        assert same.status == "firing"
    (resolved,) = alerts.tick(cores=0.1)
    assert resolved.status == "resolved"
    alerts.tick(cores=0.5)
    alerts.run(c.DeleteAlertRule(rule_id=rule_id))
    (gone, _) = alerts.tick(cores=0.5)
    assert gone.status == "resolved" and gone.end_reason == "the rule was deleted"


def test_repeats_and_crashes_open_one_incident_and_hand_each_notification_over_once(
    alerts: Alerts,
) -> None:
    alerts.run(cpu_rule(alerts.world, for_seconds=0))
    alerts.clock.advance(STEP)
    alerts.cpu(0.5)
    alerts.process.evaluate(alerts.clock.now())
    alerts.process.evaluate(alerts.clock.now())  # before the read model shows the first
    alerts.bus.crash_after.add(c.RecordIncidentNotified)
    alerts.process.tick()  # handed over and noted, then the process dies
    alerts.sync()
    (firing,) = alerts.incidents()
    assert firing.status == "firing"
    alerts.restart()
    alerts.tick(cores=0.5)
    alerts.tick(cores=0.5)
    assert alerts.delivery.keys == [f"{firing.id}:firing"]
    alerts.bus.crash_before.add(c.RecordIncidentNotified)
    alerts.tick(cores=0.1)  # resolved; handed over, the note failed
    alerts.restart()
    alerts.tick()
    alerts.tick()
    key = f"{firing.id}:resolved"
    assert alerts.delivery.keys == [f"{firing.id}:firing", key, key]  # once more, same key
    (row,) = alerts.incidents()
    assert [n["key"] for n in row.notifications] == [f"{firing.id}:firing", key]


def test_notifiers_that_do_not_answer_are_tried_again_next_tick(alerts: Alerts) -> None:
    pager = uuid.uuid4()
    alerts.run(cpu_rule(alerts.world, for_seconds=0, notifiers=[pager]))
    alerts.delivery.down = True
    (firing,) = alerts.tick(cores=0.5)
    alerts.tick(cores=0.5)
    assert alerts.delivery.handed == [] and firing.notifications == []
    alerts.delivery.down = False
    alerts.tick(cores=0.5)
    assert alerts.delivery.keys == [f"{firing.id}:firing"]
    assert alerts.delivery.handed[0][1] == [pager]  # the rule's notifiers only


def silenced_cpu_rule(alerts: Alerts) -> uuid.UUID:
    """A CPU rule firing at once, and a silence of it for the next 20 s (its id)."""
    rule_id = alerts.run(cpu_rule(alerts.world, for_seconds=0))
    return alerts.run(
        c.CreateSilence(
            organization_id=alerts.world.org,
            rule_id=rule_id,
            ends_at=alerts.clock.now() + timedelta(seconds=20),
            comment="maintenance",
        )
    )


def test_a_silenced_incident_is_recorded_and_not_sent(alerts: Alerts) -> None:
    silence_id = silenced_cpu_rule(alerts)
    (silenced,) = alerts.tick(cores=0.5)
    assert silenced.status == "firing" and silenced.silenced_by == silence_id
    alerts.tick(cores=0.1)
    alerts.tick(cores=0.5)  # after the silence's end
    newest, first = alerts.incidents()
    assert first.id == silenced.id and first.status == "resolved"
    assert newest.silenced_by is None
    assert alerts.delivery.keys == [f"{newest.id}:firing"]


def test_an_incident_still_firing_when_its_silence_ends_is_told_then_and_resolved_after(
    alerts: Alerts,
) -> None:
    """As Alertmanager: a silence holds notifications back while it lasts, not for the
    incident's whole life."""
    silence_id = silenced_cpu_rule(alerts)
    (silenced,) = alerts.tick(cores=0.5)
    assert silenced.silenced_by == silence_id
    assert alerts.delivery.keys == []
    (told,) = alerts.tick(cores=0.5)  # the silence is over, the incident still fires
    assert told.id == silenced.id and told.status == "firing" and told.silenced_by is None
    assert [s["status"] for s in told.timeline][-1] == "unsilenced"
    alerts.tick(cores=0.5)
    assert alerts.delivery.keys == [f"{told.id}:firing"]  # once
    (resolved,) = alerts.tick(cores=0.1)
    assert resolved.status == "resolved"
    alerts.tick(cores=0.1)
    assert alerts.delivery.keys == [f"{told.id}:firing", f"{told.id}:resolved"]


def test_a_failed_release_fires_and_the_next_healthy_one_resolves(
    rig: Rig,  # noqa: F811 - the fixture
    clock: FakeClock,
) -> None:
    alerts = Alerts(rig.world, clock)
    rule_id = alerts.run(
        c.CreateAlertRule(
            organization_id=rig.world.org,
            settings=c.AlertRuleInput(
                name="Deploys",
                kind=ConditionKind.EVENT,
                event=AlertEvent.DEPLOYMENT_FAILED,
                service_id=rig.service,
                project_id=rig.world.project,
            ),
        )
    )
    rig.deploy(rig.commits[0])
    assert alerts.tick() == []
    rig.prober.healthy = False
    failed = rig.drive(rig.request(rig.commits[1]))
    (firing,) = alerts.tick()
    assert firing.status == "firing" and firing.rule_id == rule_id
    assert firing.trigger == f"deployment:{failed.id}"
    assert firing.labels == {"service": "web", "environment": "production"}
    rig.prober.healthy = True
    rig.deploy(rig.commits[1])
    (resolved,) = alerts.tick()
    assert resolved.status == "resolved"
    alerts.tick()
    assert alerts.delivery.keys == [f"{firing.id}:firing", f"{firing.id}:resolved"]


def test_a_replica_lost_three_times_in_ten_minutes_is_crash_looping_until_they_age_out(
    rig: Rig,  # noqa: F811 - the fixture
    clock: FakeClock,
) -> None:
    alerts = Alerts(rig.world, clock)
    alerts.run(
        c.CreateAlertRule(
            organization_id=rig.world.org,
            settings=c.AlertRuleInput(
                name="Crash loops",
                kind=ConditionKind.EVENT,
                event=AlertEvent.REPLICA_CRASH_LOOPING,
                count=3,
                window_seconds=600,
            ),
        )
    )
    live = rig.deploy(rig.commits[0])
    for n in range(3):
        assert alerts.tick() == []
        alerts.run(c.ReportReplicaLost(deployment_id=live.id, replica=0, reason=f"exit {n}"))
        # A loss is recorded once until the replica runs again: it ran again in between.
        alerts.run(c.ReportReplicaReplaced(deployment_id=live.id, replica=0, container=f"c{n}"))
    (looping,) = alerts.tick()
    assert looping.status == "firing" and looping.trigger == f"deployment:{live.id}"
    assert looping.title == "Replica crash looping (web in production)"
    clock.advance(timedelta(minutes=10))  # the first loss leaves the window
    (resolved,) = alerts.tick()
    assert resolved.status == "resolved"


def test_a_replica_marked_crash_looping_fires_without_counting_its_losses(
    rig: Rig,  # noqa: F811 - the fixture
    clock: FakeClock,
) -> None:
    alerts = Alerts(rig.world, clock)
    alerts.run(
        c.CreateAlertRule(
            organization_id=rig.world.org,
            settings=c.AlertRuleInput(
                name="Crash loops",
                kind=ConditionKind.EVENT,
                event=AlertEvent.REPLICA_CRASH_LOOPING,
                count=5,
                window_seconds=600,
            ),
        )
    )
    live = rig.deploy(rig.commits[0])
    alerts.run(c.ReportReplicaLost(deployment_id=live.id, replica=0, reason="exit 1"))
    assert alerts.tick() == []  # one loss is no loop
    alerts.run(
        c.ReportReplicaCrashLooping(
            deployment_id=live.id,
            replica=0,
            deaths=3,
            exit_code=1,
            last_lines=["boom"],
            operation_id=f"{live.id}:looping:0",
        )
    )
    (looping,) = alerts.tick()  # the reconciler's verdict: it records a loop's loss once
    assert looping.status == "firing" and looping.trigger == f"deployment:{live.id}"


def test_a_replica_failing_readiness_for_its_for_fires_and_resolves_when_it_passes(
    rig: Rig,  # noqa: F811 - the fixture
    clock: FakeClock,
) -> None:
    alerts = Alerts(rig.world, clock)
    alerts.run(
        c.CreateAlertRule(
            organization_id=rig.world.org,
            settings=c.AlertRuleInput(
                name="Health",
                kind=ConditionKind.EVENT,
                event=AlertEvent.REPLICA_UNHEALTHY,
                for_seconds=120,
            ),
        )
    )
    live = rig.deploy(rig.commits[0])
    assert alerts.tick() == []

    def readiness(passing: bool) -> None:
        alerts.run(
            c.RecordReplicaHealth(
                deployment_id=live.id,
                replica=0,
                probe="readiness",
                passing=passing,
                detail="HTTP 200" if passing else "HTTP 503",
            )
        )

    readiness(False)
    (pending,) = alerts.tick()
    assert pending.status == "pending" and pending.title == "Replica unhealthy (web in production)"
    clock.advance(timedelta(seconds=121))
    (firing,) = alerts.tick()
    assert firing.status == "firing"
    readiness(True)
    (resolved,) = alerts.tick()
    assert resolved.status == "resolved"
    with pytest.raises(InvalidValueError) as refused:  # only this event rule takes a for
        alerts.run(
            c.CreateAlertRule(
                organization_id=rig.world.org,
                settings=c.AlertRuleInput(
                    name="Deploys",
                    kind=ConditionKind.EVENT,
                    event=AlertEvent.DEPLOYMENT_FAILED,
                    for_seconds=60,
                ),
            )
        )
    assert refused.value.field.endswith("for_seconds")


def test_an_unreachable_node_fires_and_resolves_by_itself_after_its_timeout_once(
    alerts: Alerts,
) -> None:
    world = alerts.world
    node = alerts.run(
        c.RegisterNode(
            organization_id=world.org,
            name="edge-1",
            endpoint="tcp://10.0.0.9:2376",
            cpu_millis=1000,
            memory_mb=1024,
        )
    )
    alerts.run(
        c.CreateAlertRule(
            organization_id=world.org,
            settings=c.AlertRuleInput(
                name="Nodes",
                kind=ConditionKind.EVENT,
                event=AlertEvent.NODE_UNREACHABLE,
                resolve_after_seconds=60,
            ),
        )
    )
    assert alerts.tick() == []
    alerts.run(c.MarkNodeUnreachable(node_id=node, reason="no answer within 5 s"))
    (down,) = alerts.tick()
    assert down.status == "firing" and down.node_id == node and down.labels == {"node": "edge-1"}
    for _ in range(4):  # 60 s firing: resolved by timeout, and not opened again
        (row,) = alerts.tick()
    assert row.status == "resolved" and row.end_reason == "timed out"
    assert len(alerts.tick()) == 1
    alerts.run(c.MarkNodeReachable(node_id=node))
    alerts.tick()
    alerts.run(c.MarkNodeUnreachable(node_id=node, reason="gone again"))
    again, first = alerts.tick()
    assert first.id == down.id and again.status == "firing"


def test_a_failed_backup_fires_and_the_next_verified_one_resolves(
    db: Db,  # noqa: F811 - the fixture
    clock: FakeClock,
) -> None:
    alerts = Alerts(db.rig.world, clock)
    alerts.run(
        c.CreateAlertRule(
            organization_id=db.rig.world.org,
            settings=c.AlertRuleInput(
                name="Backups", kind=ConditionKind.EVENT, event=AlertEvent.BACKUP_FAILED
            ),
        )
    )
    assert alerts.tick() == []  # never backed up: nothing to judge
    db.dumps.fail["dump"] = DumpError("pg_dump exited 1: connection refused")
    failed = db.backup_now()
    assert db.drive(db.process(), failed) is BackupState.FAILED
    (firing,) = alerts.tick()
    assert firing.status == "firing" and firing.trigger == f"backup:{failed}"
    assert firing.service_id == db.service and firing.title.startswith("Backup failed (postgres")
    db.dumps.fail.clear()
    verified = db.backup_now()
    assert db.drive(db.process(), verified) is BackupState.VERIFIED
    (resolved,) = alerts.tick()
    assert resolved.status == "resolved"


def test_an_autoscaling_budget_at_80_percent_fires(
    scaling: Scaling,  # noqa: F811 - the fixture
    clock: FakeClock,
) -> None:
    alerts = Alerts(scaling.world, clock)
    alerts.run(
        c.CreateAlertRule(
            organization_id=scaling.world.org,
            settings=c.AlertRuleInput(
                name="Budget", kind=ConditionKind.EVENT, event=AlertEvent.BUDGET_WARNING
            ),
        )
    )
    assert alerts.tick() == []
    scaling.run(
        c.SetAutoscaling(
            service_id=scaling.world.service,
            max_replicas=10,
            metrics=[c.MetricTargetInput(metric=MetricKind.CPU, target=60)],
            hourly_budget=0.1,
        )
    )
    assert scaling.tick(cpu=300) == 4  # capped by the budget, warned at 80 %
    (warned,) = alerts.tick()
    assert warned.status == "firing" and warned.service_id == scaling.world.service
    assert warned.value == 0.1  # 4 replicas at 0.025 per hour


def test_the_notifiers_record_each_notification_once_per_notifier(alerts: Alerts) -> None:
    """With the notifiers' side of the port (as bootstrap wires it), not a recording one."""
    app = alerts.world.app
    webhook = alerts.run(
        c.build_command(
            c.CreateNotifier,
            {
                "organization_id": alerts.world.org,
                "name": "Pager",
                "kind": "webhook",
                "url": "http://127.0.0.1:9/hook",
            },
        )
    )
    alerts.delivery = AlertNotifications(app.commands, app.dashboard)  # type: ignore[assignment]
    alerts.restart()
    alerts.run(cpu_rule(alerts.world, for_seconds=0))
    (firing,) = alerts.tick(cores=0.5)
    alerts.restart()  # the hand-over is looked at again from the start: nothing twice
    alerts.tick(cores=0.1)
    alerts.tick()
    deliveries = app.dashboard.notification_deliveries(incident_id=firing.id)
    assert sorted(d.notification_key for d in deliveries) == [
        f"{firing.id}:firing",
        f"{firing.id}:resolved",
    ]
    assert {d.notifier_id for d in deliveries} == {webhook}
