"""Handlers for deployments: requests, rollbacks, and the outcomes process managers report."""

from __future__ import annotations

from uuid import UUID, uuid4

from application.commands import (
    CancelDeployment,
    ExpireDeployment,
    FailDeployment,
    PromoteDeployment,
    RecordBuilt,
    RecordHealthy,
    RecordPreviousRetired,
    RecordReplicaHealth,
    RecordRestarted,
    RedeployService,
    ReportReplicaCrashLooping,
    ReportReplicaLost,
    ReportReplicaReplaced,
    RequestDeployment,
    RestartService,
    RollbackService,
    StartBuild,
    StartReplicas,
    SupersedeDeployment,
)
from application.errors import ForbiddenError, InvalidValueError, NotFoundError
from application.handlers.common import live_project, live_service
from application.unit_of_work import UnitOfWork
from domain.deployment import Deployment, DeploymentState, DeploymentTrigger, UploadedSource
from domain.errors import RuleViolatedError
from domain.ids import DeploymentId
from domain.node import Node
from domain.service import Service
from domain.variables import VariableSet

_COMMIT_CHARS = set("0123456789abcdef")


def variables_version_of(
    uow: UnitOfWork, environment_id: UUID, service_id: UUID
) -> tuple[int, int]:
    """The versions of the shared and the service's variable sets (0 when there is none)."""
    versions = []
    for owner in (None, service_id):
        found = uow.find(VariableSet, VariableSet.id_for(environment_id, owner))
        versions.append(found.version if found is not None else 0)
    return versions[0], versions[1]


def _deployment(uow: UnitOfWork, deployment_id: UUID) -> Deployment:
    return uow.get(Deployment, deployment_id, "deployment")


def request_deployment(cmd: RequestDeployment, uow: UnitOfWork) -> dict[str, UUID]:
    """Queue a release of the service's current spec into an environment."""
    service = live_service(uow, cmd.service_id)
    project = live_project(uow, service.project_id)
    if cmd.environment_id not in project.environments:
        raise NotFoundError(
            "environment",
            cmd.environment_id,
            field="environment_id",
            message=f"environment {cmd.environment_id} is not an environment of the project "
            f"{project.name!r}; choose one of its environments",
        )
    commit = cmd.commit.lower() if cmd.commit else None
    if commit is not None and not (7 <= len(commit) <= 64 and set(commit) <= _COMMIT_CHARS):
        raise InvalidValueError(
            "commit",
            f"{cmd.commit!r} is not a commit sha: give 7 to 64 hex digits, "
            "or leave it out to deploy the head of the branch",
        )
    if commit is not None and service.spec.git is None:
        raise InvalidValueError(
            "commit", "only services built from git have commits; leave it out for an image"
        )
    return _request(uow, cmd, service, project.id, commit, _uploaded(uow, cmd, service, commit))


def _uploaded(
    uow: UnitOfWork, cmd: RequestDeployment, service: Service, commit: str | None
) -> UploadedSource | None:
    """The uploaded archive the release builds, checked to be the service's organisation's."""
    if cmd.source_archive_id is None:
        if service.spec.from_uploads:
            raise InvalidValueError(
                "source_archive",
                f"service {service.name!r} is built from uploaded directories: deploy one "
                "with `containr deploy` (or pass sourceArchive, the id of an archive uploaded "
                "to POST /uploads)",
            )
        return None
    if service.spec.image is not None:
        raise InvalidValueError(
            "source_archive",
            f"service {service.name!r} runs the image {service.spec.image}, which is not "
            "built: change its source to git (or none, for uploads) before deploying a directory",
        )
    if commit is not None:
        raise InvalidValueError("commit", "give a commit or a source archive, not both")
    archive = uow.archives.info(cmd.source_archive_id) if uow.archives is not None else None
    if archive is None:
        raise NotFoundError("source archive", cmd.source_archive_id)
    if archive.organization_id != service.organization_id:
        raise ForbiddenError("the source archive was uploaded to another organisation")
    return UploadedSource(archive_id=archive.id, digest=archive.digest, size=archive.size)


