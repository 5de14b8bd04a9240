"""The ContainerRuntime over a Docker engine, through the docker SDK's low-level API client.

The SDK's dicts stop here: every answer is converted into the port's Structs, and every
failure into ContainerEngineError (EngineUnreachableError when the engine does not answer).
"""

from __future__ import annotations

import codecs
import ipaddress
import math
import os
import queue
import re
import secrets
import shutil
import socket
import ssl
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docker
import docker.errors
import docker.tls
import msgspec
import requests
import urllib3.exceptions
from docker.types import CancellableStream
from docker.utils import parse_repository_tag
from docker.utils import tar as context_tarball
from docker.utils.socket import frames_iter

from adapters.docker_registry import pull_image, push_image
from application.runtime_ports import (
    NO_CONTAINER_PULLS,
    BuildFailedError,
    ContainerDeath,
    ContainerEngineError,
    ContainerInfo,
    ContainerSpec,
    EngineTls,
    EngineUnreachableError,
    ImageAvailability,
    ImageInfo,
    LabelledImage,
    LogLine,
    RegistryLogin,
    VolumeInfo,
    unavailable_image,
)
from domain.preview import DiskSpace

_RESTART_POLICIES: dict[str, dict[str, Any] | None] = {
    "no": None,
    "on-failure": {"Name": "on-failure", "MaximumRetryCount": 3},
    "unless-stopped": {"Name": "unless-stopped"},
}
_EXEC_POLL_SECONDS = 0.05
# What the engine not answering (or going away mid-answer) looks like through the SDK.
_NO_ANSWER = (
    requests.exceptions.RequestException,
    urllib3.exceptions.HTTPError,
    ConnectionError,
    TimeoutError,
)
_CANCEL_POLL_SECONDS = 0.2
# What the engine says when it cannot get an image from its registry (Docker 20.10+).
_REGISTRY = re.compile(r'Get "?https?://(?P<host>[^/"\s]+)')
_LOOKUP = re.compile(r"lookup (?P<host>[^\s:]+)(?: on \S+)?: (?P<why>[^\"]+)")
_STEP = re.compile(r"^Step \d+/\d+ : (?P<instruction>\S+)\s*(?P<arguments>.*)$")

_EXEC_OUTPUT_LIMIT = 1024 * 1024
"""The most of a command's output ``exec_output`` keeps."""


