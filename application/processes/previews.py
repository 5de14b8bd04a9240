"""The preview process manager: clears removed previews, expires idle ones and tells pull
requests (issue 14).

Level-triggered like the deployer: every tick it reads the previews from the dashboard and
takes the next step of each. Removal was decided by a command (the environment left the
project, its releases were cancelled); here the engines are cleared, looking before each
removal (containers by the environment's label, its network by name, its routes by id, the
images of its releases unless a release elsewhere uses them), and the outcome reported with
RecordPreviewRemoved, which the aggregate accepts once. A crash between clearing and
reporting finds nothing left to clear next time and reports then. Comments are posted
through the connection's GitProviderApi and their outcome recorded per operation id.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import ApplicationError, UnavailableError
from application.git_providers import GitProviderApis, ProviderAccessError
from application.ports import Clock, SecretBox
from application.processes.support import (
    ENVIRONMENT,
    INSTANCE,
    MANAGED,
    network_name,
    report,
    repository_token,
)
from application.queries import Queries
from application.readmodels import DashboardQueries, PreviewRow
from application.runtime_ports import (
    ContainerEngineError,
    ContainerRuntime,
    Ingress,
    NodeRuntimes,
    SourceError,
    SourceRepository,
)
from domain.git_connection import GitConnection
from domain.ids import Actor
from domain.preview import DiskSpace
from domain.triggers import repository_full_name

log = logging.getLogger(__name__)
ACTOR = Actor("system:previews")
DISK_TIMEOUT = 5.0
"""How long the engine is given to say where its data root is."""
CHANGES_TIMEOUT = 60.0
"""How long git is given to tell what a pull request changes."""


@dataclass(frozen=True)
class PreviewConfig:
    """Which installation's containers and routes are the previews'."""

    instance: str
    local_endpoint: str


class PreviewProcess:
    """Takes each preview's next step: clear it, expire it, tell its pull request."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        queries: Queries,
        dashboard: DashboardQueries,
        runtimes: NodeRuntimes,
        ingress: Ingress | None,
        clock: Clock,
        config: PreviewConfig,
        git_apis: GitProviderApis | None = None,
        source: SourceRepository | None = None,
        secrets: SecretBox | None = None,
        wait_for: Callable[[int], None] = lambda _position: None,
    ) -> None:
        self.bus = bus
        self.queries = queries
        self.dashboard = dashboard
        self.runtimes = runtimes
        self.ingress = ingress
        self.clock = clock
        self.config = config
        self.git_apis = git_apis
        self.source = source
        self.secrets = secrets
        self._wait_for = wait_for
        self._ctx = Context(actor=ACTOR)

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Tick until ``stop`` is set; ``wait`` blocks until something may have changed."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("the preview process's tick failed")
            wait(5.0)

    def tick(self) -> None:
        """One look at every preview."""
        for row in self.dashboard.previews_in_state("removing"):
            self.clear(row)
        for row in self.dashboard.previews_in_state("active"):
            self.expire_if_idle(row)
        for row in self.dashboard.previews_with_comments():
            for comment in row.pending_comments:
                self.post(row, str(comment["operation_id"]), str(comment["body"]))

    # Removal

    def clear(self, row: PreviewRow) -> bool:
        """Remove what the preview made from every engine and the ingress, then report it;
        False while a release of it is still moving (it was cancelled: it stops soon)."""
        env = row.environment_id
        if env is not None:
            moving = [d for d in self.dashboard.active_deployments() if d.environment_id == env]
            if moving:
                return False
            images = self._images(row)
            for runtime in self._runtimes(row.organization_id):
                self._clear_engine(runtime, env, images)
            if self.ingress is not None:
                prefix, suffix = f"containr-{self.config.instance}-", f"-{env}"
                for route in self.ingress.routes():
                    if route.id.startswith(prefix) and route.id.endswith(suffix):
                        self.ingress.remove(route.id)
        services = [s.id for s in self.dashboard.services(row.project_id, include_deleted=True)]
        return self._send(c.RecordPreviewRemoved(preview_id=row.id, service_ids=services))

    def _clear_engine(self, runtime: ContainerRuntime, env: UUID, images: list[str]) -> None:
        labels = {MANAGED: "true", INSTANCE: self.config.instance, ENVIRONMENT: str(env)}
        for container in runtime.containers(labels):
            runtime.stop(container.id, timeout=10)
            runtime.remove(container.id)
        runtime.remove_network(network_name(env))
        for image in images:
            try:
                runtime.remove_image(image)
            except ContainerEngineError as e:  # in use elsewhere after all: keep it
                log.info("kept image %s: %s", image, e)

    def _images(self, row: PreviewRow) -> list[str]:
        """The images the preview's releases made that no release elsewhere uses: each
        release's own tag, and its build unless a release outside the preview has it."""
        images: list[str] = []
        for ident in row.deployment_ids:
            try:
                deployment = self.queries.deployment(UUID(ident))
            except ApplicationError:
                continue
            images.append(f"containr/{deployment.service_id}:{deployment.id}")
            built = deployment.image
            if built is None or not built.startswith(f"containr/{deployment.service_id}:"):
                continue  # an image the service names (postgres:16…) is never ours to remove
            elsewhere = self.dashboard.deployments(deployment.service_id, limit=1000)
            if not any(
                d.image == built and d.environment_id != row.environment_id for d in elsewhere
            ):
                images.append(built)
        return list(dict.fromkeys(images))

    def _runtimes(self, organization_id: UUID) -> list[ContainerRuntime]:
        endpoints = {n.endpoint for n in self.dashboard.nodes(organization_id)}
        endpoints.add(self.config.local_endpoint)
        found = []
        for endpoint in sorted(endpoints):
            runtime = self.runtimes.for_endpoint(endpoint)
            if runtime.ping():
                found.append(runtime)
        return found

    # Time to live

    def expire_if_idle(self, row: PreviewRow) -> bool:
        """Ask for the preview's removal once it has had no push for its time to live."""
        policy = self.dashboard.preview_policy(row.project_id)
        ttl = policy.ttl_days if policy is not None else 7
        if self.clock.now() < row.last_activity_at + timedelta(days=ttl):
            return False
        return self._send(c.ExpirePreview(preview_id=row.id))

    # The disk guard

    def disk(self, organization_id: UUID) -> DiskSpace | None:
        """The least free disk among the organisation's engines that answer (None: none
        could tell)."""
        measured = []
        for runtime in self._runtimes(organization_id):
            try:
                space = runtime.disk_space(timeout=DISK_TIMEOUT)
            except ContainerEngineError as e:
                log.info("could not measure free disk: %s", e)
                continue
            if space is not None:
                measured.append(space)
        return min(measured, key=lambda s: s.free_bytes, default=None)

    # What a pull request changes

    def changed_paths(self, delivery_id: UUID, service_ids: list[UUID]) -> list[str] | None:
        """The files a pull request delivery's head changes since its base branch, from
        the repository of the first watching service that builds it (None: not known, and
        every watching service counts as touched)."""
        fact = self.queries.webhook_delivery(delivery_id).fact
        if self.source is None or fact.action not in ("opened", "reopened", "synchronize"):
            return None
        if not fact.commit or not fact.base_ref:
            return None
        for service_id in service_ids:
            service = self.queries.service(service_id)
            git = service.spec.git
            if git is None or repository_full_name(git.repository_url) != fact.repository.lower():
                continue
            token = None
            if service.repository_token is not None and self.secrets is not None:
                token = repository_token(self.secrets, service)
            try:
                return self.source.changed_paths(
                    git.repository_url,
                    base_branch=fact.base_ref,
                    head_commit=fact.commit,
                    token=token,
                    timeout=CHANGES_TIMEOUT,
                )
            except SourceError as e:
                log.info("the changes of pull request #%s are not known: %s", fact.number, e)
                return None
        return None

    # Comments

    def post(self, row: PreviewRow, operation_id: str, body: str) -> bool:
        """Post one comment to the pull request, and record what became of it."""
        try:
            connection = self.queries.git_connection(row.connection_id)
        except UnavailableError:
            raise
        except ApplicationError:
            return self._comment(row, operation_id, False, "the git connection no longer exists")
        reason = self._cannot_post(connection)
        if reason is not None:
            return self._comment(row, operation_id, False, reason)
        assert self.git_apis is not None
        assert connection.access_token is not None
        token = self.queries.open_sealed(
            connection.organization_id,
            GitConnection.token_context(connection.id),
            connection.access_token,
        )
        api = self.git_apis.open(connection.provider.value, connection.api_url, token.reveal())
        try:
            api.comment(row.repository, row.number, body)
        except ProviderAccessError as e:
            return self._comment(row, operation_id, False, e.reason)
        return self._comment(row, operation_id, True, "")

    def _cannot_post(self, connection: GitConnection) -> str | None:
        if connection.removed:
            return "the git connection was removed"
        if connection.access_token is None:
            return "the git connection has no access token to comment with"
        if self.git_apis is None:
            return f"this installation has no {connection.provider.value} API client"
        return None

    def _comment(self, row: PreviewRow, operation_id: str, posted: bool, reason: str) -> bool:
        return self._send(
            c.RecordPreviewComment(
                preview_id=row.id, operation_id=operation_id, posted=posted, reason=reason
            )
        )

    def _send(self, command: c.Command) -> bool:
        """True when the command recorded something (False: refused, or nothing to do)."""
        result = report(self.bus, self._ctx, command, log, self._wait_for)
        return result is not None and result.position is not None
