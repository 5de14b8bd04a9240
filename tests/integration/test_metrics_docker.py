"""Per-replica metrics from a real Docker engine's stats streams into the time-series store."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import docker
import docker.errors
import pytest

from adapters.container_stats import DockerStatsCollector
from adapters.timeseries import SqliteTimeSeries
from application.metrics_ports import CPU_CORES, MEMORY_BYTES, NODE_CPUS
from application.processes.support import DEPLOYMENT, INSTANCE, MANAGED, REPLICA, SERVICE
from application.settings import Settings
from tests.conftest import service_missing
from tests.contract.docker_images import BASE_IMAGE, ensure_busybox_image

pytestmark = pytest.mark.docker
DOCKER_URL = "unix:///var/run/docker.sock"


def eventually(check: Callable[[], bool], *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {seconds}s")
        time.sleep(0.2)


@pytest.fixture
def engine() -> Iterator[docker.APIClient]:
    client = docker.APIClient(base_url=DOCKER_URL, timeout=60, version="auto")
    try:
        client.ping()
        ensure_busybox_image(client)
    except Exception as e:  # the engine is absent or broken: say so
        client.close()
        service_missing("Docker", e)
    yield client
    client.close()


class Replicas:
    """Containers labelled as one installation's replicas; removed at the end."""

    def __init__(self, engine: docker.APIClient) -> None:
        self.engine = engine
        self.instance = f"metrics-{uuid.uuid4().hex[:10]}"
        self.service = uuid.uuid4()
        self.deployment = uuid.uuid4()
        self.made: list[str] = []

    def start(self, replica: int, command: str) -> str:
        labels = {
            MANAGED: "true",
            INSTANCE: self.instance,
            SERVICE: str(self.service),
            DEPLOYMENT: str(self.deployment),
            REPLICA: str(replica),
        }
        created = self.engine.create_container(
            BASE_IMAGE,
            command=["sh", "-c", command],
            labels=labels,
            name=f"containr-{self.instance}-{replica}",
        )
        self.made.append(created["Id"])
        self.engine.start(created["Id"])
        return str(created["Id"])

    def remove(self) -> None:
        for cid in self.made:
            with suppress(docker.errors.NotFound):
                self.engine.remove_container(cid, force=True)


@pytest.fixture
def replicas(engine: docker.APIClient) -> Iterator[Replicas]:
    made = Replicas(engine)
    yield made
    made.remove()


def test_a_replica_burning_cpu_shows_cpu_in_the_store(
    replicas: Replicas, sqlite_settings: Settings
) -> None:
    busy = replicas.start(0, "while :; do :; done")
    idle = replicas.start(1, "sleep 600")
    store = SqliteTimeSeries(sqlite_settings.sqlite_path)
    collector = DockerStatsCollector(DOCKER_URL, instance=replicas.instance, node="local")
    started = datetime.now(UTC)
    try:
        collector.refresh()
        assert collector.streaming() == sorted([busy, idle])

        def busy_measured() -> bool:
            samples = collector.collect(datetime.now(UTC))
            store.record(samples)
            cpu = [s.value for s in samples if s.metric == CPU_CORES and s.replica.endswith(":0")]
            return bool(cpu) and (cpu[0] or 0.0) > 0.05

        eventually(busy_measured)
        latest = store.latest_per_replica(replicas.service, CPU_CORES, timedelta(minutes=5))
        assert set(latest) == {f"{replicas.deployment}:0", f"{replicas.deployment}:1"}
        assert (latest[f"{replicas.deployment}:0"] or 0.0) > 0.05
        points = store.series(
            replicas.service,
            CPU_CORES,
            started - timedelta(minutes=1),
            datetime.now(UTC) + timedelta(seconds=10),
            timedelta(minutes=5),
            "max",
        )
        assert points and points[-1][1] > 0.05
        memory = store.latest_per_replica(replicas.service, MEMORY_BYTES, timedelta(minutes=5))
        assert all(value is not None and value > 0 for value in memory.values())
        node = {s.metric: s.value for s in collector.collect(datetime.now(UTC)) if s.node}
        assert (node[NODE_CPUS] or 0) >= 1
    finally:
        collector.close()


def test_streams_follow_replicas_as_they_come_and_go(replicas: Replicas) -> None:
    first = replicas.start(0, "sleep 600")
    collector = DockerStatsCollector(DOCKER_URL, instance=replicas.instance, node="local")
    try:
        collector.refresh()
        assert collector.streaming() == [first]
        second = replicas.start(1, "sleep 600")
        replicas.engine.kill(first)
        collector.refresh()
        assert collector.streaming() == [second]
    finally:
        collector.close()