def _request(
    uow: UnitOfWork,
    cmd: RequestDeployment,
    service: Service,
    project_id: UUID,
    commit: str | None,
    uploaded: UploadedSource | None,
) -> dict[str, UUID]:
    deployment_id = DeploymentId(uuid4())
    uow.add(
        Deployment.request(
            deployment_id,
            organization_id=service.organization_id,
            project_id=project_id,
            service_id=service.id,
            environment_id=cmd.environment_id,
            trigger=DeploymentTrigger(cmd.trigger),
            spec=service.spec,
            commit=commit,
            image=service.spec.image,
            variables_version=variables_version_of(uow, cmd.environment_id, service.id),
            source_archive=uploaded,
            untrusted_source=cmd.untrusted_source,
            policy=uow.deadlines,
            actor=uow.actor,
            now=uow.now,
        )
    )
    return {"deployment_id": deployment_id, "service_id": service.id}


def rollback_service(cmd: RollbackService, uow: UnitOfWork) -> dict[str, UUID]:
    """Release an earlier healthy release again: the same spec, image and variable versions."""
    target = _deployment(uow, cmd.deployment_id)
    service = live_service(uow, target.service_id)
    live_project(uow, service.project_id)
    was_healthy = any(step.state is DeploymentState.HEALTHY for step in target.history)
    if target.image is None or not was_healthy:
        raise RuleViolatedError(
            f"deployment {target.id} never became healthy, so there is nothing to roll back "
            "to; choose a release that was healthy"
        )
    if service.live_release(target.environment_id) == target.id:
        raise RuleViolatedError(
            f"deployment {target.id} is already the live release; choose an earlier one"
        )
    deployment_id = DeploymentId(uuid4())
    uow.add(
        Deployment.request(
            deployment_id,
            organization_id=target.organization_id,
            project_id=target.project_id,
            service_id=target.service_id,
            environment_id=target.environment_id,
            trigger=DeploymentTrigger.ROLLBACK,
            spec=target.spec,
            commit=target.commit,
            image=target.image,
            variables_version=(target.variables_version[0], target.variables_version[1]),
            rollback_of=target.id,
            source_archive=target.source_archive,  # what it was built from, for redeploys
            policy=uow.deadlines,
            actor=uow.actor,
            now=uow.now,
        )
    )
    return {"deployment_id": deployment_id, "service_id": service.id}


def promote_deployment(cmd: PromoteDeployment, uow: UnitOfWork) -> dict[str, UUID]:
    """Release an existing release's exact image into another environment of its project,
    with that environment's variables: nothing is built (the deployer takes the image by
    its id on the node). Refused, recording nothing, when the release has no built image or
    the environment is not another one of the same project."""
    source = _deployment(uow, cmd.deployment_id)
    service = live_service(uow, source.service_id)
    project = live_project(uow, service.project_id)
    if cmd.environment_id not in project.environments:
        raise NotFoundError(
            "environment",
            cmd.environment_id,
            field="environment_id",
            message=f"environment {cmd.environment_id} is not an environment of the project "
            f"{project.name!r}; a release is promoted within its own project",
        )
    if cmd.environment_id == source.environment_id:
        raise InvalidValueError(
            "environment_id",
            "the release already runs in this environment; promote it to another one "
            "(or roll back to it here)",
        )
    built = any(step.state is DeploymentState.BUILT for step in source.history)
    if source.image is None or not built:
        raise RuleViolatedError(
            f"deployment {source.id} has no built image ({source.state.value}); promote a "
            "release that was built"
        )
    deployment_id = DeploymentId(uuid4())
    uow.add(
        Deployment.request(
            deployment_id,
            organization_id=source.organization_id,
            project_id=source.project_id,
            service_id=source.service_id,
            environment_id=cmd.environment_id,
            trigger=DeploymentTrigger.PROMOTION,
            spec=source.spec,
            commit=source.commit,
            image=source.image,
            variables_version=variables_version_of(uow, cmd.environment_id, service.id),
            promoted_from=source.id,
            source_archive=source.source_archive,  # what it was built from, for redeploys
            policy=uow.deadlines,
            actor=uow.actor,
            now=uow.now,
        )
    )
    return {"deployment_id": deployment_id, "service_id": service.id}


def cancel_deployment(cmd: CancelDeployment, uow: UnitOfWork) -> dict[str, UUID]:
    """Stop an unfinished release."""
    deployment = _deployment(uow, cmd.deployment_id)
    deployment.cancel(cmd.reason, actor=uow.actor, now=uow.now)
    _release_ports(uow, deployment)
    return {"deployment_id": deployment.id}


