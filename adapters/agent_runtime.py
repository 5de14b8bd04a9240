"""The ContainerRuntime of an agent node (``agent://<node id>``, issue 18): every call goes
down the agent's open connection as an operation, and waits for the agent's result with a
deadline (EngineUnreachableError when the agent is not connected to this process, or does not
answer in time).

What the deployer and the reconciler use is carried; builds, volume archives and streamed helpers
are not (yet): they fail with a ContainerEngineError saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import msgspec

from application.agent_operations import AgentSessions, raise_for
from application.runtime_ports import (
    ContainerDeath,
    ContainerEngineError,
    ContainerInfo,
    ContainerSpec,
    ImageAvailability,
    ImageInfo,
    LabelledImage,
    LogLine,
    RegistryLogin,
    StreamedContainer,
    VolumeInfo,
)
from domain.preview import DiskSpace

AGENT_SCHEME = "agent://"
CALL_TIMEOUT = 30.0
"""The deadline of one operation's round trip (creating a container may take a while)."""
PING_TIMEOUT = 5.0
T = TypeVar("T")


def agent_node(endpoint: str) -> UUID | None:
    """The node an ``agent://<node id>`` endpoint names; None for any other endpoint."""
    if not endpoint.startswith(AGENT_SCHEME):
        return None
    try:
        return UUID(endpoint[len(AGENT_SCHEME) :])
    except ValueError:
        return None


def _unsupported(what: str) -> ContainerEngineError:
    return ContainerEngineError(f"{what} is not supported on agent nodes")


