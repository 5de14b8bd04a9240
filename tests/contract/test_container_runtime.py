"""The ContainerRuntime contract, run against the in-memory fake and the local Docker engine.

Everything the tests create carries the label ``containr.test=<run id>`` and is removed after
each test (containers, networks) or after the module (images), even when a test fails. The
base image is a local busybox (tests/contract/docker_images.py): nothing is ever pulled.
"""

from __future__ import annotations

import tarfile
import threading
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, suppress
from pathlib import Path

import docker
import docker.errors
import httpx
import msgspec
import pytest

from adapters.docker_runtime import DockerRuntime
from adapters.fake_runtime import InMemoryRuntime
from application.runtime_ports import (
    BuildFailedError,
    ContainerEngineError,
    ContainerInfo,
    ContainerRuntime,
    ContainerSpec,
    EngineUnreachableError,
    ImageCatalogue,
    ImageInfo,
    RegistryError,
    RegistryLogin,
)
from application.secrets import Secret
from tests.conftest import service_missing
from tests.contract.docker_images import BASE_IMAGE, ensure_busybox_image
from tests.registry_server import USER, Registry, running_registry

DOCKER_URL = "unix:///var/run/docker.sock"
UNREACHABLE_URL = "tcp://127.0.0.1:1"
RUN_ID = uuid.uuid4().hex[:10]
LABELS = {"containr.test": RUN_ID}
NOWHERE_IMAGE = f"registry.invalid/containr-test/nothing:{RUN_ID}"
"""An image on a registry whose name never resolves: never on the engine, never pullable."""
HINT = "on the engine, or set a registry/base-image mapping (coming with multi-host work)"
APP_DOCKERFILE = f"""\
FROM {BASE_IMAGE}
COPY . /www/
RUN echo app-{RUN_ID}
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
"""
INDEX = f"hello from {RUN_ID}\n"
LONG_RUNNING = ["sh", "-c", "echo ready; exec sleep 30"]


class Backend:
    """A runtime under test plus what the tests need around it."""

    real = False

    def __init__(self, runtime: ContainerRuntime) -> None:
        self.runtime = runtime
        self._app_image: ImageInfo | None = None

    def app_image(self, workdir: Path) -> ImageInfo:
        """The httpd image the container tests run, built once per backend."""
        if self._app_image is None:
            (workdir / "index.html").write_text(INDEX)
            self._app_image = self.runtime.build(
                workdir,
                dockerfile=APP_DOCKERFILE,
                tags=[f"containr-test/app:{RUN_ID}"],
                labels=LABELS,
                on_log=lambda line: None,
            )
        return self._app_image

    def unreachable(self) -> ContainerRuntime:
        raise NotImplementedError

    def registry(self) -> RegistryLogin:
        """A registry with htpasswd auth the runtime pushes to and pulls from (issue 18)."""
        raise NotImplementedError

    def network_count(self, name: str) -> int:
        raise NotImplementedError

    def build_containers_running(self, marker: str) -> int:
        """How many build containers run a command containing ``marker``."""
        return 0

    def write_in_volume(self, volume: str, path: str, text: str) -> None:
        """A container mounting ``volume`` at /data writes ``text`` to /data/``path``."""
        container = self.runtime.create(
            spec(
                BASE_IMAGE,
                command=["sh", "-c", f"printf '%s' '{text}' > /data/{path}"],
                volumes={volume: "/data"},
            )
        )
        self.runtime.start(container.id)
        assert exited(self.runtime, container).exit_code == 0
        self.runtime.remove(container.id)

    def cleanup(self) -> None:
        """Remove what a test made (containers, networks and volumes)."""

    def close(self) -> None:
        """Remove what the module made (images) and release connections."""


class FakeBackend(Backend):
    def __init__(self) -> None:
        self.fake = InMemoryRuntime()
        self.fake.add_image(BASE_IMAGE)
        self.fake.registry_error = "cannot reach the registry registry.invalid (no such host)"
        super().__init__(self.fake)

    def unreachable(self) -> ContainerRuntime:
        runtime = InMemoryRuntime()
        runtime.reachable = False
        return runtime

    def registry(self) -> RegistryLogin:
        self.fake.registry_accounts = {USER: "fake-registry-pw"}
        return RegistryLogin(
            address="registry.test:5000/contract",
            username=USER,
            password=Secret("fake-registry-pw"),
        )

    def network_count(self, name: str) -> int:
        return int(name in self.fake.networks)

    def cleanup(self) -> None:
        for container in self.fake.containers(LABELS):
            self.fake.remove(container.id)
        for name, labels in list(self.fake.networks.items()):
            if labels.items() >= LABELS.items():
                del self.fake.networks[name]
        for volume in self.fake.volumes(LABELS):
            self.fake.remove_volume(volume.name)

    def write_in_volume(self, volume: str, path: str, text: str) -> None:
        writer = self.fake.create(spec(BASE_IMAGE, volumes={volume: "/data"}))
        self.fake.write_file(volume, path, text.encode())  # what its script would do
        self.fake.remove(writer.id)


