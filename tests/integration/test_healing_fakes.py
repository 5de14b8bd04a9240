"""Self-healing (issue 17) driven step by step against the in-memory adapters: the health
monitor's probes move replicas out of the route and back, a failing liveness probe restarts
a replica, a crash loop is restarted with backoff and recorded in a handful of events, and a
retirement cut short by a crash is finished by the next process."""

# ruff: noqa: F811 - the rig fixtures are imported from test_deployer_fakes by name

from __future__ import annotations

from datetime import timedelta

import pytest

from application import commands as c
from application.bus import CommandBus, CommandResult, Context
from application.processes.deployer import Deployer
from application.processes.health import HealthMonitor
from application.processes.reconciler import Reconciler
from application.runtime_ports import ContainerDeath, ProbeResult, run_key
from domain.service_spec import HealthCheck, HealthCheckKind
from tests.integration.test_deployer_fakes import Rig, bare_rig, rig  # noqa: F401 - fixtures

CHANGES = ("ReplicaLost", "ReplicaReplaced", "ReplicaCrashLooping", "ReplicaHealthChanged")


class PortProber:
    """Answers healthy except on the host ports the test marks failing."""

    def __init__(self) -> None:
        self.failing: set[int] = set()

    def http(self, url: str, *, timeout: float) -> ProbeResult:
        port = int(url.split(":")[2].split("/", maxsplit=1)[0])
        if port in self.failing:
            return ProbeResult(False, f"GET {url} answered 503", 503)
        return ProbeResult(True, f"GET {url} answered 200", 200)

    def tcp(self, host: str, port: int, *, timeout: float) -> ProbeResult:
        return self.http(f"tcp://{host}:{port}/", timeout=timeout)


def monitor(rig: Rig, prober: PortProber) -> HealthMonitor:
    app = rig.world.app
    return HealthMonitor(
        bus=app.commands,
        queries=app.queries,
        dashboard=app.dashboard,
        runtimes=rig.deployer.runtimes,
        prober=prober,
        clock=app.clock,
        instance=rig.deployer.config.instance,
        local_endpoint=rig.deployer.config.local_endpoint,
        parallel=2,
        refresh=0,  # the replicas to probe looked up on every tick
    )


def probe_rounds(rig: Rig, health: HealthMonitor, rounds: int) -> None:
    """Let every due probe run ``rounds`` times, then bring the read models up to date."""
    for _ in range(rounds):
        rig.clock.advance(timedelta(seconds=1))
        health.tick()
        health.settle()
    rig.sync()


def changes(rig: Rig) -> list[str]:
    return [
        e.type.split(".")[-1]
        for e in rig.world.app.events.read(0, limit=10_000)
        if e.type.split(".")[-1] in CHANGES
    ]


def test_a_replica_failing_readiness_leaves_the_route_and_comes_back_when_it_passes(
    rig: Rig,
) -> None:
    rig.run(c.UpdateService(service_id=rig.service, replicas=2))
    live = rig.deploy()
    first, second = sorted(rig.containers(live.id), key=lambda x: x.labels["containr.replica"])
    prober = PortProber()
    health = monitor(rig, prober)
    assert first.host_port is not None and second.host_port is not None
    prober.failing.add(first.host_port)

    probe_rounds(rig, health, 4)  # retries=2: failing after two, then no new record
    rig.reconciler.tick()
    assert rig.route().upstreams == [f"127.0.0.1:{second.host_port}"]
    assert rig.deployment(live.id).unready == {0}
    (row,) = rig.world.app.dashboard.deployments_by_id([live.id])
    assert row.replica_health is not None
    assert row.replica_health["0"]["ready"] is False
    assert row.replica_health["0"]["probes"]["readiness"]["detail"].endswith("answered 503")

    prober.failing.clear()
    probe_rounds(rig, health, 3)
    rig.reconciler.tick()
    assert sorted(rig.route().upstreams) == sorted(
        f"127.0.0.1:{x.host_port}" for x in (first, second)
    )
    assert changes(rig) == ["ReplicaHealthChanged", "ReplicaHealthChanged"]
    status = rig.deployment(live.id).health[0]["readiness"]
    assert status.passing and status.detail.endswith("answered 200")


def test_a_liveness_command_that_never_exits_restarts_the_replica_once_recorded(
    rig: Rig,
) -> None:
    command = ("pg_isready",)
    rig.run(
        c.UpdateService(
            service_id=rig.service,
            liveness_check=HealthCheck(
                HealthCheckKind.COMMAND,
                command=command,
                interval_seconds=1,
                timeout_seconds=1,
                retries=2,
            ),
        )
    )
    live = rig.deploy()
    (stuck,) = rig.containers(live.id)
    rig.runtime.exec_results[(stuck.id, command)] = None  # it hangs: 124 after its timeout
    health = monitor(rig, PortProber())

    probe_rounds(rig, health, 3)
    rig.reconciler.tick()
    rig.sync()

    (replacement,) = rig.containers(live.id)
    # Restarted in place, as Docker's restart policy would: a new run of the same container.
    assert replacement.id == stuck.id and replacement.state == "running"
    assert replacement.started_at != stuck.started_at
    del rig.runtime.exec_results[(stuck.id, command)]  # the new run answers
    lost = rig.events("Deployment.ReplicaLost")
    assert len(lost) == 1
    assert "liveness probe failed: health command timed out" in lost[0].fields["reason"]
    # The replacement passes readiness (in the route again) and liveness: two transitions.
    probe_rounds(rig, health, 2)
    assert changes(rig) == [
        "ReplicaHealthChanged",
        "ReplicaLost",
        "ReplicaReplaced",
        "ReplicaHealthChanged",
        "ReplicaHealthChanged",
    ]
    readiness, liveness = rig.events("Deployment.ReplicaHealthChanged")[-2:]
    assert (readiness.fields["probe"], readiness.fields["passing"]) == ("readiness", True)
    assert (liveness.fields["probe"], liveness.fields["passing"]) == ("liveness", True)