class DockerRuntime:
    """A ContainerRuntime talking to the Docker engine at ``base_url`` (unix://, tcp://, ssh://).

    The client is made on first use (the SDK asks the engine for its API version then), so
    constructing a runtime for an engine that is down does not fail; its calls do.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 60,
        tls: EngineTls | None = None,
        address: str = "127.0.0.1",
    ) -> None:
        self._base_url = base_url
        self._timeout = timeout
        self._tls = tls
        self._tls_dir: Path | None = None
        self._address = address
        """The node's address: published ports are bound there (all of the host's addresses
        when it is a name) and reached there (issue 18)."""
        self._client: Any = None
        self._lock = threading.Lock()
        self._network_lock = threading.Lock()
        self._capture = threading.local()
        self._death_cursors: dict[tuple[tuple[str, str], ...], tuple[int, str]] = {}
        """For each set of labels followed: the engine's time (ns) and the id of the last
        death reported, where the next look at its events takes up."""

    # Images

    def ping(self) -> bool:
        """Whether the engine answers."""
        try:
            with self._calls("pinging"):
                return bool(self._api().ping())
        except ContainerEngineError:
            return False

    def image(self, reference: str) -> ImageInfo | None:
        """The image with this tag or id, if the engine has it."""
        with self._calls(f"looking up image {reference}"):
            try:
                attrs = self._api().inspect_image(reference)
            except docker.errors.NotFound:
                return None
        return ImageInfo(id=attrs["Id"], tags=list(attrs.get("RepoTags") or []))

    def labelled_images(self, labels: Mapping[str, str]) -> list[LabelledImage]:
        """The images carrying every one of ``labels``, each marked in use when a container
        of the engine (any state, any installation) was made from it."""
        filters = {"label": [f"{key}={value}" for key, value in labels.items()]}
        with self._calls("listing images"):
            api = self._api()
            used = {c.get("ImageID") for c in api.containers(all=True)}
            found = api.images(filters=filters)
        return [
            LabelledImage(
                id=summary["Id"],
                tags=[t for t in summary.get("RepoTags") or [] if t != "<none>:<none>"],
                digests=[d for d in summary.get("RepoDigests") or [] if not d.startswith("<none>")],
                labels=dict(summary.get("Labels") or {}),
                created=datetime.fromtimestamp(int(summary.get("Created") or 0), UTC),
                in_use=summary["Id"] in used,
            )
            for summary in found
        ]

    def image_availability(self, reference: str, *, timeout: float) -> ImageAvailability:
        """Whether the engine has the image, else whether its registry has it: the engine's
        distribution endpoint asks the registry for the manifest (nothing is pulled), and
        the request's own deadline bounds the wait when no registry answers."""
        if self.image(reference) is not None:
            return ImageAvailability(reference=reference, present=True)
        with self._calls(f"asking the registry about image {reference}"):
            api = self._api()
            try:
                url = api._url("/distribution/{0}/json", reference)
                api._result(api._get(url, timeout=timeout), True)
            except docker.errors.APIError as e:
                reason = pull_reason(str(e.explanation or e)) or _first_line(e)
                return ImageAvailability(
                    reference=reference, present=False, pullable=False, reason=reason
                )
            except requests.exceptions.ReadTimeout:
                return ImageAvailability(
                    reference=reference,
                    present=False,
                    pullable=False,
                    reason=f"its registry did not answer within {timeout:g} s",
                )
        return ImageAvailability(reference=reference, present=False, pullable=True)

    def push(self, image: str, target: str, *, login: RegistryLogin, timeout: float) -> str:
        """Tag ``image`` as ``target`` and push it; the pushed image by digest."""
        return push_image(self, image, target, login=login, timeout=timeout)

    def pull(self, reference: str, *, login: RegistryLogin | None, timeout: float) -> ImageInfo:
        """Pull ``reference`` with ``login`` by the deadline."""
        return pull_image(self, reference, login=login, timeout=timeout)

    def tag(self, image: str, tag: str) -> None:
        """Add a tag to an image."""
        repository, name = parse_repository_tag(tag)
        with self._calls(f"tagging image {image} as {tag}"):
            self._api().tag(image, repository, name or "latest")

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
        """Build with the engine's builder, streaming each output line to ``on_log``.

        The Dockerfile text is added to the uploaded context under a random name that the
        context's .dockerignore also lists: it never ends up in the image (unless the
        context has a Dockerfile of its own), and the context directory is left untouched.
        """
        if not context.is_dir():
            raise BuildFailedError(f"the build context {context} is not a directory")
        name = f".containr.Dockerfile.{secrets.token_hex(8)}"
        with context_tarball(
            str(context), exclude=_dockerignore(context), dockerfile=(name, dockerfile)
        ) as tarball:
            with self._calls("building", failure=BuildFailedError):
                stream = self._streaming(
                    lambda api: api.build(
                        fileobj=tarball,
                        custom_context=True,
                        dockerfile=name,
                        tag=tags[0] if tags else None,
                        labels=dict(labels),
                        decode=True,
                        rm=True,
                        forcerm=True,
                    )
                )
            image_id = _BuildOutput(on_log).follow(stream, cancelled)
        for extra in tags[1:]:
            self.tag(image_id, extra)
        found = self.image(image_id)
        if found is None:
            raise BuildFailedError(f"the built image {image_id} has disappeared")
        return found

    # Networks

    def ensure_network(self, name: str, labels: Mapping[str, str]) -> None:
        """Create a bridge network unless one of that name exists (another creator may win)."""
        # Docker allows two networks of one name; CheckDuplicate and the lock keep it to one.
        with self._network_lock, self._calls(f"creating network {name}"):
            api = self._api()
            if any(n["Name"] == name for n in api.networks(names=[name])):
                return
            try:
                api.create_network(name, driver="bridge", labels=dict(labels), check_duplicate=True)
            except docker.errors.APIError as e:
                if e.status_code != 409:  # 409: it exists now
                    raise

    def remove_network(self, name: str) -> bool:
        """Remove the networks of exactly this name; False when there was none."""
        with self._network_lock, self._calls(f"removing network {name}"):
            api = self._api()
            found = [n for n in api.networks(names=[name]) if n["Name"] == name]
            for network in found:
                with suppress(docker.errors.NotFound):  # removed meanwhile
                    api.remove_network(network["Id"])
            return bool(found)

    def remove_image(self, reference: str) -> bool:
        """Untag ``reference`` (the image goes with its last tag); never forced, so an
        image a container uses stays and the engine's refusal is raised."""
        with self._calls(f"removing image {reference}"):
            try:
                self._api().remove_image(reference)
            except docker.errors.NotFound:
                return False
            return True

    def disk_space(self, *, timeout: float) -> DiskSpace | None:
        """The free space of the engine's data root (``DockerRootDir`` of its info).

        The engine does not report free disk itself; the data root is measured with
        ``statvfs`` when the engine runs on this machine (a unix socket). For an engine
        elsewhere, None: the caller decides what an unknown free disk means.
        """
        with self._calls("asking the engine for its data root"):
            api = self._api()
            info = api._result(api._get(api._url("/info"), timeout=timeout), True)
        root = info.get("DockerRootDir") if isinstance(info, dict) else None
        if not root or not self._base_url.startswith("unix://"):
            return None
        try:
            stat = os.statvfs(root)
        except OSError:
            return None
        return DiskSpace(
            free_bytes=stat.f_bavail * stat.f_frsize, total_bytes=stat.f_blocks * stat.f_frsize
        )

    # Volumes

    def ensure_volume(self, name: str, labels: Mapping[str, str]) -> VolumeInfo:
        """The named local volume, created with ``labels`` unless it exists."""
        with self._calls(f"creating volume {name}"):
            api = self._api()
            try:
                return _volume_info(api.inspect_volume(name))
            except docker.errors.NotFound:
                return _volume_info(api.create_volume(name, driver="local", labels=dict(labels)))

    def volume(self, name: str) -> VolumeInfo | None:
        """The named volume, if the engine has it."""
        with self._calls(f"inspecting volume {name}"):
            try:
                return _volume_info(self._api().inspect_volume(name))
            except docker.errors.NotFound:
                return None

    def volumes(self, labels: Mapping[str, str]) -> list[VolumeInfo]:
        """Volumes carrying every one of ``labels``."""
        filters = {"label": [f"{key}={value}" for key, value in labels.items()]}
        with self._calls("listing volumes"):
            found = self._api().volumes(filters=filters).get("Volumes") or []
        return [_volume_info(v) for v in found]

    def remove_volume(self, name: str) -> bool:
        """Remove the volume (never forced: one a container uses stays, with the refusal)."""
        with self._calls(f"removing volume {name}"):
            try:
                self._api().remove_volume(name)
            except docker.errors.NotFound:
                return False
            return True

    def volume_sizes(self, *, timeout: float) -> dict[str, int]:
        """The engine's disk usage report for volumes (``docker system df -v``)."""
        with self._calls("measuring volumes"):
            api = self._api()
            url = api._url("/system/df")
            usage = api._result(api._get(url, params={"type": "volume"}, timeout=timeout), True)
        sizes = {}
        for volume in usage.get("Volumes") or []:
            size = (volume.get("UsageData") or {}).get("Size", -1)
            if isinstance(size, int) and size >= 0:
                sizes[volume["Name"]] = size
        return sizes

    def export_volume(self, name: str, target: Path, *, helper_image: str, timeout: float) -> None:
        """Stream the volume's tar from a never-started helper container into ``target``."""
        if self.volume(name) is None:
            raise ContainerEngineError(f"exporting volume {name}: no such volume")
        deadline = time.monotonic() + timeout
        with (
            self._helper(name, helper_image, read_only=True) as (api, helper),
            self._calls(f"exporting volume {name}"),
            target.open("wb") as out,
        ):
            chunks, _ = api.get_archive(helper, "/volume")
            for chunk in chunks:
                if time.monotonic() > deadline:
                    raise ContainerEngineError(
                        f"exporting volume {name}: not done within {timeout:g} s"
                    )
                out.write(chunk)

    def import_volume(
        self,
        name: str,
        source: Path,
        labels: Mapping[str, str],
        *,
        helper_image: str,
        timeout: float,
    ) -> VolumeInfo:
        """Create the volume (refused when it exists) and unpack ``source`` into it."""
        if self.volume(name) is not None:
            raise ContainerEngineError(f"importing into volume {name}: it exists already")
        info = self.ensure_volume(name, labels)
        with (
            self._helper(name, helper_image, read_only=False) as (api, helper),
            self._calls(f"importing into volume {name}"),
            source.open("rb") as data,
        ):
            api._result(
                api._put(
                    api._url("/containers/{0}/archive", helper),
                    params={"path": "/"},
                    data=data,
                    timeout=timeout,
                )
            )
        return info

    @contextmanager
    def _helper(self, volume: str, image: str, *, read_only: bool) -> Iterator[tuple[Any, str]]:
        """A created (never started) container with ``volume`` at /volume, removed after."""
        with self._calls(f"creating a helper container for volume {volume}"):
            api = self._api()
            mode = "ro" if read_only else "rw"
            created = api.create_container(
                image,
                command=["true"],
                labels={"containr.helper": "volume"},
                host_config=api.create_host_config(
                    binds={volume: {"bind": "/volume", "mode": mode}}
                ),
            )
        try:
            yield api, created["Id"]
        finally:
            with suppress(ContainerEngineError):
                self.remove(created["Id"])

    # Containers

    def containers(
        self, labels: Mapping[str, str], *, all_states: bool = True
    ) -> list[ContainerInfo]:
        """Containers carrying every one of ``labels``, newest first."""
        filters = {"label": [f"{key}={value}" for key, value in labels.items()]}
        with self._calls("listing containers"):
            api = self._api()
            found = []
            for summary in api.containers(all=all_states, filters=filters):
                with suppress(docker.errors.NotFound):  # removed since it was listed
                    found.append(
                        _container_info(api.inspect_container(summary["Id"]), self._address)
                    )
        return found

    def create(self, spec: ContainerSpec) -> ContainerInfo:
        """Create (not start) a container; its port is published on the node's address."""
        with self._calls(f"creating container {spec.name}"):
            api = self._api()
            host_config = api.create_host_config(
                port_bindings={spec.port: (_bind_address(self._address), spec.host_port)}
                if spec.port
                else None,
                nano_cpus=spec.cpu_limit_millis * 1_000_000 if spec.cpu_limit_millis else None,
                mem_limit=spec.memory_limit_mb * 1024 * 1024 if spec.memory_limit_mb else None,
                restart_policy=_RESTART_POLICIES[spec.restart],
                network_mode=spec.network,
                binds={v: {"bind": path, "mode": "rw"} for v, path in spec.volumes.items()} or None,
                dns=list(spec.dns) or None,
            )
            networking = None
            if spec.network:
                endpoint = api.create_endpoint_config(aliases=spec.aliases or None)
                networking = api.create_networking_config({spec.network: endpoint})
            try:
                created = api.create_container(
                    spec.image,
                    name=spec.name,
                    command=spec.command,
                    environment=dict(spec.environment),
                    labels=dict(spec.labels),
                    ports=[spec.port] if spec.port else None,
                    host_config=host_config,
                    networking_config=networking,
                )
            except docker.errors.ImageNotFound:
                raise ContainerEngineError(
                    unavailable_image(spec.image, NO_CONTAINER_PULLS, base=False)
                ) from None
            except docker.errors.APIError as e:
                if e.status_code == 409:
                    raise ContainerEngineError(
                        f"a container named {spec.name} already exists"
                    ) from None
                raise
            return _container_info(api.inspect_container(created["Id"]), self._address)

    def start(self, container_id: str) -> ContainerInfo:
        """Start a container; returns it as it is now (with its host port)."""
        with self._calls(f"starting container {container_id}"):
            api = self._api()
            api.start(container_id)
            return _container_info(api.inspect_container(container_id), self._address)

    def inspect(self, container_id: str) -> ContainerInfo | None:
        """A container's current state, or None if it no longer exists."""
        with self._calls(f"inspecting container {container_id}"):
            try:
                return _container_info(self._api().inspect_container(container_id), self._address)
            except docker.errors.NotFound:
                return None

    def stop(self, container_id: str, *, timeout: float = 10) -> None:
        """Stop a container; no error when it is stopped or gone."""
        with self._calls(f"stopping container {container_id}"), suppress(docker.errors.NotFound):
            self._api().stop(container_id, timeout=math.ceil(timeout))

    def remove(self, container_id: str) -> None:
        """Remove a container forcibly; no error when it is gone or already being removed."""
        with self._calls(f"removing container {container_id}"):
            try:
                self._api().remove_container(container_id, force=True, v=True)
            except docker.errors.APIError as e:
                # 404: gone already; 409: "removal of container ... is already in progress"
                if e.status_code not in (404, 409):
                    raise

    def restart(self, container_id: str, *, timeout: float = 10) -> None:
        """Restart a container."""
        with self._calls(f"restarting container {container_id}"):
            self._api().restart(container_id, timeout=math.ceil(timeout))

    def exec(self, container_id: str, command: list[str], *, timeout: float) -> int:
        """Run a command in a running container; 124 when it outlives ``timeout``.

        Docker cannot kill an exec'd process, so one that times out keeps running.
        """
        with self._calls(f"running {command} in container {container_id}"):
            api = self._api()
            exec_id = api.exec_create(container_id, command, stdout=False, stderr=False)["Id"]
            try:
                api.exec_start(exec_id, detach=True)
            except docker.errors.APIError:
                # e.g. the executable is missing: the engine then records exit code 126/127
                code = api.exec_inspect(exec_id).get("ExitCode")
                if code is None:
                    raise
                return int(code)
            deadline = time.monotonic() + timeout
            while True:
                state = api.exec_inspect(exec_id)
                if not state["Running"] and state["ExitCode"] is not None:
                    return int(state["ExitCode"])
                if time.monotonic() >= deadline:
                    return 124
                time.sleep(_EXEC_POLL_SECONDS)

    def logs(
        self, container_id: str, *, since: float | None = None, follow: bool = False
    ) -> Iterator[str]:
        """The container's stdout and stderr lines; following ends when the container stops."""
        with self._calls(f"reading the logs of container {container_id}"):
            stream = self._streaming(
                lambda api: api.logs(
                    container_id, stream=True, follow=follow, since=since if since else None
                )
            )
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending = ""
        try:
            with self._calls(f"reading the logs of container {container_id}"):
                for chunk in stream.chunks:
                    *lines, pending = (pending + decoder.decode(chunk)).split("\n")
                    for line in lines:
                        yield line.removesuffix("\r")
                pending += decoder.decode(b"", final=True)
            if pending:
                yield pending
        finally:
            stream.abandon()

    def deaths(self, labels: Mapping[str, str], *, timeout: float) -> list[ContainerDeath]:
        """The engine's die and destroy events of containers with ``labels``, followed until
        the first one or ``timeout`` seconds (the engine ends the stream then). A look takes
        up where the last one reported a death (within a minute), so that deaths meanwhile,
        or a second one at the same moment, are reported next, not missed."""
        cursor = tuple(sorted(labels.items()))
        now = time.time()
        with self._lock:
            after, last = self._death_cursors.get(cursor, (0, ""))
        if after < (now - _DEATHS_KEPT) * 1e9:
            after, last = int(now * 1e9), ""
        window = min(timeout, max(self._timeout - 1, 1))  # the stream ends before a read times out
        until = math.ceil(now + window)
        filters = {
            "type": ["container"],
            "event": ["die", "destroy"],
            "label": [f"{key}={value}" for key, value in labels.items()],
        }
        with self._calls("following the engine's events"):
            stream = self._streaming(
                lambda api: api.events(
                    since=after // 1_000_000_000,
                    until=until,
                    filters=filters,
                    decode=True,
                )
            )
        try:
            with self._calls("following the engine's events"):
                for event in stream.chunks:
                    # ``since`` has whole seconds: events before the cursor are old news
                    at, death = int(event.get("timeNano", 0)), _death(event)
                    if at < after or (at == after and death.id == last):
                        continue
                    with self._lock:
                        self._death_cursors[cursor] = (at, death.id)
                    return [death]
        finally:
            stream.abandon()
        with self._lock:  # the stream ended at ``until``: the next look takes up there
            self._death_cursors[cursor] = (min(time.time_ns(), until * 1_000_000_000), "")
        return []

    # Issue 15 (database dumps): helpers with attached streams. Kept apart to ease merging.

    def run_streamed(
        self,
        spec: ContainerSpec,
        *,
        stdin: Iterable[bytes] | None = None,
        on_stderr: Callable[[bytes], None] = lambda chunk: None,
        timeout: float,
    ) -> DockerStreamedContainer:
        """Create and start ``spec`` with its streams attached, killed after ``timeout``."""
        return _run_streamed(self, spec, stdin=stdin, on_stderr=on_stderr, timeout=timeout)

    def close(self) -> None:
        """Release the client's pooled connections and remove its TLS files (a later call
        opens new ones)."""
        with self._lock:
            client, self._client = self._client, None
            tls_dir, self._tls_dir = self._tls_dir, None
        if client is not None:
            client.close()
        if tls_dir is not None:
            shutil.rmtree(tls_dir, ignore_errors=True)

    # The client and its errors

    def _streaming(self, start: Callable[[Any], Iterator[Any]]) -> _Streaming:
        """Start a streamed request, keeping hold of its HTTP response so it can be abandoned.

        The SDK hands back only an iterator; the session's response hook catches the
        response on this thread while ``start`` runs.
        """
        self._capture.response = None
        try:
            chunks = start(self._api())
            return _Streaming(chunks, self._capture.response)
        finally:
            del self._capture.response

    def _remember_response(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Only the streamed one: the SDK may make other requests (an inspect) on the way.
        if kwargs.get("stream") and hasattr(self._capture, "response"):
            self._capture.response = response
        return response

    def _api(self) -> Any:
        with self._lock:
            if self._client is None:
                try:
                    client = (_NodeCaClient if self._tls is not None else docker.APIClient)(
                        base_url=self._base_url,
                        timeout=self._timeout,
                        version="auto",
                        tls=self._tls_config(),
                    )
                except docker.errors.DockerException as e:
                    raise self._unreachable(e) from None
                client.hooks["response"].append(self._remember_response)
                self._client = client
            return self._client

    def _tls_config(self) -> docker.tls.TLSConfig | bool:
        """The client certificates, written to a directory of this process's (0700, its
        files 0600) that close() removes: the SDK reads them from files only."""
        if self._tls is None:
            return False
        if self._tls_dir is None:
            self._tls_dir = Path(tempfile.mkdtemp(prefix="containr-engine-tls-"))
            # Removed by close(), and otherwise when the runtime is collected or the process
            # ends: one a replaced client's holder (a follower thread) made again, say.
            weakref.finalize(self, shutil.rmtree, self._tls_dir, ignore_errors=True)
            for name, pem in (
                ("ca.pem", self._tls.ca_cert),
                ("cert.pem", self._tls.client_cert),
                ("key.pem", self._tls.client_key.reveal()),
            ):
                descriptor = os.open(
                    self._tls_dir / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600
                )
                with os.fdopen(descriptor, "w") as file:
                    file.write(pem)
        return docker.tls.TLSConfig(
            client_cert=(str(self._tls_dir / "cert.pem"), str(self._tls_dir / "key.pem")),
            ca_cert=str(self._tls_dir / "ca.pem"),
            verify=True,
        )

    @contextmanager
    def _calls(
        self, doing: str, failure: type[ContainerEngineError] = ContainerEngineError
    ) -> Iterator[None]:
        """Turn the SDK's, requests' and urllib3's exceptions into the port's errors."""
        try:
            yield
        except docker.errors.APIError as e:
            raise failure(f"{doing}: {e.explanation or e}") from None
        except _NO_ANSWER as e:
            raise self._unreachable(e) from None
        except (docker.errors.DockerException, OSError) as e:
            raise failure(f"{doing}: {e}") from None

    def _unreachable(self, error: BaseException) -> EngineUnreachableError:
        refused = _tls_refusal(error)
        if refused is not None:
            return EngineUnreachableError(f"the Docker engine at {self._base_url} {refused}")
        reason = _reason(error)
        if reason == "timed out":
            reason = f"no answer within {self._timeout:g}s"
        return EngineUnreachableError(
            f"the Docker engine at {self._base_url} does not answer ({reason})"
        )

    def exec_output(
        self, container_id: str, command: list[str], *, timeout: float
    ) -> tuple[int, bytes]:
        """Run a command in a running container; its exit code and output (at most 1 MiB).

        The output is read in a thread so the call returns by ``timeout`` (124, and no
        output) even when the command never ends.
        """
        with self._calls(f"running a command in container {container_id}"):
            api = self._api()
            exec_id = api.exec_create(container_id, command, stdout=True, stderr=True)["Id"]
            chunks: list[bytes] = []
            failed: list[BaseException] = []

            def read() -> None:
                # Not streamed: the SDK closes the response only after reading it whole.
                try:
                    chunks.append(bytes(api.exec_start(exec_id))[:_EXEC_OUTPUT_LIMIT])
                except Exception as e:  # reported by the caller's thread
                    failed.append(e)

            reader = threading.Thread(target=read, name="exec-output", daemon=True)
            started = time.monotonic()
            reader.start()
            reader.join(timeout)
            if reader.is_alive():
                return 124, b"".join(chunks)
            if failed:
                raise failed[0]
            while True:  # the stream ended: the exit code follows at once
                state = api.exec_inspect(exec_id)
                if not state["Running"] and state["ExitCode"] is not None:
                    return int(state["ExitCode"]), b"".join(chunks)
                if time.monotonic() - started >= timeout:
                    return 124, b"".join(chunks)
                time.sleep(_EXEC_POLL_SECONDS)


class _Streaming:
    """A streamed answer of the engine and the HTTP response it comes in."""

    def __init__(self, chunks: Iterator[Any], response: Any) -> None:
        self.chunks = chunks
        self._response = response

    def abandon(self) -> None:
        """Close the connection, even under a thread blocked reading it.

        The daemon stops a build (or a log follower) whose client went away.
        """
        if self._response is None:
            return
        with suppress(Exception):  # the engine may have closed it first
            CancellableStream(self.chunks, self._response).close()  # shuts the socket down
        with suppress(Exception):
            self._response.close()  # and releases its file descriptor


class _BuildOutput:
    """Reads a build's JSON messages in a thread, so the caller's thread can cancel it."""

    def __init__(self, on_log: LogLine) -> None:
        self._on_log = on_log
        self._pending = ""
        self._error: str | None = None
        self._image_id: str | None = None
        self._base: str | None = None
        """The image the current step's FROM names (None in any other step)."""

    def follow(self, stream: _Streaming, cancelled: Callable[[], bool]) -> str:
        """Pass every line on; the built image's id, or BuildFailedError."""
        messages: queue.Queue[tuple[str, Any]] = queue.Queue()
        reader = threading.Thread(
            target=_read_into,
            args=(stream.chunks, messages),
            name="containr-build-log",
            daemon=True,
        )
        reader.start()
        try:
            while True:
                if cancelled():
                    raise BuildFailedError("build cancelled")
                try:
                    kind, item = messages.get(timeout=_CANCEL_POLL_SECONDS)
                except queue.Empty:
                    continue
                if kind == "end":
                    break
                if kind == "failed":
                    raise BuildFailedError(f"the build stream broke off: {_reason(item)}")
                self._handle(item)
        finally:
            stream.abandon()
        self._flush()
        if self._error is not None:
            raise BuildFailedError(self._error)
        if self._image_id is None:
            raise BuildFailedError("the build ended without producing an image")
        return self._image_id

    def _handle(self, message: dict[str, Any]) -> None:
        if "stream" in message:
            *lines, self._pending = (self._pending + str(message["stream"])).split("\n")
            for line in lines:
                self._step(line)
                self._on_log(line.removesuffix("\r"))
        if "status" in message:
            self._flush()
            prefix = f"{message['id']}: " if message.get("id") else ""
            self._on_log(f"{prefix}{message['status']}")
        if "error" in message or "errorDetail" in message:
            self._flush()
            detail = message.get("errorDetail") or {}
            self._error = str(detail.get("message") or message.get("error") or "build failed")
            reason = pull_reason(self._error) if self._base is not None else None
            if self._base is not None and reason is not None:
                # The engine could not get a base image: say which, and how to provide it.
                self._error = unavailable_image(self._base, reason)
            self._on_log(self._error)
        aux = message.get("aux")
        if isinstance(aux, dict) and aux.get("ID"):
            self._image_id = str(aux["ID"])

    def _flush(self) -> None:
        if self._pending:
            self._step(self._pending)
            self._on_log(self._pending.removesuffix("\r"))
            self._pending = ""

    def _step(self, line: str) -> None:
        """Follow the builder's ``Step i/n : INSTRUCTION ...`` lines: which base it pulls."""
        step = _STEP.match(line.strip())
        if step is None:
            return
        self._base = None
        if step["instruction"].upper() == "FROM":
            words = [w for w in step["arguments"].split() if not w.startswith("--")]
            self._base = words[0] if words else None


def pull_reason(error: str) -> str | None:
    """Why the engine could not get an image from its registry, in a few words; None when
    ``error`` is not about that."""
    text = " ".join(error.split())
    lowered = text.lower()
    lookup = _LOOKUP.search(text)
    if lookup is not None:  # the registry's name does not resolve: no network, or no DNS
        return f"cannot reach the registry {lookup['host']} ({lookup['why'].strip()})"
    registry = _REGISTRY.search(text)
    host = registry["host"] if registry else "the registry"
    reasons = (
        (("pull access denied", "repository does not exist"), "the registry has no such "
         "repository, or it needs a login"),
        (("manifest unknown",), "the registry has no such tag"),
        (("unauthorized", "authentication required"), f"{host} wants a login"),
        (("toomanyrequests",), f"{host} refuses more pulls for now (rate limit)"),
        (("connection refused",), f"{host} refused the connection"),
    )  # fmt: skip
    for markers, reason in reasons:
        if any(marker in lowered for marker in markers):
            return reason
    if "manifest for" in lowered and "not found" in lowered:
        return "the registry has no such tag"
    timeouts = ("timeout", "timed out", "deadline exceeded", "unreachable")
    if registry is not None and any(word in lowered for word in timeouts):
        return f"cannot reach {host} ({text.rsplit(': ', 1)[-1]})"
    return None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


def _read_into(chunks: Iterator[dict[str, Any]], messages: queue.Queue[tuple[str, Any]]) -> None:
    try:
        for message in chunks:
            messages.put(("message", message))
    except docker.errors.APIError as e:  # the engine refused the build before streaming
        messages.put(("message", {"error": e.explanation or str(e)}))
    except Exception as e:  # handed to the caller's thread, which raises
        messages.put(("failed", e))
    messages.put(("end", None))


def _dockerignore(context: Path) -> list[str] | None:
    """The context's .dockerignore patterns, read the way the SDK reads them."""
    path = context / ".dockerignore"
    if not path.is_file():
        return None
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


class _NodeCaClient(docker.APIClient):  # type: ignore[misc]  # the SDK is untyped
    """A client whose engine certificate is checked with the node's CA only.

    requests lets REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE in the environment override a
    session's CA (the system bundle, say), and the SDK asks the engine its version while it
    is constructed: the environment is ignored from before that first request.
    """

    def _retrieve_server_version(self) -> Any:
        self.trust_env = False
        return super()._retrieve_server_version()


def _bind_address(address: str) -> str:
    """Where to publish a port for a node reached at ``address``: that IP address itself
    (127.0.0.1 for a local engine), or every address of the host when it is a name."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "0.0.0.0"  # noqa: S104  # a host name: Docker binds IP addresses only


def _container_info(attrs: dict[str, Any], address: str = "127.0.0.1") -> ContainerInfo:
    state = attrs["State"]
    status = state["Status"]
    host_port = None
    for bindings in ((attrs.get("NetworkSettings") or {}).get("Ports") or {}).values():
        if bindings:
            host_port = int(bindings[0]["HostPort"])
            break
    networks = (attrs.get("NetworkSettings") or {}).get("Networks") or {}
    addresses = {
        name: network["IPAddress"]
        for name, network in networks.items()
        if network and network.get("IPAddress")
    }
    return msgspec.convert(
        {
            "id": attrs["Id"],
            "name": attrs["Name"].lstrip("/"),
            "image": attrs["Config"]["Image"],
            "labels": attrs["Config"].get("Labels") or {},
            "state": status,
            "exit_code": state.get("ExitCode") if status in ("exited", "dead") else None,
            "host_port": host_port,
            "host_address": address,
            "addresses": addresses,
            "started_at": _epoch(state.get("StartedAt")),
        },
        ContainerInfo,
    )


_DEATHS_KEPT = 60.0
"""Seconds back a look at the engine's events takes up from the last death it reported."""
_EVENT_ATTRIBUTES = frozenset({"image", "name", "exitCode", "execDuration", "signal"})
"""What a container event's attributes hold besides the container's labels."""


def _death(event: dict[str, Any]) -> ContainerDeath:
    """A die or destroy event: the container's id, labels and exit code, as it carries them."""
    actor = event.get("Actor") or {}
    attributes: dict[str, str] = actor.get("Attributes") or {}
    code = attributes.get("exitCode")
    return ContainerDeath(
        id=str(event.get("id") or actor.get("ID", "")),
        labels={k: v for k, v in attributes.items() if k not in _EVENT_ATTRIBUTES},
        exit_code=int(code) if code is not None and code.lstrip("-").isdigit() else None,
        removed=(event.get("Action") or event.get("status")) == "destroy",
    )


def _epoch(stamp: str | None) -> float | None:
    """Docker's RFC 3339 time (nanoseconds, ``Z``) in seconds since the epoch; None for its
    zero time (never started) or nothing."""
    if not stamp or stamp.startswith("0001-"):
        return None
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", stamp)
    if match is None:
        return None
    whole, fraction, zone = match.groups()
    moment = datetime.fromisoformat(whole + ("+00:00" if zone == "Z" else zone))
    return moment.timestamp() + float(f"0.{fraction or 0}")


def _causes(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = [error]
    for current in chain:  # grows while it is walked; the identity check ends cycles
        linked = (current.__cause__, current.__context__, getattr(current, "reason", None))
        for cause in (*linked, *current.args):
            if isinstance(cause, BaseException) and all(cause is not e for e in chain):
                chain.append(cause)
    return chain


def _tls_refusal(error: BaseException) -> str | None:
    """What went wrong in a TLS handshake with the engine, in words (None: not TLS). Never
    the material: OpenSSL's reasons name only what failed."""
    for cause in _causes(error):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return (
                "was refused over TLS: its certificate is not one the node's CA certificate "
                f"vouches for ({cause.verify_message or 'verification failed'})"
            )
        if isinstance(cause, ssl.SSLError):
            why = (cause.reason or "handshake failed").lower().replace("_", " ")
            return (
                f"refused the TLS connection ({why}): is the node's client certificate one "
                "its CA signed, and still valid?"
            )
    return None


def _reason(error: BaseException) -> str:
    """The root cause of a connection failure in a few words, not a urllib3 repr."""
    chain = _causes(error)
    for current in chain:
        if isinstance(current, OSError) and current.strerror:
            return current.strerror  # e.g. "Connection refused", "No such file or directory"
    if any(isinstance(e, TimeoutError | urllib3.exceptions.TimeoutError) for e in chain):
        return "timed out"
    return str(error) or type(error).__name__


def _volume_info(attrs: dict[str, Any]) -> VolumeInfo:
    created = str(attrs.get("CreatedAt") or "1970-01-01T00:00:00Z")
    return VolumeInfo(
        name=attrs["Name"],
        labels=dict(attrs.get("Labels") or {}),
        created_at=datetime.fromisoformat(created.replace("Z", "+00:00")),
    )


# Issue 15 (database dumps): helper containers with attached streams. Kept apart to ease
# merging with other additions to the runtime.

_STDOUT, _STDERR = 1, 2
_REMOVAL_SECONDS = 30
_CHUNK = 64 * 1024


class DockerStreamedContainer:
    """A started container attached over one hijacked connection (stdin, stdout, stderr).

    A watchdog kills the container when the deadline passes, which ends its output; a
    feeder thread writes ``stdin`` and half-closes the connection at its end (the engine
    then closes the container's stdin, as ``docker run -i`` does). The container removes
    itself when it ends (AutoRemove, as ``docker run --rm``), so one whose caller died goes
    anyway; its exit code comes from a wait asked for before it started.
    """

    def __init__(
        self,
        runtime: DockerRuntime,
        container_id: str,
        sock: Any,
        *,
        stdin: Iterable[bytes] | None,
        on_stderr: Callable[[bytes], None],
        deadline: float,
        exit_code: Callable[[float], int],
    ) -> None:
        self._exit_code = exit_code
        self._runtime = runtime
        self._id = container_id
        self._sock = sock
        self._raw = getattr(sock, "_sock", sock)
        self._on_stderr = on_stderr
        self._deadline = deadline
        self._done = threading.Event()
        self._closed = False
        self.timed_out = False
        self._feed_error: BaseException | None = None
        self._watchdog = threading.Thread(target=self._watch, name="containr-helper-deadline")
        self._watchdog.daemon = True
        self._watchdog.start()
        self._feeder: threading.Thread | None = None
        if stdin is not None:
            self._feeder = threading.Thread(
                target=self._feed, args=(stdin,), name="containr-helper-stdin", daemon=True
            )
            self._feeder.start()

    @property
    def id(self) -> str:
        return self._id

    def stdout(self) -> Iterator[bytes]:
        """The stdout frames as they come; stderr frames go to ``on_stderr``."""
        try:
            for stream, data in frames_iter(self._sock, tty=False):
                if stream == _STDOUT:
                    yield data
                elif stream == _STDERR:
                    self._on_stderr(data)
        except (OSError, ValueError):
            if not (self.timed_out or self._closed or self._feed_error is not None):
                raise ContainerEngineError(
                    f"the output of container {self._id} broke off"
                ) from None

    def wait(self) -> int:
        """The exit code; what feeding stdin raised; ContainerEngineError at the deadline."""
        for _ in self.stdout():  # drain what is left (the caller may have stopped reading)
            pass
        if self._feeder is not None:
            self._feeder.join(timeout=max(0.0, self._deadline - time.monotonic()) + 5)
        if self._feed_error is not None:
            raise self._feed_error
        if self.timed_out:
            raise ContainerEngineError(f"container {self._id} did not end within the deadline")
        try:
            code = self._exit_code(max(1.0, self._deadline - time.monotonic()) + 5)
        except TimeoutError:
            self._kill()
            raise ContainerEngineError(
                f"container {self._id} did not end within the deadline"
            ) from None
        if self.timed_out:
            raise ContainerEngineError(f"container {self._id} did not end within the deadline")
        return code

    def close(self) -> None:
        """Kill and remove the container, and drop the connection (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._done.set()
        with suppress(Exception):
            self._raw.shutdown(socket.SHUT_RDWR)
        with suppress(Exception):
            self._sock.close()
        with suppress(Exception):
            self._raw.close()
        with suppress(ContainerEngineError):
            self._runtime.remove(self._id)
        with suppress(TimeoutError, ContainerEngineError):
            self._exit_code(_REMOVAL_SECONDS)  # the engine says when it is gone

    def _kill(self) -> None:
        with suppress(Exception):
            self._runtime._api().kill(self._id)

    def _watch(self) -> None:
        if not self._done.wait(timeout=max(0.0, self._deadline - time.monotonic())):
            self.timed_out = True
            self._kill()

    def _feed(self, chunks: Iterable[bytes]) -> None:
        """Write ``chunks`` to stdin. What the iterable raises (a corrupt stored stream, say)
        kills the container and is raised by wait(); the container going away while it is
        fed just ends the feeding (its exit code tells why)."""
        iterator = iter(chunks)
        while not self._closed:
            try:
                chunk = next(iterator)
            except StopIteration:
                break
            except BaseException as e:  # handed to the caller's wait(), which raises it
                if not self._closed and not self.timed_out:
                    self._feed_error = e
                self._kill()
                return
            try:
                for start in range(0, len(chunk), _CHUNK):
                    self._raw.sendall(chunk[start : start + _CHUNK])
            except OSError:
                return  # the container closed its stdin or ended
        with suppress(OSError):
            self._raw.shutdown(socket.SHUT_WR)

    def __enter__(self) -> DockerStreamedContainer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _run_streamed(
    runtime: DockerRuntime,
    spec: ContainerSpec,
    *,
    stdin: Iterable[bytes] | None,
    on_stderr: Callable[[bytes], None],
    timeout: float,
) -> DockerStreamedContainer:
    """Create ``spec`` with open stdin (once), attach before starting (no output is lost),
    then start it."""
    deadline = time.monotonic() + timeout
    with runtime._calls(f"creating helper container {spec.name}"):
        api = runtime._api()
        networking = None
        if spec.network:
            networking = api.create_networking_config(
                {spec.network: api.create_endpoint_config(aliases=spec.aliases or None)}
            )
        try:
            created = api.create_container(
                spec.image,
                name=spec.name,
                command=spec.command,
                environment=dict(spec.environment),
                labels=dict(spec.labels),
                stdin_open=stdin is not None,
                tty=False,
                host_config=api.create_host_config(
                    auto_remove=True,
                    # The streams go to the caller only: the engine keeps no log of them
                    # (a dump in a json-file log would sit on the engine's disk).
                    log_config={"Type": "none", "Config": {}},
                    network_mode=spec.network,
                    mem_limit=spec.memory_limit_mb * 1024 * 1024 if spec.memory_limit_mb else None,
                    binds={v: {"bind": p, "mode": "rw"} for v, p in spec.volumes.items()} or None,
                ),
                networking_config=networking,
            )
        except docker.errors.ImageNotFound:
            raise ContainerEngineError(
                unavailable_image(spec.image, NO_CONTAINER_PULLS, base=False)
            ) from None
    container_id = str(created["Id"])
    waiter = _Waiter(runtime, container_id, timeout=timeout + 30)
    try:
        with runtime._calls(f"attaching to helper container {spec.name}"):
            # With StdinOnce the engine closes the container's stdin when we half-close.
            params = {"stdout": 1, "stderr": 1, "stream": 1, "stdin": int(stdin is not None)}
            sock = api.attach_socket(container_id, params=params)
            raw = getattr(sock, "_sock", sock)
            raw.settimeout(max(1.0, timeout) + 30)  # the watchdog ends it sooner
            waiter.start()
            api.start(container_id)
    except BaseException:
        with suppress(ContainerEngineError):
            runtime.remove(container_id)
        raise
    return DockerStreamedContainer(
        runtime,
        container_id,
        sock,
        stdin=stdin,
        on_stderr=on_stderr,
        deadline=deadline,
        exit_code=waiter.result,
    )


class _Waiter:
    """The engine's wait for a container's removal, asked before it starts (an AutoRemove
    container may be gone by the time its output ends)."""

    def __init__(self, runtime: DockerRuntime, container_id: str, *, timeout: float) -> None:
        self._runtime = runtime
        self._id = container_id
        self._timeout = timeout
        self._done = threading.Event()
        self._code: int | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._wait, name="containr-helper-wait", daemon=True)
        self._asked = threading.Event()

    def start(self) -> None:
        """Ask the engine, and return once it has registered the wait."""
        self._thread.start()
        self._asked.wait(timeout=5)

    def result(self, timeout: float) -> int:
        """The exit code; TimeoutError when it does not come within ``timeout`` seconds."""
        if not self._done.wait(timeout=timeout):
            raise TimeoutError
        if self._error is not None:
            raise ContainerEngineError(f"waiting for container {self._id}: {self._error}")
        return -1 if self._code is None else self._code

    def _wait(self) -> None:
        try:
            api = self._runtime._api()
            url = api._url("/containers/{0}/wait", self._id)
            # The engine answers the headers once the wait is registered, the body at the end.
            response = api._post(
                url, timeout=self._timeout, params={"condition": "removed"}, stream=True
            )
            self._asked.set()
            self._code = int(api._result(response, True).get("StatusCode", -1))
        except Exception as e:  # handed to the caller's wait()
            self._error = e
        finally:
            self._asked.set()
            self._done.set()
