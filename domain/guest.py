"""Guests: LXC containers and QEMU VMs Containr made on a Proxmox cluster, and their power.

Every change is an operation with an id and a deadline: the guest records the intent, the
guest process manager carries it out against the cluster and reports the outcome. A guest
is tagged with the operation that created it, so a repeated create finds it.

What the cluster holds can differ from what Containr recorded: a failed create may have left
a half-made guest that could not be removed yet (cleanup pending until it is), and a guest may
be stopped, started or removed outside Containr (drift, recorded when it starts and ends).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.cluster import check_node_name
from domain.errors import InvalidTransitionError, InvalidValueError, RuleViolatedError
from domain.ids import Actor
from domain.values import validate_slug

_STORAGE = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,63}$")
_VOLUME = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*:[A-Za-z0-9._/+-]+$")
_BRIDGE = re.compile(r"^vmbr[0-9]{1,4}$|^[A-Za-z][A-Za-z0-9_-]{0,14}$")


class GuestKind(Enum):
    """An LXC container or a QEMU virtual machine."""

    LXC = "lxc"
    QEMU = "qemu"


class GuestState(Enum):
    """Where a guest is in its life."""

    CREATING = "creating"
    RUNNING = "running"
    STOPPED = "stopped"
    FAILED = "failed"
    """Its creation failed; nothing of it is left on the cluster."""
    DELETED = "deleted"


class GuestAction(Enum):
    """What an operation does to a guest."""

    CREATE = "create"
    START = "start"
    STOP = "stop"
    SHUTDOWN = "shutdown"
    REBOOT = "reboot"
    DELETE = "delete"


_DEADLINES = {
    GuestAction.CREATE: timedelta(minutes=15),
    GuestAction.START: timedelta(minutes=3),
    GuestAction.STOP: timedelta(minutes=3),
    GuestAction.SHUTDOWN: timedelta(minutes=5),
    GuestAction.REBOOT: timedelta(minutes=5),
    GuestAction.DELETE: timedelta(minutes=5),
}


@dataclass(frozen=True)
class GuestSettings:
    """What a guest is made of."""

    kind: GuestKind
    node: str
    name: str
    cores: int = 1
    memory_mb: int = 512
    disk_gb: int = 8
    storage: str = "local-lvm"
    os_template: str | None = None
    clone_from: int | None = None
    bridge: str = "vmbr0"

    def check(self) -> GuestSettings:
        """Raise InvalidValueError for impossible settings."""
        check_node_name(self.node)
        validate_slug("name", self.name)
        if not 1 <= self.cores <= 512:
            raise InvalidValueError("cores", "must be between 1 and 512")
        if not 16 <= self.memory_mb <= 4_194_304:
            raise InvalidValueError("memory_mb", "must be between 16 MiB and 4 TiB")
        if not 1 <= self.disk_gb <= 131_072:
            raise InvalidValueError("disk_gb", "must be between 1 GiB and 128 TiB")
        if not _STORAGE.match(self.storage):
            raise InvalidValueError(
                "storage", f"{self.storage!r} is not a storage name (like local-lvm)"
            )
        if not _BRIDGE.match(self.bridge):
            raise InvalidValueError("bridge", f"{self.bridge!r} is not a bridge name (like vmbr0)")
        if self.clone_from is not None and not 100 <= self.clone_from <= 999_999_999:
            raise InvalidValueError("clone_from", "must be a template's vmid (100 or more)")
        if self.os_template is not None and not _VOLUME.match(self.os_template):
            raise InvalidValueError(
                "os_template", "must be a volume like local:vztmpl/debian-12-standard.tar.zst"
            )
        if self.kind is GuestKind.LXC and self.clone_from is None and self.os_template is None:
            raise InvalidValueError(
                "os_template",
                "an LXC container needs an OS template, "
                "like local:vztmpl/debian-12-standard.tar.zst",
            )
        return self


DRIFT_OBSERVED = frozenset({"running", "stopped", "paused", "missing"})
"""What the cluster may show of a guest that differs from its record (missing: gone)."""


@dataclass(frozen=True)
class Cleanup:
    """Something of a guest is left on the cluster and is still to be removed."""

    reason: str
    since: datetime


@dataclass(frozen=True)
class PendingOperation:
    """An operation recorded and not yet reported done."""

    operation_id: str
    action: GuestAction
    deadline: datetime


class GuestDeletedError(RuleViolatedError):
    """Raised when a deleted guest is asked to change."""


def operation_tag(operation_id: str) -> str:
    """The tag that marks a guest as made by ``operation_id`` (PVE tags: [a-z0-9_+.-])."""
    return "containr-op-" + hashlib.sha256(operation_id.encode()).hexdigest()[:16]


class Guest(ContainrAggregate):
    """A guest on a cluster: its settings, vmid, power state and the operation in progress."""

    class Requested(ContainrAggregate.Created):
        organization_id: UUID
        cluster_id: UUID
        settings: GuestSettings
        start: bool
        operation_id: str
        deadline: datetime

    class OperationRequested(ContainrAggregate.Event):
        operation_id: str
        action: GuestAction
        deadline: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.pending = PendingOperation(self.operation_id, self.action, self.deadline)

    class Created(ContainrAggregate.Event):
        operation_id: str
        vmid: int
        node: str
        running: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.vmid = self.vmid
            aggregate.node = self.node
            aggregate.state = GuestState.RUNNING if self.running else GuestState.STOPPED
            aggregate.pending = None
            aggregate.drift = None
            aggregate.done.add(self.operation_id)

    class OperationSucceeded(ContainrAggregate.Event):
        operation_id: str
        action: GuestAction
        state: GuestState

        def apply(self, aggregate: Any) -> None:
            aggregate.state = self.state
            aggregate.pending = None
            aggregate.drift = None
            aggregate.done.add(self.operation_id)

    class OperationFailed(ContainrAggregate.Event):
        operation_id: str
        action: GuestAction
        reason: str
        task_log: list[str]

        def apply(self, aggregate: Any) -> None:
            if self.action is GuestAction.CREATE:
                aggregate.state = GuestState.FAILED
            aggregate.pending = None
            aggregate.failure = self.reason
            aggregate.done.add(self.operation_id)

    class CleanupPending(ContainrAggregate.Event):
        """What a failed create (or a deletion) left on the cluster could not be removed yet."""

        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.cleanup = Cleanup(self.reason, self.timestamp)

    class CleanedUp(ContainrAggregate.Event):
        """Nothing of the guest is left on the cluster any more."""

        def apply(self, aggregate: Any) -> None:
            aggregate.cleanup = None

    class DriftDetected(ContainrAggregate.Event):
        """The cluster shows the guest otherwise than Containr recorded it."""

        expected: str
        observed: str

        def apply(self, aggregate: Any) -> None:
            aggregate.drift = self.observed

    class DriftResolved(ContainrAggregate.Event):
        """The cluster shows the guest as Containr recorded it again."""

        observed: str

        def apply(self, aggregate: Any) -> None:
            aggregate.drift = None

    class RegisteredAsNode(ContainrAggregate.Event):
        node_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.node_id = self.node_id

    def __init__(
        self,
        organization_id: UUID,
        cluster_id: UUID,
        settings: GuestSettings,
        start: bool,
        operation_id: str,
        deadline: datetime,
    ) -> None:
        self.organization_id = organization_id
        self.cluster_id = cluster_id
        self.settings = settings
        self.start_after_create = start
        self.vmid: int | None = None
        self.node = settings.node
        self.state = GuestState.CREATING
        self.pending: PendingOperation | None = PendingOperation(
            operation_id, GuestAction.CREATE, deadline
        )
        self.create_operation = operation_id
        self.failure: str | None = None
        self.node_id: UUID | None = None
        self.done: set[str] = set()
        self.cleanup: Cleanup | None = None
        self.drift: str | None = None

    @classmethod
    def request(
        cls,
        guest_id: UUID,
        *,
        organization_id: UUID,
        cluster_id: UUID,
        settings: GuestSettings,
        start: bool,
        actor: Actor,
        now: datetime,
    ) -> Guest:
        """Ask for a new guest; the process manager creates it."""
        return cls._create(
            cls.Requested,
            id=guest_id,
            organization_id=organization_id,
            cluster_id=cluster_id,
            settings=settings.check(),
            start=start,
            operation_id=f"{guest_id}:create",
            deadline=now + _DEADLINES[GuestAction.CREATE],
            actor=actor,
            timestamp=now,
        )

    @property
    def tag(self) -> str:
        """The tag of the operation that creates the guest."""
        return operation_tag(self.create_operation)

    def request_action(
        self, action: GuestAction, operation_id: str, *, actor: Actor, now: datetime
    ) -> None:
        """Ask for a power change or deletion; one operation at a time."""
        self._require_present()
        if action is GuestAction.CREATE:
            raise InvalidValueError(
                "action",
                "must be start, stop, shutdown, reboot or delete (a guest is created once)",
            )
        if operation_id in self.done or (
            self.pending is not None and self.pending.operation_id == operation_id
        ):
            return  # a repeat of the same request
        if self.pending is not None:
            raise InvalidTransitionError(
                f"the guest is busy: {self.pending.action.value} is in progress; wait for it to end"
            )
        if (
            self.state in (GuestState.CREATING, GuestState.FAILED)
            and action is not GuestAction.DELETE
        ):
            raise InvalidTransitionError(
                f"a guest that is {self.state.value} cannot {action.value}"
            )
        if action is GuestAction.REBOOT and self.state is not GuestState.RUNNING:
            raise InvalidTransitionError("only a running guest can reboot")
        self.trigger_event(
            self.OperationRequested,
            operation_id=operation_id,
            action=action,
            deadline=now + _DEADLINES[action],
            actor=actor,
            timestamp=now,
        )

    def record_created(
        self, operation_id: str, vmid: int, node: str, running: bool, *, actor: Actor, now: datetime
    ) -> None:
        """The cluster has the guest (reported once; repeats are ignored)."""
        if operation_id in self.done:
            return
        self._require_pending(operation_id, GuestAction.CREATE)
        self.trigger_event(
            self.Created,
            operation_id=operation_id,
            vmid=vmid,
            node=check_node_name(node),
            running=running,
            actor=actor,
            timestamp=now,
        )

    def record_succeeded(self, operation_id: str, *, actor: Actor, now: datetime) -> None:
        """The pending operation happened."""
        if operation_id in self.done:
            return
        pending = self._require_pending(operation_id, None)
        state = {
            GuestAction.START: GuestState.RUNNING,
            GuestAction.REBOOT: GuestState.RUNNING,
            GuestAction.STOP: GuestState.STOPPED,
            GuestAction.SHUTDOWN: GuestState.STOPPED,
            GuestAction.DELETE: GuestState.DELETED,
        }[pending.action]
        self.trigger_event(
            self.OperationSucceeded,
            operation_id=operation_id,
            action=pending.action,
            state=state,
            actor=actor,
            timestamp=now,
        )

    def record_failed(
        self,
        operation_id: str,
        reason: str,
        task_log: list[str],
        *,
        actor: Actor,
        now: datetime,
    ) -> None:
        """The pending operation failed (or its deadline passed)."""
        if operation_id in self.done:
            return
        pending = self._require_pending(operation_id, None)
        self.trigger_event(
            self.OperationFailed,
            operation_id=operation_id,
            action=pending.action,
            reason=reason or "failed",
            task_log=task_log[-200:],
            actor=actor,
            timestamp=now,
        )

    def expire(self, *, actor: Actor, now: datetime) -> bool:
        """Fail the pending operation if its deadline passed; whether it did."""
        if self.pending is None or now < self.pending.deadline:
            return False
        self.record_failed(
            self.pending.operation_id,
            f"deadline exceeded: {self.pending.action.value} did not finish in time",
            [],
            actor=actor,
            now=now,
        )
        return True

    def record_cleanup_pending(self, reason: str, *, actor: Actor, now: datetime) -> None:
        """Something of a failed or deleted guest is still on the cluster (recorded once)."""
        if self.state not in (GuestState.FAILED, GuestState.DELETED):
            raise InvalidTransitionError(
                "only a failed or deleted guest has something to clean up, "
                f"not a {self.state.value} one"
            )
        if self.cleanup is not None:
            return  # already pending: told once, retried quietly
        self.trigger_event(
            self.CleanupPending,
            reason=reason[:500] or "left on the cluster",
            actor=actor,
            timestamp=now,
        )

    def record_cleaned_up(self, *, actor: Actor, now: datetime) -> None:
        """Nothing of the guest is left on the cluster (repeats are ignored)."""
        if self.cleanup is None:
            return
        self.trigger_event(self.CleanedUp, actor=actor, timestamp=now)

    def record_observed(self, expected: str, observed: str, *, actor: Actor, now: datetime) -> None:
        """The cluster shows the guest ``observed`` while it was recorded ``expected``.

        Recorded on transitions only; an observation made before an operation began (or one
        that no longer matches the record) is stale and ignored.
        """
        if observed != expected and observed not in DRIFT_OBSERVED:
            raise InvalidValueError("observed", f"{observed!r} is not a guest state")
        if self.pending is not None or self.state.value != expected:
            return
        if self.state not in (GuestState.RUNNING, GuestState.STOPPED):
            return
        if observed == expected:
            if self.drift is not None:
                self.trigger_event(
                    self.DriftResolved, observed=observed, actor=actor, timestamp=now
                )
            return
        if self.drift != observed:
            self.trigger_event(
                self.DriftDetected, expected=expected, observed=observed, actor=actor, timestamp=now
            )

    def register_as_node(self, node_id: UUID, *, actor: Actor, now: datetime) -> None:
        """Record that the guest runs a Docker engine registered as a Containr node."""
        self._require_present()
        if self.node_id is not None:
            raise RuleViolatedError("the guest is already registered as a node")
        if self.state is not GuestState.RUNNING:
            raise InvalidTransitionError("only a running guest can become a node; start it first")
        self.trigger_event(self.RegisteredAsNode, node_id=node_id, actor=actor, timestamp=now)

    def _require_pending(self, operation_id: str, action: GuestAction | None) -> PendingOperation:
        if self.pending is None or self.pending.operation_id != operation_id:
            raise InvalidTransitionError(f"operation {operation_id} is not in progress")
        if action is not None and self.pending.action is not action:
            raise InvalidTransitionError(f"operation {operation_id} is not a {action.value}")
        return self.pending

    def _require_present(self) -> None:
        if self.state is GuestState.DELETED:
            raise GuestDeletedError(f"guest {self.settings.name!r} has been deleted")
