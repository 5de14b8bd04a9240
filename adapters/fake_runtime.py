"""An in-memory ContainerRuntime for tests: images, containers, networks and logs in dicts.

It passes the ContainerRuntime contract suite (tests/contract/test_container_runtime.py)
and records what happened in plain attributes for tests to assert on.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import shlex
import tarfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import msgspec

from application.runtime_ports import (
    NO_CONTAINER_PULLS,
    BuildFailedError,
    ContainerDeath,
    ContainerEngineError,
    ContainerInfo,
    ContainerSpec,
    EngineUnreachableError,
    ImageAvailability,
    ImageInfo,
    LabelledImage,
    LogLine,
    RegistryError,
    RegistryLogin,
    VolumeInfo,
    unavailable_image,
)
from domain.preview import DiskSpace

TIMED_OUT = 124
STOPPED = 137
"""The exit code of a stopped (or killed) container: SIGKILL, as when PID 1 ignores SIGTERM."""


class FakeBuild(msgspec.Struct, frozen=True, kw_only=True):
    """One call to ``build`` and how it ended."""

    context: str
    dockerfile: str
    tags: list[str]
    labels: dict[str, str]
    outcome: Literal["built", "failed", "cancelled"]


class _Failed(Exception):
    """A simulated shell command exited with a non-zero code."""

    def __init__(self, code: int) -> None:
        self.code = code


class InMemoryRuntime:
    """A ContainerRuntime in memory, with hooks for tests.

    Hooks: set ``reachable = False`` and ``ping()`` is False while every other call raises
    EngineUnreachableError; ``add_image(tag)`` stands for an image that was pulled;
    ``registry`` holds the images a registry would give (a build pulls them, a lookup finds
    them) and ``registry_error``, when set, is why no registry can be reached at all;
    ``exec_results[(container_id, tuple(command))]`` fixes an exec's exit code (None: it
    hangs, so ``exec`` returns 124); ``kill(container_id, exit_code)`` makes a container die;
    ``emit(container_id, line)`` makes it print a line. ``pushed`` is the image registry
    (issue 18): pushed references by digest, to image ids; runtimes standing for several
    nodes share one dict (``b.pushed = a.pushed``) so one pulls what another pushed;
    ``registry_refusal``, when set, is why the registry refuses every push and pull;
    ``registry_accounts`` (username -> password), when set, is the only logins it takes.

    Simulation, kept small on purpose:

    - build: each Dockerfile instruction logs ``Step i/n : ...``; FROM needs an image the
      runtime has (or ``scratch``) or the registry has (it is pulled then), and fails with
      the real adapter's words otherwise; in a RUN, ``echo X`` prints X and ``false`` or
      ``exit N`` (N > 0) fails the build with Docker's message; ``cancelled()`` is asked
      after every step. Nothing takes time: ``RUN sleep 30`` returns at once.
    - start plays a ``["sh", "-c", script]`` command: ``echo X`` (``>&2`` allowed) prints X,
      ``exit N`` ends the container with N; any other statement (``sleep``, ``httpd``…)
      leaves it running, as does a container without a command.
    - exec without a fixed result: ``true`` 0, ``false`` 1, ``sh -c "exit N"`` N,
      ``sleep N`` 124 when N exceeds the timeout; anything else 0.
    - restart policies and resource limits are recorded in ``specs``, never acted upon.

    - volumes hold files in ``volume_files[name]`` (path -> bytes); a test writes into one
      as a replica would with ``write_file``. Mounting a missing volume creates it (as the
      engine does), export and import speak the real adapter's tar layout (``volume/...``).

    Records: ``calls`` ((operation, subject) in order), ``builds``, ``execs``, ``specs``
    (by container id), ``containers_by_id``, ``images`` (by id), ``networks`` (labels by
    name) and ``volumes_by_name``.
    """

    def __init__(
        self, *, clock: Callable[[], float] = time.time, address: str = "127.0.0.1"
    ) -> None:
        self.reachable = True
        self.address = address
        """The node's address: where its containers' published ports are reached."""
        self.registry: set[str] = set()
        self.registry_error: str | None = None
        self.pushed: dict[str, str] = {}
        self.registry_refusal: str | None = None
        self.registry_accounts: dict[str, str] | None = None
        self.logins: list[RegistryLogin | None] = []
        self.images: dict[str, ImageInfo] = {}
        self.image_labels: dict[str, dict[str, str]] = {}
        """Each image's labels (a build's, or those ``add_image`` was given), by id."""
        self.image_created: dict[str, float] = {}
        """When each image was made (the runtime's clock), by id."""
        self.networks: dict[str, dict[str, str]] = {}
        self.volumes_by_name: dict[str, VolumeInfo] = {}
        self.volume_files: dict[str, dict[str, bytes]] = {}
        self.containers_by_id: dict[str, ContainerInfo] = {}
        self.specs: dict[str, ContainerSpec] = {}
        self.exec_results: dict[tuple[str, tuple[str, ...]], int | None] = {}
        self.execs: list[tuple[str, list[str]]] = []
        self.builds: list[FakeBuild] = []
        self.calls: list[tuple[str, str]] = []
        self.disk: DiskSpace | None = DiskSpace(free_bytes=100 * 1024**3, total_bytes=200 * 1024**3)
        self._clock = clock
        self._output: dict[str, list[tuple[float, str]]] = {}
        self._serial = itertools.count(1)
        self._addresses = itertools.count(0)
        self.address_prefix = "10.77"
        """The first two octets of the addresses containers get on their networks (a test
        sets a loopback prefix to ask the internal DNS as a container would)."""
        self._ports = itertools.count(32768)
        self._starts = itertools.count(1_700_000_000)
        """Each run's start time, distinct (a restart in place is a new run)."""
        self._changed = threading.Condition()
        self._death_log: list[ContainerDeath] = []
        """Every exit and removal, as the engine's events report them."""
        self._death_cursors: dict[tuple[tuple[str, str], ...], int] = {}
        self.streamed: list[ContainerSpec] = []
        self.streamed_handler: Callable[[ContainerSpec, bytes], tuple[list[bytes], bytes, int]] = (
            _echo_for_cat
        )

    # Test hooks

    def add_image(self, tag: str, labels: Mapping[str, str] | None = None) -> ImageInfo:
        """An image as if it had been pulled or imported (with ``labels``)."""
        with self._changed:
            return self._store_image(f"pulled\0{tag}", [tag], labels)

    def kill(self, container_id: str, exit_code: int = STOPPED) -> None:
        """The container dies on its own (crash, OOM kill) with ``exit_code``."""
        with self._changed:
            self._exit(self._get(container_id), exit_code)

    def write_file(self, volume: str, path: str, data: bytes) -> None:
        """A replica writes ``data`` at ``path`` (relative to the volume's root)."""
        with self._changed:
            if volume not in self.volumes_by_name:
                raise ContainerEngineError(f"no such volume: {volume}")
            self.volume_files[volume][path.strip("/")] = data

    def emit(self, container_id: str, line: str) -> None:
        """The container prints ``line``."""
        with self._changed:
            self._print(self._get(container_id).id, line)

    # Images

    def ping(self) -> bool:
        """Whether the engine answers (``reachable``)."""
        return self.reachable

    def image(self, reference: str) -> ImageInfo | None:
        """The image with this tag or id, if the runtime has it."""
        with self._changed:
            self._check()
            return self._find_image(reference)

    def image_availability(self, reference: str, *, timeout: float) -> ImageAvailability:
        """Whether the runtime has the image, else whether ``registry`` has it."""
        with self._changed:
            self._check()
            self.calls.append(("image_availability", reference))
            if self._find_image(reference) is not None:
                return ImageAvailability(reference=reference, present=True)
            reason = self._unpullable(reference)
        return ImageAvailability(
            reference=reference, present=False, pullable=reason is None, reason=reason or ""
        )

    def _unpullable(self, reference: str) -> str | None:
        """Why the registry cannot give ``reference`` (None: it can)."""
        if self.registry_error is not None:
            return self.registry_error
        if _normal(reference) not in {_normal(r) for r in self.registry}:
            return "the registry has no such repository, or it needs a login"
        return None

    def push(self, image: str, target: str, *, login: RegistryLogin, timeout: float) -> str:
        """Tag ``image`` as ``target`` and record it in ``pushed`` by a digest of both."""
        self.tag(image, target)
        with self._changed:
            self.calls.append(("push", target))
            self.logins.append(login)
            self._check_login(f"pushing {target}", login)
            found = self._find_image(target)
            assert found is not None  # tagged above
            repository = target.rsplit(":", 1)[0] if ":" in target.rsplit("/", 1)[-1] else target
            digest = hashlib.sha256(f"{found.id}\0{repository}".encode()).hexdigest()
            reference = f"{repository}@sha256:{digest}"
            self.pushed[reference] = found.id
            self._move_tags(found.id, [reference])
            return reference

    def pull(self, reference: str, *, login: RegistryLogin | None, timeout: float) -> ImageInfo:
        """The image ``pushed`` holds under ``reference``, now on this runtime too."""
        with self._changed:
            self._check()
            self.calls.append(("pull", reference))
            self.logins.append(login)
            self._check_login(f"pulling {reference}", login)
            image_id = self.pushed.get(reference)
            if image_id is None:
                raise RegistryError(f"pulling {reference}: manifest unknown")
            self.images.setdefault(image_id, ImageInfo(id=image_id, tags=[]))
            self._move_tags(image_id, [reference])
            return self.images[image_id]

    def _check_login(self, doing: str, login: RegistryLogin | None) -> None:
        if self.registry_refusal is not None:
            raise RegistryError(f"{doing}: {self.registry_refusal}")
        if self.registry_accounts is None:
            return
        user = login.username if login is not None else None
        password = login.password if login is not None else None
        expected = self.registry_accounts.get(user) if user is not None else None
        if expected is None or password is None or password.reveal() != expected:
            raise RegistryError(
                f"{doing}: the registry refused the login (unauthorized: authentication "
                "required); check the username and password"
            )

    def tag(self, image: str, tag: str) -> None:
        """Add a tag to an image (taking it from the image that had it)."""
        with self._changed:
            self._check()
            self.calls.append(("tag", f"{image} {tag}"))
            found = self._find_image(image)
            if found is None:
                raise ContainerEngineError(f"tagging image {image} as {tag}: No such image")
            self._move_tags(found.id, [_normal(tag)])

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
        """Play the Dockerfile's steps (see the class docstring)."""
        with self._changed:
            self._check()
            self.calls.append(("build", tags[0] if tags else ""))
        if not context.is_dir():
            raise BuildFailedError(f"the build context {context} is not a directory")

        def record(outcome: Literal["built", "failed", "cancelled"]) -> None:
            self.builds.append(
                FakeBuild(
                    context=str(context),
                    dockerfile=dockerfile,
                    tags=list(tags),
                    labels=dict(labels),
                    outcome=outcome,
                )
            )

        try:
            self._play_build(dockerfile, on_log, cancelled)
        except BuildFailedError as e:
            record("cancelled" if str(e) == "build cancelled" else "failed")
            raise
        with self._changed:
            built = self._store_image(
                f"{context}\0{dockerfile}", [_normal(t) for t in tags], labels
            )
        on_log(f"Successfully built {built.id.removeprefix('sha256:')[:12]}")
        for tag in tags:
            on_log(f"Successfully tagged {_normal(tag)}")
        record("built")
        return built

    def _play_build(self, dockerfile: str, on_log: LogLine, cancelled: Callable[[], bool]) -> None:
        steps = _instructions(dockerfile)
        for number, step in enumerate(steps, start=1):
            on_log(f"Step {number}/{len(steps)} : {step}")
            instruction, _, argument = step.partition(" ")
            if instruction.upper() == "FROM":
                words = [w for w in argument.split() if not w.startswith("--")]
                base = words[0] if words else ""
                if base != "scratch" and self.image(base) is None:
                    with self._changed:
                        reason = self._unpullable(base)
                        if reason is None:  # pulled from the registry
                            self._store_image(f"pulled\0{base}", [_normal(base)])
                    if reason is not None:
                        message = unavailable_image(base, reason)
                        on_log(message)
                        raise BuildFailedError(message)
            elif instruction.upper() == "RUN":
                try:
                    _play_script(argument, on_log)
                except _Failed as e:
                    message = f"The command '/bin/sh -c {argument}' returned a non-zero code: "
                    on_log(message + str(e.code))
                    raise BuildFailedError(message + str(e.code)) from None
            if cancelled():
                raise BuildFailedError("build cancelled")

    # Networks

    def ensure_network(self, name: str, labels: Mapping[str, str]) -> None:
        """Remember the network unless it exists."""
        with self._changed:
            self._check()
            if name not in self.networks:
                self.calls.append(("create_network", name))
                self.networks[name] = dict(labels)

    def remove_network(self, name: str) -> bool:
        """Forget the network; refused while a running container is attached to it."""
        with self._changed:
            self._check()
            if name not in self.networks:
                return False
            users = [
                c.name
                for c in self.containers_by_id.values()
                if self._network_of(c) == name and c.state == "running"
            ]
            if users:
                raise ContainerEngineError(
                    f"removing network {name}: network has active endpoints ({users[0]})"
                )
            self.calls.append(("remove_network", name))
            del self.networks[name]
            return True

    def labelled_images(self, labels: Mapping[str, str]) -> list[LabelledImage]:
        """The images carrying every one of ``labels``; in use when a container was made
        from it."""
        with self._changed:
            self._check()
            made_from = [self._find_image(spec.image) for spec in self.specs.values()]
            used = {image.id for image in made_from if image is not None}
            return [
                LabelledImage(
                    id=image.id,
                    tags=list(image.tags),
                    digests=[ref for ref, held in self.pushed.items() if held == image.id],
                    labels=dict(self.image_labels.get(image.id, {})),
                    created=datetime.fromtimestamp(self.image_created.get(image.id, 0.0), UTC),
                    in_use=image.id in used,
                )
                for image in self.images.values()
                if labels.items() <= self.image_labels.get(image.id, {}).items()
            ]

    def remove_image(self, reference: str) -> bool:
        """Untag ``reference``; the image goes with its last tag, unless a container uses it."""
        with self._changed:
            self._check()
            found = self._find_image(reference)
            if found is None:
                return False
            tags = [t for t in found.tags if t != _normal(reference)]
            used = {self.specs[c].image for c in self.containers_by_id if c in self.specs}
            if not tags and any(self._find_image(image) == found for image in used):
                raise ContainerEngineError(
                    f"removing image {reference}: image is being used by a container"
                )
            self.calls.append(("remove_image", reference))
            if tags:
                self.images[found.id] = ImageInfo(id=found.id, tags=tags)
            else:
                del self.images[found.id]
            return True

    def disk_space(self, *, timeout: float) -> DiskSpace | None:
        """``disk`` (a test sets it; None: the engine cannot tell)."""
        with self._changed:
            self._check()
            return self.disk

    def _network_of(self, container: ContainerInfo) -> str | None:
        spec = self.specs.get(container.id)
        return spec.network if spec is not None else None

    # Volumes

    def ensure_volume(self, name: str, labels: Mapping[str, str]) -> VolumeInfo:
        """Remember the volume unless it exists."""
        with self._changed:
            self._check()
            return self._ensure_volume(name, labels)

    def volume(self, name: str) -> VolumeInfo | None:
        """The volume, if any."""
        with self._changed:
            self._check()
            return self.volumes_by_name.get(name)

    def volumes(self, labels: Mapping[str, str]) -> list[VolumeInfo]:
        """Volumes carrying every one of ``labels``."""
        with self._changed:
            self._check()
            return [v for v in self.volumes_by_name.values() if labels.items() <= v.labels.items()]

    def remove_volume(self, name: str) -> bool:
        """Forget the volume and its files; refused while any container mounts it."""
        with self._changed:
            self._check()
            if name not in self.volumes_by_name:
                return False
            users = [
                self.containers_by_id[c].name
                for c, spec in self.specs.items()
                if c in self.containers_by_id and name in spec.volumes
            ]
            if users:
                raise ContainerEngineError(
                    f"removing volume {name}: volume is in use - [{users[0]}]"
                )
            self.calls.append(("remove_volume", name))
            del self.volumes_by_name[name], self.volume_files[name]
            return True

    def volume_sizes(self, *, timeout: float) -> dict[str, int]:
        """The bytes of each volume's files."""
        with self._changed:
            self._check()
            return {n: sum(map(len, f.values())) for n, f in self.volume_files.items()}

    def export_volume(self, name: str, target: Path, *, helper_image: str, timeout: float) -> None:
        """The volume's files as a tar under ``volume/``."""
        with self._changed:
            self._check()
            if name not in self.volumes_by_name:
                raise ContainerEngineError(f"exporting volume {name}: no such volume")
            if self._find_image(helper_image) is None:
                raise ContainerEngineError(unavailable_image(helper_image, NO_CONTAINER_PULLS))
            files = dict(self.volume_files[name])
        with tarfile.open(target, "w") as tar:
            for path, data in sorted(files.items()):
                entry = tarfile.TarInfo(f"volume/{path}")
                entry.size = len(data)
                tar.addfile(entry, io.BytesIO(data))

    def import_volume(
        self,
        name: str,
        source: Path,
        labels: Mapping[str, str],
        *,
        helper_image: str,
        timeout: float,
    ) -> VolumeInfo:
        """A new volume holding the files of a ``volume/`` tar."""
        files = {}
        try:
            with tarfile.open(source, "r") as tar:
                for member in tar.getmembers():
                    extracted = tar.extractfile(member) if member.isfile() else None
                    if extracted is not None and member.name.startswith("volume/"):
                        files[member.name.removeprefix("volume/")] = extracted.read()
        except tarfile.TarError as e:
            raise ContainerEngineError(f"importing into volume {name}: {e}") from None
        with self._changed:
            self._check()
            if name in self.volumes_by_name:
                raise ContainerEngineError(f"importing into volume {name}: it exists already")
            info = self._ensure_volume(name, labels)
            self.volume_files[name] = files
            return info

    def _ensure_volume(self, name: str, labels: Mapping[str, str]) -> VolumeInfo:
        if name not in self.volumes_by_name:
            self.calls.append(("create_volume", name))
            created = datetime.fromtimestamp(int(self._clock()), UTC)
            self.volumes_by_name[name] = VolumeInfo(
                name=name, labels=dict(labels), created_at=created
            )
            self.volume_files[name] = {}
        return self.volumes_by_name[name]

    # Containers

    def containers(
        self, labels: Mapping[str, str], *, all_states: bool = True
    ) -> list[ContainerInfo]:
        """Containers carrying every one of ``labels``, newest first."""
        with self._changed:
            self._check()
            return [
                info
                for info in reversed(self.containers_by_id.values())
                if labels.items() <= info.labels.items() and (all_states or info.state == "running")
            ]

    def create(self, spec: ContainerSpec) -> ContainerInfo:
        """A container in the ``created`` state."""
        with self._changed:
            self._check()
            if any(c.name == spec.name for c in self.containers_by_id.values()):
                raise ContainerEngineError(f"a container named {spec.name} already exists")
            if self._find_image(spec.image) is None:
                raise ContainerEngineError(
                    unavailable_image(spec.image, NO_CONTAINER_PULLS, base=False)
                )
            for volume in spec.volumes:
                self._ensure_volume(volume, {})
            container_id = hashlib.sha256(f"{next(self._serial)}\0{spec.name}".encode()).hexdigest()
            info = ContainerInfo(
                id=container_id,
                name=spec.name,
                image=spec.image,
                labels=dict(spec.labels),
                state="created",
            )
            self.containers_by_id[container_id] = info
            self.specs[container_id] = spec
            self._output[container_id] = []
            self.calls.append(("create", spec.name))
            return info

    def start(self, container_id: str) -> ContainerInfo:
        """Run the container (playing its ``sh -c`` script, if it has one)."""
        with self._changed:
            self._check()
            info = self._get(container_id, doing="starting container")
            self.calls.append(("start", info.name))
            network = self.specs[info.id].network
            if network is not None and network not in self.networks:  # Docker checks it here
                raise ContainerEngineError(
                    f"starting container {info.id}: network {network} not found"
                )
            if info.state != "running":
                self._run(info)
            return self.containers_by_id[info.id]

    def inspect(self, container_id: str) -> ContainerInfo | None:
        """The container as it is now, or None."""
        with self._changed:
            self._check()
            return self._lookup(container_id)

    def stop(self, container_id: str, *, timeout: float = 10) -> None:
        """Stop a running container (exit code 137); nothing when stopped or gone."""
        with self._changed:
            self._check()
            info = self._lookup(container_id)
            if info is not None and info.state == "running":
                self.calls.append(("stop", info.name))
                self._exit(info, STOPPED)

    def remove(self, container_id: str) -> None:
        """Forget the container; nothing when it is gone."""
        with self._changed:
            self._check()
            info = self._lookup(container_id)
            if info is not None:
                self.calls.append(("remove", info.name))
                if info.state == "running":
                    self._exit(info, STOPPED)  # killed first, as the engine does
                del self.containers_by_id[info.id]
                self._death_log.append(ContainerDeath(id=info.id, labels=info.labels, removed=True))
                self._changed.notify_all()

    def restart(self, container_id: str, *, timeout: float = 10) -> None:
        """Stop (if running) and start again."""
        with self._changed:
            self._check()
            info = self._get(container_id, doing="restarting container")
            self.calls.append(("restart", info.name))
            self._run(info)

    def deaths(self, labels: Mapping[str, str], *, timeout: float) -> list[ContainerDeath]:
        """The first container with ``labels`` that exited or was removed since the last
        look with these labels (since this one, for the first), within ``timeout``."""
        key = tuple(sorted(labels.items()))
        deadline = time.monotonic() + timeout
        with self._changed:
            seen = self._death_cursors.setdefault(key, len(self._death_log))
            while True:
                for index in range(seen, len(self._death_log)):
                    death = self._death_log[index]
                    if all(death.labels.get(k) == v for k, v in labels.items()):
                        self._death_cursors[key] = index + 1
                        return [death]
                seen = self._death_cursors[key] = len(self._death_log)
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self._changed.wait(left)

    def exec(self, container_id: str, command: list[str], *, timeout: float) -> int:
        """The fixed or simulated exit code (see the class docstring)."""
        with self._changed:
            self._check()
            info = self._get(container_id, doing=f"running {command} in container")
            if info.state != "running":
                raise ContainerEngineError(f"Container {info.id} is not running")
            self.execs.append((info.id, list(command)))
            key = (info.id, tuple(command))
            if key in self.exec_results:
                result = self.exec_results[key]
                return TIMED_OUT if result is None else result
            return _simulated_exec(command, timeout)

    def logs(
        self, container_id: str, *, since: float | None = None, follow: bool = False
    ) -> Iterator[str]:
        """Printed lines; following waits for more until the container stops or is removed."""
        with self._changed:
            self._check()
            info = self._get(container_id, doing="reading the logs of container")
        sent = 0
        while True:
            with self._changed:
                printed = self._output[info.id]
                if sent == len(printed):
                    current = self.containers_by_id.get(info.id)
                    if not follow or current is None or current.state != "running":
                        return
                    self._changed.wait(timeout=1)
                    continue
                lines = printed[sent:]
                sent = len(printed)
            for moment, line in lines:
                if since is None or moment >= since:
                    yield line

    # Internals (called with the lock held)

    # Issue 15 (database dumps): helpers with attached streams. Kept apart to ease merging.

    def run_streamed(
        self,
        spec: ContainerSpec,
        *,
        stdin: Iterable[bytes] | None = None,
        on_stderr: Callable[[bytes], None] = lambda chunk: None,
        timeout: float,
    ) -> FakeStreamedContainer:
        """Play ``streamed_handler(spec, stdin_bytes)`` -> (stdout chunks, stderr, exit code);
        by default ``["cat"]`` echoes stdin and anything else prints nothing. Records the
        spec in ``streamed``."""
        self._check()
        info = self.create(msgspec.structs.replace(spec, restart="no"))
        self.streamed.append(spec)
        received = bytearray()
        error: BaseException | None = None
        try:
            for chunk in stdin or ():
                received += chunk
        except Exception as e:  # what feeding stdin raised, for wait() to raise
            error = e
        out, err, code = self.streamed_handler(spec, bytes(received))
        if err:
            on_stderr(err)
        return FakeStreamedContainer(self, info.id, out, code, error)

    def _check(self) -> None:
        if not self.reachable:
            raise EngineUnreachableError("the in-memory engine does not answer (reachable=False)")

    def _lookup(self, reference: str) -> ContainerInfo | None:
        for info in self.containers_by_id.values():
            if reference in (info.id, info.name) or (
                len(reference) >= 12 and info.id.startswith(reference)
            ):
                return info
        return None

    def _get(self, reference: str, *, doing: str = "using container") -> ContainerInfo:
        info = self._lookup(reference)
        if info is None:
            raise ContainerEngineError(f"{doing} {reference}: No such container: {reference}")
        return info

    def _run(self, info: ContainerInfo) -> None:
        spec = self.specs[info.id]
        port = None
        if spec.port is not None and spec.host_port is not None:
            # As the engine: a host port another running container publishes is refused.
            if any(
                c.host_port == spec.host_port and c.state == "running" and c.id != info.id
                for c in self.containers_by_id.values()
            ):
                raise ContainerEngineError(
                    f"starting container {info.name}: Bind for 0.0.0.0:{spec.host_port} "
                    "failed: port is already allocated"
                )
            port = spec.host_port
        elif spec.port is not None:
            port = next(self._ports)
        addresses = {}
        if spec.network is not None:  # an address of its own on its network, while it runs
            serial = next(self._addresses)
            addresses[spec.network] = f"{self.address_prefix}.{serial // 250}.{serial % 250 + 2}"
        self.containers_by_id[info.id] = msgspec.structs.replace(
            info,
            state="running",
            exit_code=None,
            host_port=port,
            host_address=self.address,
            addresses=addresses,
            started_at=float(next(self._starts)),
        )
        command = spec.command or []
        if len(command) == 3 and command[:2] == ["sh", "-c"]:
            try:
                ended = _play_script(command[2], lambda line: self._print(info.id, line))
            except _Failed as e:
                self._exit(self.containers_by_id[info.id], e.code)
                return
            if ended:
                self._exit(self.containers_by_id[info.id], 0)
        self._changed.notify_all()

    def _exit(self, info: ContainerInfo, code: int) -> None:
        self.containers_by_id[info.id] = msgspec.structs.replace(
            info, state="exited", exit_code=code, host_port=None, addresses={}
        )
        self._death_log.append(ContainerDeath(id=info.id, labels=info.labels, exit_code=code))
        self._changed.notify_all()

    def _print(self, container_id: str, line: str) -> None:
        self._output[container_id].append((self._clock(), line))
        self._changed.notify_all()

    def _find_image(self, reference: str) -> ImageInfo | None:
        for image in self.images.values():
            if _normal(reference) in image.tags or reference == image.id:
                return image
            if len(reference) >= 12 and image.id.removeprefix("sha256:").startswith(reference):
                return image
        return None

    def _store_image(
        self, seed: str, tags: list[str], labels: Mapping[str, str] | None = None
    ) -> ImageInfo:
        digest = hashlib.sha256(f"{next(self._serial)}\0{seed}".encode()).hexdigest()
        image_id = f"sha256:{digest}"
        self.images[image_id] = ImageInfo(id=image_id, tags=[])
        self.image_labels[image_id] = dict(labels or {})
        self.image_created[image_id] = self._clock()
        self._move_tags(image_id, tags)
        return self.images[image_id]

    def _move_tags(self, image_id: str, tags: list[str]) -> None:
        for other in list(self.images.values()):
            kept = [t for t in other.tags if t not in tags]
            if other.id == image_id:
                kept += [t for t in tags if t not in kept]
            self.images[other.id] = ImageInfo(id=other.id, tags=kept)

    def exec_output(
        self, container_id: str, command: list[str], *, timeout: float
    ) -> tuple[int, bytes]:
        """The fixed exit code and output, from ``exec_outputs[(container id, command)]``
        (set by a test; None hangs, so 124), or a simulated one (``echo`` lines print)."""
        # Made on first use (not in __init__) so the hook stays beside the method.
        outputs: dict[tuple[str, tuple[str, ...]], tuple[int, bytes] | None]
        outputs = self.__dict__.setdefault("exec_outputs", {})
        with self._changed:
            self._check()
            info = self._get(container_id, doing=f"running {command} in container")
            if info.state != "running":
                raise ContainerEngineError(f"Container {info.id} is not running")
            self.execs.append((info.id, list(command)))
            key = (info.id, tuple(command))
            if key in outputs:
                fixed = outputs[key]
                return (TIMED_OUT, b"") if fixed is None else fixed
            printed: list[str] = []
            code = 0
            if len(command) == 2 and command[0] == "sleep" and float(command[1]) > timeout:
                return TIMED_OUT, b""
            if len(command) == 3 and command[:2] == ["sh", "-c"]:
                try:
                    _play_script(command[2], printed.append)
                except _Failed as e:
                    code = e.code
            return code, "".join(f"{line}\n" for line in printed).encode()


def _normal(reference: str) -> str:
    """``name`` means ``name:latest``, as for Docker."""
    last = reference.rsplit("/", 1)[-1]
    if reference.startswith("sha256:") or ":" in last or "@" in last:
        return reference
    return f"{reference}:latest"


def _instructions(dockerfile: str) -> list[str]:
    joined = re.sub(r"\\\n", " ", dockerfile)
    lines = (line.strip() for line in joined.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _play_script(script: str, on_line: LogLine) -> bool:
    """Play ``echo``/``exit``/``true``/``false`` statements; False at the first other one."""
    for statement in re.split(r"&&|;", script):
        try:
            words = shlex.split(re.sub(r"1?>&2", "", statement))
        except ValueError:  # unbalanced quotes: beyond this simulation
            return False
        if not words or words[0] == "true":
            continue
        if words[0] == "echo":
            on_line(" ".join(words[1:]))
        elif words[0] == "false":
            raise _Failed(1)
        elif words[0] == "exit":
            code = int(words[1]) if len(words) > 1 else 0
            if code:
                raise _Failed(code)
            return True
        else:
            return False
    return True


def _simulated_exec(command: list[str], timeout: float) -> int:
    if command == ["false"]:
        return 1
    if len(command) == 2 and command[0] == "sleep":
        return TIMED_OUT if float(command[1]) > timeout else 0
    if len(command) == 3 and command[:2] == ["sh", "-c"]:
        try:
            _play_script(command[2], lambda line: None)
        except _Failed as e:
            return e.code
    return 0


def _echo_for_cat(spec: ContainerSpec, stdin: bytes) -> tuple[list[bytes], bytes, int]:
    """The default helper: ``["cat"]`` echoes its stdin, anything else prints nothing."""
    return ([stdin] if spec.command == ["cat"] and stdin else []), b"", 0


class FakeStreamedContainer:
    """A helper container of the in-memory runtime: its output was decided at start."""

    def __init__(
        self,
        runtime: InMemoryRuntime,
        container_id: str,
        out: list[bytes],
        code: int,
        error: BaseException | None,
    ) -> None:
        self._runtime = runtime
        self._id = container_id
        self._out = out
        self._code = code
        self._error = error

    @property
    def id(self) -> str:
        return self._id

    def stdout(self) -> Iterator[bytes]:
        out, self._out = self._out, []
        yield from out

    def wait(self) -> int:
        if self._error is not None:
            raise self._error
        return self._code

    def close(self) -> None:
        self._runtime.remove(self._id)
