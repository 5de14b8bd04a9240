"""The guest process manager and the cluster monitor on the real event stores, against the
in-memory cluster (the contract suite proves it behaves like the Proxmox adapter on fakepve).
"""

from __future__ import annotations

import uuid
from contextlib import closing
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

import pytest

from adapters.fake_hypervisor import InMemoryHypervisor, InMemoryHypervisors
from adapters.fakes import FakeClock
from adapters.readstore.host import ReadModelHost
from application import commands as c
from application.bus import CommandResult
from application.errors import NotFoundError
from application.processes.guests import GuestManager
from application.secrets import Secret
from application.services import ALL_MODELS
from domain.guest import Guest, GuestAction, GuestKind, GuestState
from tests.integration.conftest import World

TOKEN_ID = "root@pam!containr"
TOKEN = "8d3c5f0e-1111-2222-3333-444455556666"
TEMPLATE = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"


@dataclass
class Lab:
    world: World
    cluster: InMemoryHypervisor
    manager: GuestManager
    clock: FakeClock
    cluster_id: uuid.UUID

    def run(self, command: c.Command) -> CommandResult:
        result = self.world.run(command)
        self.sync()
        return result

    def sync(self) -> None:
        host = cast(ReadModelHost, self.world.app.projections)
        for model in ALL_MODELS:
            with closing(host.db.connect("test")) as conn:
                host.runner(model).catch_up(conn)

    def create(self, kind: GuestKind = GuestKind.LXC, **changes: object) -> uuid.UUID:
        fields: dict[str, object] = {
            "cluster_id": self.cluster_id,
            "kind": kind,
            "node": "pve1",
            "name": "builder",
            "os_template": TEMPLATE if kind is GuestKind.LXC else None,
            **changes,
        }
        return self.run(c.CreateGuest(**fields)).id("guest_id")  # type: ignore[arg-type]

    def step(self, guest_id: uuid.UUID) -> Guest:
        self.manager.advance(guest_id)
        self.sync()
        return self.world.app.queries.guest(guest_id)

    def power(self, guest_id: uuid.UUID, action: GuestAction) -> Guest:
        self.run(c.ChangeGuestPower(guest_id=guest_id, action=action))
        return self.step(guest_id)

    def events(self, aggregate: uuid.UUID) -> list[str]:
        return [e.type for e in self.world.app.events.of_aggregate(aggregate)]


@pytest.fixture
def lab(world: World, clock: FakeClock) -> Lab:
    cluster = InMemoryHypervisor(nodes=("pve1", "pve2"))
    cluster.add_token(TOKEN_ID, TOKEN)
    app = world.app
    manager = GuestManager(
        bus=app.commands,
        queries=app.queries,
        dashboard=app.dashboard,
        secrets=app.secrets,
        hypervisors=InMemoryHypervisors(cluster),
        metrics=app.metrics,
        clock=clock,
    )
    cluster_id = world.run(
        c.RegisterCluster(
            organization_id=world.org,
            name="homelab",
            url="https://127.0.0.1:8006",
            token_id=TOKEN_ID,
            token_secret=Secret(TOKEN),
        )
    ).id("cluster_id")
    made = Lab(world, cluster, manager, clock, cluster_id)
    made.sync()
    return made


def test_the_monitor_records_nodes_usage_and_state_changes(lab: Lab) -> None:
    lab.manager.monitor()
    lab.sync()
    dashboard = lab.world.app.dashboard
    assert dashboard.cluster(lab.cluster_id).state == "online"
    assert dashboard.cluster(lab.cluster_id).pve_version == "9.0.10"
    assert [(n.node, n.online) for n in dashboard.cluster_nodes(lab.cluster_id)] == [
        ("pve1", True),
        ("pve2", True),
    ]
    assert {s.node for s in lab.world.app.metrics.latest(str(lab.cluster_id))} == {"pve1", "pve2"}

    lab.cluster.take_node_offline("pve2")
    lab.manager.monitor()
    lab.manager.monitor()
    lab.sync()
    assert lab.events(lab.cluster_id).count("Cluster.NodeWentOffline") == 1
    assert [(n.node, n.online) for n in dashboard.cluster_nodes(lab.cluster_id)][1] == (
        "pve2",
        False,
    )

    lab.cluster.become_unreachable("timed out")
    lab.manager.monitor()
    lab.sync()
    row = dashboard.cluster(lab.cluster_id)
    assert row.state == "unreachable" and row.unreachable_reason is not None
    assert "timed out" in row.unreachable_reason


