"""Handlers for git connections, push triggers and webhook deliveries (issue 14)."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from uuid import UUID, uuid4

from application import commands as c
from application.errors import InvalidValueError, NotFoundError
from application.handlers.common import live_project, live_service
from application.handlers.deployments import variables_version_of
from application.handlers.previews import handle_pull_request
from application.secrets import Secret
from application.unit_of_work import UnitOfWork
from application.webhooks import SecretsChangedError
from domain.commit_checks import CommitChecks
from domain.commit_status import CommitStatus
from domain.deployment import Deployment, DeploymentTrigger
from domain.git_connection import GitConnection
from domain.ids import DeploymentId
from domain.organization import Organization
from domain.project import Project
from domain.reservation import Reservation
from domain.service import Service
from domain.triggers import PushDecision, PushTrigger, decide_push, repository_full_name
from domain.webhook_delivery import Caused, DeliveryFact, WebhookDelivery

MAX_DELIVERY_ID_LENGTH = 200
_COMMIT = re.compile(r"^[0-9a-f]{7,64}$")


def new_webhook_secret() -> Secret:
    """A webhook secret: 32 random bytes, URL-safe (what people paste at the provider)."""
    return Secret(secrets.token_urlsafe(32))


def live_connection(uow: UnitOfWork, connection_id: UUID) -> GitConnection:
    """A git connection that exists and is not removed (NotFoundError otherwise)."""
    connection = uow.get(GitConnection, connection_id, "git connection")
    if connection.removed:
        raise NotFoundError("git connection", connection_id)
    return connection


def create_git_connection(cmd: c.CreateGitConnection, uow: UnitOfWork) -> dict[str, UUID]:
    """Connect a provider; the token and a new webhook secret are sealed before any event."""
    uow.get(Organization, cmd.organization_id, "organization")
    connection_id = uuid4()
    token = None
    if cmd.access_token is not None:
        if not cmd.access_token.reveal().strip():
            raise InvalidValueError("access_token", "must not be empty; leave it out instead")
        token = uow.secrets.seal(
            cmd.organization_id, GitConnection.token_context(connection_id), cmd.access_token
        )
    secret = uow.secrets.seal(
        cmd.organization_id, GitConnection.secret_context(connection_id), new_webhook_secret()
    )
    uow.add(
        GitConnection.create(
            connection_id,
            organization_id=cmd.organization_id,
            provider=cmd.provider,
            name=cmd.name,
            api_url=cmd.api_url,
            access_token=token,
            webhook_secret=secret,
            actor=uow.actor,
            now=uow.now,
        )
    )
    return {"connection_id": connection_id}


def rotate_webhook_secret(cmd: c.RotateWebhookSecret, uow: UnitOfWork) -> dict[str, UUID]:
    """A new webhook secret; the previous one is still accepted for the overlap."""
    connection = live_connection(uow, cmd.connection_id)
    secret = uow.secrets.seal(
        connection.organization_id,
        GitConnection.secret_context(connection.id),
        new_webhook_secret(),
    )
    connection.rotate_webhook_secret(
        secret, timedelta(hours=cmd.overlap_hours), actor=uow.actor, now=uow.now
    )
    return {"connection_id": connection.id}


def remove_git_connection(cmd: c.RemoveGitConnection, uow: UnitOfWork) -> dict[str, UUID]:
    """Forget a connection."""
    connection = live_connection(uow, cmd.connection_id)
    connection.remove(actor=uow.actor, now=uow.now)
    return {"connection_id": connection.id}


def set_service_triggers(cmd: c.SetServiceTriggers, uow: UnitOfWork) -> dict[str, UUID]:
    """Which pushes deploy a service where; the connection and environments are checked."""
    service = live_service(uow, cmd.service_id)
    project = live_project(uow, service.project_id)
    if cmd.connection_id is not None:
        connection = uow.find(GitConnection, cmd.connection_id)
        if (
            connection is None
            or connection.removed
            or connection.organization_id != service.organization_id
        ):
            raise NotFoundError(
                "git connection",
                cmd.connection_id,
                field="connection_id",
                message=f"git connection {cmd.connection_id} is not one of the organisation's; "
                "choose one of its git connections",
            )
        if connection.access_token is None and any(
            t.wait_for_ci and t.automatic for t in cmd.triggers
        ):
            raise InvalidValueError(
                "triggers.wait_for_ci",
                f"git connection {connection.name!r} has no access token: Containr cannot "
                "read a commit's checks without one; give the connection a token",
            )
    for trigger in cmd.triggers:
        if trigger.environment_id not in project.environments:
            raise NotFoundError(
                "environment",
                trigger.environment_id,
                field="triggers.environment_id",
                message=f"environment {trigger.environment_id} is not an environment of the "
                f"project {project.name!r}; choose one of its environments",
            )
    triggers = tuple(
        PushTrigger(
            branch=t.branch,
            environment_id=t.environment_id,
            automatic=t.automatic,
            watch_paths=tuple(t.watch_paths),
            wait_for_ci=t.wait_for_ci,
        )
        for t in cmd.triggers
    )
    service.set_triggers(cmd.connection_id, triggers, actor=uow.actor, now=uow.now)
    return {"service_id": service.id}


def record_webhook_delivery(cmd: c.RecordWebhookDelivery, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a verified delivery once. A redelivery (same delivery id) records nothing; nor
    does a replay (the same signed body under another delivery id: the providers do not sign
    the id), which answers the first delivery's id.

    Both are nearly always new: they are taken to be absent unless this process remembers
    them (``find_known``), and the commit's primary key is the existence check (a unit that
    creates one already recorded is refused and tried again on the database's state)."""
    connection = live_connection(uow, cmd.connection_id)
    if cmd.connection_version is not None and connection.version != cmd.connection_version:
        raise SecretsChangedError(
            f"git connection {connection.id} changed while the delivery was verified"
        )
    if not 0 < len(cmd.delivery_id) <= MAX_DELIVERY_ID_LENGTH:
        raise InvalidValueError("delivery_id", f"must be 1 to {MAX_DELIVERY_ID_LENGTH} characters")
    delivery_id = WebhookDelivery.id_for(connection.id, cmd.delivery_id)
    if uow.find_known(WebhookDelivery, delivery_id) is not None:
        return {"delivery_id": delivery_id}
    scope = f"git-connection/{connection.id}/delivery-bodies"
    seen = uow.find_known(Reservation, Reservation.id_for(scope, cmd.digest))
    if seen is not None and seen.holder_id is not None:
        return {"delivery_id": seen.holder_id}
    if seen is not None:  # released (nothing releases these today): take it again
        seen.take(delivery_id, actor=uow.actor, now=uow.now)
    else:
        uow.add(Reservation.claim(scope, cmd.digest, delivery_id, actor=uow.actor, now=uow.now))
    uow.add(
        WebhookDelivery.receive(
            organization_id=connection.organization_id,
            connection_id=connection.id,
            delivery_id=cmd.delivery_id,
            event=cmd.event,
            fact=cmd.fact,
            actor=uow.actor,
            now=uow.now,
        )
    )
    return {"delivery_id": delivery_id}