class AgentRuntime:
    """A ContainerRuntime whose engine is reached through its node's agent."""

    def __init__(
        self,
        node_id: UUID,
        sessions: AgentSessions,
        *,
        timeout: float = CALL_TIMEOUT,
        address: str = "127.0.0.1",
    ):
        self.node_id = node_id
        self._sessions = sessions
        self._timeout = timeout
        self.address = address
        """Where the node's published ports are reached (its advertised address): the agent
        reports its containers as its local engine sees them, on loopback."""

    def call(
        self,
        method: str,
        args: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
        operation_id: str | None = None,
    ) -> Any:
        """One operation's raw value (the port's errors raised as the agent reported them)."""
        result = self._sessions.call(
            self.node_id,
            method,
            args or {},
            timeout=timeout or self._timeout,
            operation_id=operation_id,
        )
        return raise_for(result)

    def _typed(self, kind: type[T], value: Any) -> T:
        try:
            typed = msgspec.convert(value, kind)
        except msgspec.ValidationError as e:
            raise ContainerEngineError(f"the agent answered something unexpected: {e}") from None
        if isinstance(typed, ContainerInfo):
            return self._here(typed)  # type: ignore[return-value]  # T is ContainerInfo here
        if isinstance(typed, list):
            return [self._here(i) if isinstance(i, ContainerInfo) else i for i in typed]  # type: ignore[return-value]  # T is a list of ContainerInfo here
        return typed

    def _here(self, info: ContainerInfo) -> ContainerInfo:
        """The container with its published port at the node's address (the ingress, health
        checks and other hosts reach it there, not on the agent's loopback)."""
        if info.host_address == self.address:
            return info
        return msgspec.structs.replace(info, host_address=self.address)

    def ping(self) -> bool:
        try:
            return bool(self.call("ping", timeout=PING_TIMEOUT))
        except ContainerEngineError:
            return False

    def image(self, reference: str) -> ImageInfo | None:
        return self._typed(ImageInfo | None, self.call("image", {"reference": reference}))  # type: ignore[arg-type]  # a union is a valid msgspec type

    def image_availability(self, reference: str, *, timeout: float) -> ImageAvailability:
        if self.image(reference) is not None:
            return ImageAvailability(reference=reference, present=True)
        return ImageAvailability(
            reference=reference,
            present=False,
            pullable=False,
            reason="agent nodes do not pull images yet",
        )

    def build(
        self,
        context: Path,
        *,
        dockerfile: str,
        tags: list[str],
        labels: Mapping[str, str],
        on_log: LogLine,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> ImageInfo:
        raise _unsupported("building images")

    def push(self, image: str, target: str, *, login: RegistryLogin, timeout: float) -> str:
        raise _unsupported("pushing images (builds run on a node with a direct engine)")

    def pull(self, reference: str, *, login: RegistryLogin | None, timeout: float) -> ImageInfo:
        """Pulled by the agent's engine, with the login sent down the agent's connection
        (the agent keeps no copy of it)."""
        sent = None
        if login is not None:
            sent = {
                "address": login.address,
                "username": login.username,
                "password": login.password.reveal() if login.password is not None else None,
            }
        args = {"reference": reference, "login": sent, "timeout": timeout}
        return self._typed(ImageInfo, self.call("pull", args, timeout=timeout + PING_TIMEOUT))

    def tag(self, image: str, tag: str) -> None:
        self.call("tag", {"image": image, "tag": tag})

    def ensure_network(self, name: str, labels: Mapping[str, str]) -> None:
        self.call("ensure_network", {"name": name, "labels": dict(labels)})

    def remove_network(self, name: str) -> bool:
        return bool(self.call("remove_network", {"name": name}))

    def remove_image(self, reference: str) -> bool:
        return bool(self.call("remove_image", {"reference": reference}))

    def labelled_images(self, labels: Mapping[str, str]) -> list[LabelledImage]:
        """The node's images with ``labels`` (its agent's own only): an ImageCatalogue, so
        unreferenced images are collected on agent nodes too."""
        return self._typed(
            list[LabelledImage], self.call("labelled_images", {"labels": dict(labels)})
        )

    def disk_space(self, *, timeout: float) -> DiskSpace | None:
        value = self.call("disk_space", {"timeout": timeout}, timeout=timeout + PING_TIMEOUT)
        return self._typed(DiskSpace | None, value)  # type: ignore[arg-type]  # as in image()

    def containers(
        self, labels: Mapping[str, str], *, all_states: bool = True
    ) -> list[ContainerInfo]:
        value = self.call("containers", {"labels": dict(labels), "all_states": all_states})
        return self._typed(list[ContainerInfo], value)

    def ensure_volume(self, name: str, labels: Mapping[str, str]) -> VolumeInfo:
        value = self.call("ensure_volume", {"name": name, "labels": dict(labels)})
        return self._typed(VolumeInfo, value)

    def volume(self, name: str) -> VolumeInfo | None:
        return self._typed(VolumeInfo | None, self.call("volume", {"name": name}))  # type: ignore[arg-type]  # as in image()

    def volumes(self, labels: Mapping[str, str]) -> list[VolumeInfo]:
        return self._typed(list[VolumeInfo], self.call("volumes", {"labels": dict(labels)}))

    def remove_volume(self, name: str) -> bool:
        return bool(self.call("remove_volume", {"name": name}))

    def volume_sizes(self, *, timeout: float) -> dict[str, int]:
        raise _unsupported("measuring volumes")

    def export_volume(self, name: str, target: Path, *, helper_image: str, timeout: float) -> None:
        raise _unsupported("exporting volumes")

    def import_volume(
        self,
        name: str,
        source: Path,
        labels: Mapping[str, str],
        *,
        helper_image: str,
        timeout: float,
    ) -> VolumeInfo:
        raise _unsupported("importing volumes")

    def create(self, spec: ContainerSpec) -> ContainerInfo:
        value = self.call("create", {"spec": msgspec.to_builtins(spec)})
        return self._typed(ContainerInfo, value)

    def start(self, container_id: str) -> ContainerInfo:
        return self._typed(ContainerInfo, self.call("start", {"id": container_id}))

    def inspect(self, container_id: str) -> ContainerInfo | None:
        return self._typed(ContainerInfo | None, self.call("inspect", {"id": container_id}))  # type: ignore[arg-type]  # as in image()

    def stop(self, container_id: str, *, timeout: float = 10) -> None:
        args = {"id": container_id, "timeout": timeout}
        self.call("stop", args, timeout=timeout + self._timeout)

    def remove(self, container_id: str) -> None:
        self.call("remove", {"id": container_id})

    def restart(self, container_id: str, *, timeout: float = 10) -> None:
        args = {"id": container_id, "timeout": timeout}
        self.call("restart", args, timeout=timeout + self._timeout)

    def exec(self, container_id: str, command: list[str], *, timeout: float) -> int:
        args = {"id": container_id, "command": command, "timeout": timeout}
        return int(self.call("exec", args, timeout=timeout + self._timeout))

    def exec_output(
        self, container_id: str, command: list[str], *, timeout: float
    ) -> tuple[int, bytes]:
        args = {"id": container_id, "command": command, "timeout": timeout}
        code, output = self._typed(
            tuple[int, bytes], self.call("exec_output", args, timeout=timeout + self._timeout)
        )
        return code, output

    def logs(
        self, container_id: str, *, since: float | None = None, follow: bool = False
    ) -> Iterator[str]:
        if follow:
            return self._followed({"id": container_id, "since": since, "follow": True})
        lines = self._typed(list[str], self.call("logs", {"id": container_id, "since": since}))
        return iter(lines)

    def _followed(self, args: dict[str, Any]) -> Iterator[str]:
        chunks = self._sessions.stream(self.node_id, "logs", args)
        try:
            for chunk in chunks:
                yield from chunk
        finally:
            chunks.close()  # stopped reading early: the agent is told to stop

    def deaths(self, labels: Mapping[str, str], *, timeout: float) -> list[ContainerDeath]:
        args = {"labels": dict(labels), "timeout": timeout}
        found = self._typed(
            list[ContainerDeath | str], self.call("deaths", args, timeout=timeout + self._timeout)
        )
        # An agent of an earlier version sends ids alone: the follower looks them up.
        return [ContainerDeath(id=x) if isinstance(x, str) else x for x in found]

    def run_streamed(
        self,
        spec: ContainerSpec,
        *,
        stdin: Iterable[bytes] | None = None,
        on_stderr: Callable[[bytes], None] = lambda chunk: None,
        timeout: float,
    ) -> StreamedContainer:
        raise _unsupported("helper containers with attached streams")
