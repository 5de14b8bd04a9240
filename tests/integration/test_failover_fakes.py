"""The failover process driven step by step against in-memory engines (issue 17): a node
silent for the grace period is marked unreachable once, its live release is redeployed once
(also by a restarted process), and when it answers again its stale replica is removed before
it is marked reachable."""

from __future__ import annotations

from datetime import timedelta

from adapters.fake_runtime import InMemoryRuntime
from application import commands as c
from application.processes.failover import FailoverConfig, FailoverProcess
from application.processes.support import DEPLOYMENT
from application.runtime_ports import ContainerRuntime
from domain.deployment import DeploymentState
from tests.integration import test_deployer_fakes as deployer_fakes
from tests.integration.test_deployer_fakes import BASE_IMAGE, Rig

bare_rig = deployer_fakes.bare_rig  # the deployer tests' rig, with the local node registered
rig = deployer_fakes.rig

SPARE = "tcp://spare.example:2376"


class Engines:
    """NodeRuntimes: the spare node's engine at its endpoint, the rig's at every other."""

    def __init__(self, local: InMemoryRuntime, spare: InMemoryRuntime) -> None:
        self.local = local
        self.spare = spare

    def for_endpoint(self, endpoint: str) -> ContainerRuntime:
        return self.spare if endpoint == SPARE else self.local


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
