"""What ``containr agent run`` does with the control plane's operations (issue 18): it calls its
local engine through the same Docker adapter as a direct node, idempotently by operation id,
and only on what it owns.

- Each mutating operation's first result is kept in a journal (``operations.json`` in the
  agent's state directory, mode 0600, the newest ``JOURNAL_LIMIT`` entries): the same operation
  sent again (after a reconnect, say) gets that result back and nothing is done twice. The same
  operation arriving while it still runs waits for that run's result.
- Container names are deterministic, so ``create`` looks before it creates: a container of that
  name that the agent owns is the answer.
- The agent owns the containers labelled with its organisation (and its installation, once the
  control plane told it its name at join). Any other container is refused with a clear error;
  listings are narrowed to its own; the networks and volumes it makes carry its labels.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import msgspec

from application.agent_operations import MUTATING, ErrorKind, Operation, OperationResult
from application.processes.support import INSTANCE, ORGANIZATION
from application.runtime_ports import (
    ContainerDeath,
    ContainerEngineError,
    ContainerInfo,
    ContainerRuntime,
    ContainerSpec,
    EngineUnreachableError,
    ImageCatalogue,
    ImageInfo,
    LabelledImage,
    RegistryError,
    RegistryLogin,
)
from application.secrets import Secret

JOURNAL_FILE = "operations.json"
JOURNAL_LIMIT = 256
MAX_LOG_BYTES = 512 * 1024
"""The most of a container's log one answer carries (the newest lines), to fit a message."""


class RefusedError(Exception):
    """Raised when the agent will not do an operation: not its container, or bad arguments."""


class _MissingError(Exception):
    """Raised when the container an operation names does not exist."""


class OperationJournal:
    """Operation id → first result, kept in a 0600 file, bounded to the newest entries."""

    def __init__(self, state_dir: Path, limit: int = JOURNAL_LIMIT) -> None:
        self._path = state_dir / JOURNAL_FILE
        self._limit = limit
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, OperationResult] = OrderedDict()
        try:
            kept = msgspec.json.decode(
                self._path.read_bytes(), type=list[tuple[str, OperationResult]]
            )
            self._entries.update(kept)
        except FileNotFoundError:
            pass
        except msgspec.DecodeError:  # a damaged journal is started afresh, never trusted
            self._entries.clear()

    def get(self, operation_id: str) -> OperationResult | None:
        """The first result of the operation, if it was done."""
        with self._lock:
            return self._entries.get(operation_id)

    def put(self, operation_id: str, result: OperationResult) -> None:
        """Keep the result (written through before the answer is sent)."""
        with self._lock:
            self._entries[operation_id] = result
            while len(self._entries) > self._limit:
                self._entries.popitem(last=False)
            payload = msgspec.json.encode(list(self._entries.items()))
            self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            partial = self._path.with_name(f".{JOURNAL_FILE}.{os.getpid()}")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
            os.replace(partial, self._path)


