"""Per-replica CPU, memory, network and block I/O from the Docker engine's stats stream.

One streaming ``GET /containers/<id>/stats`` per running replica of this installation (the
engine pushes a frame about every second), each read in a thread of its own on a client of
its own whose read timeout is the stream's deadline: a stream that stops talking raises, and
is opened again while its container still runs. ``refresh`` starts streams for new replicas
and stops those of replicas that are gone; ``collect`` turns the newest reading of every
stream into samples (rates from the two newest frames), plus the node's totals.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import docker
import docker.errors
import msgspec

from adapters.app_metrics import ScrapeTarget
from application.changes import Change, ChangeBatch, ChangeFeed
from application.metrics_ports import (
    BLOCK_READ,
    BLOCK_WRITE,
    CPU_CORES,
    MEMORY_BYTES,
    MEMORY_LIMIT_BYTES,
    METRICS_NOTICES,
    NETWORK_RX,
    NETWORK_TX,
    NODE_CPU_CORES,
    NODE_CPUS,
    NODE_MEMORY_BYTES,
    NODE_MEMORY_TOTAL_BYTES,
    SAMPLE_INTERVAL,
    SERVICE_METRICS_CHANGED,
    LiveUsage,
    MetricWriter,
    ReplicaId,
    Sample,
)
from application.ports import Clock
from application.processes.support import DEPLOYMENT, INSTANCE, MANAGED, REPLICA, SERVICE

_log = logging.getLogger(__name__)
STREAM_DEADLINE = 30.0
"""Seconds a stats stream may stay silent (the engine writes every second) before it is
dropped and opened again."""
CALL_DEADLINE = 15.0
RETRY_SECONDS = 2.0
CPU_HISTORY = 120
"""Frames of CPU counters kept per stream (about two minutes: live readings look back less)."""


class _Cpu(msgspec.Struct, frozen=True):
    total_usage: int = 0


class _CpuStats(msgspec.Struct, frozen=True):
    cpu_usage: _Cpu = _Cpu()
    system_cpu_usage: int | None = None
    online_cpus: int | None = None


class _MemStats(msgspec.Struct, frozen=True):
    usage: int | None = None
    limit: int | None = None
    stats: dict[str, int] = {}


class _Net(msgspec.Struct, frozen=True):
    rx_bytes: int = 0
    tx_bytes: int = 0


class _BlkEntry(msgspec.Struct, frozen=True):
    op: str = ""
    value: int = 0


class _Blkio(msgspec.Struct, frozen=True):
    io_service_bytes_recursive: list[_BlkEntry] | None = None


class Frame(msgspec.Struct, frozen=True):
    """One frame of the engine's stats stream (the fields we read)."""

    read: datetime
    cpu_stats: _CpuStats = _CpuStats()
    precpu_stats: _CpuStats = _CpuStats()
    memory_stats: _MemStats = _MemStats()
    networks: dict[str, _Net] | None = None
    blkio_stats: _Blkio = _Blkio()


class Reading(msgspec.Struct, frozen=True, kw_only=True):
    """What one replica measured last: levels and rates (None where unknown yet)."""

    at: datetime
    cpu_cores: float | None
    memory_bytes: float | None
    memory_limit_bytes: float | None
    rates: dict[str, float | None]


def _cpu_cores(frame: Frame) -> float | None:
    now, before = frame.cpu_stats, frame.precpu_stats
    if now.system_cpu_usage is None or before.system_cpu_usage is None:
        return None
    system = now.system_cpu_usage - before.system_cpu_usage
    used = now.cpu_usage.total_usage - before.cpu_usage.total_usage
    if system <= 0 or used < 0:
        return None
    return used / system * float(now.online_cpus or 1)


def _memory(frame: Frame) -> float | None:
    mem = frame.memory_stats
    if mem.usage is None:
        return None
    # What `docker stats` shows: usage less the reclaimable page cache (cgroup v2, then v1).
    cache = mem.stats.get("inactive_file", mem.stats.get("total_inactive_file", 0))
    return float(max(mem.usage - cache, 0))