def start_build(cmd: StartBuild, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that the build began."""
    deployment = _deployment(uow, cmd.deployment_id)
    deployment.start_build(
        policy=uow.deadlines, operation_id=cmd.operation_id, actor=uow.actor, now=uow.now
    )
    return {"deployment_id": deployment.id}


def record_built(cmd: RecordBuilt, uow: UnitOfWork) -> dict[str, UUID]:
    """Record the release's image (and the commit it was built from)."""
    deployment = _deployment(uow, cmd.deployment_id)
    deployment.record_built(
        cmd.image,
        reused=cmd.reused,
        commit=cmd.commit,
        commit_message=cmd.commit_message,
        commit_author=cmd.commit_author,
        policy=uow.deadlines,
        operation_id=cmd.operation_id,
        actor=uow.actor,
        now=uow.now,
    )
    return {"deployment_id": deployment.id}


def start_replicas(cmd: StartReplicas, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that the release's replicas are starting, and where."""
    deployment = _deployment(uow, cmd.deployment_id)
    applied = deployment.start_replicas(
        policy=uow.deadlines,
        operation_id=cmd.operation_id,
        actor=uow.actor,
        now=uow.now,
        placements=dict(cmd.placements),
        explanation=cmd.explanation,
    )
    if applied:
        _allocate_ports(uow, deployment)
    return {"deployment_id": deployment.id}


def _allocate_ports(uow: UnitOfWork, deployment: Deployment) -> None:
    """Give each placed replica a host port from its node's range (issue 18), recorded on the
    node in the same save: two releases placed at once on one node conflict on its version
    and the bus tries the second again, so no port is given twice. Ports still held by
    releases that are over (superseded, failed, rolled back) are released first."""
    for replica, node_id in sorted(deployment.placements.items()):
        node = uow.get(Node, node_id, "node")
        for holder in {h.deployment_id for h in node.ports.values()} - {deployment.id}:
            other = uow.find(Deployment, holder)
            if other is None or other.state.is_final:
                node.release_ports(holder, actor=uow.actor, now=uow.now)
        node.allocate_port(deployment.id, replica, actor=uow.actor, now=uow.now)


def _release_ports(uow: UnitOfWork, deployment: Deployment) -> None:
    """Free the host ports of a release that is over."""
    if not deployment.state.is_final:
        return
    for node_id in set(deployment.placements.values()):
        node = uow.find(Node, node_id)
        if node is not None and not node.removed:
            node.release_ports(deployment.id, actor=uow.actor, now=uow.now)


def supersede_deployment(cmd: SupersedeDeployment, uow: UnitOfWork) -> dict[str, UUID]:
    """A newer release takes the place of a queued one."""
    deployment = _deployment(uow, cmd.deployment_id)
    if deployment.state is DeploymentState.QUEUED:
        deployment.supersede(DeploymentId(cmd.by), actor=uow.actor, now=uow.now)
    return {"deployment_id": deployment.id}


def _live(uow: UnitOfWork, service_id: UUID, environment_id: UUID) -> Deployment:
    service = live_service(uow, service_id)
    live_id = service.live_release(environment_id)
    if live_id is None:
        raise RuleViolatedError(
            "the service has no live release in this environment yet; deploy it first"
        )
    return _deployment(uow, live_id)


def redeploy_service(cmd: RedeployService, uow: UnitOfWork) -> dict[str, UUID]:
    """Queue a new release of what is live now (same commit, today's settings and variables)."""
    live = _live(uow, cmd.service_id, cmd.environment_id)
    request = RequestDeployment(
        service_id=cmd.service_id,
        environment_id=cmd.environment_id,
        commit=live.commit if live.spec.git is not None and live.source_archive is None else None,
        trigger="redeploy",
    )
    if live.source_archive is None:
        return request_deployment(request, uow)
    # What is live was uploaded: build the same archive again (it is kept while live).
    service = live_service(uow, cmd.service_id)
    project = live_project(uow, service.project_id)
    if service.spec.image is not None:
        return request_deployment(request, uow)
    return _request(uow, request, service, project.id, None, live.source_archive)


def restart_service(cmd: RestartService, uow: UnitOfWork) -> dict[str, UUID]:
    """Ask for the live release's replicas to be restarted."""
    live = _live(uow, cmd.service_id, cmd.environment_id)
    live.request_restart(
        f"{live.id}:restart:{uow.now.timestamp()}", cmd.reason, actor=uow.actor, now=uow.now
    )
    return {"deployment_id": live.id}


def record_restarted(cmd: RecordRestarted, uow: UnitOfWork) -> dict[str, UUID]:
    """The requested restart happened."""
    deployment = _deployment(uow, cmd.deployment_id)
    deployment.record_restarted(cmd.operation_id, actor=uow.actor, now=uow.now)
    return {"deployment_id": deployment.id}


def report_replica_lost(cmd: ReportReplicaLost, uow: UnitOfWork) -> dict[str, UUID]:
    """Record drift: a replica of a live release stopped running."""
    deployment = _deployment(uow, cmd.deployment_id)
    deployment.lose_replica(
        cmd.replica,
        cmd.reason,
        operation_id=cmd.operation_id,
        exit_code=cmd.exit_code,
        actor=uow.actor,
        now=uow.now,
    )
    return {"deployment_id": deployment.id}


def report_replica_replaced(cmd: ReportReplicaReplaced, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that a lost replica runs again."""
    deployment = _deployment(uow, cmd.deployment_id)
    deployment.replace_replica(
        cmd.replica, cmd.container, operation_id=cmd.operation_id, actor=uow.actor, now=uow.now
    )
    return {"deployment_id": deployment.id}


def report_replica_crash_looping(
    cmd: ReportReplicaCrashLooping, uow: UnitOfWork
) -> dict[str, UUID]:
    """Record that a replica keeps dying (once, until it runs again)."""
    deployment = _deployment(uow, cmd.deployment_id)
    deployment.record_crash_loop(
        cmd.replica,
        deaths=cmd.deaths,
        exit_code=cmd.exit_code,
        last_lines=tuple(cmd.last_lines),
        operation_id=cmd.operation_id,
        actor=uow.actor,
        now=uow.now,
    )
    return {"deployment_id": deployment.id}


def record_replica_health(cmd: RecordReplicaHealth, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a probe's new verdict on a replica."""
    deployment = _deployment(uow, cmd.deployment_id)
    deployment.record_replica_health(
        cmd.replica, cmd.probe, cmd.passing, cmd.detail, actor=uow.actor, now=uow.now
    )
    return {"deployment_id": deployment.id}


def record_previous_retired(cmd: RecordPreviousRetired, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that the releases a live release replaced have no replicas left."""
    deployment = _deployment(uow, cmd.deployment_id)
    deployment.record_retired(cmd.operation_id, actor=uow.actor, now=uow.now)
    return {"deployment_id": deployment.id}


def record_healthy(cmd: RecordHealthy, uow: UnitOfWork) -> dict[str, UUID]:
    """Promote a healthy release; the release it replaces is superseded or rolled back."""
    deployment = _deployment(uow, cmd.deployment_id)
    applied = deployment.record_healthy(
        policy=uow.deadlines, operation_id=cmd.operation_id, actor=uow.actor, now=uow.now
    )
    if applied:
        service = uow.get(Service, deployment.service_id, "service")
        previous_id = service.live_release(deployment.environment_id)
        if previous_id is not None and previous_id != deployment.id:
            previous = _deployment(uow, previous_id)
            if previous.state is DeploymentState.HEALTHY:
                by = DeploymentId(deployment.id)
                if deployment.is_rollback:
                    previous.roll_back(by, actor=uow.actor, now=uow.now)
                else:
                    previous.supersede(by, actor=uow.actor, now=uow.now)
        service.promote(
            deployment.environment_id, DeploymentId(deployment.id), actor=uow.actor, now=uow.now
        )
    return {"deployment_id": deployment.id}


def fail_deployment(cmd: FailDeployment, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that the release failed."""
    deployment = _deployment(uow, cmd.deployment_id)
    if not cmd.reason.strip():
        raise InvalidValueError("reason", "must not be blank; say why the deployment failed")
    if deployment.fail(cmd.reason, operation_id=cmd.operation_id, actor=uow.actor, now=uow.now):
        _release_ports(uow, deployment)
    return {"deployment_id": deployment.id}


def expire_deployment(cmd: ExpireDeployment, uow: UnitOfWork) -> dict[str, UUID]:
    """Fail the release if it is past its deadline (nothing happens otherwise)."""
    deployment = _deployment(uow, cmd.deployment_id)
    deployment.expire(actor=uow.actor, now=uow.now)
    _release_ports(uow, deployment)
    return {"deployment_id": deployment.id}
