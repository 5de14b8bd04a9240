"""The Hypervisor port over the Proxmox VE API, through proxmoxer's HTTPS backend and an API token.

Every call that starts a task follows it to its end (see ``adapters.proxmox_tasks``), and every
failure becomes one of the port's errors. A ProxmoxHypervisor holds one HTTP session: use it
from one thread at a time, and close it.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import weakref
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import msgspec
import requests
from proxmoxer import ProxmoxAPI

from adapters.proxmox_tasks import (
    KINDS,
    OPERATION_TAG,
    Deadline,
    ErrorMapper,
    PveGuest,
    PveNode,
    TaskEntry,
    TaskFollower,
    create_params,
)
from application.hypervisor_ports import (
    ClusterCredentials,
    GuestInfo,
    GuestKind,
    GuestSpec,
    GuestStatus,
    HypervisorError,
    NodeStatus,
)

T = TypeVar("T")
ABSENT = re.compile(r"Configuration file '[^']*' does not exist")


class ProxmoxHypervisors:
    """Connects to Proxmox VE clusters; ``poll_seconds`` is the first pause between task polls."""

    def __init__(self, *, poll_seconds: float = 0.1, max_poll_seconds: float = 2.0) -> None:
        self.poll_seconds, self.max_poll_seconds = poll_seconds, max_poll_seconds

    def connect(self, credentials: ClusterCredentials) -> ProxmoxHypervisor:
        """A client for the cluster (no request is made until the first call)."""
        return ProxmoxHypervisor(
            credentials, poll_seconds=self.poll_seconds, max_poll_seconds=self.max_poll_seconds
        )


class ProxmoxHypervisor:
    """One cluster's API through proxmoxer, with an API token."""

    def __init__(
        self,
        credentials: ClusterCredentials,
        *,
        poll_seconds: float = 0.1,
        max_poll_seconds: float = 2.0,
    ) -> None:
        parts = urlsplit(credentials.url)
        user, _, token_name = credentials.token_id.partition("!")
        if parts.scheme != "https" or not parts.hostname:
            raise HypervisorError(f"{credentials.url}: the cluster's URL must be https://host:port")
        if not user or not token_name:
            raise HypervisorError(f"the token id must look like USER@REALM!TOKENID, not {user!r}")
        self.url = f"https://{parts.netloc}"
        secret = credentials.token_secret.reveal()
        self._errors = ErrorMapper(
            url=self.url,
            token_id=credentials.token_id,
            secret=secret,
            timeout=credentials.timeout_seconds,
        )
        self.ca_file = self._write_ca(credentials)
        """The private file holding the given CA bundle while the client lives (or None)."""
        self._remove_ca = weakref.finalize(self, _remove, self.ca_file)
        verify: bool | str = credentials.verify_tls and (self.ca_file or True)
        prefix = parts.path.strip("/").removesuffix("api2/json").strip("/") or None
        self._api: Any = ProxmoxAPI(
            parts.hostname,
            port=parts.port or 8006,
            path_prefix=prefix,
            user=user,
            token_name=token_name,
            token_value=secret,
            verify_ssl=verify,
            timeout=credentials.timeout_seconds,
        )
        self._tasks = TaskFollower(
            self._call, lambda: self._api, first_pause=poll_seconds, max_pause=max_poll_seconds
        )

    def __repr__(self) -> str:
        return f"ProxmoxHypervisor({self.url!r})"

    @staticmethod
    def _write_ca(credentials: ClusterCredentials) -> str | None:
        if not credentials.verify_tls or not credentials.ca_bundle:
            return None
        if "-----BEGIN CERTIFICATE-----" not in credentials.ca_bundle:
            raise HypervisorError(f"{credentials.url}: the CA bundle is not PEM text")
        fd, path = tempfile.mkstemp(prefix="containr-pve-ca-", suffix=".pem")  # mode 0600
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(credentials.ca_bundle)
        return path

    # Reading

    def version(self) -> str:
        """The PVE version (also the cheapest check that the API and token work)."""
        answer = self._call("read the version", self._api.version.get)
        return str(answer["version"]) if isinstance(answer, dict) else ""

    def nodes(self) -> list[NodeStatus]:
        """Every node of the cluster with its status and usage."""
        nodes = self._read("list the nodes", list[PveNode], self._api.nodes.get)
        if any(n.maxdisk == 0 and n.status == "online" for n in nodes):  # /nodes may lack disks
            resources = self._read(
                "list the nodes",
                list[PveNode],
                lambda: self._api.cluster.resources.get(type="node"),
            )
            by_name = {n.node: n for n in resources}
            nodes = [by_name.get(n.node, n) if n.maxdisk == 0 else n for n in nodes]
        return [n.status_of() for n in sorted(nodes, key=lambda n: n.node)]

    def guests(self) -> list[GuestInfo]:
        """Every guest (VMs and containers) of the cluster."""
        found = self._read(
            "list the guests", list[PveGuest], lambda: self._api.cluster.resources.get(type="vm")
        )
        return sorted(
            (g.info(g.node, KINDS[g.type]) for g in found if g.type in KINDS),
            key=lambda g: g.vmid,
        )

    def find_by_tag(self, tag: str) -> GuestInfo | None:
        """The guest carrying ``tag`` (or an unfinished clone named it); PVE's tags ignore case."""
        wanted = tag.lower()
        return next(
            (
                g
                for g in self.guests()
                if wanted in (t.lower() for t in g.tags) or g.name.lower() == wanted
            ),
            None,
        )

    def next_vmid(self) -> int:
        """A free vmid (``/cluster/nextid``)."""
        return self._read("get a free vmid", int, self._api.cluster.nextid.get)

    def guest(self, node: str, kind: GuestKind, vmid: int) -> GuestInfo | None:
        """One guest's current state, or None if it no longer exists."""
        what = f"read {kind} {vmid} on {node}"
        try:
            current = self._read(
                what, PveGuest, self._guest_api(node, kind, vmid).status.current.get
            )
        except HypervisorError as e:
            if ABSENT.search(str(e)):
                return None
            raise
        return current.info(node, kind)

    # Changing

    def create(self, spec: GuestSpec, vmid: int, *, deadline_seconds: float) -> GuestInfo:
        """Create (or clone) the guest and, if ``spec.start``, start it; waits for the tasks."""
        deadline = Deadline(deadline_seconds)
        what = f"create {spec.kind} {vmid} on {spec.node}"
        if spec.clone_from is not None:
            self._clone(spec, vmid, deadline, what)
        else:
            params = create_params(spec, vmid, what)
            guests = getattr(self._api.nodes(spec.node), spec.kind)
            self._tasks.follow(self._call(what, lambda: guests.post(**params)), deadline, what)
        if spec.start:
            self._start(spec.node, spec.kind, vmid, deadline)
        made = self.guest(spec.node, spec.kind, vmid)
        if made is None:
            raise HypervisorError(f"{what}: the task ended but the guest does not exist")
        return made

    def complete(self, spec: GuestSpec, vmid: int, *, deadline_seconds: float) -> GuestInfo:
        """Give a guest the spec's name, tags, cores and memory (and start it if asked)."""
        deadline = Deadline(deadline_seconds)
        what = f"configure {spec.kind} {vmid} on {spec.node}"
        memory = spec.memory_mb if spec.kind == "lxc" else str(spec.memory_mb)
        config: dict[str, object] = {"cores": spec.cores, "memory": memory}
        config["hostname" if spec.kind == "lxc" else "name"] = spec.name
        # A clone copied the template's tags: replace them with the spec's (or none).
        config.update({"tags": ";".join(spec.tags)} if spec.tags else {"delete": "tags"})
        self._call(what, lambda: self._guest_api(spec.node, spec.kind, vmid).config.put(**config))
        if spec.start:
            self._start(spec.node, spec.kind, vmid, deadline)
        made = self.guest(spec.node, spec.kind, vmid)
        if made is None:
            raise HypervisorError(f"{what}: the guest does not exist")
        return made

    def stop_tasks(self, node: str, vmid: int) -> list[str]:
        """Stop the guest's running tasks on ``node`` (``DELETE /nodes/{node}/tasks/{upid}``)."""
        what = f"stop the tasks of {vmid} on {node}"
        tasks = self._read(
            what,
            list[TaskEntry],
            lambda: self._api.nodes(node).tasks.get(vmid=vmid, source="active"),
        )
        # PVE lists a running task's status as RUNNING (fakepve leaves it out); an ended one
        # carries its exit status.
        running = [t.upid for t in tasks if t.status is None or t.status.lower() == "running"]
        for upid in running:
            self._call(what, self._api.nodes(node).tasks(upid).delete)
        return running

    def start(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Start a guest (no error if it runs)."""
        self._start(node, kind, vmid, Deadline(deadline_seconds))

    def stop(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Stop a guest at once, like pulling the plug (no error if stopped)."""
        self._power_off(node, kind, vmid, "stop", Deadline(deadline_seconds))

    def shutdown(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Ask the guest's OS to shut down, waiting for it (PVE gives up at the deadline)."""
        timeout = max(1, int(deadline_seconds))
        self._power_off(node, kind, vmid, "shutdown", Deadline(deadline_seconds), timeout=timeout)

    def reboot(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Reboot a running guest."""
        self._power(node, kind, vmid, "reboot", Deadline(deadline_seconds))

    def delete(self, node: str, kind: GuestKind, vmid: int, *, deadline_seconds: float) -> None:
        """Stop (if running) and destroy a guest with its disks (no error if gone)."""
        deadline = Deadline(deadline_seconds)
        found = self.guest(node, kind, vmid)
        if found is None:
            return
        if found.status != "stopped":
            self._power_off(node, kind, vmid, "stop", deadline)
        what = f"delete {kind} {vmid} on {node}"
        params = {"purge": 1, "destroy-unreferenced-disks": 1}
        try:
            upid = self._call(what, lambda: self._guest_api(node, kind, vmid).delete(**params))
        except HypervisorError as e:
            if ABSENT.search(str(e)):
                return
            raise
        self._tasks.follow(upid, deadline, what)

    def close(self) -> None:
        """Release the HTTP session and remove the CA file."""
        # proxmoxer has no close(); its requests session lives in the resource's _store.
        session = getattr(self._api, "_store", {}).get("session")
        if isinstance(session, requests.Session):
            session.close()
        self._remove_ca()

    # Plumbing

    def _clone(self, spec: GuestSpec, vmid: int, deadline: Deadline, what: str) -> None:
        source = next((g for g in self.guests() if g.vmid == spec.clone_from), None)
        if source is None or source.kind != spec.kind:
            raise HypervisorError(f"{what}: there is no {spec.kind} {spec.clone_from} to clone")
        # Until its tags are set, the clone is named after the operation's tag (the naming
        # convention): a worker that dies in that window leaves a guest the retry (or the
        # guest reconciler) finds by name, instead of an untagged one nobody knows.
        unfinished = next((t for t in spec.tags if t.startswith(OPERATION_TAG)), spec.name)
        name = {"hostname" if spec.kind == "lxc" else "name": unfinished}
        api = self._guest_api(source.node, spec.kind, source.vmid)
        upid = self._call(
            what,
            lambda: api.clone.post(
                newid=vmid, full=1, target=spec.node, storage=spec.storage, **name
            ),
        )
        self._tasks.follow(upid, deadline, what)
        self.complete(
            msgspec.structs.replace(spec, start=False), vmid, deadline_seconds=deadline.remaining()
        )

    def _start(self, node: str, kind: GuestKind, vmid: int, deadline: Deadline) -> None:
        if self._status(node, kind, vmid) == "running":
            return
        try:
            self._power(node, kind, vmid, "start", deadline)
        except HypervisorError as e:
            if "already running" not in str(e):  # it started between the look and the call
                raise

    def _power_off(
        self, node: str, kind: GuestKind, vmid: int, action: str, deadline: Deadline, **params: int
    ) -> None:
        if self._status(node, kind, vmid) == "stopped":
            return
        try:
            self._power(node, kind, vmid, action, deadline, **params)
        except HypervisorError as e:
            if "not running" not in str(e):  # it stopped between the look and the call
                raise

    def _status(self, node: str, kind: GuestKind, vmid: int) -> GuestStatus:
        found = self.guest(node, kind, vmid)
        if found is None:
            raise HypervisorError(f"{kind} {vmid} does not exist on {node}")
        return found.status

    def _power(
        self, node: str, kind: GuestKind, vmid: int, action: str, deadline: Deadline, **params: int
    ) -> None:
        what = f"{action} {kind} {vmid} on {node}"
        endpoint = getattr(self._guest_api(node, kind, vmid).status, action)
        self._tasks.follow(self._call(what, lambda: endpoint.post(**params)), deadline, what)

    def _guest_api(self, node: str, kind: GuestKind, vmid: int) -> Any:
        return getattr(self._api.nodes(node), kind)(vmid)

    def _read(self, what: str, type_: type[T], fn: Callable[[], Any]) -> T:
        answer = self._call(what, fn)
        try:
            return msgspec.convert(answer, type_, strict=False)
        except msgspec.ValidationError as e:
            raise self._errors.translate(e, what) from None

    def _call(self, what: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except Exception as e:  # every failure of the client library becomes a port error
            error = self._errors.translate(e, what)
        # Raised outside the handler, so it does not keep the library's exception as context:
        # that holds the request (with the token) and, through its frames, the open connection.
        raise error


def _remove(path: str | None) -> None:
    if path is not None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
