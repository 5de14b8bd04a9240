"""Guest lifecycles end to end through the Proxmox adapter, against fakepve over HTTPS.

The cluster is registered the way a user does it (URL, API token, CA as PEM text); the
guest process manager and the monitor talk to it only through proxmoxer's HTTPS backend.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from contextlib import closing
from pathlib import Path
from typing import cast

import msgspec
import pytest

from adapters.proxmox import ProxmoxHypervisors
from adapters.readstore.host import ReadModelHost
from application import commands as c
from application.processes.guests import GuestManager
from application.secrets import Secret, secret_enc_hook
from application.services import ALL_MODELS
from application.settings import Settings
from domain.guest import GuestAction, GuestKind, GuestState
from tests.contract.test_hypervisor import (  # the fakepve fixtures
    OS_TEMPLATE,
    SECRET,
    TOKEN,
    ProxmoxCluster,
    pki,
    proxmox,
    pve_server,
)
from tests.integration.conftest import World

ROOT = Path(__file__).resolve().parents[2]
__all__ = ["pki", "proxmox", "pve_server"]  # fixtures used by name


def sync(world: World) -> None:
    host = cast(ReadModelHost, world.app.projections)
    for model in ALL_MODELS:
        with closing(host.db.connect("test")) as conn:
            host.runner(model).catch_up(conn)


@pytest.fixture
def manager(world: World) -> GuestManager:
    return GuestManager(
        bus=world.app.commands,
        queries=world.app.queries,
        dashboard=world.app.dashboard,
        secrets=world.app.secrets,
        hypervisors=ProxmoxHypervisors(poll_seconds=0.02, max_poll_seconds=0.2),
        metrics=world.app.metrics,
        clock=world.app.clock,
    )


def register(world: World, proxmox: ProxmoxCluster) -> uuid.UUID:
    cluster_id = world.run(
        c.RegisterCluster(
            organization_id=world.org,
            name="lab",
            url=proxmox.pve.url,
            token_id=TOKEN,
            token_secret=Secret(SECRET),
            ca_bundle=proxmox.ca_pem,
        )
    ).id("cluster_id")
    sync(world)
    return cluster_id


def lxc(world: World, cluster_id: uuid.UUID, name: str = "builder") -> uuid.UUID:
    guest_id = world.run(
        c.CreateGuest(
            cluster_id=cluster_id,
            kind=GuestKind.LXC,
            node="pve1",
            name=name,
            storage="local-lvm",
            os_template=OS_TEMPLATE,
        )
    ).id("guest_id")
    sync(world)
    return guest_id


def tagged(proxmox: ProxmoxCluster, tag: str) -> list[object]:
    return [g for g in proxmox.hypervisor.guests() if tag in g.tags]


def test_a_guests_life_through_the_adapter(
    world: World, manager: GuestManager, proxmox: ProxmoxCluster
) -> None:
    cluster_id = register(world, proxmox)
    manager.monitor()
    sync(world)
    row = world.app.dashboard.cluster(cluster_id)
    assert row.state == "online" and row.pve_version
    nodes = world.app.dashboard.cluster_nodes(cluster_id)
    assert nodes and all(n.online for n in nodes)

    guest_id = lxc(world, cluster_id)
    manager.advance(guest_id)
    guest = world.app.queries.guest(guest_id)
    assert guest.state is GuestState.RUNNING and guest.vmid is not None
    assert len(tagged(proxmox, guest.tag)) == 1

    for action, state in (
        (GuestAction.SHUTDOWN, GuestState.STOPPED),
        (GuestAction.START, GuestState.RUNNING),
        (GuestAction.REBOOT, GuestState.RUNNING),
        (GuestAction.DELETE, GuestState.DELETED),
    ):
        world.run(c.ChangeGuestPower(guest_id=guest_id, action=action))
        manager.advance(guest_id)
        assert world.app.queries.guest(guest_id).state is state, action
    assert tagged(proxmox, guest.tag) == []


def test_a_failing_task_and_an_offline_node_are_recorded_with_their_reasons(
    world: World, manager: GuestManager, proxmox: ProxmoxCluster
) -> None:
    cluster_id = register(world, proxmox)
    guest_id = lxc(world, cluster_id)
    manager.advance(guest_id)
    guest = world.app.queries.guest(guest_id)
    assert guest.vmid is not None

    world.run(c.ChangeGuestPower(guest_id=guest_id, action=GuestAction.STOP))
    manager.advance(guest_id)
    proxmox.fail_next_start(guest.vmid, "startup for container '101' failed")
    world.run(c.ChangeGuestPower(guest_id=guest_id, action=GuestAction.START))
    manager.advance(guest_id)
    failed = world.app.queries.guest(guest_id)
    assert failed.state is GuestState.STOPPED and failed.pending is None
    assert failed.failure is not None and "failed" in failed.failure
    events = world.app.events.of_aggregate(guest_id)
    assert events[-1].type == "Guest.OperationFailed" and events[-1].fields["task_log"]
    proxmox.pve.guest(guest.vmid).start_error = None  # fakepve keeps failing until cleared

    proxmox.take_node_offline("pve1", after_next_task=True)
    world.run(c.ChangeGuestPower(guest_id=guest_id, action=GuestAction.START))
    manager.advance(guest_id)  # the node went away mid-task: retried, not lost
    assert world.app.queries.guest(guest_id).pending is not None
    proxmox.bring_node_online("pve1")
    manager.advance(guest_id)
    started = world.app.queries.guest(guest_id)
    assert started.state is GuestState.RUNNING, started.failure

    manager.monitor()
    proxmox.take_node_offline("pve1")
    manager.monitor()
    types = [e.type for e in world.app.events.of_aggregate(cluster_id)]
    assert "Cluster.NodeWentOffline" in types


def test_a_worker_killed_after_the_create_call_leaves_exactly_one_guest(
    world: World, manager: GuestManager, proxmox: ProxmoxCluster, store_settings: Settings
) -> None:
    cluster_id = register(world, proxmox)
    guest_id = lxc(world, cluster_id)
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.integration.guest_child",
            _reveal(store_settings),
            str(guest_id),
            world.app.clock.now().isoformat(),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 9, child.stderr[-2000:]
    guest = world.app.queries.guest(guest_id)
    assert guest.state is GuestState.CREATING  # nothing was reported
    assert len(tagged(proxmox, guest.tag)) == 1  # but the cluster made it

    manager.advance(guest_id)  # the next worker

    resumed = world.app.queries.guest(guest_id)
    assert resumed.state is GuestState.RUNNING
    (only,) = tagged(proxmox, guest.tag)
    assert resumed.vmid == only.vmid  # type: ignore[attr-defined]


def _reveal(settings: Settings) -> str:
    def hook(obj: object) -> object:
        if isinstance(obj, Secret):
            return obj.reveal()
        return secret_enc_hook(obj)

    return msgspec.json.encode(settings, enc_hook=hook).decode()
