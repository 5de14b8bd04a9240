"""What the process managers share: labels, names, variables and log writing."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, CommandResult, Context
from application.errors import ApplicationError, DomainError, UnavailableError
from application.logs import LogStore, Redactor, Stream
from application.ports import SecretBox
from application.processes.resolution import resolved_variables
from application.queries import Queries
from application.secrets import Secret
from domain.deployment import Deployment
from domain.environment_access import AccessMode
from domain.service import Service
from domain.variables import variables_withheld

MANAGED = "containr.managed"
DEPLOYMENT = "containr.deployment"
SERVICE = "containr.service"
ENVIRONMENT = "containr.environment"
PROJECT = "containr.project"
ORGANIZATION = "containr.organization"
REPLICA = "containr.replica"
OPERATION = "containr.operation"
CRON_RUN = "containr.cron-run"
"""A cron run's container: its run id (such a container carries no deployment label, so the
reconciler and the deployer leave it to the cron process manager)."""
BACKUP_OPERATION = "containr.backup"
"""A backup's or restore's helper or scratch database: the operation's id (no deployment
label either: the backup process removes them, never the reconciler)."""
INSTANCE = "containr.instance"
"""Which Containr installation owns a container: two may share one Docker engine."""
VOLUME = "containr.volume"
"""The name a service gave one of its volumes (on the engine's volume)."""


def image_labels(deployment: Deployment, instance: str) -> dict[str, str]:
    """The labels of an image Containr builds: its installation's (so it may be collected,
    and only by it), the organisation's, and the service and release it was built for."""
    return {
        MANAGED: "true",
        INSTANCE: instance,
        ORGANIZATION: str(deployment.organization_id),
        SERVICE: str(deployment.service_id),
        DEPLOYMENT: str(deployment.id),
    }


def report(
    bus: CommandBus,
    ctx: Context,
    command: c.Command,
    logger: logging.Logger,
    wait_for: Callable[[int], object] | None = None,
) -> CommandResult | None:
    """How a process manager reports what it did or saw: one command, as its actor.

    A refusal (the report was made already, or no longer applies: another worker or an
    operator got there first) is logged and answered None, and the process goes on. An
    UnavailableError is raised: not a refusal, the step fails and is tried again. With
    ``wait_for``, an accepted report is waited for until the read models hold it, so the
    process's next look sees its own report.
    """
    try:
        result = bus.execute(command, ctx)
    except UnavailableError:
        raise
    except (DomainError, ApplicationError) as e:
        logger.info("%s refused: %s", type(command).__name__, e)
        return None
    if wait_for is not None and result.position is not None:
        wait_for(result.position)
    return result


def labels_of(deployment: Deployment, instance: str, replica: int | None = None) -> dict[str, str]:
    """The labels every container of a release carries (and the replica's number)."""
    labels = {
        MANAGED: "true",
        INSTANCE: instance,
        ORGANIZATION: str(deployment.organization_id),
        PROJECT: str(deployment.project_id),
        SERVICE: str(deployment.service_id),
        ENVIRONMENT: str(deployment.environment_id),
        DEPLOYMENT: str(deployment.id),
    }
    if replica is not None:
        labels[REPLICA] = str(replica)
        labels[OPERATION] = f"{deployment.id}:replica:{replica}"
    return labels


def volume_name(
    instance: str, environment_id: UUID, service_id: UUID, volume: str, replica: int | None
) -> str:
    """The engine's name of a service's volume in an environment (and of one replica's,
    when each has its own): the same for every release, so data outlives them."""
    name = f"containr-{instance}-{environment_id.hex}-{service_id.hex}-{volume}"
    return name if replica is None else f"{name}-{replica}"


def volume_labels(
    deployment: Deployment, instance: str, volume: str, replica: int | None
) -> dict[str, str]:
    """The labels of a service's volume: whose it is (never which release: it outlives them)."""
    labels = {
        MANAGED: "true",
        INSTANCE: instance,
        ORGANIZATION: str(deployment.organization_id),
        PROJECT: str(deployment.project_id),
        SERVICE: str(deployment.service_id),
        ENVIRONMENT: str(deployment.environment_id),
        VOLUME: volume,
    }
    if replica is not None:
        labels[REPLICA] = str(replica)
    return labels


def container_name(service: Service, deployment: Deployment, replica: int) -> str:
    """A readable, unique container name."""
    return f"containr-{service.name}-{str(deployment.id)[:8]}-{replica}"


def route_id(instance: str, service_id: UUID, environment_id: UUID) -> str:
    """The ingress route of a service in an environment (``containr-<instance>-…``)."""
    return f"containr-{instance}-{service_id}-{environment_id}"


def route_guard(
    queries: Queries, environment_id: UUID, access_dial: str | None
) -> tuple[str | None, str | None] | None:
    """How an environment's routes are guarded: (None, None) when anyone may pass; the
    access check's address and URI for a members-only environment; None when it is
    members-only but the check cannot be reached (the route must not be made)."""
    access = queries.environment_access(environment_id)
    if access is None or access.mode is AccessMode.PUBLIC:
        return None, None
    if access_dial is None:
        return None
    return access_dial, f"/access/check?environment={environment_id}"


def network_name(environment_id: UUID) -> str:
    """One Docker network per environment: services reach each other by name inside it."""
    return f"containr-env-{str(environment_id)[:18]}"


def release_variables(queries: Queries, deployment: Deployment) -> dict[str, Secret]:
    """The variables the release's containers (and build) get: those at the versions it
    recorded (service overrides win) with their references resolved (issue 15), or none
    for a release of code from a fork when the organisation does not expose its variables
    to forks (issue 14)."""
    if deployment.untrusted_source and variables_withheld(
        untrusted_source=True,
        exposed_to_forks=queries.organization(deployment.organization_id).expose_secrets_to_forks,
    ):
        return {}
    return resolved_variables(queries, deployment, recorded_variables(queries, deployment))[0]


def recorded_variables(queries: Queries, deployment: Deployment) -> dict[str, Secret]:
    """The release's variables at the versions it recorded (service overrides win), whether
    or not it is given them: what its logs are masked with."""
    shared, own = deployment.variables_version
    values = dict(queries.reveal_variables(deployment.environment_id, None, version=shared))
    values.update(
        queries.reveal_variables(deployment.environment_id, deployment.service_id, version=own)
    )
    return values


def redactor_for(
    queries: Queries, secrets: SecretBox, deployment: Deployment, service: Service
) -> Redactor:
    """Masks every variable value of the release (as written and as resolved, and every
    value it references) and the repository token."""
    recorded = recorded_variables(queries, deployment)
    resolved, referenced = resolved_variables(queries, deployment, recorded)
    values = [v.reveal() for v in [*recorded.values(), *resolved.values(), *referenced.values()]]
    if service.repository_token is not None:
        values.append(repository_token(secrets, service).reveal())
    return Redactor(values)


def repository_token(secrets: SecretBox, service: Service) -> Secret:
    """The service's repository token, opened (only to hand it to git)."""
    assert service.repository_token is not None
    return secrets.open(service.organization_id, service.token_context(), service.repository_token)


class LogWriter:
    """Buffers a deployment's log lines (redacted) and writes them in small batches."""

    def __init__(
        self,
        store: LogStore,
        deployment: Deployment,
        stream: Stream,
        redactor: Redactor,
        *,
        replica: int | None = None,
        every: float = 0.2,
    ) -> None:
        self._store = store
        self._deployment = deployment
        self._stream = stream
        self._redactor = redactor
        self._replica = replica
        self._every = every
        self._buffer: list[str] = []
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def __call__(self, line: str) -> None:
        """Add a line (flushes when the batch is a fraction of a second old)."""
        with self._lock:
            self._buffer.append(self._redactor.redact(line.rstrip("\n")))
            due = time.monotonic() - self._last >= self._every or len(self._buffer) >= 200
        if due:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered."""
        with self._lock:
            lines, self._buffer = self._buffer, []
            self._last = time.monotonic()
        if lines:
            self._store.append(
                self._deployment.id,
                self._deployment.service_id,
                self._stream,
                lines,
                replica=self._replica,
            )


def every(seconds: float) -> Callable[[], bool]:
    """A gate that opens at most once per ``seconds`` (for costly checks in tight loops)."""
    last = [0.0]

    def due() -> bool:
        now = time.monotonic()
        if now - last[0] >= seconds:
            last[0] = now
            return True
        return False

    return due