def handle_webhook_delivery(cmd: c.HandleWebhookDelivery, uow: UnitOfWork) -> dict[str, UUID]:
    """Request the deployments a delivery causes and record it handled, in one transaction:
    a retry after a crash finds it handled (or nothing recorded) and requests nothing twice."""
    delivery = uow.get(WebhookDelivery, cmd.delivery_id, "webhook delivery")
    if delivery.handled:
        return {"delivery_id": delivery.id}
    fact = delivery.fact
    caused: list[Caused] = []
    if fact.kind == "push":
        reason = _push(uow, delivery, fact, cmd.service_ids, caused)
    elif fact.kind == "pull_request":
        reason = handle_pull_request(uow, delivery, cmd, caused)
    else:
        reason = _NOT_ACTED_ON.get(fact.kind, "") or fact.reason or f"{fact.kind}: not acted on"
    delivery.handle(caused, reason, actor=uow.actor, now=uow.now)
    return {"delivery_id": delivery.id}


_NOT_ACTED_ON = {
    "release": "releases do not deploy; pushes to branches do",
    "ping": "the provider checked that the webhook answers",
}


def _push(
    uow: UnitOfWork,
    delivery: WebhookDelivery,
    fact: DeliveryFact,
    service_ids: list[UUID],
    caused: list[Caused],
) -> str:
    """What a push does to each watching service; the reason that sums it up."""
    if fact.ref_kind != "branch":
        return f"tag {fact.ref!r} pushed: tags do not deploy, pushes to branches do"
    if fact.commit is None:
        return f"branch {fact.ref!r} was deleted: nothing to deploy"
    if not _COMMIT.match(fact.commit):
        return f"the pushed commit {fact.commit[:80]!r} is not a commit sha: nothing to deploy"
    repository = fact.repository.lower()
    for service_id in dict.fromkeys(service_ids):
        service = uow.find(Service, service_id)
        if (
            service is None
            or service.deleted
            or service.git_connection_id != delivery.connection_id
            or service.organization_id != delivery.organization_id
            or service.spec.git is None
            or repository_full_name(service.spec.git.repository_url) != repository
        ):
            continue
        decisions = decide_push(
            service.triggers,
            branch=fact.ref,
            message=fact.message,
            paths=fact.paths,
            paths_complete=fact.paths_complete,
        )
        caused += [_carry_out(uow, delivery, service, d) for d in decisions]
    if not caused:
        return f"no service deploys pushes to {fact.ref!r} of {fact.repository}"
    counts = {
        o: sum(1 for x in caused if x.outcome == o) for o in ("deploy", "wait", "checks", "skip")
    }
    waits = f"{counts['wait']} commit(s) waiting, "
    if counts["checks"]:
        waits += f"{counts['checks']} waiting for checks, "
    return (
        f"push to {fact.ref!r}: {counts['deploy']} deployment(s) requested, "
        f"{waits}{counts['skip']} skipped"
    )


