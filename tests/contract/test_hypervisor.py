"""The Hypervisor contract, run against the in-memory fake and the Proxmox adapter over fakepve.

fakepve (a fake Proxmox VE API; AGPL, so it is imported here and nowhere else) runs in this
process on its own event loop, on 127.0.0.1 with a certificate made for the run. The adapter
reaches it only through proxmoxer's HTTPS backend, with an API token, verifying TLS against
that certificate (given as PEM text, as a cluster's CA is). Each fault is caused on the fake
PVE through fakepve's own scenario methods; where it has none, the gap is noted at the helper.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import stat
import threading
import time
import urllib.parse
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest

from adapters.fake_hypervisor import InMemoryHypervisor, InMemoryHypervisors
from adapters.proxmox import ProxmoxHypervisor, ProxmoxHypervisors
from application.hypervisor_ports import (
    AuthenticationFailedError,
    ClusterCredentials,
    GuestInfo,
    GuestKind,
    GuestLockedError,
    GuestSpec,
    Hypervisor,
    HypervisorError,
    HypervisorUnreachableError,
    PermissionDeniedError,
    QuorumLostError,
    TaskFailedError,
)
from application.secrets import Secret
from tests.conftest import service_missing

try:
    from fakepve import FakePve
    from fakepve.certs import make_cert
    from fakepve.model import PveError

    FAKEPVE_MISSING: Exception | None = None
except ImportError as e:  # the dev extra is not installed
    FAKEPVE_MISSING = e

HOST = "127.0.0.1"
USER, TOKEN, SECRET = "containr@pve", "containr@pve!worker", "8c3e61e4-4b1a-4d6e-9a55-6f1d2c7b9e01"
READER, READER_SECRET = "auditor@pve!read", "0f9b7e2a-5c44-4e0d-8f3a-2b6c1d9e7a10"
# What Containr's token needs on "/". fakepve checks each but two, which real PVE wants too:
# Sys.Audit (node usage) and VM.Config.HWType (scsihw; fakepve files it under VM.Config.Disk).
PRIVILEGES = (
    *("VM.Allocate", "VM.Audit", "VM.Clone", "VM.PowerMgmt", "SDN.Use", "Sys.Audit"),
    *("VM.Config.CPU", "VM.Config.Memory", "VM.Config.Disk", "VM.Config.Network"),
    *("VM.Config.Options", "VM.Config.HWType", "Datastore.AllocateSpace"),
)
OS_TEMPLATE = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"
QEMU_TEMPLATE, LXC_TEMPLATE = 9000, 9001
DEADLINE = 30.0
KINDS: list[GuestKind] = ["lxc", "qemu"]


def spec(kind: GuestKind, name: str, *, tag: str = "containr-op-1", **changes: Any) -> GuestSpec:
    values: dict[str, Any] = {
        "kind": kind,
        "node": "pve1",
        "name": name,
        "cores": 2,
        "memory_mb": 1024,
        "disk_gb": 8,
        "os_template": OS_TEMPLATE if kind == "lxc" else None,
        "tags": ["containr", tag],
        "start": False,
    }
    return GuestSpec(**(values | changes))


class Cluster(Protocol):
    """One side of the contract: a hypervisor, and the means to break it."""

    hypervisor: Hypervisor

    def connect(self, token: str = TOKEN, secret: str = SECRET, timeout: float = 5.0) -> Hypervisor:
        """Another connection, as this token."""
        ...

    def add_node(self, name: str) -> None: ...
    def add_template(self, kind: GuestKind, vmid: int) -> None: ...
    def missing_os_template(self) -> str: ...
    def fail_next_start(self, vmid: int, message: str) -> None: ...
    def hang_next_start(self, vmid: int) -> None: ...
    def lock(self, vmid: int, how: str) -> None: ...
    def lose_quorum(self) -> None: ...
    def slow_network(self, timeout: float) -> None: ...
    def drop_connections(self) -> None: ...
    def read_only_token(self) -> None: ...
    def take_node_offline(self, name: str, *, after_next_task: bool = False) -> None: ...
    def bring_node_online(self, name: str) -> None: ...


# The in-memory side


class FakeCluster:
    """The in-memory fake, with its own fault switches."""

    def __init__(self) -> None:
        self.fake = InMemoryHypervisor()
        self.fake.add_token(TOKEN, SECRET)
        self.hypervisors = InMemoryHypervisors(self.fake)
        self.hypervisor = self.connect()

    def connect(self, token: str = TOKEN, secret: str = SECRET, timeout: float = 5.0) -> Hypervisor:
        return self.hypervisors.connect(
            credentials("https://127.0.0.1:8006", token, secret, timeout)
        )

    def add_node(self, name: str) -> None:
        self.fake.add_node(name)

    def add_template(self, kind: GuestKind, vmid: int) -> None:
        self.fake.add_guest(
            GuestInfo(
                vmid=vmid,
                node="pve1",
                kind=kind,
                name=f"tmpl-{kind}",
                status="stopped",
                tags=["template"],
                template=True,
            )
        )

    def missing_os_template(self) -> str:
        missing = "local:vztmpl/missing.tar.zst"
        self.fake.fail_next_task(
            exit_status=f"unable to create CT - volume '{missing}' does not exist"
        )
        return missing

    def fail_next_start(self, vmid: int, message: str) -> None:
        self.fake.fail_next_task(exit_status=message, log=[message])

    def hang_next_start(self, vmid: int) -> None:
        self.fake.hang_next_task()

    def lock(self, vmid: int, how: str) -> None:
        self.fake.lock(vmid, "backup" if how == "backup" else "config")

    def lose_quorum(self) -> None:
        self.fake.lose_quorum()

    def slow_network(self, timeout: float) -> None:
        self.fake.become_unreachable(f"timed out: no answer within {timeout:g} s")

    def drop_connections(self) -> None:
        self.fake.become_unreachable("the connection was dropped")

    def read_only_token(self) -> None:
        self.fake.add_token(READER, READER_SECRET, privileges={"VM.Audit"})

    def take_node_offline(self, name: str, *, after_next_task: bool = False) -> None:
        self.fake.take_node_offline(name, after_next_task=after_next_task)

    def bring_node_online(self, name: str) -> None:
        self.fake.bring_node_online(name)


# The Proxmox side: the real adapter against fakepve


def stoppable_pve(**kwargs: Any) -> Any:
    """A FakePve whose tasks stop when asked (``DELETE /nodes/{node}/tasks/{upid}``).

    fakepve gap: the schema's generic answer to that call is null and the task runs on, so a
    route here does what PVE does: the task ends with "interrupted by signal" (its coroutine,
    still waiting inside the task's body, is cancelled; its guest keeps its old state).
    """

    class StoppablePve(FakePve):  # type: ignore[misc,valid-type]  # fakepve is untyped
        def _routes_task_stop(self) -> list[tuple[str, str, Any]]:
            return [("DELETE", "/nodes/{node}/tasks/{upid}", self._stop_task)]

        async def _stop_task(self, values: dict[str, Any], user: str) -> None:
            task = self.tasks.get(values.get("upid"))
            if task is None or task["node"] != values.get("node"):
                raise PveError(500, f"unable to parse worker upid '{values.get('upid')}'")
            if task["status"] != "running":
                return
            for running in asyncio.all_tasks():
                frame = getattr(running.get_coro(), "cr_frame", None)
                if frame is not None and frame.f_locals.get("record") is task:
                    running.cancel()
            task.update(status="stopped", exitstatus="interrupted by signal")
            task["endtime"] = int(time.time())
            task["log"].append("TASK ERROR: interrupted by signal")

    return StoppablePve(**kwargs)


class PveServer:
    """A FakePve served on its own event loop in a thread, on 127.0.0.1 and a free port."""

    def __init__(self, certfile: str, keyfile: str) -> None:
        self.pve: Any = stoppable_pve(
            user="root@pam", password=os.urandom(8).hex(), host=HOST, port=0
        )
        self.pve.time_scale = 0  # every task ends before its request is answered
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.run(self.pve.start(certfile, keyfile))

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def stop(self) -> None:
        try:
            self.run(self.pve.stop())
            self.run(_cancel_background_tasks())  # tasks of a hung guest, still "running"
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(30)
            self.loop.close()


async def _cancel_background_tasks() -> None:
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for _ in range(5):  # let closed transports run their connection_lost callbacks
        await asyncio.sleep(0)


class ProxmoxCluster:
    """ProxmoxHypervisor over HTTPS to a FakePve, with a token holding PRIVILEGES."""

    def __init__(self, server: PveServer, ca_pem: str) -> None:
        self.server, self.pve, self.ca_pem = server, server.pve, ca_pem
        self.pve.apitokens[TOKEN] = SECRET
        self.pve.grant(USER, "/", *PRIVILEGES)
        self.pve.store_file(
            "local", OS_TEMPLATE.rsplit("/", maxsplit=1)[-1], 128 * 1024**2, content="vztmpl"
        )
        self.hypervisors = ProxmoxHypervisors(poll_seconds=0.02, max_poll_seconds=0.2)
        self.opened: list[ProxmoxHypervisor] = []
        self.hypervisor = self.connect()

    def connect(self, token: str = TOKEN, secret: str = SECRET, timeout: float = 5.0) -> Hypervisor:
        creds = credentials(self.pve.url, token, secret, timeout, ca_bundle=self.ca_pem)
        self.opened.append(self.hypervisors.connect(creds))
        return self.opened[-1]

    def add_node(self, name: str) -> None:
        self.pve.add_node(name)

    def add_template(self, kind: GuestKind, vmid: int) -> None:
        name, tags = f"tmpl-{kind}", "template"
        if kind == "qemu":
            disk = f"local-lvm:base-{vmid}-disk-0,size=8G"
            self.pve.add_vm(vmid, name, template=True, config={"scsi0": disk, "tags": tags})
        else:
            self.pve.add_ct(vmid, name, template=True, config={"tags": tags})

    def missing_os_template(self) -> str:
        # The storage lists its templates (see __init__), so another one is known to be missing.
        return "local:vztmpl/missing.tar.zst"

    def fail_next_start(self, vmid: int, message: str) -> None:
        self.pve.guest(vmid).start_error = message

    def hang_next_start(self, vmid: int) -> None:
        self.pve.time_scale = 1.0
        self.pve.guest(vmid).start_secs = 600

    def lock(self, vmid: int, how: str) -> None:
        if how == "backup":
            self.pve.snapshot_lock(vmid, "backup")  # a 'lock: backup' in the config
        else:
            self.server.run(self.pve.hold_config_lock(vmid, None))  # another task holds the file

    def lose_quorum(self) -> None:
        self.pve.lose_quorum()

    def slow_network(self, timeout: float) -> None:
        self.pve.time_scale = 1.0
        self.pve.slow_network(max(1.0, timeout * 5))

    def drop_connections(self) -> None:
        self.pve.flaky_network(drop_rate=1.0)

    def read_only_token(self) -> None:
        self.pve.apitokens[READER] = READER_SECRET
        self.pve.grant(READER, "/", "VM.Audit")

    def take_node_offline(self, name: str, *, after_next_task: bool = False) -> None:
        if not after_next_task:
            self.pve.set_node_offline(name)
            return
        # fakepve gap: a node can only go offline at once, so wrap its public task() to take
        # the node away right after the next task on it started (its UPID is still answered).
        started = self.pve.task

        async def task(node: str, *args: Any, **kwargs: Any) -> str:
            upid: str = await started(node, *args, **kwargs)
            if node == name:
                self.pve.task = started
                self.pve.set_node_offline(name)
            return upid

        self.pve.task = task

    def bring_node_online(self, name: str) -> None:
        self.pve.set_node_offline(name, offline=False)

    def close(self) -> None:
        for hypervisor in self.opened:
            hypervisor.close()


def credentials(
    url: str, token: str, secret: str, timeout: float, **more: Any
) -> ClusterCredentials:
    return ClusterCredentials(
        url=url, token_id=token, token_secret=Secret(secret), timeout_seconds=timeout, **more
    )


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    if FAKEPVE_MISSING is not None:
        service_missing("fakepve", FAKEPVE_MISSING)
    try:
        certfile, keyfile, _ = make_cert(str(tmp_path_factory.mktemp("fakepve")), hosts=(HOST,))
    except (ImportError, OSError) as e:  # its crypto extra is missing, or the disk is
        service_missing("fakepve", f"cannot make its certificate: {e}")
        raise
    return certfile, keyfile


@pytest.fixture
def pve_server(pki: tuple[str, str]) -> Iterator[PveServer]:
    try:
        server = PveServer(*pki)
    except Exception as e:  # whatever stops it from serving
        service_missing("fakepve", f"cannot start: {e!r}")
        raise
    yield server
    server.stop()


@pytest.fixture
def proxmox(pve_server: PveServer, pki: tuple[str, str]) -> Iterator[ProxmoxCluster]:
    cluster = ProxmoxCluster(pve_server, Path(pki[0]).read_text())
    yield cluster
    cluster.close()


@pytest.fixture(params=["fake", "proxmox"])
def cluster(request: pytest.FixtureRequest) -> Cluster:
    if request.param == "fake":
        return FakeCluster()
    made: ProxmoxCluster = request.getfixturevalue("proxmox")
    return made


@pytest.fixture
def hypervisor(cluster: Cluster) -> Hypervisor:
    return cluster.hypervisor


def create(hypervisor: Hypervisor, guest: GuestSpec) -> GuestInfo:
    return hypervisor.create(guest, hypervisor.next_vmid(), deadline_seconds=DEADLINE)


# Reading the cluster


def test_version_is_pves_release(hypervisor: Hypervisor) -> None:
    assert re.match(r"\d+\.\d+", hypervisor.version())


def test_nodes_lists_every_node_with_its_state(cluster: Cluster) -> None:
    cluster.add_node("pve2")
    cluster.take_node_offline("pve2")

    nodes = cluster.hypervisor.nodes()

    assert [(n.name, n.online) for n in nodes] == [("pve1", True), ("pve2", False)]


def test_guests_lists_vms_and_containers_with_their_tags(cluster: Cluster) -> None:
    cluster.add_template("qemu", QEMU_TEMPLATE)
    cluster.add_template("lxc", LXC_TEMPLATE)
    made = create(cluster.hypervisor, spec("lxc", "web-1", tag="containr-op-a"))

    guests = cluster.hypervisor.guests()

    assert [(g.vmid, g.kind, g.template) for g in guests] == [
        (made.vmid, "lxc", False),
        (QEMU_TEMPLATE, "qemu", True),
        (LXC_TEMPLATE, "lxc", True),
    ]
    assert guests[0].tags == ["containr", "containr-op-a"]
    assert guests[0].name == "web-1"


def test_next_vmid_is_free_and_moves_past_a_created_guest(hypervisor: Hypervisor) -> None:
    first = hypervisor.next_vmid()
    hypervisor.create(spec("qemu", "vm-1"), first, deadline_seconds=DEADLINE)

    second = hypervisor.next_vmid()

    assert first >= 100
    assert second != first
    assert second not in {g.vmid for g in hypervisor.guests()}


def test_guest_of_an_absent_vmid_is_none(hypervisor: Hypervisor) -> None:
    assert hypervisor.guest("pve1", "qemu", 4242) is None
    assert hypervisor.guest("pve1", "lxc", 4242) is None


# Creating


def test_create_lxc_from_an_os_template_and_start_it(hypervisor: Hypervisor) -> None:
    made = create(hypervisor, spec("lxc", "web-1", start=True))

    assert (made.kind, made.node, made.name, made.status) == ("lxc", "pve1", "web-1", "running")
    assert made.cpus == 2
    assert made.memory_mb == 1024
    assert hypervisor.guest("pve1", "lxc", made.vmid) == made


def test_create_qemu_without_start_leaves_it_stopped(hypervisor: Hypervisor) -> None:
    made = create(hypervisor, spec("qemu", "vm-1"))

    assert (made.kind, made.name, made.status) == ("qemu", "vm-1", "stopped")
    assert made.tags == ["containr", "containr-op-1"]


@pytest.mark.parametrize("kind", KINDS)
def test_clone_a_template_with_the_specs_tags_cores_and_memory(
    cluster: Cluster, kind: GuestKind
) -> None:
    template = QEMU_TEMPLATE if kind == "qemu" else LXC_TEMPLATE
    cluster.add_template(kind, template)
    wanted = spec(kind, "clone-1", clone_from=template, cores=3, memory_mb=2048, start=True)

    made = create(cluster.hypervisor, wanted)

    assert (made.kind, made.name, made.status, made.template) == (kind, "clone-1", "running", False)
    assert made.tags == ["containr", "containr-op-1"]  # not the template's
    assert (made.cpus, made.memory_mb) == (3, 2048)


def test_create_with_a_missing_os_template_fails_and_leaves_nothing(cluster: Cluster) -> None:
    wanted = spec("lxc", "web-1", os_template=cluster.missing_os_template(), tag="containr-op-x")

    with pytest.raises(TaskFailedError) as failed:
        create(cluster.hypervisor, wanted)

    assert "does not exist" in failed.value.exit_status
    assert cluster.hypervisor.find_by_tag("containr-op-x") is None


def test_a_repeated_create_finds_the_guest_the_first_attempt_made(cluster: Cluster) -> None:
    tag = "containr-op-7f3a"
    first = cluster.hypervisor
    assert first.find_by_tag(tag) is None
    made = create(first, spec("qemu", "vm-1", tag=tag, start=True))

    # The worker died before reporting; its successor looks for the operation's tag first.
    again = cluster.connect().find_by_tag(tag)

    assert again is not None
    assert (again.vmid, again.node, again.kind, again.status) == (
        made.vmid,
        "pve1",
        "qemu",
        "running",
    )
    assert cluster.hypervisor.find_by_tag(tag.upper()) == again
    assert cluster.hypervisor.find_by_tag("containr-op-other") is None


# Power and deletion


@pytest.mark.parametrize("kind", KINDS)
def test_start_stop_shutdown_reboot_and_their_repeats(
    hypervisor: Hypervisor, kind: GuestKind
) -> None:
    vmid = create(hypervisor, spec(kind, "g-1")).vmid

    def state() -> str:
        found = hypervisor.guest("pve1", kind, vmid)
        assert found is not None
        return found.status

    for action, after in [
        (hypervisor.start, "running"),
        (hypervisor.start, "running"),
        (hypervisor.reboot, "running"),
        (hypervisor.shutdown, "stopped"),
        (hypervisor.shutdown, "stopped"),
        (hypervisor.start, "running"),
        (hypervisor.stop, "stopped"),
        (hypervisor.stop, "stopped"),
    ]:
        action("pve1", kind, vmid, deadline_seconds=DEADLINE)
        assert state() == after, action.__name__


def test_reboot_of_a_stopped_guest_is_refused(hypervisor: Hypervisor) -> None:
    vmid = create(hypervisor, spec("qemu", "vm-1")).vmid

    with pytest.raises(HypervisorError, match="not running"):
        hypervisor.reboot("pve1", "qemu", vmid, deadline_seconds=DEADLINE)


@pytest.mark.parametrize("kind", KINDS)
def test_delete_stops_and_destroys_and_a_repeat_is_no_error(
    hypervisor: Hypervisor, kind: GuestKind
) -> None:
    vmid = create(hypervisor, spec(kind, "g-1", start=True, tag="containr-op-d")).vmid

    hypervisor.delete("pve1", kind, vmid, deadline_seconds=DEADLINE)
    hypervisor.delete("pve1", kind, vmid, deadline_seconds=DEADLINE)

    assert hypervisor.guest("pve1", kind, vmid) is None
    assert hypervisor.find_by_tag("containr-op-d") is None


# Failures


@pytest.mark.parametrize("kind", KINDS)
def test_a_task_ending_in_error_raises_task_failed_with_its_log(
    cluster: Cluster, kind: GuestKind
) -> None:
    vmid = create(cluster.hypervisor, spec(kind, "g-1")).vmid
    cluster.fail_next_start(vmid, "start failed: QEMU exited with code 1")

    with pytest.raises(TaskFailedError) as failed:
        cluster.hypervisor.start("pve1", kind, vmid, deadline_seconds=DEADLINE)

    assert failed.value.exit_status == "start failed: QEMU exited with code 1"
    assert failed.value.upid.startswith("UPID:pve1:")
    assert "TASK ERROR: start failed: QEMU exited with code 1" in failed.value.log
    assert cluster.hypervisor.guest("pve1", kind, vmid).status == "stopped"  # type: ignore[union-attr]


def test_a_task_past_its_deadline_raises_task_failed(cluster: Cluster) -> None:
    vmid = create(cluster.hypervisor, spec("qemu", "vm-1")).vmid
    cluster.hang_next_start(vmid)

    with pytest.raises(TaskFailedError, match=r"did not finish within 0\.3 s") as failed:
        cluster.hypervisor.start("pve1", "qemu", vmid, deadline_seconds=0.3)

    assert failed.value.upid.startswith("UPID:pve1:")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("how", ["backup", "config"])
def test_a_locked_guest_raises_guest_locked(cluster: Cluster, kind: GuestKind, how: str) -> None:
    vmid = create(cluster.hypervisor, spec(kind, "g-1", start=True)).vmid
    cluster.lock(vmid, how)

    with pytest.raises(GuestLockedError, match="locked"):
        cluster.hypervisor.stop("pve1", kind, vmid, deadline_seconds=DEADLINE)


def test_lost_quorum_refuses_changes_but_not_reads(cluster: Cluster) -> None:
    vmid = create(cluster.hypervisor, spec("qemu", "vm-1")).vmid
    cluster.lose_quorum()

    with pytest.raises(QuorumLostError, match="no quorum"):
        cluster.hypervisor.start("pve1", "qemu", vmid, deadline_seconds=DEADLINE)
    with pytest.raises(QuorumLostError):
        create(cluster.hypervisor, spec("lxc", "web-1"))
    assert [g.vmid for g in cluster.hypervisor.guests()] == [vmid]


def test_a_network_slower_than_the_timeout_is_unreachable(cluster: Cluster) -> None:
    slow = cluster.connect(timeout=0.2)
    cluster.slow_network(0.2)

    with pytest.raises(HypervisorUnreachableError, match="timed out") as failed:
        slow.version()

    assert "127.0.0.1" in str(failed.value)
    assert SECRET not in str(failed.value)


def test_dropped_connections_are_unreachable(cluster: Cluster) -> None:
    cluster.drop_connections()

    with pytest.raises(HypervisorUnreachableError, match="dropped"):
        cluster.hypervisor.guests()


@pytest.mark.parametrize(("token", "secret"), [(TOKEN, "not-the-secret"), ("nobody@pve!x", SECRET)])
def test_a_refused_token_raises_authentication_failed(
    cluster: Cluster, token: str, secret: str
) -> None:
    with pytest.raises(AuthenticationFailedError) as failed:
        cluster.connect(token, secret).version()

    assert "127.0.0.1" in str(failed.value)
    assert secret not in str(failed.value)


def test_a_token_without_the_privilege_is_denied_and_told_which(cluster: Cluster) -> None:
    vmid = create(cluster.hypervisor, spec("qemu", "vm-1")).vmid
    cluster.read_only_token()
    reader = cluster.connect(READER, READER_SECRET)

    assert [g.vmid for g in reader.guests()] == [vmid]
    with pytest.raises(PermissionDeniedError, match=r"VM\.PowerMgmt"):
        reader.start("pve1", "qemu", vmid, deadline_seconds=DEADLINE)
    with pytest.raises(PermissionDeniedError):
        create(reader, spec("lxc", "web-1"))


def test_an_offline_node_is_unreachable_and_its_guests_unknown(cluster: Cluster) -> None:
    vmid = create(cluster.hypervisor, spec("qemu", "vm-1")).vmid
    cluster.take_node_offline("pve1")

    with pytest.raises(HypervisorUnreachableError, match="No route to host"):
        cluster.hypervisor.start("pve1", "qemu", vmid, deadline_seconds=DEADLINE)
    assert [(g.vmid, g.status) for g in cluster.hypervisor.guests()] == [(vmid, "unknown")]


def test_a_node_lost_mid_operation_is_unreachable_and_the_retry_finds_the_result(
    cluster: Cluster,
) -> None:
    vmid = create(cluster.hypervisor, spec("qemu", "vm-1")).vmid
    cluster.take_node_offline("pve1", after_next_task=True)

    with pytest.raises(HypervisorUnreachableError):
        cluster.hypervisor.start("pve1", "qemu", vmid, deadline_seconds=DEADLINE)

    cluster.bring_node_online("pve1")
    cluster.hypervisor.start("pve1", "qemu", vmid, deadline_seconds=DEADLINE)  # no second start
    assert cluster.hypervisor.guest("pve1", "qemu", vmid).status == "running"  # type: ignore[union-attr]


# The Proxmox adapter only: TLS, the CA file, the requests it sends


def test_a_certificate_from_another_ca_is_a_tls_failure(
    proxmox: ProxmoxCluster, tmp_path: Path
) -> None:
    other_ca = Path(make_cert(str(tmp_path), hosts=(HOST,))[0]).read_text()
    creds = credentials(proxmox.pve.url, TOKEN, SECRET, 5.0, ca_bundle=other_ca)
    hypervisor = ProxmoxHypervisors().connect(creds)

    with pytest.raises(HypervisorUnreachableError, match=r"TLS failure.*certificate verify failed"):
        hypervisor.version()
    hypervisor.close()


def test_tls_is_verified_against_the_system_cas_by_default(proxmox: ProxmoxCluster) -> None:
    hypervisor = ProxmoxHypervisors().connect(credentials(proxmox.pve.url, TOKEN, SECRET, 5.0))

    with pytest.raises(HypervisorUnreachableError, match="TLS failure"):
        hypervisor.version()
    hypervisor.close()


def test_a_closed_port_is_connection_refused() -> None:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port = s.getsockname()[1]
    hypervisor = ProxmoxHypervisors().connect(
        credentials(f"https://{HOST}:{port}", TOKEN, SECRET, 5.0)
    )

    with pytest.raises(
        HypervisorUnreachableError, match=f"https://{HOST}:{port}: connection refused"
    ):
        hypervisor.version()
    hypervisor.close()


def test_the_ca_bundle_lives_in_a_private_file_until_close(proxmox: ProxmoxCluster) -> None:
    creds = credentials(proxmox.pve.url, TOKEN, SECRET, 5.0, ca_bundle=proxmox.ca_pem)
    hypervisor = ProxmoxHypervisors().connect(creds)
    assert hypervisor.ca_file is not None
    path = Path(hypervisor.ca_file)

    assert hypervisor.version()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == proxmox.ca_pem
    hypervisor.close()
    assert not path.exists()


def test_create_sends_pves_parameters(proxmox: ProxmoxCluster) -> None:
    hypervisor = proxmox.hypervisor
    hypervisor.create(spec("lxc", "web-1"), 100, deadline_seconds=DEADLINE)
    hypervisor.create(
        spec("qemu", "vm-1", storage="local-lvm", bridge="vmbr1"), 101, deadline_seconds=DEADLINE
    )

    assert sent(proxmox, "POST", "/api2/json/nodes/pve1/lxc") == {
        "vmid": "100",
        "hostname": "web-1",
        "ostemplate": OS_TEMPLATE,
        "cores": "2",
        "memory": "1024",
        "rootfs": "local-lvm:8",
        "net0": "name=eth0,bridge=vmbr0,ip=dhcp",
        "tags": "containr;containr-op-1",
        "unprivileged": "1",
    }
    assert sent(proxmox, "POST", "/api2/json/nodes/pve1/qemu") == {
        "vmid": "101",
        "name": "vm-1",
        "cores": "2",
        "memory": "1024",
        "scsi0": "local-lvm:8",
        "scsihw": "virtio-scsi-single",
        "net0": "virtio,bridge=vmbr1",
        "tags": "containr;containr-op-1",
    }


def test_a_task_past_its_deadline_is_asked_to_stop(proxmox: ProxmoxCluster) -> None:
    vmid = create(proxmox.hypervisor, spec("qemu", "vm-1")).vmid
    proxmox.hang_next_start(vmid)

    with pytest.raises(TaskFailedError) as failed:
        proxmox.hypervisor.start("pve1", "qemu", vmid, deadline_seconds=0.3)

    stop = ("DELETE", f"/api2/json/nodes/pve1/tasks/{failed.value.upid}")
    assert stop in [(m, p) for m, p, _ in proxmox.pve.requests]


@pytest.mark.parametrize("kind", KINDS)
def test_complete_gives_an_unfinished_guest_its_name_tags_and_size(
    hypervisor: Hypervisor, kind: GuestKind
) -> None:
    tag = "containr-op-00aa11bb22cc33dd"
    unfinished = create(hypervisor, spec(kind, tag, tag="other", tags=[], cores=1))
    assert hypervisor.find_by_tag(tag) == unfinished  # found by its name alone

    done = hypervisor.complete(
        spec(kind, "web-1", tag=tag, start=True), unfinished.vmid, deadline_seconds=DEADLINE
    )

    assert (done.vmid, done.name, done.tags) == (unfinished.vmid, "web-1", ["containr", tag])
    assert (done.cpus, done.memory_mb, done.status) == (2, 1024, "running")
    assert hypervisor.find_by_tag(tag) == done


def test_stop_tasks_of_a_guest_with_none_running_stops_nothing(hypervisor: Hypervisor) -> None:
    vmid = create(hypervisor, spec("qemu", "vm-1", start=True)).vmid

    assert hypervisor.stop_tasks("pve1", vmid) == []
    assert hypervisor.guest("pve1", "qemu", vmid).status == "running"  # type: ignore[union-attr]


def test_stop_tasks_stops_a_guests_task_that_never_ends(proxmox: ProxmoxCluster) -> None:
    vmid = create(proxmox.hypervisor, spec("qemu", "vm-1")).vmid
    proxmox.hang_next_start(vmid)
    failures: list[BaseException] = []

    def start() -> None:
        try:
            proxmox.connect().start("pve1", "qemu", vmid, deadline_seconds=120)
        except BaseException as e:  # what the start ends with is the point
            failures.append(e)

    starter = threading.Thread(target=start, daemon=True)
    starter.start()
    watcher = proxmox.connect()
    until(lambda: any(t["status"] == "running" for t in proxmox.pve.tasks.values()))

    stopped = watcher.stop_tasks("pve1", vmid)

    starter.join(30)
    assert not starter.is_alive()
    assert len(stopped) == 1 and proxmox.pve.tasks[stopped[0]]["status"] == "stopped"
    assert isinstance(failures[0], TaskFailedError)
    assert "interrupted by signal" in str(failures[0])
    assert watcher.guest("pve1", "qemu", vmid).status == "stopped"  # type: ignore[union-attr]
    assert watcher.stop_tasks("pve1", vmid) == []


def test_a_clone_is_named_after_its_operation_until_tagged_and_found_by_that_name(
    proxmox: ProxmoxCluster,
) -> None:
    proxmox.add_template("lxc", LXC_TEMPLATE)
    tag = "containr-op-0123456789abcdef"
    wanted = spec("lxc", "web-1", tag=tag, clone_from=LXC_TEMPLATE, os_template=None)

    made = create(proxmox.hypervisor, wanted)

    posted = sent(proxmox, "POST", f"/api2/json/nodes/pve1/lxc/{LXC_TEMPLATE}/clone")
    assert posted["hostname"] == tag  # the name it has in the window before its tags
    assert (made.name, made.tags) == ("web-1", ["containr", tag])
    assert proxmox.hypervisor.find_by_tag(tag) == made


def until(condition: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def sent(proxmox: ProxmoxCluster, method: str, path: str) -> dict[str, str]:
    """The form the adapter sent in its one request of this method and path."""
    bodies = [b for m, p, b in proxmox.pve.requests if (m, p) == (method, path)]
    assert len(bodies) == 1, bodies
    return dict(urllib.parse.parse_qsl(bodies[0].decode()))