def test_a_replica_restarted_in_place_at_once_keeps_its_route_with_no_change_at_its_death(
    rig: Rig,
) -> None:
    """Caddy ends its retries of a request that met a dead replica when a configuration load
    comes meanwhile (a 502): a replica that comes back at the same address at once stays
    routed, and the ingress sees no change at all. One that must wait for its backoff is
    taken out at once."""
    rig.run(c.ScaleService(service_id=rig.service, replicas=2))
    live = rig.deploy()
    rig.reconciler.tick()
    rig.sync()
    routed = sorted(rig.route().upstreams)
    before = len(rig.ingress.changes)
    victim = next(x for x in rig.containers(live.id) if x.labels["containr.replica"] == "1")
    rig.runtime.kill(victim.id, exit_code=137)
    rig.reconciler.tick()
    rig.sync()
    rig.reconciler.tick()
    (again,) = [x for x in rig.containers(live.id) if x.id == victim.id]
    assert again.state == "running" and again.started_at != victim.started_at
    assert sorted(rig.route().upstreams) == routed
    assert rig.ingress.changes[before:] == []

    rig.runtime.kill(victim.id, exit_code=137)  # dead again at once: its backoff waits 10 s
    rig.reconciler.tick()
    rig.sync()
    assert [x.state for x in rig.containers(live.id) if x.id == victim.id] == ["exited"]
    assert len(rig.route().upstreams) == 1