class DockerBackend(Backend):
    real = True

    def __init__(self, client: docker.APIClient) -> None:
        self.client = client
        self.docker = DockerRuntime(DOCKER_URL, timeout=30)
        self._unreachable: list[DockerRuntime] = []
        self._registry: Registry | None = None
        self._registry_context: AbstractContextManager[Registry] | None = None
        super().__init__(self.docker)

    def unreachable(self) -> ContainerRuntime:
        runtime = DockerRuntime(UNREACHABLE_URL, timeout=5)
        self._unreachable.append(runtime)
        return runtime

    def registry(self) -> RegistryLogin:
        if self._registry is None:
            self._registry_context = running_registry()
            self._registry = self._registry_context.__enter__()
        return RegistryLogin(
            address=f"{self._registry.address}/contract",
            username=USER,
            password=Secret(self._registry.password),
        )

    def network_count(self, name: str) -> int:
        return sum(1 for n in self.client.networks(names=[name]) if n["Name"] == name)

    def build_containers_running(self, marker: str) -> int:
        return sum(1 for c in self.client.containers(all=True) if marker in c["Command"])

    def host_config(self, container_id: str) -> dict[str, object]:
        config: dict[str, object] = self.client.inspect_container(container_id)["HostConfig"]
        return config

    def cleanup(self) -> None:
        label = f"containr.test={RUN_ID}"
        for container in self.client.containers(all=True, filters={"label": label}):
            self.client.remove_container(container["Id"], force=True)
        for network in self.client.networks(filters={"label": label}):
            self.client.remove_network(network["Id"])
        for volume in self.client.volumes(filters={"label": label}).get("Volumes") or []:
            self.client.remove_volume(volume["Name"])

    def close(self) -> None:
        self.cleanup()
        for image in self.client.images(filters={"label": f"containr.test={RUN_ID}"}):
            with suppress(docker.errors.NotFound):  # went along with a child image
                self.client.remove_image(image["Id"], force=True)
        self.docker.close()
        if self._registry_context is not None:
            self._registry_context.__exit__(None, None, None)
        for runtime in self._unreachable:
            runtime.close()
        self.client.close()


@pytest.fixture(scope="module")
def docker_backend() -> Iterator[DockerBackend]:
    """The local engine with the busybox base image; skipped (or failed in CI) without one."""
    client = docker.APIClient(base_url=DOCKER_URL, timeout=30, version="auto")
    try:
        client.ping()
        ensure_busybox_image(client)
    except Exception as e:  # the engine is absent or broken: say so, do not crash
        client.close()
        service_missing("Docker", e)
    backend = DockerBackend(client)
    yield backend
    backend.close()


@pytest.fixture(scope="module", params=["memory", pytest.param("docker", marks=pytest.mark.docker)])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "memory":
        fake = FakeBackend()
        yield fake
        fake.close()
    else:
        real: DockerBackend = request.getfixturevalue("docker_backend")
        yield real


@pytest.fixture
def runtime(backend: Backend) -> Iterator[ContainerRuntime]:
    yield backend.runtime
    backend.cleanup()


