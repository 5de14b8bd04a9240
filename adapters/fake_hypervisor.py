"""An in-memory Hypervisor for tests: one fake cluster shared by its connections, faults on demand.

It behaves as the Proxmox adapter does against a real cluster: tags, ``next_vmid``, power
states, idempotent start/stop/delete, and the port's errors for a failing or hanging task, a
locked guest, lost quorum, an offline node, an unreachable API, a refused token and a missing
privilege. ``tasks`` records every task it ran.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

import msgspec
from msgspec.structs import replace

from application.hypervisor_ports import (
    AuthenticationFailedError,
    ClusterCredentials,
    GuestInfo,
    GuestKind,
    GuestLockedError,
    GuestSpec,
    GuestStatus,
    HypervisorError,
    HypervisorUnreachableError,
    NodeStatus,
    PermissionDeniedError,
    QuorumLostError,
    TaskFailedError,
)

TASK_TYPES = {
    "qemu": {"create": "qmcreate", "clone": "qmclone", "delete": "qmdestroy"},
    "lxc": {"create": "vzcreate", "clone": "vzclone", "delete": "vzdestroy"},
}


class FakeTask(msgspec.Struct, frozen=True, kw_only=True):
    """A task the fake cluster ran, as PVE lists it."""

    upid: str
    type: str
    node: str
    vmid: int
    exit_status: str


@dataclass
class _Cluster:
    version: str
    nodes: dict[str, bool]
    guests: dict[int, GuestInfo] = field(default_factory=dict)
    tokens: dict[str, tuple[str, frozenset[str] | None]] = field(default_factory=dict)
    tasks: list[FakeTask] = field(default_factory=list)
    quorate: bool = True
    unreachable: str | None = None
    failing: tuple[str, list[str]] | None = None
    hanging: bool = False
    offline_after_task: str | None = None
    pids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    mutex: threading.RLock = field(default_factory=threading.RLock)


class InMemoryHypervisors:
    """Connects every credential to the same fake cluster; ``connected`` lists them."""

    def __init__(self, cluster: InMemoryHypervisor | None = None) -> None:
        self.cluster = cluster or InMemoryHypervisor()
        self.connected: list[ClusterCredentials] = []

    def connect(self, credentials: ClusterCredentials) -> InMemoryHypervisor:
        """A connection to the fake cluster as the credentials' token."""
        self.connected.append(credentials)
        return self.cluster.connection(credentials)