def test_a_reported_death_is_restarted_in_place_before_any_look_up(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Docker's die event carries the container's labels and exit code, and the last tick
    saw the run that died: the replica is started again at once, with no inspection and no
    listing first (Docker's own restart policy is no quicker). Its death and restart are
    recorded; a second death at once waits out its backoff, out of the route."""
    rig.run(c.ScaleService(service_id=rig.service, replicas=2))
    live = rig.deploy()
    rig.reconciler.tick()
    rig.sync()
    routed = sorted(rig.route().upstreams)
    victim = next(x for x in rig.containers(live.id) if x.labels["containr.replica"] == "1")
    endpoint = rig.deployer.config.local_endpoint

    def report(exit_code: int) -> list[ContainerDeath]:
        """The victim dies, and the engine's event says so (as the contract tests check)."""
        rig.runtime.kill(victim.id, exit_code=exit_code)
        return [ContainerDeath(id=victim.id, labels=victim.labels, exit_code=exit_code)]

    with monkeypatch.context() as patched:
        for look in ("inspect", "containers"):
            patched.setattr(rig.runtime, look, lambda *a, **k: pytest.fail("looked up first"))
        rig.reconciler._on_deaths(rig.runtime, endpoint, report(137))
    (again,) = [x for x in rig.containers(live.id) if x.id == victim.id]
    assert again.state == "running" and again.started_at != victim.started_at
    assert sorted(rig.route().upstreams) == routed
    rig.sync()
    (lost,) = rig.events("Deployment.ReplicaLost")
    assert (lost.fields["replica"], lost.fields["exit_code"]) == (1, 137)
    assert len(rig.events("Deployment.ReplicaReplaced")) == 1

    # The new run died at once: a second death (not the first one again), held by its backoff.
    rig.reconciler._on_deaths(rig.runtime, endpoint, report(1))
    assert [x.state for x in rig.containers(live.id) if x.id == victim.id] == ["exited"]
    assert len(rig.route().upstreams) == 1
    rig.sync()
    assert [e.fields["exit_code"] for e in rig.events("Deployment.ReplicaLost")] == [137, 1]


def test_the_death_of_a_restart_that_was_asked_for_is_no_loss(rig: Rig) -> None:
    """A restart the reconciler made on request reports a death on the engine's events too:
    the container runs again, so nothing is started and no loss is recorded."""
    live = rig.deploy()
    rig.reconciler.tick()
    rig.run(c.RestartService(service_id=rig.service, environment_id=rig.world.production))
    rig.sync()
    (before,) = rig.containers(live.id)
    rig.reconciler.tick()  # restarts it
    (after,) = rig.containers(live.id)
    assert after.id == before.id and after.started_at != before.started_at
    starts = [call for call in rig.runtime.calls if call[0] == "start"]
    death = ContainerDeath(id=before.id, labels=before.labels, exit_code=143)
    rig.reconciler._on_deaths(rig.runtime, rig.deployer.config.local_endpoint, [death])
    rig.sync()
    assert [call for call in rig.runtime.calls if call[0] == "start"] == starts
    assert rig.events("Deployment.ReplicaLost") == []


def test_ten_minutes_of_crash_loop_restart_with_backoff_and_record_a_handful_of_events(
    rig: Rig,
) -> None:
    live = rig.deploy()
    restarts = 0
    seen: set[str] = set()
    for _ in range(60):  # 10 minutes, one look every 10 s
        for container in rig.containers(live.id):
            if container.state == "running":
                if run_key(container) not in seen:  # a new run: restarted (in place)
                    seen.add(run_key(container))
                    restarts += 1
                rig.runtime.emit(container.id, "panic: cannot connect to the database")
                rig.runtime.kill(container.id, exit_code=2)
        rig.reconciler.tick()
        rig.sync()
        rig.clock.advance(timedelta(seconds=10))

    # Restarts at once, then after 10, 20, 40, 80, 160 and 300 s: 8 starts in 10 minutes.
    assert 6 <= restarts <= 9
    recorded = changes(rig)
    # Each restart that answers its readiness probe at once is back in the route at once.
    assert recorded == ["ReplicaLost", "ReplicaReplaced", "ReplicaHealthChanged"] * 2 + [
        "ReplicaCrashLooping"
    ]
    (loop,) = rig.events("Deployment.ReplicaCrashLooping")
    assert loop.fields["exit_code"] == 2
    assert loop.fields["last_lines"][-1] == "panic: cannot connect to the database"
    assert rig.deployment(live.id).crash_looping[0].deaths == 3
    (row,) = rig.world.app.dashboard.deployments_by_id([live.id])
    assert row.replica_health is not None
    looping = row.replica_health["0"]["crash_looping"]
    assert (looping["deaths"], looping["exit_code"]) == (3, 2)


def test_a_new_leader_takes_a_crash_loop_up_where_the_record_leaves_it(rig: Rig) -> None:
    live = rig.deploy()
    while not rig.deployment(live.id).crash_looping:  # dies at once, every time it starts
        for container in rig.containers(live.id):
            if container.state == "running":
                rig.runtime.kill(container.id, exit_code=2)
        rig.reconciler.tick()
        rig.sync()
        rig.clock.advance(timedelta(seconds=10))
    for container in rig.containers(live.id):
        if container.state == "running":
            rig.runtime.kill(container.id, exit_code=2)
    old = rig.reconciler
    new_leader = Reconciler(
        bus=old.bus,
        queries=old.queries,
        dashboard=old.dashboard,
        runtimes=old.runtimes,
        ingress=old.ingress,
        logs=old.logs,
        secrets=old.secrets,
        clock=old.clock,
        deployer=old.deployer,
        local_endpoint=old.local_endpoint,
    )

    new_leader.tick()  # the loop's backoff holds: not restarted at once, as a first death is
    (dead,) = rig.containers(live.id)
    assert dead.state == "exited"
    rig.clock.advance(timedelta(minutes=5))  # the longest backoff
    new_leader.tick()
    (restarted,) = rig.containers(live.id)
    assert restarted.state == "running"
    assert len(rig.events("Deployment.ReplicaCrashLooping")) == 1  # recorded once, still


class CrashAfterHealthy:
    """The bus of a process killed right after it recorded its release healthy."""

    def __init__(self, inner: CommandBus) -> None:
        self.inner = inner

    def execute(self, command: c.Command, ctx: Context) -> CommandResult:
        result = self.inner.execute(command, ctx)
        if isinstance(command, c.RecordHealthy):
            raise SystemExit("kill -9")
        return result


def test_a_retirement_cut_short_by_a_crash_is_finished_by_the_next_process(rig: Rig) -> None:
    old = rig.deploy()
    rig.deployer.bus = CrashAfterHealthy(rig.world.app.commands)  # type: ignore[assignment]
    new = rig.request(rig.commits[1])
    try:
        rig.drive(new)
    except SystemExit:
        rig.sync()
    assert rig.deployment(new).retire_pending
    assert [x.state for x in rig.containers(old.id)] == ["running"]

    app = rig.world.app
    after = Deployer(  # the next leader, on the same event store
        bus=app.commands,
        queries=app.queries,
        dashboard=app.dashboard,
        logs=app.logs,
        secrets=app.secrets,
        source=rig.source,
        runtimes=rig.deployer.runtimes,
        prober=rig.prober,
        ingress=rig.ingress,
        clock=app.clock,
        config=rig.deployer.config,
    )
    after.resume_retirements()
    after._pool.shutdown(wait=True)
    rig.sync()
    assert rig.containers(old.id) == []
    assert len(rig.containers(new)) == 1
    assert not rig.deployment(new).retire_pending
    after.resume_retirements()  # nothing pending: nothing more recorded
    after._pool.shutdown(wait=True)
    retired = [e for e in rig.events("Deployment.PreviousRetired") if e.aggregate_id == new]
    assert len(retired) == 1