def _counters(frame: Frame) -> dict[str, int]:
    nets = (frame.networks or {}).values()
    blk = frame.blkio_stats.io_service_bytes_recursive or []
    return {
        NETWORK_RX: sum(n.rx_bytes for n in nets),
        NETWORK_TX: sum(n.tx_bytes for n in nets),
        BLOCK_READ: sum(e.value for e in blk if e.op.lower() == "read"),
        BLOCK_WRITE: sum(e.value for e in blk if e.op.lower() == "write"),
    }


def reading(frame: Frame, previous: Frame | None) -> Reading:
    """What a frame says, with rates against the previous frame of the same stream."""
    rates: dict[str, float | None] = dict.fromkeys(_counters(frame))
    if previous is not None:
        seconds = (frame.read - previous.read).total_seconds()
        if seconds > 0:
            now, before = _counters(frame), _counters(previous)
            rates = {k: max(now[k] - before[k], 0) / seconds for k in now}
    limit = frame.memory_stats.limit
    return Reading(
        at=frame.read,
        cpu_cores=_cpu_cores(frame),
        memory_bytes=_memory(frame),
        memory_limit_bytes=None if limit is None else float(limit),
        rates=rates,
    )


class _Stream:
    """The stats stream of one container, read in a thread until stopped or the container ends."""

    def __init__(
        self, base_url: str, container_id: str, labels: dict[str, str], address: str
    ) -> None:
        self.container_id = container_id
        self.address = address
        self.service_id = UUID(labels[SERVICE])
        self.replica = f"{labels[DEPLOYMENT]}:{labels[REPLICA]}"
        self.latest: Reading | None = None
        self.restarts = 0
        self._cpu: deque[tuple[datetime, int, int, int]] = deque(maxlen=CPU_HISTORY)
        """(read at, the container's CPU time, the host's CPU time, online CPUs) per frame."""
        self._base_url = base_url
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"stats-{container_id[:12]}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def take(self, frame: Frame, previous: Frame | None) -> None:
        """Read one frame of the stream (``previous``: the one before it, if any)."""
        self.latest = reading(frame, previous)
        cpu = frame.cpu_stats
        if cpu.system_cpu_usage is not None:
            self._cpu.append(
                (frame.read, cpu.cpu_usage.total_usage, cpu.system_cpu_usage, cpu.online_cpus or 1)
            )

    def cpu_over(self, window: timedelta) -> float | None:
        """Cores used over the newest ``window`` of frames (the two newest frames' rate when
        the stream holds only those; None before any)."""
        frames = list(self._cpu)  # appended by the stream's thread: copy first
        latest = self.latest
        if len(frames) < 2:
            return None if latest is None else latest.cpu_cores
        newest = frames[-1]
        oldest = next((f for f in frames if f[0] >= newest[0] - window), newest)
        system = newest[2] - oldest[2]
        used = newest[1] - oldest[1]
        if oldest is newest or system <= 0 or used < 0:
            return None if latest is None else latest.cpu_cores
        return used / system * newest[3]

    def _frames(self, client: docker.APIClient) -> Iterator[Frame]:
        for raw in client.stats(self.container_id, decode=True, stream=True):
            yield msgspec.convert(raw, Frame)

    def _run(self) -> None:
        while not self._stopped.is_set():
            client = docker.APIClient(
                base_url=self._base_url, timeout=STREAM_DEADLINE, version="auto"
            )
            try:
                previous: Frame | None = None
                for frame in self._frames(client):
                    if self._stopped.is_set():
                        return
                    self.take(frame, previous)
                    previous = frame
                return  # the engine ends the stream when the container stops
            except docker.errors.NotFound:
                return
            except Exception as e:  # a dead or garbled stream: open it again
                _log.info("stats stream of %s ended (%s); reopening", self.container_id[:12], e)
                self.restarts += 1
            finally:
                client.close()
            self._stopped.wait(RETRY_SECONDS)


