"""The port to hypervisor clusters (Proxmox VE): nodes, guests (LXC and QEMU) and their tasks.

The adapters (Proxmox through proxmoxer, and an in-memory fake) turn every answer into these
Structs and every failure into a HypervisorError subclass. Every call that starts a task on
the cluster returns only when the task has stopped: a task that does not end with ``OK``
(or ``WARNINGS: n``) raises TaskFailedError with the task's log.

Guests are tagged with the Containr operation that made them (``containr-op-<key>``), so a
repeated or crashed operation finds the guest it already made (``find_by_tag``) instead of
making a second one. A clone cannot be tagged by the clone call itself: until its tags are set
it is named after the operation's tag (Containr's naming convention for the clone window), so
``find_by_tag`` finds it by that name and ``complete`` finishes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol

import msgspec

from application.secrets import Secret

GuestKind = Literal["lxc", "qemu"]
GuestStatus = Literal["running", "stopped", "paused", "unknown"]


class HypervisorError(Exception):
    """A call to the cluster failed; the message says what and why, without secrets."""


class HypervisorUnreachableError(HypervisorError):
    """The cluster's API does not answer (refused, timed out, TLS failure)."""


class AuthenticationFailedError(HypervisorError):
    """The API token was refused (401)."""


class PermissionDeniedError(HypervisorError):
    """The token may not do this (403); the message names the permission when PVE does."""


class GuestLockedError(HypervisorError):
    """The guest is locked by another operation (backup, migration, …); try later."""


class QuorumLostError(HypervisorError):
    """The cluster has no quorum: it refuses changes until it has."""


class TaskFailedError(HypervisorError):
    """A task ended with an error (or did not end before its deadline)."""

    def __init__(self, message: str, *, upid: str, exit_status: str, log: list[str]) -> None:
        super().__init__(message)
        self.upid = upid
        self.exit_status = exit_status
        self.log = log


class ClusterCredentials(msgspec.Struct, frozen=True, kw_only=True):
    """How to reach one cluster's API."""

    url: str
    """``https://host:8006`` (any node of the cluster)."""
    token_id: str
    """``USER@REALM!TOKENID``."""
    token_secret: Secret
    verify_tls: bool = True
    ca_bundle: str | None = None
    """PEM text of the CA that signed the cluster's certificate (None: the system's)."""
    timeout_seconds: float = 10.0


class NodeStatus(msgspec.Struct, frozen=True, kw_only=True):
    """One cluster node and its usage, from ``/nodes`` and ``/cluster/resources``."""

    name: str
    online: bool
    cpu_fraction: float = 0.0
    cpus: int = 0
    memory_used_mb: int = 0
    memory_total_mb: int = 0
    disk_used_gb: float = 0.0
    disk_total_gb: float = 0.0
    uptime_seconds: int = 0


class GuestInfo(msgspec.Struct, frozen=True, kw_only=True):
    """A guest as the cluster reports it."""

    vmid: int
    node: str
    kind: GuestKind
    name: str
    status: GuestStatus
    tags: list[str] = msgspec.field(default_factory=list)
    template: bool = False
    cpus: float = 0.0
    memory_mb: int = 0
    lock: str | None = None


class GuestSpec(msgspec.Struct, frozen=True, kw_only=True):
    """A guest to create, from an OS template (LXC) or an ISO-less empty VM, or as a clone."""

    kind: GuestKind
    node: str
    name: str
    cores: int = 1
    memory_mb: int = 512
    disk_gb: int = 8
    storage: str = "local-lvm"
    os_template: str | None = None
    """LXC: e.g. ``local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst``."""
    clone_from: int | None = None
    """A template's vmid to clone (full clone) instead of creating from scratch."""
    bridge: str = "vmbr0"
    tags: list[str] = msgspec.field(default_factory=list)
    start: bool = True


class Hypervisor(Protocol):
    """One cluster's API."""

    def version(self) -> str:
        """The PVE version (also the cheapest check that the API and token work)."""
        ...

    def nodes(self) -> list[NodeStatus]:
        """Every node of the cluster with its status and usage."""
        ...

    def guests(self) -> list[GuestInfo]:
        """Every guest (VMs and containers) of the cluster."""
        ...

    def find_by_tag(self, tag: str) -> GuestInfo | None:
        """The guest carrying ``tag`` (or, an unfinished clone, named ``tag``), if any."""
        ...

    def complete(self, spec: GuestSpec, vmid: int, *, deadline_seconds: float) -> GuestInfo:
        """Give a guest the spec's name, tags, cores and memory (and start it if asked)."""
        ...

    def stop_tasks(self, node: str, vmid: int) -> list[str]:
        """Stop the guest's tasks still running on ``node``; the UPIDs asked to stop."""
        ...

    def next_vmid(self) -> int:
        """A free vmid (``/cluster/nextid``)."""
        ...

    def create(self, spec: GuestSpec, vmid: int, *, deadline_seconds: float) -> GuestInfo:
        """Create (or clone) the guest and, if ``spec.start``, start it; waits for the tasks."""
        ...

    def guest(self, node: str, kind: GuestKind, vmid: int) -> GuestInfo | None:
        """One guest's current state, or None if it no longer exists."""
        ...

    def start(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Start a guest (no error if it runs)."""
        ...

    def stop(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Stop a guest at once, like pulling the plug (no error if stopped)."""
        ...

    def shutdown(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Ask the guest's OS to shut down, waiting for it."""
        ...

    def reboot(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Reboot a running guest."""
        ...

    def delete(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Stop (if running) and destroy a guest with its disks (no error if gone)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


class Hypervisors(Protocol):
    """Makes a Hypervisor for a cluster's credentials."""

    def connect(self, credentials: ClusterCredentials) -> Hypervisor:
        """The cluster's API (no request is made until the first call)."""
        ...


class NodeSample(msgspec.Struct, frozen=True, kw_only=True):
    """One measurement of a cluster node, kept in the time-series store."""

    cluster_id: str
    node: str
    at: datetime
    online: bool
    cpu_fraction: float
    memory_used_mb: int
    memory_total_mb: int
    disk_used_gb: float
    disk_total_gb: float


class MetricStore(Protocol):
    """Node measurements over time (with a retention limit)."""

    def record(self, samples: list[NodeSample]) -> None:
        """Store measurements."""
        ...

    def latest(self, cluster_id: str) -> list[NodeSample]:
        """Each node's newest measurement."""
        ...

    def series(
        self, cluster_id: str, node: str, since: datetime, until: datetime
    ) -> list[NodeSample]:
        """A node's measurements in a time range, oldest first."""
        ...

    def prune(self, older_than: datetime) -> int:
        """Drop measurements older than a moment; how many."""
        ...
