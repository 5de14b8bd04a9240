"""The snapshot process: takes each volume snapshot one recorded step at a time.

Stop the live release's replicas (the service is quiesced), archive the volume into the data
directory through a helper container and checksum it, start the replicas again; then restore
archives into new volumes on request. Every step is reported as a command the snapshot
accepts once, so after a crash the next tick resumes at the step recorded last (redoing an
unreported step is harmless: stopping, archiving to a ``.part`` file and starting are all
idempotent). A snapshot not done by its deadline fails, and its replicas are started again.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import ApplicationError, DomainError
from application.ports import Clock
from application.processes.support import (
    DEPLOYMENT,
    ENVIRONMENT,
    INSTANCE,
    MANAGED,
    ORGANIZATION,
    PROJECT,
    SERVICE,
    VOLUME,
    volume_name,
)
from application.queries import Queries
from application.readmodels import DashboardQueries
from application.runtime_ports import ContainerEngineError, ContainerRuntime, NodeRuntimes
from domain.ids import Actor, NodeId
from domain.volume_snapshot import SnapshotState, VolumeSnapshot

log = logging.getLogger(__name__)
ACTOR = Actor("system:snapshots")
SNAPSHOT = "containr.snapshot"
"""The snapshot a restored volume was made from (on the engine's volume)."""


@dataclass(frozen=True)
class SnapshotConfig:
    """Where archives go and how volumes are reached."""

    directory: Path
    """``<data_dir>/snapshots``."""
    instance: str
    local_endpoint: str
    helper_image: str
    step_timeout: float = 600


def file_sha256(path: Path) -> tuple[str, int]:
    """The sha256 of a file and its size, read in chunks (archives can be large)."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class SnapshotProcess:
    """Moves every busy snapshot (steps or restores to take) on, one tick at a time."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        queries: Queries,
        dashboard: DashboardQueries,
        runtimes: NodeRuntimes,
        clock: Clock,
        config: SnapshotConfig,
    ) -> None:
        self.bus = bus
        self.queries = queries
        self.dashboard = dashboard
        self.runtimes = runtimes
        self.clock = clock
        self.config = config
        self._ctx = Context(actor=ACTOR)

    def tick(self) -> None:
        """Advance each busy snapshot by the steps it can take now."""
        for row in self.dashboard.busy_snapshots():
            try:
                self.advance(row.id)
            except ContainerEngineError as e:  # the engine is away: next tick, or the deadline
                log.warning("snapshot %s waits for the engine: %s", row.id, e)

    def advance(self, snapshot_id: UUID) -> None:
        """Take the snapshot's next steps (and its pending restores)."""
        snapshot = self.queries.snapshot(snapshot_id)
        runtime = self._runtime(snapshot)
        if snapshot.in_progress and self.clock.now() > snapshot.deadline:
            self._start_again(runtime, snapshot)
            self._report(
                c.ReportSnapshotStep(
                    snapshot_id=snapshot.id,
                    step="failed",
                    reason=f"not done by its deadline ({snapshot.deadline.isoformat()}); "
                    "the service's replicas were started again",
                )
            )
            return
        steps: dict[SnapshotState, Callable[[ContainerRuntime, VolumeSnapshot], None]] = {
            SnapshotState.REQUESTED: self._quiesce,
            SnapshotState.QUIESCED: self._archive,
            SnapshotState.ARCHIVED: self._finish,
        }
        for _ in steps:  # at most every step once; a refused report stops here
            if not snapshot.in_progress:
                break
            steps[snapshot.state](runtime, snapshot)
            snapshot = self.queries.snapshot(snapshot_id)
        if snapshot.state is SnapshotState.COMPLETED:
            for name in snapshot.pending_restores():
                self._restore(runtime, snapshot, name)

    # Steps

    def _quiesce(self, runtime: ContainerRuntime, snapshot: VolumeSnapshot) -> None:
        service = self.queries.service(snapshot.service_id)
        live = service.live_release(snapshot.environment_id)
        containers = (
            runtime.containers(
                {
                    SERVICE: str(snapshot.service_id),
                    ENVIRONMENT: str(snapshot.environment_id),
                    DEPLOYMENT: str(live),
                }
            )
            if live is not None
            else []
        )
        for container in containers:
            runtime.stop(container.id, timeout=30)
        self._report(
            c.ReportSnapshotStep(
                snapshot_id=snapshot.id, step="quiesced", containers=[x.id for x in containers]
            )
        )

    def _archive(self, runtime: ContainerRuntime, snapshot: VolumeSnapshot) -> None:
        self.config.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self.config.directory / f"{snapshot.id}.tar"
        part = target.with_name(target.name + ".part")
        try:
            runtime.export_volume(
                self._engine_volume(snapshot, snapshot.volume),
                part,
                helper_image=self.config.helper_image,
                timeout=self.config.step_timeout,
            )
        except ContainerEngineError as e:
            self._start_again(runtime, snapshot)
            self._report(
                c.ReportSnapshotStep(snapshot_id=snapshot.id, step="failed", reason=str(e))
            )
            return
        os.chmod(part, 0o600)  # a copy of the service's data: for Containr's eyes only
        sha256, size = file_sha256(part)
        os.replace(part, target)
        self._report(
            c.ReportSnapshotStep(
                snapshot_id=snapshot.id,
                step="archived",
                file=str(target),
                sha256=sha256,
                size_bytes=size,
            )
        )

    def _finish(self, runtime: ContainerRuntime, snapshot: VolumeSnapshot) -> None:
        self._start_again(runtime, snapshot)
        self._report(c.ReportSnapshotStep(snapshot_id=snapshot.id, step="started"))

    def _start_again(self, runtime: ContainerRuntime, snapshot: VolumeSnapshot) -> None:
        for container_id in snapshot.stopped:
            info = runtime.inspect(container_id)
            if info is not None and info.state != "running":
                runtime.start(container_id)

    def _restore(self, runtime: ContainerRuntime, snapshot: VolumeSnapshot, name: str) -> None:
        engine_volume = self._engine_volume(snapshot, name)
        failure = self._check_archive(snapshot)
        existing = runtime.volume(engine_volume)
        if failure is None and existing is not None:
            if existing.labels.get(SNAPSHOT) != str(snapshot.id):
                failure = f"a volume {engine_volume} exists already; nothing was overwritten"
            else:  # our own, left half-made by a crash: never used, so made again
                runtime.remove_volume(engine_volume)
        if failure is None:
            labels = {
                MANAGED: "true",
                INSTANCE: self.config.instance,
                ORGANIZATION: str(snapshot.organization_id),
                PROJECT: str(snapshot.project_id),
                SERVICE: str(snapshot.service_id),
                ENVIRONMENT: str(snapshot.environment_id),
                VOLUME: name,
                SNAPSHOT: str(snapshot.id),
            }
            try:
                runtime.import_volume(
                    engine_volume,
                    Path(snapshot.file or ""),
                    labels,
                    helper_image=self.config.helper_image,
                    timeout=self.config.step_timeout,
                )
            except ContainerEngineError as e:
                failure = str(e)
        self._report(c.ReportRestoreEnded(snapshot_id=snapshot.id, name=name, failure=failure))

    def _check_archive(self, snapshot: VolumeSnapshot) -> str | None:
        """Why the archive cannot be restored (missing, or not what was recorded), or None."""
        path = Path(snapshot.file or "")
        if not snapshot.file or not path.is_file():
            return f"the archive {path} is missing"
        sha256, _ = file_sha256(path)
        if sha256 != snapshot.sha256:
            return f"the archive {path} does not match its recorded sha256 (changed or corrupt)"
        return None

    # Helpers

    def _engine_volume(self, snapshot: VolumeSnapshot, name: str) -> str:
        return volume_name(
            self.config.instance, snapshot.environment_id, snapshot.service_id, name, None
        )

    def _runtime(self, snapshot: VolumeSnapshot) -> ContainerRuntime:
        """The engine of the node the service's live release runs on (else the local one)."""
        service = self.queries.service(snapshot.service_id)
        live = service.live_release(snapshot.environment_id)
        endpoint = self.config.local_endpoint
        if live is not None:
            node_id = self.queries.deployment(live).placements.get(0)
            if node_id is not None:
                endpoint = self.queries.node(NodeId(node_id)).endpoint
        return self.runtimes.for_endpoint(endpoint)

    def _report(self, command: c.Command) -> None:
        try:
            self.bus.execute(command, self._ctx)
        except (DomainError, ApplicationError) as e:
            log.warning("snapshot report %s refused: %s", type(command).__name__, e)