def test_a_bad_token_is_recorded_as_the_reason_the_cluster_is_unreachable(lab: Lab) -> None:
    lab.run(
        c.UpdateClusterCredentials(
            cluster_id=lab.cluster_id, token_id=TOKEN_ID, token_secret=Secret("wrong-secret")
        )
    )
    lab.manager.monitor()
    lab.sync()
    row = lab.world.app.dashboard.cluster(lab.cluster_id)
    assert row.state == "unreachable" and row.unreachable_reason is not None
    assert "wrong-secret" not in row.unreachable_reason
    assert "token" in row.unreachable_reason.lower() or "401" in row.unreachable_reason


def test_a_guest_is_created_tagged_with_its_operation_and_then_powered(lab: Lab) -> None:
    guest_id = lab.create()
    guest = lab.step(guest_id)
    assert guest.state is GuestState.RUNNING and guest.vmid is not None
    (made,) = lab.cluster.guests()
    assert made.vmid == guest.vmid and guest.tag in made.tags and made.status == "running"
    row = lab.world.app.dashboard.guest(guest_id)
    assert row.state == "running" and row.vmid == guest.vmid and row.pending_action is None

    assert lab.power(guest_id, GuestAction.SHUTDOWN).state is GuestState.STOPPED
    assert lab.power(guest_id, GuestAction.START).state is GuestState.RUNNING
    assert lab.power(guest_id, GuestAction.REBOOT).state is GuestState.RUNNING
    assert lab.power(guest_id, GuestAction.STOP).state is GuestState.STOPPED
    assert lab.power(guest_id, GuestAction.DELETE).state is GuestState.DELETED
    assert lab.cluster.guests() == []


def test_a_worker_that_died_after_the_create_call_leaves_exactly_one_guest(lab: Lab) -> None:
    guest_id = lab.create()
    guest = lab.world.app.queries.guest(guest_id)
    # what the dead worker did: took a vmid and created the tagged guest, reporting nothing
    from application.hypervisor_ports import GuestSpec  # noqa: PLC0415

    lab.cluster.create(
        GuestSpec(kind="lxc", node="pve1", name="builder", os_template=TEMPLATE, tags=[guest.tag]),
        lab.cluster.next_vmid(),
        deadline_seconds=60,
    )
    resumed = lab.step(guest_id)
    assert resumed.state is GuestState.RUNNING
    assert len(lab.cluster.guests()) == 1
    assert lab.cluster.guests()[0].vmid == resumed.vmid
    assert lab.step(guest_id).state is GuestState.RUNNING  # nothing more happens
    assert len(lab.cluster.guests()) == 1


def test_a_failing_task_is_recorded_with_its_log_and_leaves_nothing(lab: Lab) -> None:
    lab.cluster.fail_next_task(
        exit_status="unable to create CT 100 - storage 'local-lvm' is full",
        log=["allocating volume", "TASK ERROR: storage full"],
    )
    guest = lab.step(lab.create())
    assert guest.state is GuestState.FAILED
    assert guest.failure is not None and "storage" in guest.failure
    failed = [e for e in lab.world.app.events.of_aggregate(guest.id) if e.type.endswith("Failed")]
    assert failed and "TASK ERROR: storage full" in failed[-1].fields["task_log"]
    assert lab.cluster.guests() == []
    assert lab.world.app.dashboard.guest(guest.id).state == "failed"


