"""Helpers of the Proxmox adapter: PVE's answers and errors as the port's, and following tasks.

PVE answers an error with its message in the HTTP reason phrase (proxmoxer's
``ResourceException.content``) and, for a bad parameter, a per-field ``errors`` object. A
task (a UPID) is followed through ``GET /nodes/{node}/tasks/{upid}/status`` until its
``status`` is ``stopped``; its ``exitstatus`` is ``OK``, ``WARNINGS: n`` or the error.
"""

from __future__ import annotations

import re
import ssl
import time
from collections.abc import Callable
from typing import Any

import msgspec
import requests
from proxmoxer.core import ResourceException

from application.hypervisor_ports import (
    AuthenticationFailedError,
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

LOCKED = re.compile(r"can't lock file|\b(?:VM|CT) is locked\b", re.IGNORECASE)
NO_QUORUM = re.compile(r"no quorum|cluster not ready", re.IGNORECASE)
SUCCESS = re.compile(r"OK|WARNINGS: \d+")
# pveproxy's answers when it cannot reach the node a request is for (AnyEvent::HTTP codes).
NODE_UNREACHABLE = (595, 596)
LOG_LINES, LOG_FETCHED = 500, 10_000
MIB, GIB = 1024**2, 1024**3


class TaskStatus(msgspec.Struct, frozen=True):
    """What ``/tasks/{upid}/status`` says about a task."""

    status: str
    exitstatus: str | None = None


class TaskEntry(msgspec.Struct, frozen=True):
    """One task of ``/nodes/{node}/tasks``: a running one has no ``status`` (its exit status)."""

    upid: str
    status: str | None = None


OPERATION_TAG = "containr-op-"
"""The prefix of the tag (and of an unfinished clone's name) naming a Containr operation."""


class LogLine(msgspec.Struct, frozen=True):
    """One line of ``/tasks/{upid}/log``."""

    t: str = ""


STATUSES: dict[str, GuestStatus] = {"running": "running", "stopped": "stopped", "paused": "paused"}
KINDS: dict[str, GuestKind] = {"qemu": "qemu", "lxc": "lxc"}


class PveNode(msgspec.Struct, frozen=True):
    """A node in ``/nodes`` or ``/cluster/resources``."""

    node: str
    status: str = "unknown"
    cpu: float = 0.0
    maxcpu: int = 0
    mem: int = 0
    maxmem: int = 0
    disk: int = 0
    maxdisk: int = 0
    uptime: int = 0

    def status_of(self) -> NodeStatus:
        """The port's view of the node."""
        return NodeStatus(
            name=self.node,
            online=self.status == "online",
            cpu_fraction=self.cpu,
            cpus=self.maxcpu,
            memory_used_mb=self.mem // MIB,
            memory_total_mb=self.maxmem // MIB,
            disk_used_gb=self.disk / GIB,
            disk_total_gb=self.maxdisk / GIB,
            uptime_seconds=self.uptime,
        )


class PveGuest(msgspec.Struct, frozen=True):
    """A guest in ``/cluster/resources`` or ``…/status/current``."""

    vmid: int
    name: str = ""
    status: str = "unknown"
    qmpstatus: str | None = None
    tags: str = ""
    template: bool = False
    cpus: float | None = None
    maxcpu: float = 0.0
    maxmem: int = 0
    lock: str | None = None
    node: str = ""
    type: str = ""

    def info(self, node: str, kind: GuestKind) -> GuestInfo:
        """The port's view of the guest."""
        paused = self.qmpstatus == "paused" and self.status == "running"
        status = "paused" if paused else self.status
        return GuestInfo(
            vmid=self.vmid,
            node=node,
            kind=kind,
            name=self.name,
            status=STATUSES.get(status, "unknown"),
            tags=[t for t in re.split(r"[;, ]+", self.tags) if t],
            template=self.template,
            cpus=self.cpus if self.cpus is not None else self.maxcpu,
            memory_mb=self.maxmem // MIB,
            lock=self.lock or None,
        )


def create_params(spec: GuestSpec, vmid: int, what: str) -> dict[str, object]:
    """The parameters of ``POST /nodes/{node}/{qemu|lxc}`` for a spec (checked against PVE 9)."""
    common: dict[str, object] = {"vmid": vmid, "cores": spec.cores}
    if spec.tags:
        common["tags"] = ";".join(spec.tags)
    if spec.kind == "qemu":
        return common | {
            "name": spec.name,
            "memory": str(spec.memory_mb),  # a property string in PVE's schema
            "scsihw": "virtio-scsi-single",
            "scsi0": f"{spec.storage}:{spec.disk_gb}",
            "net0": f"virtio,bridge={spec.bridge}",
        }
    if not spec.os_template:
        raise HypervisorError(f"{what}: a container needs an OS template")
    return common | {
        "hostname": spec.name,
        "ostemplate": spec.os_template,
        "memory": spec.memory_mb,
        "rootfs": f"{spec.storage}:{spec.disk_gb}",
        "net0": f"name=eth0,bridge={spec.bridge},ip=dhcp",
        "unprivileged": 1,  # PVE's default is a privileged container; never ours
    }


class ErrorMapper:
    """Turns requests' and proxmoxer's exceptions into the port's errors, without the secret."""

    def __init__(self, *, url: str, token_id: str, secret: str, timeout: float) -> None:
        self.url, self.token_id, self.timeout = url, token_id, timeout
        self._secret = secret

    def translate(self, error: Exception, what: str) -> HypervisorError:
        """The port's error for a failed call; the message names the call and PVE's reason."""
        mapped = self._translate(error, what)
        if self._secret and self._secret in str(mapped):  # never echo the token, whoever wrote it
            mapped = type(mapped)(str(mapped).replace(self._secret, "*****"))
        return mapped

    def _translate(self, error: Exception, what: str) -> HypervisorError:
        if isinstance(error, ResourceException):
            return self.from_pve(int(error.status_code), _pve_message(error), what)
        if isinstance(error, requests.exceptions.SSLError):
            return HypervisorUnreachableError(f"{self.url}: TLS failure: {_tls_reason(error)}")
        if isinstance(error, requests.exceptions.Timeout):
            return HypervisorUnreachableError(
                f"{self.url}: timed out: no answer within {self.timeout:g} s ({what})"
            )
        if isinstance(error, requests.exceptions.ConnectionError):
            return HypervisorUnreachableError(f"{self.url}: {_connection_reason(error)}")
        if isinstance(error, msgspec.ValidationError):
            return HypervisorError(f"{what}: unexpected answer from {self.url}: {error}")
        return HypervisorError(f"{what}: {self.url}: {error}")

    def from_pve(self, status: int, message: str, what: str) -> HypervisorError:
        """The port's error for an HTTP error PVE answered with."""
        if status == 401:
            return AuthenticationFailedError(
                f"{self.url}: the API token {self.token_id} was refused ({message})"
            )
        if status == 403:
            return PermissionDeniedError(f"{what}: permission denied: {message}")
        if status in NODE_UNREACHABLE:
            return HypervisorUnreachableError(f"{what}: the node does not answer ({message})")
        return from_message(message, what)


def from_message(message: str, what: str) -> HypervisorError:
    """The port's error for a PVE error text (from an answer or a task's exit status)."""
    if LOCKED.search(message):
        return GuestLockedError(f"{what}: the guest is locked: {message}")
    if NO_QUORUM.search(message):
        return QuorumLostError(f"{what}: the cluster has no quorum: {message}")
    return HypervisorError(f"{what}: {message}")


class Deadline:
    """A point in time, ``seconds`` from now."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self._clock = seconds, clock
        self._end = clock() + seconds

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self._end - self._clock())


class TaskFollower:
    """Polls a task until it stops (with a growing pause) or the deadline passes."""

    def __init__(
        self,
        call: Callable[[str, Callable[[], Any]], Any],
        api: Callable[[], Any],
        *,
        first_pause: float,
        max_pause: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._call, self._api, self._sleep = call, api, sleep
        self.first_pause, self.max_pause = first_pause, max_pause

    def follow(self, upid: object, deadline: Deadline, what: str) -> None:
        """Return once the task ended well; raise TaskFailedError (with its log) otherwise."""
        if not isinstance(upid, str) or not upid.startswith("UPID:"):
            return  # nothing was started (PVE answers null when there is nothing to do)
        task = self._api().nodes(upid.split(":")[1]).tasks(upid)
        pause = self.first_pause
        while True:
            status = self._status(task, what)
            if status.status == "stopped":
                break
            if deadline.remaining() <= 0:
                self._try(what, task.delete)  # ask PVE to stop it; best effort
                raise TaskFailedError(
                    f"{what}: task {upid} did not finish within {deadline.seconds:g} s",
                    upid=upid,
                    exit_status="timeout",
                    log=self._log(task, what),
                )
            self._sleep(min(pause, deadline.remaining()))
            pause = min(pause * 1.5, self.max_pause)
        exit_status = status.exitstatus or "unknown"
        if SUCCESS.fullmatch(exit_status):
            return
        error = from_message(exit_status, what)
        if type(error) is not HypervisorError:
            raise error
        raise TaskFailedError(
            f"{what} failed: {exit_status}",
            upid=upid,
            exit_status=exit_status,
            log=self._log(task, what),
        )

    def _status(self, task: Any, what: str) -> TaskStatus:
        answer = self._call(what, task.status.get)
        try:
            return msgspec.convert(answer, TaskStatus, strict=False)
        except msgspec.ValidationError as e:
            raise HypervisorError(f"{what}: unexpected task status {answer!r}: {e}") from None

    def _log(self, task: Any, what: str) -> list[str]:
        """The task log's last LOG_LINES lines (the error is at the end)."""
        lines = self._try(what, lambda: task.log.get(limit=LOG_FETCHED))
        try:
            converted = msgspec.convert(lines or [], list[LogLine], strict=False)
        except msgspec.ValidationError:
            return []
        return [line.t for line in converted[-LOG_LINES:]]

    def _try(self, what: str, fn: Callable[[], Any]) -> Any:
        try:
            return self._call(what, fn)
        except HypervisorError:
            return None


def _pve_message(error: Any) -> str:
    message = str(error.content or error.status_message or "").strip()
    if isinstance(error.errors, dict) and error.errors:
        fields = "; ".join(f"{k}: {str(v).strip()}" for k, v in sorted(error.errors.items()))
        message = f"{message} ({fields})"
    return message


def _causes(error: BaseException) -> list[BaseException]:
    """The exception and what it wraps (urllib3 keeps the cause in ``reason`` or ``args``)."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        wrapped = [getattr(current, "reason", None), *current.args]
        current = next((e for e in wrapped if isinstance(e, BaseException)), None)
        current = current or chain[-1].__cause__ or chain[-1].__context__
    return chain


def _tls_reason(error: BaseException) -> str:
    for cause in _causes(error):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"certificate verify failed: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError):
            return str(cause.reason or cause)
    return str(error)


def _connection_reason(error: BaseException) -> str:
    causes = _causes(error)
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "connection refused"
    if any(isinstance(c, ConnectionResetError) for c in causes) or "RemoteDisconnected" in str(
        error
    ):
        return "the connection was dropped"
    return f"connection failed: {causes[-1]}"