@pytest.fixture(scope="module")
def app_image(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> ImageInfo:
    return backend.app_image(tmp_path_factory.mktemp("app"))


def spec(image: ImageInfo | str, **changes: object) -> ContainerSpec:
    """A uniquely named, labelled container spec that is not restarted."""
    base = ContainerSpec(
        name=f"containr-test-{RUN_ID}-{uuid.uuid4().hex[:8]}",
        image=image if isinstance(image, str) else image.id,
        labels=dict(LABELS),
        restart="no",
    )
    return msgspec.structs.replace(base, **changes)


def eventually(check: Callable[[], bool], *, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {seconds}s: {check}")
        time.sleep(0.05)


def exited(runtime: ContainerRuntime, container: ContainerInfo) -> ContainerInfo:
    eventually(lambda: getattr(runtime.inspect(container.id), "state", None) == "exited")
    info = runtime.inspect(container.id)
    assert info is not None
    return info


def running(runtime: ContainerRuntime, image: ImageInfo, **changes: object) -> ContainerInfo:
    return runtime.start(runtime.create(spec(image, command=LONG_RUNNING, **changes)).id)


# The engine and images


def test_the_engine_answers_a_ping(runtime: ContainerRuntime) -> None:
    assert runtime.ping() is True


def test_a_build_streams_each_output_line_and_tags_the_image(
    runtime: ContainerRuntime, tmp_path: Path
) -> None:
    marker = f"built-{uuid.uuid4().hex[:8]}"  # unique, so no cached layer hides the output
    (tmp_path / "index.html").write_text(INDEX)
    before = sorted(p.name for p in tmp_path.iterdir())
    lines: list[str] = []
    tags = [f"containr-test/app:{RUN_ID}-a", f"containr-test/app:{RUN_ID}-b"]

    image = runtime.build(
        tmp_path,
        dockerfile=f"FROM {BASE_IMAGE}\nCOPY . /www/\nRUN echo {marker}\n",
        tags=tags,
        labels=LABELS,
        on_log=lines.append,
    )

    assert lines[0].startswith("Step 1/")
    assert lines[0].endswith(f" : FROM {BASE_IMAGE}")
    assert marker in lines
    assert all("\n" not in line for line in lines)
    assert set(tags) <= set(image.tags)
    assert runtime.image(tags[1]) == image
    assert runtime.image(image.id) == image
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # the context is untouched


def test_a_failed_build_raises_the_engine_error_and_logs_it(
    runtime: ContainerRuntime, tmp_path: Path
) -> None:
    lines: list[str] = []
    tag = f"containr-test/broken:{RUN_ID}"
    with pytest.raises(BuildFailedError, match="returned a non-zero code: 1"):
        runtime.build(
            tmp_path,
            dockerfile=f"FROM {BASE_IMAGE}\nRUN false\n",
            tags=[tag],
            labels=LABELS,
            on_log=lines.append,
        )
    assert any("returned a non-zero code: 1" in line for line in lines)
    assert runtime.image(tag) is None


def test_a_build_from_a_base_image_the_engine_cannot_get_says_which_and_how_to_provide_it(
    backend: Backend, runtime: ContainerRuntime, tmp_path: Path
) -> None:
    lines: list[str] = []

    with pytest.raises(BuildFailedError) as failed:
        runtime.build(
            tmp_path,
            dockerfile=f"FROM {BASE_IMAGE} AS tools\nFROM --platform=linux/amd64 {NOWHERE_IMAGE}\n"
            "RUN true\n",
            tags=[f"containr-test/unbuilt:{RUN_ID}"],
            labels=LABELS,
            on_log=lines.append,
        )

    message = str(failed.value)
    assert message.startswith(
        f"the base image {NOWHERE_IMAGE} is not on the engine and cannot be pulled: "
    )
    assert message.endswith(f"; import or pull {NOWHERE_IMAGE} {HINT}")
    assert message in lines and not any("dial tcp" in line for line in lines)
    if backend.real:
        reason = "cannot reach the registry registry.invalid (no such host)"
        assert f"cannot be pulled: {reason};" in message


def test_a_cancelled_build_is_abandoned(
    backend: Backend, runtime: ContainerRuntime, tmp_path: Path
) -> None:
    marker = f"started-{uuid.uuid4().hex[:8]}"
    lines: list[str] = []
    tag = f"containr-test/cancelled:{RUN_ID}"
    with pytest.raises(BuildFailedError, match="build cancelled"):
        runtime.build(
            tmp_path,
            dockerfile=f"FROM {BASE_IMAGE}\nRUN echo {marker} && sleep 30\n",
            tags=[tag],
            labels=LABELS,
            on_log=lines.append,
            cancelled=lambda: marker in lines,  # cancel while the step still runs
        )
    assert runtime.image(tag) is None
    eventually(lambda: backend.build_containers_running(marker) == 0)


def test_an_image_the_engine_has_is_present_without_asking_a_registry(
    runtime: ContainerRuntime,
) -> None:
    found = runtime.image_availability(BASE_IMAGE, timeout=5)

    assert (found.present, found.usable, found.reference) == (True, True, BASE_IMAGE)


def test_an_image_neither_on_the_engine_nor_reachable_says_why(
    backend: Backend, runtime: ContainerRuntime
) -> None:
    found = runtime.image_availability(NOWHERE_IMAGE, timeout=5)

    assert (found.present, found.pullable, found.usable) == (False, False, False)
    assert found.reason
    if backend.real:
        assert found.reason == "cannot reach the registry registry.invalid (no such host)"


def test_the_fake_finds_images_its_registry_has_and_pulls_them_to_build(tmp_path: Path) -> None:
    fake = InMemoryRuntime()
    fake.registry.add("node:20-bookworm-slim")

    found = fake.image_availability("node:20-bookworm-slim", timeout=5)
    missing = fake.image_availability("node:18", timeout=5)
    fake.build(
        tmp_path,
        dockerfile="FROM node:20-bookworm-slim\n",
        tags=["app:1"],
        labels={},
        on_log=lambda line: None,
    )

    assert (found.present, found.pullable) == (False, True)
    assert (missing.pullable, missing.reason) == (
        False,
        "the registry has no such repository, or it needs a login",
    )
    assert fake.image("node:20-bookworm-slim") is not None


def test_a_pushed_image_is_named_by_its_digest_and_pulled_back_by_it(
    backend: Backend, runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    login = backend.registry()
    target = f"{login.address}/app:{RUN_ID}"

    reference = runtime.push(app_image.id, target, login=login, timeout=120)

    assert reference.startswith(f"{login.address}/app@sha256:")
    assert runtime.push(app_image.id, target, login=login, timeout=120) == reference
    found = runtime.image(reference)
    assert found is not None and found.id == app_image.id
    runtime.remove_image(target)
    runtime.remove_image(reference)
    assert runtime.image(reference) is None
    pulled = runtime.pull(reference, login=login, timeout=120)
    assert pulled.id == app_image.id
    assert runtime.image(reference) is not None


def test_a_push_with_a_wrong_password_is_refused_saying_the_login_was(
    backend: Backend, runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    login = backend.registry()
    wrong = msgspec.structs.replace(login, password=Secret("not-the-password"))

    with pytest.raises(RegistryError, match="login") as refused:
        runtime.push(app_image.id, f"{login.address}/denied:{RUN_ID}", login=wrong, timeout=60)
    assert "not-the-password" not in str(refused.value)
    assert login.password is not None and login.password.reveal() not in str(refused.value)


def test_pulling_a_digest_the_registry_does_not_have_is_refused(
    backend: Backend, runtime: ContainerRuntime
) -> None:
    login = backend.registry()
    missing = f"{login.address}/nothing@sha256:{'0' * 64}"

    with pytest.raises(RegistryError):
        runtime.pull(missing, login=login, timeout=60)
    assert runtime.image(missing) is None


def test_a_tag_names_an_existing_image_and_missing_images_are_none(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    tag = f"containr-test/app:{RUN_ID}-tagged"
    runtime.tag(app_image.id, tag)

    tagged = runtime.image(tag)
    assert tagged is not None
    assert tagged.id == app_image.id
    assert tag in tagged.tags
    assert runtime.image(f"containr-test/nothing:{RUN_ID}") is None
    with pytest.raises(ContainerEngineError):
        runtime.tag(f"containr-test/nothing:{RUN_ID}", f"containr-test/app:{RUN_ID}-x")


# Networks


def test_ensure_network_is_idempotent_even_when_callers_race(
    backend: Backend, runtime: ContainerRuntime
) -> None:
    name = f"containr-test-{RUN_ID}-{uuid.uuid4().hex[:6]}"
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: runtime.ensure_network(name, LABELS), range(4)))
    runtime.ensure_network(name, LABELS)

    assert backend.network_count(name) == 1


def test_a_network_is_removed_once_and_not_while_a_running_container_uses_it(
    backend: Backend, runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    name = f"containr-test-{RUN_ID}-{uuid.uuid4().hex[:6]}"
    runtime.ensure_network(name, LABELS)
    container = running(runtime, app_image, network=name)
    with pytest.raises(ContainerEngineError):
        runtime.remove_network(name)
    runtime.remove(container.id)

    assert runtime.remove_network(name) is True
    assert backend.network_count(name) == 0
    assert runtime.remove_network(name) is False


def test_removing_an_image_takes_one_tag_and_the_image_with_its_last(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    first, second = (f"containr-test/app:{RUN_ID}-rm-{n}" for n in (1, 2))
    runtime.tag(app_image.id, first)
    runtime.tag(app_image.id, second)

    assert runtime.remove_image(first) is True
    assert runtime.image(first) is None
    assert runtime.image(second) is not None
    assert runtime.remove_image(first) is False
    assert runtime.image(app_image.id) is not None  # other tags keep the image


def test_images_are_listed_by_label_with_their_tags_and_whether_a_container_uses_them(
    runtime: ContainerRuntime, app_image: ImageInfo, tmp_path: Path
) -> None:
    assert isinstance(runtime, ImageCatalogue)  # direct engines list their images (issue 18)
    marker = uuid.uuid4().hex[:8]
    made: dict[str, str] = {}
    for name in ("idle", "used"):
        context = tmp_path / name
        context.mkdir()
        (context / "f").write_text(name)
        made[name] = runtime.build(
            context,
            dockerfile=f"FROM {app_image.id}\nCOPY f /f\n",
            tags=[f"containr-test/listed:{RUN_ID}-{marker}-{name}"],
            labels={**LABELS, "containr-test.listed": marker, "containr-test.name": name},
            on_log=lambda line: None,
        ).id
    container = runtime.create(spec(made["used"]))
    listed = {
        i.labels["containr-test.name"]: i
        for i in runtime.labelled_images({"containr-test.listed": marker})
    }
    assert set(listed) == {"idle", "used"}
    idle, used = listed["idle"], listed["used"]
    assert idle.id == made["idle"] and idle.tags == [f"containr-test/listed:{RUN_ID}-{marker}-idle"]
    assert idle.references >= {idle.id, *idle.tags}
    assert not idle.in_use and used.in_use
    assert idle.created.tzinfo is not None
    assert runtime.labelled_images({"containr-test.listed": f"{marker}-none"}) == []
    runtime.remove(container.id)


def test_an_image_a_container_uses_is_not_removed(
    runtime: ContainerRuntime, app_image: ImageInfo, tmp_path: Path
) -> None:
    tag = f"containr-test/used:{RUN_ID}-{uuid.uuid4().hex[:6]}"
    (tmp_path / "f").write_text("x")
    built = runtime.build(
        tmp_path,
        dockerfile=f"FROM {app_image.id}\nCOPY f /f\n",
        tags=[tag],
        labels=LABELS,
        on_log=lambda line: None,
    )
    container = runtime.create(spec(built))
    with pytest.raises(ContainerEngineError):
        runtime.remove_image(tag)
    runtime.remove(container.id)
    assert runtime.remove_image(tag) is True
    assert runtime.image(tag) is None


def test_the_engine_tells_its_free_disk(runtime: ContainerRuntime) -> None:
    space = runtime.disk_space(timeout=10)

    assert space is not None
    assert 0 < space.free_bytes <= space.total_bytes


# Containers


def test_a_started_container_publishes_its_port_on_localhost(
    backend: Backend, runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    created = runtime.create(spec(app_image, port=8080))
    assert created.state == "created"
    assert created.host_port is None
    assert created.labels == LABELS
    assert created.image == app_image.id

    started = runtime.start(created.id)

    assert started.state == "running"
    assert started.id == created.id
    assert started.name == created.name
    assert isinstance(started.host_port, int)
    assert runtime.inspect(created.id) == started
    if backend.real:
        url = f"http://127.0.0.1:{started.host_port}/index.html"
        eventually(lambda: _get(url) == INDEX)


def test_containers_are_found_by_every_label_and_state(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    a = running(runtime, app_image, labels={**LABELS, "role": "a"})
    b = runtime.create(spec(app_image, labels={**LABELS, "role": "b"}))

    assert [c.id for c in runtime.containers({**LABELS, "role": "a"})] == [a.id]
    assert {c.id for c in runtime.containers(LABELS)} == {a.id, b.id}
    assert [c.id for c in runtime.containers(LABELS, all_states=False)] == [a.id]
    assert runtime.containers({**LABELS, "role": "c"}) == []


def test_inspecting_a_missing_container_gives_none(runtime: ContainerRuntime) -> None:
    assert runtime.inspect(f"containr-test-{RUN_ID}-missing") is None


def test_stop_and_remove_are_idempotent(runtime: ContainerRuntime, app_image: ImageInfo) -> None:
    container = running(runtime, app_image)

    runtime.stop(container.id, timeout=0)
    runtime.stop(container.id, timeout=0)
    stopped = runtime.inspect(container.id)
    assert stopped is not None
    assert stopped.state == "exited"
    assert stopped.host_port is None

    runtime.remove(container.id)
    runtime.remove(container.id)
    runtime.stop(container.id)
    assert runtime.inspect(container.id) is None


def test_remove_takes_a_running_container_away(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    container = running(runtime, app_image)
    runtime.remove(container.id)
    assert runtime.inspect(container.id) is None


def test_deaths_name_a_labelled_container_that_stops_and_nothing_else(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    watch = {"containr.watch": uuid.uuid4().hex[:8]}
    watched = running(runtime, app_image, labels={**LABELS, **watch})
    running(runtime, app_image)  # not watched: its death is not reported
    assert runtime.deaths(watch, timeout=0.5) == []

    stopper = threading.Timer(0.3, lambda: runtime.stop(watched.id, timeout=0))
    stopper.start()
    try:
        [death] = runtime.deaths(watch, timeout=10)
    finally:
        stopper.join()
    # What the follower acts on without looking the container up: its labels and exit code.
    assert death.id == watched.id
    assert death.labels.items() >= {**LABELS, **watch}.items()
    assert death.exit_code == runtime.inspect(watched.id).exit_code  # type: ignore[union-attr]
    assert death.exit_code is not None
    assert not death.removed

    runtime.start(watched.id)
    remover = threading.Timer(0.3, lambda: runtime.remove(watched.id))
    remover.start()
    try:
        deaths = runtime.deaths(watch, timeout=10)
    finally:
        remover.join()
    # Docker reports the forced removal's kill (a die) before the removal itself.
    assert [d.id for d in deaths] == [watched.id]
    assert deaths[0].removed or deaths[0].exit_code is not None


def test_deaths_at_one_moment_are_each_reported_none_missed_between_looks(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    """A follower acts on one death, then looks again: what died meanwhile (here a second
    container, in the same moment) is reported by the next look, not lost between the two."""
    watch = {"containr.watch": uuid.uuid4().hex[:8]}
    first = running(runtime, app_image, labels={**LABELS, **watch})
    second = running(runtime, app_image, labels={**LABELS, **watch})
    assert runtime.deaths(watch, timeout=0.5) == []  # the look starts here
    runtime.stop(first.id, timeout=0)
    runtime.stop(second.id, timeout=0)
    reported = [d.id for d in runtime.deaths(watch, timeout=10)]
    reported += [d.id for d in runtime.deaths(watch, timeout=10)]
    assert sorted(reported) == sorted([first.id, second.id])
    assert runtime.deaths(watch, timeout=0.5) == []  # each once


def test_restart_runs_a_stopped_container_again(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    container = running(runtime, app_image, port=8080)
    runtime.stop(container.id, timeout=0)

    runtime.restart(container.id, timeout=0)

    info = runtime.inspect(container.id)
    assert info is not None
    assert info.state == "running"
    assert info.host_port is not None


def test_an_exited_container_reports_its_exit_code(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    container = runtime.create(spec(app_image, command=["sh", "-c", "echo bye; exit 7"]))
    runtime.start(container.id)

    info = exited(runtime, container)

    assert info.exit_code == 7
    assert runtime.containers(LABELS, all_states=False) == []


def test_exec_gives_the_exit_code_and_124_when_it_outlives_the_timeout(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    container = running(runtime, app_image)

    assert runtime.exec(container.id, ["true"], timeout=5) == 0
    assert runtime.exec(container.id, ["false"], timeout=5) == 1
    assert runtime.exec(container.id, ["sh", "-c", "exit 3"], timeout=5) == 3
    assert runtime.exec(container.id, ["sleep", "5"], timeout=0.3) == 124


def test_exec_output_gives_the_exit_code_and_what_was_printed(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    container = running(runtime, app_image)

    printed = runtime.exec_output(
        container.id, ["sh", "-c", "echo size=12; echo connections=3"], timeout=5
    )
    failed = runtime.exec_output(container.id, ["sh", "-c", "echo half; exit 4"], timeout=5)
    slow = runtime.exec_output(container.id, ["sleep", "5"], timeout=0.3)

    assert printed == (0, b"size=12\nconnections=3\n")
    assert failed == (4, b"half\n")
    assert slow[0] == 124


def test_exec_in_a_stopped_container_raises(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    container = running(runtime, app_image)
    runtime.stop(container.id, timeout=0)
    with pytest.raises(ContainerEngineError):
        runtime.exec(container.id, ["true"], timeout=5)


def test_logs_hold_stdout_and_stderr_lines(runtime: ContainerRuntime, app_image: ImageInfo) -> None:
    started_at = time.time() - 60
    script = "echo one; echo two >&2; exit 0"
    container = runtime.start(runtime.create(spec(app_image, command=["sh", "-c", script])).id)
    exited(runtime, container)

    # stdout and stderr are separate pipes: the engine may interleave them either way
    assert sorted(runtime.logs(container.id)) == ["one", "two"]
    assert sorted(runtime.logs(container.id, since=started_at)) == ["one", "two"]
    assert list(runtime.logs(container.id, since=time.time() + 3600)) == []


def test_following_logs_ends_when_the_container_stops(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    container = running(runtime, app_image)
    seen: list[str] = []
    follower = threading.Thread(target=lambda: seen.extend(runtime.logs(container.id, follow=True)))
    follower.start()
    try:
        eventually(lambda: seen == ["ready"])
    finally:
        runtime.stop(container.id, timeout=0)
        follower.join(timeout=10)
    assert not follower.is_alive()
    assert seen == ["ready"]


def test_following_logs_ends_when_the_caller_stops_reading(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    container = running(runtime, app_image)
    lines = runtime.logs(container.id, follow=True)
    assert next(lines) == "ready"
    assert isinstance(lines, Generator)
    lines.close()  # what a `break` out of a for loop does, once the loop's frame is gone
    info = runtime.inspect(container.id)
    assert info is not None
    assert info.state == "running"


def test_a_taken_name_is_refused_with_the_name(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    first = spec(app_image)
    runtime.create(first)
    with pytest.raises(ContainerEngineError, match=first.name):
        runtime.create(spec(app_image, name=first.name))


def test_an_unknown_image_or_network_is_refused(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    missing = f"containr-test/nothing:{RUN_ID}"
    with pytest.raises(ContainerEngineError) as refused:
        runtime.create(spec(missing))
    assert str(refused.value) == (
        f"the image {missing} is not on the engine and cannot be pulled: Containr does not "
        f"pull the images of containers yet; import or pull {missing} {HINT}"
    )
    assert runtime.containers(LABELS) == []
    # Docker checks the network when the container starts, not when it is created
    container = runtime.create(spec(app_image, network=f"containr-test-{RUN_ID}-none"))
    with pytest.raises(ContainerEngineError, match="not found"):
        runtime.start(container.id)


def test_an_unreachable_engine_fails_ping_and_raises_on_every_call(
    backend: Backend, tmp_path: Path
) -> None:
    runtime = backend.unreachable()
    calls: list[Callable[[], object]] = [
        lambda: runtime.image(BASE_IMAGE),
        lambda: runtime.image_availability(NOWHERE_IMAGE, timeout=1),
        lambda: runtime.tag(BASE_IMAGE, "containr-test/x:1"),
        lambda: runtime.containers(LABELS),
        lambda: runtime.create(spec(BASE_IMAGE)),
        lambda: runtime.inspect("abc"),
        lambda: runtime.stop("abc"),
        lambda: runtime.remove("abc"),
        lambda: runtime.ensure_network("n", LABELS),
        lambda: runtime.exec("abc", ["true"], timeout=1),
        lambda: runtime.exec_output("abc", ["true"], timeout=1),
        lambda: list(runtime.logs("abc")),
        lambda: runtime.build(
            tmp_path, dockerfile="FROM scratch\n", tags=[], labels={}, on_log=lambda line: None
        ),
    ]

    assert runtime.ping() is False
    for call in calls:
        with pytest.raises(EngineUnreachableError) as raised:
            call()
        if backend.real:
            assert str(raised.value) == (
                f"the Docker engine at {UNREACHABLE_URL} does not answer (Connection refused)"
            )
            assert raised.value.__suppress_context__  # no urllib3 traceback behind it


# The real engine only: what the fake cannot show


@pytest.mark.docker
def test_limits_restart_policy_and_port_binding_reach_the_engine(
    docker_backend: DockerBackend, tmp_path_factory: pytest.TempPathFactory
) -> None:
    runtime = docker_backend.runtime
    image = docker_backend.app_image(tmp_path_factory.mktemp("app"))
    try:
        limited = runtime.create(
            spec(image, port=8080, cpu_limit_millis=500, memory_limit_mb=64, restart="on-failure")
        )
        always = runtime.create(spec(image, restart="unless-stopped"))
        never = runtime.create(spec(image, restart="no"))

        config = docker_backend.host_config(limited.id)
        assert config["NanoCpus"] == 500_000_000
        assert config["Memory"] == 64 * 1024 * 1024
        assert config["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 3}
        assert config["PortBindings"] == {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}
        assert docker_backend.host_config(always.id)["RestartPolicy"] == {
            "Name": "unless-stopped",
            "MaximumRetryCount": 0,
        }
        assert docker_backend.host_config(never.id)["RestartPolicy"] == {
            "Name": "",
            "MaximumRetryCount": 0,
        }
        assert docker_backend.host_config(never.id)["NanoCpus"] == 0
    finally:
        docker_backend.cleanup()


def test_a_running_container_has_an_address_on_its_network_and_none_once_stopped(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    network = f"containr-test-{RUN_ID}-{uuid.uuid4().hex[:6]}"
    runtime.ensure_network(network, LABELS)
    container = running(runtime, app_image, network=network)
    address = container.addresses[network]
    assert len(address.split(".")) == 4
    found = runtime.containers(LABELS, all_states=False)
    assert [c.addresses for c in found if c.id == container.id] == [{network: address}]
    runtime.stop(container.id, timeout=1)
    stopped = runtime.inspect(container.id)
    assert stopped is not None and stopped.addresses == {}


@pytest.mark.docker
def test_the_resolvers_of_a_spec_reach_the_engine(
    docker_backend: DockerBackend, tmp_path_factory: pytest.TempPathFactory
) -> None:
    runtime = docker_backend.runtime
    image = docker_backend.app_image(tmp_path_factory.mktemp("app"))
    try:
        created = runtime.create(spec(image, dns=["192.0.2.53"]))
        assert docker_backend.host_config(created.id)["Dns"] == ["192.0.2.53"]
        plain = runtime.create(spec(image))
        assert not docker_backend.host_config(plain.id)["Dns"]
    finally:
        docker_backend.cleanup()


@pytest.mark.docker
def test_containers_on_one_network_reach_each_other_by_alias(
    docker_backend: DockerBackend, tmp_path_factory: pytest.TempPathFactory
) -> None:
    runtime = docker_backend.runtime
    image = docker_backend.app_image(tmp_path_factory.mktemp("app"))
    network = f"containr-test-{RUN_ID}-{uuid.uuid4().hex[:6]}"
    try:
        runtime.ensure_network(network, LABELS)
        server = spec(image, network=network, aliases=["web"])
        runtime.start(runtime.create(server).id)
        client = running(runtime, image, network=network)

        fetch = ["wget", "-q", "-O", "/dev/null", "http://web:8080/index.html"]
        eventually(lambda: runtime.exec(client.id, fetch, timeout=5) == 0)
        by_name = ["wget", "-q", "-O", "/dev/null", f"http://{server.name}:8080/"]
        assert runtime.exec(client.id, by_name, timeout=5) == 0
        elsewhere = ["wget", "-q", "-O", "/dev/null", "-T", "2", "http://nowhere:8080/"]
        assert runtime.exec(client.id, elsewhere, timeout=5) != 0
    finally:
        docker_backend.cleanup()


@pytest.mark.docker
def test_the_dockerfile_stays_out_of_the_image_and_dockerignore_is_honoured(
    docker_backend: DockerBackend, tmp_path: Path
) -> None:
    runtime = docker_backend.runtime
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "secret.txt").write_text("do not ship")
    (tmp_path / ".dockerignore").write_text("# private\nsecret.txt\n")
    image = runtime.build(
        tmp_path,
        dockerfile=f"FROM {BASE_IMAGE}\nCOPY . /www/\n",
        tags=[f"containr-test/app:{RUN_ID}-ignored"],
        labels=LABELS,
        on_log=lambda line: None,
    )
    try:
        listing = runtime.create(spec(image, command=["ls", "-a", "/www"]))
        runtime.start(listing.id)
        exited(runtime, listing)
        files = set(runtime.logs(listing.id)) - {".", ".."}
        assert "index.html" in files
        assert "secret.txt" not in files
        assert not [name for name in files if "ockerfile" in name]
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            ".dockerignore",
            "index.html",
            "secret.txt",
        ]
    finally:
        docker_backend.cleanup()


# The fake's own hooks


def test_the_fake_lets_a_test_kill_a_container_and_fix_exec_results() -> None:
    fake = InMemoryRuntime()
    base = fake.add_image(BASE_IMAGE)
    container = fake.start(fake.create(spec(base, command=LONG_RUNNING)).id)
    fake.exec_results[(container.id, ("check",))] = 5
    fake.exec_results[(container.id, ("hang",))] = None

    assert fake.exec(container.id, ["check"], timeout=1) == 5
    assert fake.exec(container.id, ["hang"], timeout=1) == 124
    fake.emit(container.id, "late line")
    fake.kill(container.id, exit_code=139)

    info = fake.inspect(container.id)
    assert info is not None
    assert (info.state, info.exit_code, info.host_port) == ("exited", 139, None)
    assert list(fake.logs(container.id)) == ["ready", "late line"]
    assert fake.execs == [(container.id, ["check"]), (container.id, ["hang"])]
    assert fake.calls == [("create", container.name), ("start", container.name)]


def test_the_fake_records_each_build_and_its_outcome(tmp_path: Path) -> None:
    fake = InMemoryRuntime()
    fake.add_image(BASE_IMAGE)
    fake.build(
        tmp_path,
        dockerfile=f"FROM {BASE_IMAGE}\n",
        tags=["a:1"],
        labels={},
        on_log=lambda line: None,
    )
    with pytest.raises(BuildFailedError):
        fake.build(
            tmp_path,
            dockerfile="FROM containr-test/absent:1\n",
            tags=["b:1"],
            labels={"k": "v"},
            on_log=lambda line: None,
        )

    assert [(b.tags, b.outcome) for b in fake.builds] == [(["a:1"], "built"), (["b:1"], "failed")]
    assert fake.builds[1].labels == {"k": "v"}


def _get(url: str) -> str | None:
    try:
        response = httpx.get(url, timeout=2)
    except httpx.TransportError:
        return None
    return response.text if response.status_code == 200 else None


# Volumes


def volume_name() -> str:
    return f"containr-test-{RUN_ID}-{uuid.uuid4().hex[:8]}"


def test_ensure_volume_creates_once_and_keeps_the_first_labels(runtime: ContainerRuntime) -> None:
    name = volume_name()
    created = runtime.ensure_volume(name, {**LABELS, "containr.volume": "data"})
    again = runtime.ensure_volume(name, {**LABELS, "containr.volume": "other"})
    assert again == created
    assert created.labels["containr.volume"] == "data"
    assert runtime.volume(name) == created
    assert [v.name for v in runtime.volumes({**LABELS, "containr.volume": "data"})] == [name]
    assert runtime.volumes({**LABELS, "containr.volume": "other"}) == []
    assert runtime.remove_volume(name) is True
    assert runtime.remove_volume(name) is False
    assert runtime.volume(name) is None


def test_a_volume_outlives_its_containers_and_is_not_removed_while_one_uses_it(
    backend: Backend, runtime: ContainerRuntime, tmp_path: Path
) -> None:
    name = volume_name()
    runtime.ensure_volume(name, LABELS)
    backend.write_in_volume(name, "kept.txt", "still here")
    holder = runtime.create(spec(BASE_IMAGE, command=LONG_RUNNING, volumes={name: "/data"}))
    with pytest.raises(ContainerEngineError, match=name):
        runtime.remove_volume(name)
    runtime.remove(holder.id)
    exported = tmp_path / "out.tar"
    runtime.export_volume(name, exported, helper_image=BASE_IMAGE, timeout=30)
    assert tar_files(exported) == {"kept.txt": b"still here"}
    assert runtime.volume_sizes(timeout=30).get(name, 0) >= len("still here")
    assert runtime.remove_volume(name) is True


def test_a_volume_is_restored_into_a_new_volume_and_never_over_an_existing_one(
    backend: Backend, runtime: ContainerRuntime, tmp_path: Path
) -> None:
    source, copy = volume_name(), volume_name()
    runtime.ensure_volume(source, LABELS)
    backend.write_in_volume(source, "rows.txt", "1 2 3")
    archive = tmp_path / "snapshot.tar"
    runtime.export_volume(source, archive, helper_image=BASE_IMAGE, timeout=30)
    restored = runtime.import_volume(
        copy, archive, {**LABELS, "containr.volume": "copy"}, helper_image=BASE_IMAGE, timeout=30
    )
    assert restored.name == copy and restored.labels["containr.volume"] == "copy"
    again = tmp_path / "again.tar"
    runtime.export_volume(copy, again, helper_image=BASE_IMAGE, timeout=30)
    assert tar_files(again) == {"rows.txt": b"1 2 3"}
    with pytest.raises(ContainerEngineError, match="exists"):
        runtime.import_volume(source, archive, LABELS, helper_image=BASE_IMAGE, timeout=30)
    with pytest.raises(ContainerEngineError, match="no such volume"):
        runtime.export_volume(volume_name(), archive, helper_image=BASE_IMAGE, timeout=30)


def tar_files(path: Path) -> dict[str, bytes]:
    """The regular files of a volume archive, relative to the volume's root."""
    files = {}
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            data = tar.extractfile(member) if member.isfile() else None
            if data is not None:
                files[member.name.removeprefix("volume/")] = data.read()
    return files


# Issue 15 (database dumps): helper containers with attached streams. Kept apart to ease
# merging.


def test_a_streamed_container_reads_its_stdin_and_hands_back_its_stdout(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    chunks = [bytes([n]) * 100_000 for n in range(20)]
    helper = runtime.run_streamed(spec(app_image, command=["cat"]), stdin=chunks, timeout=60)
    try:
        assert b"".join(helper.stdout()) == b"".join(chunks)
        assert helper.wait() == 0
    finally:
        helper.close()
    assert runtime.inspect(helper.id) is None
    helper.close()  # idempotent


def test_what_feeding_a_streamed_container_raised_is_raised_by_wait(
    runtime: ContainerRuntime, app_image: ImageInfo
) -> None:
    def broken() -> Iterator[bytes]:
        yield b"some bytes\n"
        raise ValueError("the stored stream is corrupt")

    helper = runtime.run_streamed(spec(app_image, command=["cat"]), stdin=broken(), timeout=60)
    try:
        for _ in helper.stdout():
            pass
        with pytest.raises(ValueError, match="corrupt"):
            helper.wait()
    finally:
        helper.close()
    assert runtime.inspect(helper.id) is None