def test_a_locked_guest_and_lost_quorum_fail_the_operation_and_keep_the_state(
    lab: Lab,
) -> None:
    guest = lab.step(lab.create())
    assert guest.vmid is not None
    lab.cluster.lock(guest.vmid, "backup")
    locked = lab.power(guest.id, GuestAction.STOP)
    assert locked.state is GuestState.RUNNING and locked.pending is None
    assert locked.failure is not None and "lock" in locked.failure.lower()
    lab.cluster.lock(guest.vmid, None)

    lab.cluster.lose_quorum()
    refused = lab.power(guest.id, GuestAction.SHUTDOWN)
    assert refused.state is GuestState.RUNNING
    assert refused.failure is not None and "quorum" in refused.failure.lower()
    lab.cluster.regain_quorum()
    assert lab.power(guest.id, GuestAction.SHUTDOWN).state is GuestState.STOPPED


def test_a_node_that_goes_offline_mid_operation_fails_it_clearly(lab: Lab) -> None:
    guest = lab.step(lab.create(start=False))
    assert guest.state is GuestState.STOPPED
    lab.cluster.take_node_offline("pve1")
    assert lab.power(guest.id, GuestAction.START).pending is not None  # retried
    lab.clock.advance(timedelta(minutes=4))
    failed = lab.step(guest.id)
    assert failed.state is GuestState.STOPPED and failed.pending is None
    assert failed.failure is not None and "deadline exceeded" in failed.failure
    assert "does not answer" in failed.failure


def test_an_unreachable_cluster_is_retried_until_the_deadline_then_fails(lab: Lab) -> None:
    guest_id = lab.create()
    lab.cluster.become_unreachable("timed out")
    assert lab.step(guest_id).state is GuestState.CREATING  # retried on the next tick
    lab.clock.advance(timedelta(minutes=16))
    lab.cluster.become_reachable()
    failed = lab.step(guest_id)
    assert failed.state is GuestState.FAILED
    assert failed.failure is not None and "deadline" in failed.failure
    assert lab.cluster.guests() == []


def test_a_token_without_the_privilege_is_refused_with_the_permission_named(lab: Lab) -> None:
    lab.cluster.add_token("ops@pve!readonly", "s3", privileges=["VM.Audit", "Sys.Audit"])
    lab.run(
        c.UpdateClusterCredentials(
            cluster_id=lab.cluster_id, token_id="ops@pve!readonly", token_secret=Secret("s3")
        )
    )
    guest = lab.step(lab.create())
    assert guest.state is GuestState.FAILED
    assert guest.failure is not None and "VM.Allocate" in guest.failure


def test_a_running_guest_becomes_a_node_labelled_with_where_it_runs(lab: Lab) -> None:
    guest = lab.step(lab.create())
    node_id = lab.run(
        c.RegisterGuestAsNode(
            guest_id=guest.id, endpoint="tcp://10.0.0.5:2376", cpu_millis=2000, memory_mb=2048
        )
    ).id("node_id")
    node = lab.world.app.dashboard.node(node_id)
    assert node.kind == "proxmox_guest" and node.name == "builder"
    assert node.labels["containr.io/pve-node"] == "pve1"
    assert lab.world.app.dashboard.guest(guest.id).node_id == node_id


def test_bad_guest_requests_are_refused_and_change_nothing(lab: Lab) -> None:
    lab.manager.monitor()
    lab.sync()
    before = lab.world.app.events.head()
    with pytest.raises(Exception, match="no node 'pve9'"):
        lab.create(node="pve9")
    with pytest.raises(Exception, match="os_template"):
        lab.create(os_template=None)
    with pytest.raises(NotFoundError):
        lab.run(c.ChangeGuestPower(guest_id=uuid.uuid4(), action=GuestAction.START))
    assert lab.world.app.events.head() == before