def _carry_out(
    uow: UnitOfWork, delivery: WebhookDelivery, service: Service, decision: PushDecision
) -> Caused:
    """Request the deployment a decision asks for (a derived id: at most once), or record
    the commit as waiting for its checks."""
    commit = delivery.fact.commit
    env = decision.environment_id
    if decision.action not in ("deploy", "checks"):
        return Caused(service.id, env, decision.action, decision.reason, commit)
    project = uow.find(Project, service.project_id)
    if project is None or project.is_deleted or env not in project.environments:
        return Caused(service.id, env, "skip", "the environment no longer exists", commit)
    assert commit is not None  # a push with decisions names its commit
    if decision.action == "checks":
        checks_id = CommitChecks.id_for(delivery.id, service.id, env)
        if uow.find(CommitChecks, checks_id) is None:
            uow.add(
                CommitChecks.wait(
                    organization_id=service.organization_id,
                    project_id=project.id,
                    service_id=service.id,
                    environment_id=env,
                    connection_id=delivery.connection_id,
                    delivery_id=delivery.id,
                    repository=delivery.fact.repository,
                    branch=delivery.fact.ref,
                    commit=commit,
                    reason=decision.reason,
                    actor=uow.actor,
                    now=uow.now,
                )
            )
        return Caused(service.id, env, "checks", decision.reason, commit)
    deployment_id = request_push_deployment(uow, delivery.id, service, project, env, commit)
    return Caused(service.id, env, "deploy", decision.reason, commit, deployment_id)


def request_push_deployment(
    uow: UnitOfWork,
    delivery_id: UUID,
    service: Service,
    project: Project,
    environment_id: UUID,
    commit: str,
) -> DeploymentId:
    """Request the deployment of a pushed commit, once: its id is derived from the delivery,
    the service and the environment."""
    deployment_id = DeploymentId(
        WebhookDelivery.deployment_id_for(delivery_id, service.id, environment_id)
    )
    if uow.find(Deployment, deployment_id) is None:
        uow.add(
            Deployment.request(
                deployment_id,
                organization_id=service.organization_id,
                project_id=project.id,
                service_id=service.id,
                environment_id=environment_id,
                trigger=DeploymentTrigger.GIT_PUSH,
                spec=service.spec,
                commit=commit,
                image=service.spec.image,
                variables_version=variables_version_of(uow, environment_id, service.id),
                policy=uow.deadlines,
                actor=uow.actor,
                now=uow.now,
            )
        )
    return deployment_id


def end_commit_checks(cmd: c.EndCommitChecks, uow: UnitOfWork) -> dict[str, UUID]:
    """End a commit's wait for its checks, once; when they passed, request its deployment
    (unless the service or environment is gone: then the wait ends with that reason)."""
    checks = uow.get(CommitChecks, cmd.checks_id, "commit waiting for checks")
    if not checks.waiting:
        return {"checks_id": checks.id}
    outcome, summary = cmd.outcome, cmd.summary
    deployment_id: UUID | None = None
    if outcome == "passed":
        service = uow.find(Service, checks.service_id)
        project = uow.find(Project, checks.project_id)
        if service is None or service.deleted or project is None or project.is_deleted:
            outcome, summary = "gave_up", f"{summary}; but the service no longer exists"
        elif checks.environment_id not in project.environments:
            outcome, summary = "gave_up", f"{summary}; but the environment no longer exists"
        else:
            deployment_id = request_push_deployment(
                uow, checks.delivery_id, service, project, checks.environment_id, checks.commit
            )
    checks.end(
        outcome,
        summary,
        deployment_id=deployment_id,
        superseded_by=cmd.superseded_by,
        actor=uow.actor,
        now=uow.now,
    )
    result = {"checks_id": checks.id}
    if deployment_id is not None:
        result["deployment_id"] = deployment_id
    return result


def _commit_status(
    uow: UnitOfWork, cmd: c.RecordCommitStatus | c.StopCommitStatuses
) -> CommitStatus:
    found = uow.find(CommitStatus, CommitStatus.id_for(cmd.deployment_id))
    if found is not None:
        return found
    deployment = uow.get(Deployment, cmd.deployment_id, "deployment")
    status = CommitStatus.follow(
        organization_id=deployment.organization_id,
        deployment_id=deployment.id,
        connection_id=cmd.connection_id,
        repository=cmd.repository,
        commit=cmd.commit,
        context=cmd.context,
        actor=uow.actor,
        now=uow.now,
    )
    uow.add(status)
    return status


def record_commit_status(cmd: c.RecordCommitStatus, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that the provider accepted a deployment's next commit status (a repeat of one
    recorded already records nothing)."""
    status = _commit_status(uow, cmd)
    status.report(cmd.number, cmd.state, cmd.description, actor=uow.actor, now=uow.now)
    return {"deployment_id": cmd.deployment_id}


def stop_commit_statuses(cmd: c.StopCommitStatuses, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that a deployment's commit statuses stop, and why (once)."""
    status = _commit_status(uow, cmd)
    status.stop(cmd.reason[:500], actor=uow.actor, now=uow.now)
    return {"deployment_id": cmd.deployment_id}