def _address(summary: dict[str, Any]) -> str:
    """The container's address on its first network with one (empty: none)."""
    networks = (summary.get("NetworkSettings") or {}).get("Networks") or {}
    for network in networks.values():
        if address := (network or {}).get("IPAddress"):
            return str(address)
    return ""


class DockerStatsCollector:
    """Streams the stats of this installation's running replicas on one engine (node)."""

    def __init__(self, base_url: str, *, instance: str, node: str) -> None:
        self._base_url = base_url
        self._instance = instance
        self._node = node
        self._streams: dict[str, _Stream] = {}
        self._lock = threading.Lock()
        self._client = docker.APIClient(base_url=base_url, timeout=CALL_DEADLINE, version="auto")

    def refresh(self) -> None:
        """Start streams for replicas that run now, stop those of replicas that are gone."""
        filters = {"label": [f"{MANAGED}=true", f"{INSTANCE}={self._instance}", REPLICA]}
        found = self._client.containers(filters={**filters, "status": "running"})
        running = {c["Id"]: c.get("Labels") or {} for c in found}
        addresses = {c["Id"]: _address(c) for c in found}
        with self._lock:
            for cid in list(self._streams):
                if cid not in running or not self._streams[cid].alive:
                    self._streams.pop(cid).stop()
            for cid, labels in running.items():
                if cid not in self._streams and SERVICE in labels and DEPLOYMENT in labels:
                    stream = _Stream(self._base_url, cid, labels, addresses[cid])
                    self._streams[cid] = stream
                    stream.start()

    def targets(self) -> list[ScrapeTarget]:
        """The running replicas and the addresses their containers answer on."""
        with self._lock:
            streams = list(self._streams.values())
        return [
            ScrapeTarget(
                service_id=s.service_id, replica=s.replica, node=self._node, address=s.address
            )
            for s in streams
            if s.address
        ]

    def live_usage(self, service_id: UUID, window: timedelta) -> dict[ReplicaId, LiveUsage]:
        """Each streamed replica of the service: CPU over ``window``, newest memory."""
        with self._lock:
            streams = [s for s in self._streams.values() if s.service_id == service_id]
        found = {}
        for stream in streams:
            latest = stream.latest
            if latest is not None:
                found[stream.replica] = LiveUsage(stream.cpu_over(window), latest.memory_bytes)
        return found

    def streaming(self) -> list[str]:
        """The containers whose stats are being streamed."""
        with self._lock:
            return sorted(self._streams)

    def collect(self, now: datetime) -> list[Sample]:
        """Every replica's newest reading as samples at ``now``, and the node's totals."""
        with self._lock:
            streams = list(self._streams.values())
        samples: list[Sample] = []
        cpu = memory = 0.0
        for stream in streams:
            found = stream.latest
            if found is None:
                continue
            levels = {
                CPU_CORES: found.cpu_cores,
                MEMORY_BYTES: found.memory_bytes,
                MEMORY_LIMIT_BYTES: found.memory_limit_bytes,
                **found.rates,
            }
            cpu += found.cpu_cores or 0.0
            memory += found.memory_bytes or 0.0
            samples += [
                Sample(
                    metric=metric,
                    at=now,
                    value=value,
                    service_id=stream.service_id,
                    replica=stream.replica,
                    node=self._node,
                )
                for metric, value in levels.items()
            ]
        samples += self._node_samples(now, cpu, memory)
        return samples

    def _node_samples(self, now: datetime, cpu: float, memory: float) -> list[Sample]:
        values: dict[str, float | None] = {NODE_CPU_CORES: cpu, NODE_MEMORY_BYTES: memory}
        with suppress(Exception):  # an engine that does not answer: its totals are unknown
            info: dict[str, Any] = self._client.info()
            values[NODE_CPUS] = float(info.get("NCPU") or 0) or None
            values[NODE_MEMORY_TOTAL_BYTES] = float(info.get("MemTotal") or 0) or None
        return [
            Sample(metric=metric, at=now, value=value, node=self._node)
            for metric, value in values.items()
        ]

    def close(self) -> None:
        """Stop every stream and the engine client."""
        with self._lock:
            for stream in self._streams.values():
                stream.stop()
            self._streams.clear()
        self._client.close()