class InMemoryHypervisor:
    """A fake cluster; made directly it acts with every right, through connect() as a token."""

    def __init__(self, *, nodes: Iterable[str] = ("pve1",), version: str = "9.0.10") -> None:
        self._cluster = _Cluster(version=version, nodes=dict.fromkeys(nodes, True))
        self._credentials: ClusterCredentials | None = None
        self.closed = False

    def connection(self, credentials: ClusterCredentials) -> InMemoryHypervisor:
        """Another handle on the same cluster, acting as ``credentials``' token."""
        view = InMemoryHypervisor.__new__(InMemoryHypervisor)
        view._cluster, view._credentials, view.closed = self._cluster, credentials, False
        return view

    # Setting the scene

    @property
    def tasks(self) -> list[FakeTask]:
        """Every task run so far, oldest first."""
        return list(self._cluster.tasks)

    def add_node(self, name: str, *, online: bool = True) -> None:
        """Add a node to the cluster."""
        self._cluster.nodes[name] = online

    def add_guest(self, guest: GuestInfo) -> None:
        """Put a guest (a template, say) on the cluster without a task."""
        self._cluster.guests[guest.vmid] = guest
        self._cluster.nodes.setdefault(guest.node, True)

    def add_token(
        self, token_id: str, secret: str, privileges: Iterable[str] | None = None
    ) -> None:
        """Accept this token (once any is added, only added tokens are); None: every privilege."""
        allowed = None if privileges is None else frozenset(privileges)
        self._cluster.tokens[token_id] = (secret, allowed)

    # Faults

    def fail_next_task(
        self, *, exit_status: str = "command failed", log: list[str] | None = None
    ) -> None:
        """The next task ends with this error (and this log) and changes nothing."""
        self._cluster.failing = (exit_status, list(log or []))

    def hang_next_task(self) -> None:
        """The next task does not finish before its deadline."""
        self._cluster.hanging = True

    def lock(self, vmid: int, reason: str | None = "backup") -> None:
        """Lock the guest as a backup, migration or snapshot does (None: unlock it)."""
        self._set(vmid, lock=reason)

    def lose_quorum(self) -> None:
        """Refuse every change (reads still work) until regain_quorum()."""
        self._cluster.quorate = False

    def regain_quorum(self) -> None:
        """Undo lose_quorum()."""
        self._cluster.quorate = True

    def take_node_offline(self, name: str, *, after_next_task: bool = False) -> None:
        """The node stops answering, now or once the next task on it has run."""
        if after_next_task:
            self._cluster.offline_after_task = name
        else:
            self._cluster.nodes[name] = False

    def bring_node_online(self, name: str) -> None:
        """Undo take_node_offline()."""
        self._cluster.nodes[name] = True

    def become_unreachable(self, reason: str = "timed out") -> None:
        """Every call fails as if the API did not answer, until become_reachable()."""
        self._cluster.unreachable = reason

    def become_reachable(self) -> None:
        """Undo become_unreachable()."""
        self._cluster.unreachable = None

    # The port

    def version(self) -> str:
        """The PVE version."""
        with self._call():
            return self._cluster.version

    def nodes(self) -> list[NodeStatus]:
        """Every node with its state (and no usage)."""
        with self._call():
            return [NodeStatus(name=n, online=up) for n, up in sorted(self._cluster.nodes.items())]

    def guests(self) -> list[GuestInfo]:
        """Every guest the token may see; those on offline nodes are ``unknown``."""
        with self._call():
            seen = [g for g in self._cluster.guests.values() if self._may("VM.Audit")]
            return [
                g if self._cluster.nodes.get(g.node) else replace(g, status="unknown")
                for g in sorted(seen, key=lambda g: g.vmid)
            ]

    def find_by_tag(self, tag: str) -> GuestInfo | None:
        """The first guest (by vmid) carrying the tag (or named it), whatever its case."""
        wanted = tag.lower()
        return next(
            (
                g
                for g in self.guests()
                if wanted in (t.lower() for t in g.tags) or g.name.lower() == wanted
            ),
            None,
        )

    def complete(self, spec: GuestSpec, vmid: int, *, deadline_seconds: float) -> GuestInfo:
        """Give the guest the spec's name, tags, cores and memory (and start it if asked)."""
        what = f"configure {spec.kind} {vmid} on {spec.node}"
        with self._call():
            self._change(spec.node, vmid, "VM.Config.Options", what)
            if self._find(spec.node, spec.kind, vmid) is None:
                raise HypervisorError(f"{what}: {spec.kind} {vmid} does not exist")
            self._set(
                vmid,
                name=spec.name,
                tags=list(spec.tags),
                cpus=float(spec.cores),
                memory_mb=spec.memory_mb,
            )
        if spec.start:
            self.start(spec.node, spec.kind, vmid, deadline_seconds=deadline_seconds)
        return self._cluster.guests[vmid]

    def stop_tasks(self, node: str, vmid: int) -> list[str]:
        """Mark the guest's running (hung) tasks on the node as stopped."""
        with self._call():
            self._reach(node, f"stop the tasks of {vmid} on {node}")
            tasks = self._cluster.tasks
            stopped = [
                i
                for i, t in enumerate(tasks)
                if t.node == node and t.vmid == vmid and t.exit_status == "running"
            ]
            for i in stopped:
                tasks[i] = msgspec.structs.replace(tasks[i], exit_status="interrupted by signal")
            return [tasks[i].upid for i in stopped]

    def next_vmid(self) -> int:
        """The lowest free vmid from 100."""
        with self._call():
            return next(v for v in itertools.count(100) if v not in self._cluster.guests)

    def guest(self, node: str, kind: GuestKind, vmid: int) -> GuestInfo | None:
        """The guest, or None if there is none of that kind on that node."""
        with self._call():
            self._reach(node, f"read {kind} {vmid} on {node}")
            self._need(vmid, "VM.Audit", f"read {kind} {vmid} on {node}")
            return self._find(node, kind, vmid)

    def create(self, spec: GuestSpec, vmid: int, *, deadline_seconds: float) -> GuestInfo:
        """Create or clone the guest, then start it if asked."""
        what = f"create {spec.kind} {vmid} on {spec.node}"
        with self._call():
            self._change(spec.node, vmid, "VM.Allocate", what)
            if vmid in self._cluster.guests:
                raise HypervisorError(
                    f"{what}: unable to create {spec.kind} {vmid} - it already exists"
                )
            source = self._cluster.guests.get(spec.clone_from or -1)
            if spec.clone_from is not None and (source is None or source.kind != spec.kind):
                raise HypervisorError(f"{what}: there is no {spec.kind} {spec.clone_from} to clone")
            if spec.clone_from is None and spec.kind == "lxc" and not spec.os_template:
                raise HypervisorError(f"{what}: a container needs an OS template")
            made = GuestInfo(
                vmid=vmid,
                node=spec.node,
                kind=spec.kind,
                name=spec.name,
                status="stopped",
                tags=list(spec.tags),
                cpus=float(spec.cores),
                memory_mb=spec.memory_mb,
            )
            step = TASK_TYPES[spec.kind]["create" if spec.clone_from is None else "clone"]
            put = partial(self._cluster.guests.__setitem__, vmid, made)
            self._task(what, step, (spec.node, vmid), deadline_seconds, put)
        if spec.start:
            self.start(spec.node, spec.kind, vmid, deadline_seconds=deadline_seconds)
        return self._cluster.guests.get(vmid, made)

    def start(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Start the guest (nothing to do if it runs)."""
        self._power(node, kind, vmid, "start", deadline_seconds, "running", skip_if="running")

    def stop(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Stop the guest at once (nothing to do if stopped)."""
        self._power(node, kind, vmid, "stop", deadline_seconds, "stopped", skip_if="stopped")

    def shutdown(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Shut the guest down (nothing to do if stopped)."""
        self._power(node, kind, vmid, "shutdown", deadline_seconds, "stopped", skip_if="stopped")

    def reboot(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Reboot a running guest."""
        self._power(node, kind, vmid, "reboot", deadline_seconds, "running", skip_if=None)

    def delete(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Stop the guest if it runs, then destroy it (nothing to do if gone)."""
        what = f"delete {kind} {vmid} on {node}"
        with self._call():
            self._reach(node, what)
            if self._find(node, kind, vmid) is None:
                return
        self.stop(node, kind, vmid, deadline_seconds=deadline_seconds)
        with self._call():
            self._change(node, vmid, "VM.Allocate", what)
            drop = partial(self._cluster.guests.pop, vmid, None)
            self._task(what, TASK_TYPES[kind]["delete"], (node, vmid), deadline_seconds, drop)

    def close(self) -> None:
        """Mark this connection closed."""
        self.closed = True

    # Plumbing

    def _power(
        self,
        node: str,
        kind: GuestKind,
        vmid: int,
        action: str,
        deadline: float,
        after: GuestStatus,
        *,
        skip_if: GuestStatus | None,
    ) -> None:
        what = f"{action} {kind} {vmid} on {node}"
        with self._call():
            self._reach(node, what)
            found = self._find(node, kind, vmid)
            if found is None:
                raise HypervisorError(f"{kind} {vmid} does not exist on {node}")
            if found.status == skip_if:
                return
            self._change(node, vmid, "VM.PowerMgmt", what)
            if skip_if is None and found.status != "running":
                raise HypervisorError(f"{what}: VM {vmid} not running")
            prefix = "qm" if kind == "qemu" else "vz"
            change = partial(self._set, vmid, status=after)
            self._task(what, prefix + action, (node, vmid), deadline, change)

    def _task(
        self,
        what: str,
        type_: str,
        ref: tuple[str, int],
        deadline: float,
        effect: Callable[[], object],
    ) -> None:
        """Run a task on (node, vmid): hang, fail or take effect, as the faults say."""
        c, (node, vmid) = self._cluster, ref
        user = self._credentials.token_id if self._credentials else "root@pam"
        upid = f"UPID:{node}:{next(c.pids):08X}:00000000:00000000:{type_}:{vmid}:{user}:"
        hanging, failing, c.hanging, c.failing = c.hanging, c.failing, False, None
        exit_status = "running" if hanging else failing[0] if failing else "OK"
        c.tasks.append(
            FakeTask(upid=upid, type=type_, node=node, vmid=vmid, exit_status=exit_status)
        )
        if hanging:
            message = f"{what}: task {upid} did not finish within {deadline:g} s"
            raise TaskFailedError(message, upid=upid, exit_status="timeout", log=[])
        if failing:
            log = [*failing[1], f"TASK ERROR: {exit_status}"]
            message = f"{what} failed: {exit_status}"
            raise TaskFailedError(message, upid=upid, exit_status=exit_status, log=log)
        effect()
        if c.offline_after_task == node:
            c.offline_after_task, c.nodes[node] = None, False
            raise HypervisorUnreachableError(f"{what}: the node does not answer (No route to host)")

    def _call(self) -> threading.RLock:
        """Hold the cluster's lock for a call, after the checks every request goes through."""
        c = self._cluster
        if c.unreachable is not None:
            raise HypervisorUnreachableError(f"{self._url()}: {c.unreachable}")
        if self._credentials is not None and c.tokens:
            known = c.tokens.get(self._credentials.token_id)
            if known is None or known[0] != self._credentials.token_secret.reveal():
                raise AuthenticationFailedError(
                    f"{self._url()}: the API token {self._credentials.token_id} was refused"
                )
        return c.mutex

    def _url(self) -> str:
        return self._credentials.url if self._credentials else "fake://cluster"

    def _reach(self, node: str, what: str) -> None:
        if not self._cluster.nodes.get(node, False):
            raise HypervisorUnreachableError(f"{what}: the node does not answer (No route to host)")

    def _may(self, privilege: str) -> bool:
        if self._credentials is None:
            return True
        allowed = self._cluster.tokens.get(self._credentials.token_id, ("", None))[1]
        return allowed is None or privilege in allowed

    def _need(self, vmid: int, privilege: str, what: str) -> None:
        if not self._may(privilege):
            raise PermissionDeniedError(
                f"{what}: permission denied: Permission check failed (/vms/{vmid}, {privilege})"
            )

    def _change(self, node: str, vmid: int, privilege: str, what: str) -> None:
        """The checks before a change: the node answers, the right is held, quorum, no lock."""
        self._reach(node, what)
        self._need(vmid, privilege, what)
        if not self._cluster.quorate:
            raise QuorumLostError(
                f"{what}: the cluster has no quorum: cluster not ready - no quorum?"
            )
        guest = self._cluster.guests.get(vmid)
        if guest is not None and guest.lock:
            raise GuestLockedError(f"{what}: the guest is locked: VM is locked ({guest.lock})")

    def _set(self, vmid: int, **changes: object) -> None:
        self._cluster.guests[vmid] = replace(self._cluster.guests[vmid], **changes)

    def _find(self, node: str, kind: GuestKind, vmid: int) -> GuestInfo | None:
        found = self._cluster.guests.get(vmid)
        return found if found and found.node == node and found.kind == kind else None
