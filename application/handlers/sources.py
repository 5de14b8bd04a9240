"""Handlers for services' connected repositories, their webhooks, and connection health
(issue 14). The provider was asked before (the repository check on the way in, or the git
connections process): these only record."""

from __future__ import annotations

from uuid import UUID

from application import commands as c
from application.errors import NotFoundError
from application.handlers.common import live_service
from application.handlers.git import live_connection
from application.unit_of_work import UnitOfWork
from domain.git_connection import GitConnection, clone_url
from domain.service import Service
from domain.service_source import check_full_name


def connect_service_repository(cmd: c.ConnectServiceRepository, uow: UnitOfWork) -> dict[str, UUID]:
    """Connect a repository to a service: its git source follows, and the connection's token
    (sealed again for the service) is what clones it."""
    service = live_service(uow, cmd.service_id)
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
    repository = check_full_name(cmd.repository)
    changed = service.connect_repository(
        connection.id,
        repository,
        cmd.branch,
        cmd.webhook_mode,
        clone_url=clone_url(connection.provider, connection.api_url, repository),
        actor=uow.actor,
        now=uow.now,
    )
    if changed and connection.access_token is not None:
        org = connection.organization_id
        token = uow.secrets.open(
            org, GitConnection.token_context(connection.id), connection.access_token
        )
        sealed = uow.secrets.seal(org, service.token_context(), token)
        service.change_repository_token(sealed, actor=uow.actor, now=uow.now)
    return {"service_id": service.id}


def disconnect_service_repository(
    cmd: c.DisconnectServiceRepository, uow: UnitOfWork
) -> dict[str, UUID]:
    """Stop hearing a service's repository (nothing to do when none is connected)."""
    service = live_service(uow, cmd.service_id)
    service.disconnect_repository(actor=uow.actor, now=uow.now)
    return {"service_id": service.id}


def report_git_connection_access(
    cmd: c.ReportGitConnectionAccess, uow: UnitOfWork
) -> dict[str, UUID]:
    """A check's finding: recorded only when it changes the connection's known access."""
    connection = live_connection(uow, cmd.connection_id)
    if cmd.login is not None:
        connection.access_confirmed(cmd.login, actor=uow.actor, now=uow.now)
    else:
        reason = cmd.reason or "the provider refused the token"
        connection.access_refused(reason, actor=uow.actor, now=uow.now)
    return {"connection_id": connection.id}


def report_webhook_registered(cmd: c.ReportWebhookRegistered, uow: UnitOfWork) -> dict[str, UUID]:
    """The provider has the webhook (a late or repeated report changes nothing)."""
    service = uow.get(Service, cmd.service_id, "service")
    service.webhook_registered(
        cmd.connection_id,
        cmd.repository,
        cmd.hook_id,
        cmd.secret_generation,
        actor=uow.actor,
        now=uow.now,
    )
    return {"service_id": service.id}


def report_webhook_refused(cmd: c.ReportWebhookRefused, uow: UnitOfWork) -> dict[str, UUID]:
    """The provider refused the webhook: shown on the service with the provider's reason."""
    service = uow.get(Service, cmd.service_id, "service")
    service.webhook_refused(
        cmd.connection_id, cmd.repository, cmd.reason, actor=uow.actor, now=uow.now
    )
    return {"service_id": service.id}


def report_webhook_removed(cmd: c.ReportWebhookRemoved, uow: UnitOfWork) -> dict[str, UUID]:
    """The disconnected repository's webhook is gone from the provider (once)."""
    service = uow.get(Service, cmd.service_id, "service")
    service.webhook_removed(cmd.connection_id, cmd.repository, actor=uow.actor, now=uow.now)
    return {"service_id": service.id}