class MetricsCollection:
    """The collectors of one installation: a stats collector per Docker node (made and
    dropped as nodes come and go), other sources (ingress, application endpoints), the
    store they write to every 10 s, and the store's rollup and retention every 5 minutes."""

    def __init__(
        self,
        endpoints: Callable[[], dict[str, str]],
        *,
        instance: str,
        writer: MetricWriter,
        clock: Clock,
        sources: Sequence[Callable[[datetime], list[Sample]]] = (),
        changes: ChangeFeed | None = None,
        interval: float = SAMPLE_INTERVAL.total_seconds(),
        maintenance_every: float = 300.0,
    ) -> None:
        self._endpoints = endpoints
        self._instance = instance
        self._writer = writer
        self._clock = clock
        self._sources = list(sources)
        self._changes = changes
        self._interval = interval
        self._maintenance_every = maintenance_every
        self._collectors: dict[tuple[str, str], DockerStatsCollector] = {}

    def add_source(self, source: Callable[[datetime], list[Sample]]) -> None:
        """Another source of samples, asked every round (the application endpoints)."""
        self._sources.append(source)

    def targets(self) -> list[ScrapeTarget]:
        """Every running replica on every node, with its address."""
        return [t for c in list(self._collectors.values()) for t in c.targets()]

    def live_usage(self, service_id: UUID, window: timedelta) -> dict[ReplicaId, LiveUsage]:
        """The service's replicas as every node's stats streams see them now."""
        found: dict[ReplicaId, LiveUsage] = {}
        for collector in list(self._collectors.values()):
            found.update(collector.live_usage(service_id, window))
        return found

    def round(self) -> int:
        """One collection round; how many samples were recorded."""
        now = self._clock.now()
        samples: list[Sample] = []
        wanted = {(node, url) for node, url in self._endpoints().items()}
        for key in set(self._collectors) - wanted:
            self._collectors.pop(key).close()
        for node, url in sorted(wanted):
            collector = self._collectors.get((node, url))
            try:
                if collector is None:
                    collector = DockerStatsCollector(url, instance=self._instance, node=node)
                    self._collectors[(node, url)] = collector
                collector.refresh()
                samples += collector.collect(now)
            except Exception:  # an engine away: its replicas go unmeasured this round
                _log.warning("collecting metrics on node %s failed", node, exc_info=True)
        for source in self._sources:
            try:
                samples += source(now)
            except Exception:
                _log.warning("a metrics source failed", exc_info=True)
        self._writer.record(samples)
        self._announce(samples)
        return len(samples)

    def _announce(self, samples: list[Sample]) -> None:
        """Tell live subscriptions which services have new measurements (the position is
        the round's time in milliseconds: it only grows)."""
        if self._changes is None:
            return
        position = int(time.time() * 1000)
        services = sorted({str(s.service_id) for s in samples if s.service_id is not None})
        if services:
            self._changes.publish(
                ChangeBatch(
                    METRICS_NOTICES,
                    position,
                    [Change(SERVICE_METRICS_CHANGED, service, position) for service in services],
                )
            )

    def run(self, stop: threading.Event) -> None:
        """Collect every interval and maintain the store now and then, until ``stop``."""
        last_maintenance = 0.0
        try:
            while not stop.wait(self._interval):
                try:
                    self.round()
                    if time.monotonic() - last_maintenance >= self._maintenance_every:
                        self._writer.maintain(self._clock.now())
                        last_maintenance = time.monotonic()
                except Exception:  # the store away: the next round tries again
                    _log.warning("metrics collection round failed", exc_info=True)
        finally:
            for collector in self._collectors.values():
                collector.close()
            self._collectors.clear()