class AgentExecutor:
    """Runs the control plane's operations on the local engine."""

    def __init__(
        self,
        runtime: ContainerRuntime,
        journal: OperationJournal,
        *,
        organization_id: str,
        installation: str = "",
    ) -> None:
        self._runtime = runtime
        self._journal = journal
        self._mine = {ORGANIZATION: organization_id}
        if installation:
            self._mine[INSTANCE] = installation
        self._running: dict[str, Future[OperationResult]] = {}
        self._lock = threading.Lock()
        self._methods: dict[str, Callable[[dict[str, Any]], Any]] = {
            "ping": lambda a: self._runtime.ping(),
            "image": lambda a: self._runtime.image(_text(a, "reference")),
            "tag": lambda a: self._runtime.tag(_text(a, "image"), _text(a, "tag")),
            "pull": self._pull,
            "remove_image": self._remove_image,
            "labelled_images": self._labelled_images,
            "disk_space": lambda a: self._runtime.disk_space(timeout=_number(a, "timeout")),
            "ensure_network": self._ensure_network,
            "remove_network": self._remove_network,
            "containers": self._containers,
            "ensure_volume": self._ensure_volume,
            "volume": lambda a: self._own_volume(_text(a, "name")),
            "volumes": self._volumes,
            "remove_volume": self._remove_volume,
            "create": self._create,
            "start": lambda a: self._runtime.start(self._owned(a, must_exist=True).id),
            "inspect": self._inspect,
            "stop": self._stop,
            "remove": self._remove,
            "restart": lambda a: self._runtime.restart(
                self._owned(a, must_exist=True).id, timeout=_number(a, "timeout")
            ),
            "exec": lambda a: self._runtime.exec(
                self._owned(a, must_exist=True).id,
                _command(a),
                timeout=_number(a, "timeout"),
            ),
            "exec_output": self._exec_output,
            "logs": self._logs,
            "deaths": self._deaths,
        }

    def execute(self, operation: Operation) -> OperationResult:
        """The operation's result: done now, or the first result when it was done before."""
        if operation.method not in MUTATING:
            return self._run(operation)
        done = self._journal.get(operation.operation_id)
        if done is not None:
            return msgspec.structs.replace(done, request=operation.request, replayed=True)
        with self._lock:
            running = self._running.get(operation.operation_id)
            mine = running is None
            if running is None:
                running = self._running[operation.operation_id] = Future()
        if not mine:  # the same operation is running (sent again after a reconnect): wait
            first = running.result()
            return msgspec.structs.replace(first, request=operation.request, replayed=True)
        try:
            result = self._run(operation)
            if result.kind not in ("unreachable",):  # the engine away: trying again is right
                self._journal.put(operation.operation_id, result)
            running.set_result(result)
            return result
        except BaseException as e:
            running.set_exception(e)
            raise
        finally:
            with self._lock:
                self._running.pop(operation.operation_id, None)

    def follow(
        self,
        operation: Operation,
        emit: Callable[[list[str]], None],
        cancelled: Callable[[], bool],
    ) -> OperationResult:
        """A followed log: each line to ``emit`` as the container prints it, until it stops
        or ``cancelled()`` (asked at each line); then the result."""

        def follow_logs(args: dict[str, Any]) -> None:
            info = self._owned(args, must_exist=True)
            since = args.get("since")
            for line in self._runtime.logs(
                info.id, since=float(since) if since else None, follow=True
            ):
                if cancelled():
                    return
                emit([line])

        if operation.method != "logs":
            return self._run(operation)
        return self._run(operation, follow_logs)

    def _run(
        self, operation: Operation, method: Callable[[dict[str, Any]], Any] | None = None
    ) -> OperationResult:
        method = method or self._methods.get(operation.method)
        answer = OperationResult(request=operation.request, ok=False)
        if method is None:
            return msgspec.structs.replace(
                answer, kind="unsupported", error=f"{operation.method} is not an operation"
            )
        try:
            value = msgspec.to_builtins(method(operation.args))
        except (RefusedError, ContainerEngineError) as e:
            return msgspec.structs.replace(answer, kind=_kind_of(e), error=str(e))
        except (msgspec.ValidationError, KeyError, TypeError, ValueError) as e:
            return msgspec.structs.replace(
                answer, kind="invalid", error=f"bad arguments to {operation.method}: {e}"
            )
        return OperationResult(request=operation.request, ok=True, value=value)

    def _pull(self, args: dict[str, Any]) -> ImageInfo:
        """An image pulled by digest, with the login the control plane sent for this pull."""
        sent = args.get("login")
        login = None
        if sent is not None:
            password = sent.get("password")
            login = RegistryLogin(
                address=str(sent["address"]),
                username=sent.get("username"),
                password=Secret(password) if isinstance(password, str) else None,
            )
        return self._runtime.pull(
            _text(args, "reference"), login=login, timeout=_number(args, "timeout")
        )

    # What the agent owns

    def _owns(self, labels: Mapping[str, str]) -> bool:
        return all(labels.get(key) == value for key, value in self._mine.items())

    def _refuse(self, what: str) -> RefusedError:
        wanted = ", ".join(f"{k}={v}" for k, v in sorted(self._mine.items()))
        return RefusedError(f"{what} is not this agent's (it acts only on what carries {wanted})")

    def _owned(self, args: dict[str, Any], *, must_exist: bool = False) -> ContainerInfo:
        """The container ``args["id"]`` names, if it is this agent's."""
        container_id = _text(args, "id")
        info = self._runtime.inspect(container_id)
        if info is None:
            if must_exist:
                raise ContainerEngineError(f"no container {container_id}")
            raise _MissingError(container_id)
        if not self._owns(info.labels):
            raise self._refuse(f"container {container_id}")
        return info

    def _narrowed(self, labels: Mapping[str, str]) -> dict[str, str] | None:
        """The listing's labels with this agent's; None when they ask for someone else's."""
        if any(labels.get(key, value) != value for key, value in self._mine.items()):
            return None
        return {**labels, **self._mine}

    # Containers

    def _create(self, args: dict[str, Any]) -> ContainerInfo:
        spec = msgspec.convert(args["spec"], ContainerSpec)
        if not self._owns(spec.labels):
            raise self._refuse(f"a container labelled {spec.labels}")
        existing = self._runtime.inspect(spec.name)  # names are deterministic: look first
        if existing is not None:
            if not self._owns(existing.labels):
                raise self._refuse(f"the existing container {spec.name}")
            return existing
        return self._runtime.create(spec)

    def _inspect(self, args: dict[str, Any]) -> ContainerInfo | None:
        try:
            return self._owned(args)
        except _MissingError:
            return None

    def _stop(self, args: dict[str, Any]) -> None:
        timeout = _number(args, "timeout")  # bad arguments are refused whatever the container
        try:
            info = self._owned(args)
        except _MissingError:
            return  # stopped enough
        self._runtime.stop(info.id, timeout=timeout)

    def _remove(self, args: dict[str, Any]) -> None:
        try:
            info = self._owned(args)
        except _MissingError:
            return  # gone already
        self._runtime.remove(info.id)

    def _containers(self, args: dict[str, Any]) -> list[ContainerInfo]:
        labels = self._narrowed(_labels(args))
        if labels is None:
            return []
        return self._runtime.containers(labels, all_states=bool(args.get("all_states", True)))

    def _deaths(self, args: dict[str, Any]) -> list[ContainerDeath]:
        labels = self._narrowed(_labels(args))
        if labels is None:
            raise self._refuse(f"containers labelled {_labels(args)}")
        return self._runtime.deaths(labels, timeout=_number(args, "timeout"))

    def _exec_output(self, args: dict[str, Any]) -> tuple[int, bytes]:
        info = self._owned(args, must_exist=True)
        code, output = self._runtime.exec_output(
            info.id, _command(args), timeout=_number(args, "timeout")
        )
        return code, output[-MAX_LOG_BYTES:]

    def _logs(self, args: dict[str, Any]) -> list[str]:
        info = self._owned(args, must_exist=True)
        since = args.get("since")
        lines = list(self._runtime.logs(info.id, since=float(since) if since else None))
        kept: list[str] = []
        size = 0
        for line in reversed(lines):
            size += len(line.encode()) + 1
            if size > MAX_LOG_BYTES:
                break
            kept.append(line)
        return kept[::-1]

    # Networks, volumes, images

    def _ensure_network(self, args: dict[str, Any]) -> None:
        self._runtime.ensure_network(_text(args, "name"), {**_labels(args), **self._mine})

    def _remove_network(self, args: dict[str, Any]) -> bool:
        name = _text(args, "name")
        if not name.startswith("containr-"):  # the port cannot read a network's labels
            raise self._refuse(f"network {name}")
        return self._runtime.remove_network(name)

    def _ensure_volume(self, args: dict[str, Any]) -> Any:
        name = _text(args, "name")
        if self._runtime.volume(name) is not None and self._own_volume(name) is None:
            raise self._refuse(f"volume {name}")
        return self._runtime.ensure_volume(name, {**_labels(args), **self._mine})

    def _own_volume(self, name: str) -> Any:
        found = self._runtime.volume(name)
        return found if found is not None and self._owns(found.labels) else None

    def _volumes(self, args: dict[str, Any]) -> list[Any]:
        labels = self._narrowed(_labels(args))
        return [] if labels is None else list(self._runtime.volumes(labels))

    def _remove_volume(self, args: dict[str, Any]) -> bool:
        name = _text(args, "name")
        if self._runtime.volume(name) is None:
            return False
        if self._own_volume(name) is None:
            raise self._refuse(f"volume {name}")
        return self._runtime.remove_volume(name)

    def _labelled_images(self, args: dict[str, Any]) -> list[LabelledImage]:
        """The engine's images with the labels asked for, of this agent's own only."""
        labels = self._narrowed(_labels(args))
        if labels is None:
            return []
        if not isinstance(self._runtime, ImageCatalogue):
            raise ContainerEngineError("this agent's engine cannot list its images by label")
        return self._runtime.labelled_images(labels)

    def _remove_image(self, args: dict[str, Any]) -> bool:
        """Remove an image Containr built: by a ``containr/`` name, or by any name (an id, a
        digest) of an image labelled as this agent's own."""
        reference = _text(args, "reference")
        if not reference.startswith("containr/") and not any(
            reference in image.references for image in self._labelled_images({"labels": {}})
        ):
            raise self._refuse(f"image {reference}")
        return self._runtime.remove_image(reference)


def _text(args: dict[str, Any], key: str) -> str:
    value = args[key]
    if not isinstance(value, str) or not value or len(value) > 1000:
        raise ValueError(f"{key} must be a non-empty text")
    return value


def _number(args: dict[str, Any], key: str) -> float:
    value = args[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 3600:
        raise ValueError(f"{key} must be a number of seconds up to an hour")
    return float(value)


def _labels(args: dict[str, Any]) -> dict[str, str]:
    return msgspec.convert(args.get("labels", {}), dict[str, str])


def _command(args: dict[str, Any]) -> list[str]:
    return msgspec.convert(args["command"], list[str])


def _kind_of(error: Exception) -> ErrorKind:
    """How a failed operation's result names its error (the control plane raises the same)."""
    if isinstance(error, RefusedError):
        return "refused"
    if isinstance(error, EngineUnreachableError):
        return "unreachable"
    if isinstance(error, RegistryError):
        return "registry"
    return "engine"
