"""The failover process driven step by step against in-memory engines (issue 17): a node
silent for the grace period is marked unreachable once, its live release is redeployed once
(also by a restarted process), and when it answers again its stale replica is removed before
it is marked reachable."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta

from adapters.fake_runtime import InMemoryRuntime
from application import commands as c
from application.auth import hash_token
from application.processes.failover import FailoverConfig, FailoverProcess
from application.processes.support import DEPLOYMENT, REPLICA
from application.runtime_ports import ContainerRuntime
from domain.deployment import DeploymentState
from tests.integration import test_deployer_fakes as deployer_fakes
from tests.integration.test_deployer_fakes import BASE_IMAGE, Rig

bare_rig = deployer_fakes.bare_rig  # the deployer tests' rig, with the local node registered
rig = deployer_fakes.rig

SPARE = "tcp://spare.example:2376"


class Engines:
    """NodeRuntimes: the spare node's engine at its endpoint, the rig's at every other."""

    def __init__(
        self, local: InMemoryRuntime, spare: InMemoryRuntime, endpoint: str = SPARE
    ) -> None:
        self.local = local
        self.spare = spare
        self.endpoint = endpoint

    def for_endpoint(self, endpoint: str) -> ContainerRuntime:
        return self.spare if endpoint == self.endpoint else self.local


def failover(rig: Rig, engines: Engines) -> FailoverProcess:
    app = rig.world.app
    return FailoverProcess(
        bus=app.commands,
        queries=app.queries,
        dashboard=app.dashboard,
        runtimes=engines,
        clock=app.clock,
        config=FailoverConfig(instance=rig.deployer.config.instance, grace=timedelta(seconds=30)),
    )


def tick(rig: Rig, process: FailoverProcess) -> None:
    rig.sync()
    process.tick()
    rig.sync()


def test_a_dead_nodes_release_moves_once_and_its_stale_replica_goes_before_it_rejoins(
    rig: Rig,
) -> None:
    spare = InMemoryRuntime()
    spare.add_image(BASE_IMAGE)
    engines = Engines(rig.runtime, spare)
    rig.deployer.runtimes = rig.reconciler.runtimes = engines
    node = rig.run(
        c.RegisterNode(
            organization_id=rig.world.org,
            name="a-spare",  # first by name: the first release is built there too
            endpoint=SPARE,
            cpu_millis=4000,
            memory_mb=8192,
        )
    ).id("node_id")
    rig.run(c.SetFailoverPolicy(service_id=rig.service, preferred_nodes=[node]))
    first = rig.deploy()
    assert set(first.placements.values()) == {node}
    assert len(spare.containers({DEPLOYMENT: str(first.id)})) == 1
    process = failover(rig, engines)

    spare.reachable = False
    tick(rig, process)  # silent, but not for the grace period yet
    assert rig.events("Node.BecameUnreachable") == []
    rig.clock.advance(timedelta(seconds=31))
    tick(rig, process)
    tick(rig, process)
    failover(rig, engines).tick()  # a restarted process asks for nothing more
    rig.sync()
    assert len(rig.events("Node.BecameUnreachable")) == 1
    [moved] = [row.id for row in rig.world.app.dashboard.active_deployments()]
    again = rig.drive(moved)
    assert again.state is DeploymentState.HEALTHY
    assert set(again.placements.values()) != {node}
    assert rig.deployment(first.id).state is DeploymentState.SUPERSEDED
    tick(rig, process)
    assert len(rig.events("Deployment.Requested")) == 2  # the first release and the move

    spare.reachable = True
    tick(rig, process)
    tick(rig, process)
    assert spare.containers({DEPLOYMENT: str(first.id)}) == []
    kinds = [e.type for e in rig.events("") if e.aggregate_id == node]
    assert kinds[-3:] == ["Node.BecameUnreachable", "Node.OrphanRemoved", "Node.BecameReachable"]
    assert rig.world.app.queries.node(node).reachable


def test_an_agent_node_away_for_the_grace_is_failed_over_and_swept_when_its_agent_is_back(
    rig: Rig,
) -> None:
    token = "cjt_" + "t" * 43
    rig.run(c.CreateJoinToken(organization_id=rig.world.org, token_hash=hash_token(token)))
    node = uuid.uuid4()
    rig.run(
        c.JoinAgentNode(
            token_hash=hash_token(token),
            node_id=node,
            name="a-agent",
            cpu_millis=4000,
            memory_mb=8192,
            credential_hash=hash_token("cnc_" + "c" * 43),
        )
    )
    rig.run(c.UncordonNode(node_id=node))
    spare = InMemoryRuntime()  # the agent's engine, reached through the agent
    spare.add_image(BASE_IMAGE)
    engines = Engines(rig.runtime, spare, f"agent://{node}")
    rig.deployer.runtimes = rig.reconciler.runtimes = engines
    rig.run(c.SetFailoverPolicy(service_id=rig.service, preferred_nodes=[node]))
    first = rig.deploy()
    assert set(first.placements.values()) == {node}
    process = failover(rig, engines)

    spare.reachable = False  # the agent away: its node does not answer
    tick(rig, process)
    rig.clock.advance(timedelta(seconds=31))
    tick(rig, process)  # marked unreachable
    tick(rig, process)  # its release moved
    assert len(rig.events("Node.BecameUnreachable")) == 1
    [moved] = [row.id for row in rig.world.app.dashboard.active_deployments()]
    assert rig.drive(moved).state is DeploymentState.HEALTHY
    assert node not in set(rig.deployment(moved).placements.values())

    spare.reachable = True  # back: the replica that moved goes, then the node takes work
    tick(rig, process)
    tick(rig, process)
    assert spare.containers({DEPLOYMENT: str(first.id)}) == []
    assert rig.world.app.queries.node(node).reachable


def test_a_release_split_over_two_engines_is_repaired_on_each_and_routed_to_both(
    rig: Rig,
) -> None:
    spare = InMemoryRuntime()
    spare.add_image(BASE_IMAGE)
    spare._ports = itertools.count(40000)  # host ports the local engine never gives
    spare.images = rig.runtime.images  # what is built is there too (no registry here)
    engines = Engines(rig.runtime, spare)
    rig.deployer.runtimes = rig.reconciler.runtimes = engines
    rig.run(
        c.RegisterNode(
            organization_id=rig.world.org,
            name="spare",
            endpoint=SPARE,
            cpu_millis=4000,
            memory_mb=8192,
        )
    )
    rig.run(c.ScaleService(service_id=rig.service, replicas=2))
    live = rig.deploy()
    assert len(set(live.placements.values())) == 2  # spread: one replica on each node

    def on(engine: InMemoryRuntime) -> list[tuple[str, str]]:
        found = engine.containers({DEPLOYMENT: str(live.id)})
        return sorted((c.labels[REPLICA], c.state) for c in found)

    def upstreams() -> list[str]:
        return sorted(
            f"127.0.0.1:{c.host_port}"
            for engine in (rig.runtime, spare)
            for c in engine.containers({DEPLOYMENT: str(live.id)})
            if c.state == "running"
        )

    rig.reconciler.tick()
    rig.sync()
    here, there = on(rig.runtime), on(spare)
    assert len(here) == len(there) == 1 and here != there  # no replica started twice
    assert sorted(rig.route().upstreams) == upstreams()  # both engines' replicas routed

    (dead,) = spare.containers({DEPLOYMENT: str(live.id)})
    spare.kill(dead.id, exit_code=137)
    rig.reconciler.tick()
    rig.sync()
    assert on(rig.runtime) == here  # not replaced on the wrong engine
    assert [state for _, state in on(spare)] == ["running"]
    assert sorted(rig.route().upstreams) == upstreams()

    # Its engine silent (an agent away, its host serving on): the replica it ran when last
    # seen stays in the route, for the ingress's health checks to judge, not dropped for the
    # control connection alone; nothing is started in its place before failover moves it.
    routed = upstreams()
    both = [c for e in (rig.runtime, spare) for c in e.containers({DEPLOYMENT: str(live.id)})]
    spare.reachable = False
    rig.reconciler.tick()
    rig.sync()
    assert on(rig.runtime) == here
    assert sorted(rig.route().upstreams) == routed

    # Scaled down meanwhile: a replica beyond the new count leaves the route, wherever it is.
    first = {c.labels[REPLICA]: f"127.0.0.1:{c.host_port}" for c in both}["0"]
    rig.run(c.ScaleService(service_id=rig.service, replicas=1))
    rig.reconciler.tick()
    rig.sync()
    assert rig.route().upstreams == [first]
