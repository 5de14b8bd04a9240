"""Collecting unreferenced images (issue 18): what Containr built and no release needs.

Every image Containr builds carries its installation's labels (``image_labels``), and the
registry gives the same labels to the nodes that pull it. On a timer, each engine's
images with this installation's labels are listed, and one is removed when nothing may need
it any more:

- no live or unfinished release runs it, and no release a rollback may go back to: a rollback
  may choose any earlier release of a live service that once became healthy (its exact
  image, ``application/handlers/deployments.py``), so those images are all kept;
- no container of the engine (running or stopped, of any installation) was made from it;
- it is older than ``GRACE``: a build whose result is not recorded yet has its image already.

Images without this installation's labels (built before the labels, by hand, by another
installation sharing the engine, base images) are never touched. Each removal is logged and
recorded on the organisation's node as ``Node.ImagesCollected``. An agent node's images are
listed and removed through its agent, which shows and removes only its organisation's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, Context
from application.ports import Clock
from application.processes.support import (
    DEPLOYMENT,
    INSTANCE,
    MANAGED,
    ORGANIZATION,
    report,
)
from application.readmodels import DashboardQueries, DeploymentRow, NodeRow
from application.runtime_ports import (
    ContainerEngineError,
    ImageCatalogue,
    LabelledImage,
    NodeRuntimes,
)
from domain.ids import Actor

log = logging.getLogger(__name__)
ACTOR = Actor("system:images")
GRACE = timedelta(hours=1)
"""How old an image must be before it may go (its build's result may not be recorded yet)."""
INTERVAL = 3600.0
"""Seconds between two collections."""
FIRST_AFTER = 300.0
"""Seconds after the process managers start before the first collection."""
KEPT_STATES = frozenset({"queued", "building", "built", "starting", "healthy"})
"""Releases whose image is needed now: unfinished ones, and live ones."""


def release_tag(service_id: UUID | str, deployment_id: UUID | str) -> str:
    """The tag each release's image also gets (``Deployer._build``)."""
    return f"containr/{service_id}:{deployment_id}"


def kept_references(
    releases: Iterable[DeploymentRow], deleted_services: Iterable[UUID]
) -> frozenset[str]:
    """The image names a release may still run: unfinished and live releases' images, and
    those of every release of a live service that once became healthy (rollback targets)."""
    deleted = set(deleted_services)
    kept: set[str] = set()
    for release in releases:
        wanted = release.state in KEPT_STATES or (
            release.service_id not in deleted
            and any(step.get("state") == "healthy" for step in release.history)
        )
        if wanted:
            kept.add(release_tag(release.service_id, release.id))
            if release.image:
                kept.add(release.image)
    return frozenset(kept)


def unreferenced(
    images: Iterable[LabelledImage],
    *,
    instance: str,
    kept: frozenset[str],
    busy: frozenset[str],
    now: datetime,
    grace: timedelta = GRACE,
) -> list[LabelledImage]:
    """The images that may go: this installation's, made before ``now - grace``, that no
    container uses, that no ``kept`` name refers to and that were not built for a ``busy``
    (unfinished) release."""
    return [
        image
        for image in images
        if image.labels.get(INSTANCE) == instance
        and image.labels.get(MANAGED) == "true"
        and not image.in_use
        and image.created <= now - grace
        and not image.references & kept
        and image.labels.get(DEPLOYMENT) not in busy
    ]


@dataclass(frozen=True)
class Collected:
    """What one engine's collection removed, per organisation (by the images' labels)."""

    endpoint: str
    removed: Mapping[str, list[str]]
    """Organisation id (as labelled) -> the names of the images removed."""


class ImageCollector:
    """Removes the images of this installation that no release may need, engine by engine."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        dashboard: DashboardQueries,
        runtimes: NodeRuntimes,
        clock: Clock,
        instance: str,
        local_endpoint: str,
    ) -> None:
        self.bus = bus
        self.dashboard = dashboard
        self.runtimes = runtimes
        self.clock = clock
        self.instance = instance
        self.local_endpoint = local_endpoint
        self._ctx = Context(actor=ACTOR)

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Collect every ``INTERVAL`` seconds until ``stop``."""
        pause = FIRST_AFTER
        while not stop.is_set():
            wait(pause)
            if stop.is_set():
                return
            try:
                self.collect()
            except Exception:  # an engine or the database away: next time
                log.exception("collecting unreferenced images failed; trying again later")
            pause = INTERVAL

    def collect(self) -> list[Collected]:
        """One collection on every engine of every organisation."""
        releases = self.dashboard.releases_for_images()
        kept = kept_references(releases, self.dashboard.deleted_service_ids())
        busy = frozenset(str(r.id) for r in releases if r.state in KEPT_STATES)
        nodes = self.dashboard.all_nodes()
        endpoints = dict.fromkeys([self.local_endpoint, *(n.endpoint for n in nodes)])
        done = []
        for endpoint in endpoints:
            try:
                collected = self.collect_engine(endpoint, kept, busy)
            except ContainerEngineError as e:
                log.info("images on %s not collected: %s", endpoint, e)
                continue
            if collected is not None:
                done.append(collected)
                self._record(collected, [n for n in nodes if n.endpoint == endpoint])
        return done

    def collect_engine(
        self, endpoint: str, kept: frozenset[str], busy: frozenset[str]
    ) -> Collected | None:
        """Remove the unreferenced images of one engine (None: it cannot list its images)."""
        runtime = self.runtimes.for_endpoint(endpoint)
        if not isinstance(runtime, ImageCatalogue):
            return None
        labels = {MANAGED: "true", INSTANCE: self.instance}
        found = runtime.labelled_images(labels)
        removed: dict[str, list[str]] = {}
        for image in unreferenced(
            found, instance=self.instance, kept=kept, busy=busy, now=self.clock.now()
        ):
            name = image.tags[0] if image.tags else image.id
            try:
                for reference in image.tags or [image.id]:  # the image goes with its last tag
                    runtime.remove_image(reference)
            except ContainerEngineError as e:  # in use after all (a container made since)
                log.info("kept image %s on %s: %s", name, endpoint, e)
                continue
            log.info(
                "removed image %s (%s) from %s: no release needs it", name, image.id[:19], endpoint
            )
            removed.setdefault(image.labels.get(ORGANIZATION, ""), []).append(name)
        return Collected(endpoint, removed)

    def _record(self, collected: Collected, nodes: list[NodeRow]) -> None:
        """Record the removals on each organisation's node at the engine (its own images)."""
        for node in nodes:
            images = collected.removed.get(str(node.organization_id))
            if images:
                command = c.ReportImagesCollected(node_id=node.id, images=sorted(images))
                report(self.bus, self._ctx, command, log)
