"""The GraphQL Mutation type: one mutation per application command, declared in a line or
three (see ``fields.mutation``), answered from the read model after it shows the write."""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

import msgspec
import strawberry
from strawberry.types import Info

from application import commands as c
from application.bus import CommandResult
from application.errors import ForbiddenError
from application.secrets import Secret
from interfaces.graphql import (
    access,
    agents,
    alerts,
    autoscaling,
    git,
    node_containers,
    notifiers,
    previews,
)
from interfaces.graphql import backup_destinations as destinations
from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import Arg, entity, mutation, uuid_of
from interfaces.graphql.rows import input_type
from interfaces.graphql.types import (
    Backup,
    BackupPlan,
    Cluster,
    CronRun,
    DatabaseRestore,
    Deployment,
    Environment,
    Guest,
    Node,
    Organization,
    Project,
    Service,
    Snapshot,
    Variable,
    Viewer,
    ctx,
)


@strawberry.type
class AuthPayload:
    """Tokens for a signed-in session."""

    access_token: str
    refresh_token: str
    expires_in: int
    user_id: strawberry.ID
    organization_id: strawberry.ID | None = None


@strawberry.type
class NewSecretToken:
    """A token shown once: store it now, it cannot be shown again."""

    id: strawberry.ID
    token: str


# Input types, derived from the structures the commands carry


def _structure(command: type[c.Command], field: str) -> type:
    """The structure (dataclass) a command field holds, without its None/UNSET options."""
    hint = typing.get_type_hints(command)[field]
    options = [a for a in typing.get_args(hint) if a not in (type(None), msgspec.UnsetType)] or [
        hint
    ]
    return options[0]  # type: ignore[no-any-return]


_GIT, _BUILD = _structure(c.UpdateService, "git"), _structure(c.UpdateService, "build")
_RESOURCES = _structure(c.UpdateService, "resources")
_HEALTH = _structure(c.UpdateService, "health_check")
_VOLUME = typing.get_args(_structure(c.UpdateService, "volumes"))[0]
_METRICS = _structure(c.UpdateService, "metrics_endpoint")
INPUTS: dict[type, type] = {
    _GIT: input_type(_GIT, "GitSourceInput", "A git repository to build from."),
    _BUILD: input_type(
        _BUILD, "BuildInput", "How to build: detect the runtime (auto) or use a Dockerfile."
    ),
    _RESOURCES: input_type(
        _RESOURCES, "ResourcesInput", "CPU (millicores) and memory (MiB) per replica."
    ),
    _HEALTH: input_type(
        _HEALTH, "HealthCheckInput", "A probe a replica must pass before it takes traffic."
    ),
    _VOLUME: input_type(
        _VOLUME, "VolumeMountInput", "A named volume of a service and its absolute mount path."
    ),
    _METRICS: input_type(
        _METRICS,
        "MetricsEndpointInput",
        "Where replicas expose their own Prometheus metrics (path and port); scraped every 10 s.",
    ),
}
ServiceInput = input_type(
    c.UpdateService,
    "ServiceInput",
    "A service's settings (on update, fields left out keep their value).",
    inputs=INPUTS,
    skip=("service_id",),
    optional=True,
)
SETTINGS = Arg("settings", "", ServiceInput | None, None, spread=True)
REQUIRED_SETTINGS = Arg("settings", "", ServiceInput, spread=True)


# What mutations answer


def load(kind: str, key: str) -> Callable[[GqlContext, CommandResult, c.Command], Any]:
    """Answer the entity the command made or changed: ``key`` is a result id or a field."""

    def answer(context: GqlContext, result: CommandResult, command: c.Command) -> Any:
        ident = result.ids.get(key) or getattr(command, key)
        return entity(context.reads, kind, ident, key)

    return answer


def own_organization(context: GqlContext, result: CommandResult, command: c.Command) -> Any:
    """The organisation, with the caller's role read anew (it just changed)."""
    context.memberships_changed()
    return load("organization", "organization_id")(context, result, command)


def new_environment(context: GqlContext, result: CommandResult, command: c.Command) -> Any:
    """The environment the command added."""
    return context.reads.dashboard.environment(result.id("environment_id"))


def variable_names(context: GqlContext, result: CommandResult, command: Any) -> list[Variable]:
    """The variables now set (straight from the event store: no read model to wait for)."""
    names = context.reads.variable_names(
        command.environment_id, command.service_id, project_id=command.project_id, fresh=True
    )
    return [Variable(name=n, value=None) for n in names]


def plan_of(context: GqlContext, result: CommandResult, command: Any) -> Any:
    """The backup plan just set."""
    plans = context.reads.dashboard.backup_plans(command.service_id)
    return next(p for p in plans if p.id == result.id("plan_id"))


def restore_of(context: GqlContext, result: CommandResult, command: Any) -> Any:
    """The restore just asked for."""
    restores = context.reads.dashboard.database_restores(result.id("service_id"))
    return next(r for r in restores if r.id == result.id("restore_id"))


def _caller(context: GqlContext) -> Any:
    return context.require().user_id


# Accounts: the auth service hashes passwords and mints tokens around the commands


def sign_up(
    info: Info[GqlContext, None],
    email: str,
    name: str,
    password: str,
    invitation_token: str | None = None,
) -> AuthPayload:
    context = ctx(info)
    result = context.auth.sign_up(
        email,
        name,
        Secret(password),
        client=context.client,
        invitation_token=Secret(invitation_token) if invitation_token else None,
    )
    context.wait_for(result.position)
    return _payload(result.tokens, result.organization_id)


def log_in(info: Info[GqlContext, None], email: str, password: str) -> AuthPayload:
    context = ctx(info)
    return _payload(context.auth.log_in(email, Secret(password), context.client))


def refresh_session(info: Info[GqlContext, None], refresh_token: str) -> AuthPayload:
    return _payload(ctx(info).auth.refresh(Secret(refresh_token)))


def log_out(info: Info[GqlContext, None]) -> bool:
    context = ctx(info)
    caller = context.require()
    if caller.session_id is None:
        raise ForbiddenError("an API token has no session to end: revoke the token instead")
    context.auth.log_out(caller)
    return True


def create_api_token(
    info: Info[GqlContext, None], name: str, scopes: list[str], expires_in_days: int | None = 90
) -> NewSecretToken:
    context = ctx(info)
    token_id, token = context.auth.create_api_token(
        context.require(), name, scopes, expires_in_days
    )
    context.wait_for(context.log_head())
    return NewSecretToken(id=strawberry.ID(str(token_id)), token=token.reveal())


def revoke_api_token(info: Info[GqlContext, None], id: strawberry.ID) -> bool:
    context = ctx(info)
    token = entity(context.reads, "token", id, "id")
    context.auth.revoke_api_token(context.require(), token.id)
    context.wait_for(context.log_head())
    return True


def invite_member(
    info: Info[GqlContext, None], organization_id: strawberry.ID, email: str, role: str = "member"
) -> NewSecretToken:
    context = ctx(info)
    organization = entity(context.reads, "organization", organization_id, "organizationId")
    invitation_id, token = context.auth.invite(context.require(), organization.id, email, role)
    context.saw(context.log_head())
    return NewSecretToken(id=strawberry.ID(str(invitation_id)), token=token.reveal())


def accept_invitation(info: Info[GqlContext, None], token: str) -> Organization:
    context = ctx(info)
    organization_id = context.auth.accept_invitation(context.require(), Secret(token))
    context.wait_for(context.log_head())
    context.memberships_changed()
    return context.reads.dashboard.organization(organization_id)


def me(context: GqlContext, result: CommandResult, command: c.Command) -> Any:
    """The caller, as the dashboard shows them now."""
    return context.reads.dashboard.user(context.require().user_id)


def _payload(tokens: Any, organization_id: Any = None) -> AuthPayload:
    return AuthPayload(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
        user_id=strawberry.ID(str(tokens.user_id)),
        organization_id=strawberry.ID(str(organization_id)) if organization_id else None,
    )


def _field(resolver: Any, description: str | None = None) -> Any:
    return strawberry.mutation(resolver=resolver, description=description)


@strawberry.type
class Mutation:
    """Everything a client can change."""

    # Accounts
    sign_up = _field(sign_up, "Create an account; the first account also gets an organisation.")
    log_in = _field(log_in)
    refresh_session = _field(
        refresh_session, "Trade a refresh token for new tokens (it is single-use)."
    )
    log_out = _field(log_out, "End this session (its refresh token stops working).")
    create_api_token = _field(create_api_token, "A personal API token, shown once.")
    revoke_api_token = _field(revoke_api_token)

    # Organisations
    create_organization = mutation(
        c.CreateOrganization, "name slug", Organization,
        fixed={"owner_id": _caller}, result=own_organization,
    )  # fmt: skip
    rename_organization = mutation(
        c.RenameOrganization, "id=organization_id name", Organization,
        result=load("organization", "organization_id"),
    )  # fmt: skip
    set_fork_secrets_policy = mutation(
        c.SetForkSecretsPolicy, "id=organization_id expose_secrets_to_forks", Organization,
        result=load("organization", "organization_id"),
        description="Whether releases built from pull requests of forks get the variables "
        "(off by default; admins and owners).",
    )  # fmt: skip
    set_registry = mutation(
        c.SetRegistry,
        "id=organization_id url username password use_installation_registry", Organization,
        result=load("organization", "organization_id"),
        description="Push the organisation's built images to a registry that every node pulls "
        "them from by digest (admins and owners): its own (url as host[:port][/path], with a "
        "username and password when it wants a login; the password is sealed and never "
        "shown) or, with useInstallationRegistry, the one this installation runs. A refused "
        "or failed push fails the release with the registry's reason.",
    )  # fmt: skip
    clear_registry = mutation(
        c.ClearRegistry, "id=organization_id", Organization,
        result=load("organization", "organization_id"),
        description="Push no more images: builds stay on their build node, as with one host "
        "(the images pushed stay in the registry, for rollbacks).",
    )  # fmt: skip
    require_provider_sign_in = mutation(
        c.RequireProviderSignIn, "id=organization_id required", Organization,
        result=load("organization", "organization_id"),
        description="Whether members must sign in with GitHub or GitLab to reach the "
        "organisation's data (admins; turning it on needs a provider session of your own).",
    )  # fmt: skip
    unlink_sign_in_provider = mutation(
        c.UnlinkProvider, "provider", Viewer, result=me,
        description="Stop signing in with a provider account (never your last way in).",
    )  # fmt: skip
    invite_member = _field(
        invite_member, "Invite someone by email; the invitation token is shown once."
    )
    accept_invitation = _field(accept_invitation)
    revoke_invitation = mutation(
        c.RevokeInvitation, "organization_id invitation_id", bool, idempotent=False
    )
    change_member_role = mutation(
        c.ChangeMemberRole, "organization_id user_id role", Organization,
        result=own_organization,
    )  # fmt: skip
    remove_member = mutation(c.RemoveMember, "organization_id user_id", bool)

    # Projects
    create_project = mutation(
        c.CreateProject, "organization_id name slug", Project,
        result=load("project", "project_id"),
    )  # fmt: skip
    rename_project = mutation(
        c.RenameProject, "id=project_id name slug", Project, result=load("project", "project_id")
    )
    delete_project = mutation(
        c.DeleteProject, "id=project_id", Project, result=load("project", "project_id"),
        description="Move a project to the bin; it can be restored for 30 days.",
    )  # fmt: skip
    restore_project = mutation(
        c.RestoreProject, "id=project_id", Project, result=load("project", "project_id")
    )
    add_environment = mutation(
        c.AddEnvironment, "project_id name kind", Environment, result=new_environment
    )
    set_environment_access = _field(
        access.set_environment_access,
        "Open an environment's web services to anyone (access: public) or only to the "
        "organisation's members and share links (access: members).",
    )
    create_share_link = _field(
        access.create_share_link,
        "A link that opens a members-only environment until it expires (1 to 720 hours).",
    )
    revoke_share_link = _field(access.revoke_share_link, "Stop a share link from working.")
    enter_environment = _field(
        access.enter_environment,
        "The member sign-in hop into a members-only environment: the URL (on the host of "
        "returnUrl, which must be one of the environment's) that gives the caller's browser a "
        "member cookie there. It holds a single-use token that lasts 60 seconds.",
    )
    remove_environment = mutation(c.RemoveEnvironment, "project_id environment_id", bool)

    # Variables
    set_variables = mutation(
        c.SetVariables, "project_id environment_id values service_id", list[Variable],
        result=variable_names, wait=(),
        description="Set variables (values are sealed before they are stored).",
    )  # fmt: skip
    unset_variables = mutation(
        c.UnsetVariables, "project_id environment_id names service_id", list[Variable],
        result=variable_names, wait=(),
    )  # fmt: skip

    # Services
    create_service = mutation(
        c.CreateService, "project_id name kind", Service, extra=[SETTINGS],
        result=load("service", "service_id"),
    )  # fmt: skip
    update_service = mutation(
        c.UpdateService, "id=service_id", Service, extra=[REQUIRED_SETTINGS],
        result=load("service", "service_id"),
        description="Change a service's settings; those left out stay.",
    )  # fmt: skip
    create_database = mutation(
        c.CreateDatabase, "project_id environment_id engine name version public_port", Service,
        result=load("service", "service_id"),
        description="Create a managed database (engine: postgres, mysql (MariaDB) or redis) "
        "in an environment and deploy it there: generated credentials in its variables "
        "(sealed), a data volume, the engine's own health probe; publicPort publishes the "
        "engine's port on the node (127.0.0.1).",
    )  # fmt: skip
    update_database = mutation(
        c.UpdateDatabase, "id=service_id version engine", Service,
        result=load("service", "service_id"),
        description="Run another version of a managed database's engine (the same major "
        "only: a new major needs a new database and a backup restored into it); it is "
        "released again where it is live.",
    )  # fmt: skip
    scale_service = mutation(
        c.ScaleService, "id=service_id replicas", Service, result=load("service", "service_id")
    )
    set_failover_policy = mutation(
        c.SetFailoverPolicy,
        "id=service_id min_healthy_replicas preferred_nodes backup_nodes",
        Service,
        result=load("service", "service_id"),
        description="Set how a service survives a dead node (issue 17): once fewer than "
        "minHealthyReplicas of its live release's replicas run on nodes that answer (left out: "
        "as soon as one is on a node that has not answered for the grace period), the release "
        "is deployed again and the scheduler places it on nodes that answer, preferredNodes "
        "first and backupNodes only when the others cannot. Nodes must be the organisation's; "
        "everything left out: the defaults again.",
    )
    delete_service = mutation(
        c.DeleteService, "id=service_id keep_volumes", bool,
        description="Delete a service; its volumes are removed with its containers unless "
        "keepVolumes (then they stay, orphaned, until removed).",
    )  # fmt: skip
    snapshot_volume = mutation(
        c.SnapshotVolume, "service_id environment_id volume", Snapshot,
        result=load("snapshot", "snapshot_id"),
        description="Archive a volume of a service into the data directory (sha256 "
        "checksummed); its replicas are stopped meanwhile and started again after.",
    )  # fmt: skip
    restore_snapshot = mutation(
        c.RestoreSnapshot, "service_id snapshot_id name", Snapshot,
        result=load("snapshot", "snapshot_id"),
        description="Restore a completed snapshot into a NEW volume `name` of its service "
        "(never over an existing volume); mount it by adding it to the service's volumes.",
    )  # fmt: skip
    set_backup_plan = mutation(
        c.SetBackupPlan,
        "service_id environment_id schedule destination_id timezone daily weekly monthly enabled",
        BackupPlan, result=plan_of,
        description="Back a managed database up on a cron schedule (in its time zone) to a "
        "destination, keeping `daily`/`weekly`/`monthly` verified backups. Refused, with "
        "nothing saved, for a schedule that never fires or a destination that fails a test "
        "write. Admins only.",
    )  # fmt: skip
    remove_backup_plan = mutation(
        c.RemoveBackupPlan, "service_id environment_id", bool,
        description="Stop a database's scheduled backups (its backups stay). Admins only.",
    )  # fmt: skip
    backup_now = mutation(
        c.BackupNow, "service_id environment_id destination_id", Backup,
        result=load("backup", "backup_id"),
        description="Back a managed database up now, to `destinationId` or its plan's "
        "destination; the backup is then restored into a throw-away database and checked.",
    )  # fmt: skip
    restore_backup = mutation(
        c.RestoreBackup, "backup_id into confirm new_service_name force", DatabaseRestore,
        result=restore_of,
        description="Restore a verified backup: `into: same` replaces what its database "
        "holds (type the service's name in `confirm`; an automatic backup is taken and "
        "verified first), `into: new` creates the database service `newServiceName` (same "
        "engine and version) and restores into it. `force` restores a backup that failed "
        "its check. Admins only.",
    )  # fmt: skip
    remove_volume = mutation(
        c.RemoveVolume, "service_id volume", bool,
        description="Remove a volume a deleted service kept, with its data, from every "
        "environment.",
    )  # fmt: skip

    # Deployments
    deploy_service = mutation(
        c.RequestDeployment,
        "service_id environment_id commit source_archive=source_archive_id", Deployment,
        result=load("deployment", "deployment_id"),
        description="Deploy a service into an environment: its branch head, a commit, or a "
        "source archive uploaded to POST /uploads (`containr deploy`).",
    )  # fmt: skip
    rollback_service = mutation(
        c.RollbackService, "deployment_id", Deployment,
        result=load("deployment", "deployment_id"),
        description="Release an earlier release again: same image and variables.",
    )  # fmt: skip
    promote_deployment = mutation(
        c.PromoteDeployment, "deployment_id environment_id", Deployment,
        result=load("deployment", "deployment_id"),
        description="Release a release's exact image (same digest, not rebuilt) into another "
        "environment of its project, with that environment's variables.",
    )  # fmt: skip
    redeploy_service = mutation(
        c.RedeployService, "service_id environment_id", Deployment,
        result=load("deployment", "deployment_id"),
        description="Release what is live again (same commit, current settings).",
    )  # fmt: skip
    restart_service = mutation(
        c.RestartService, "service_id environment_id", Deployment,
        result=load("deployment", "deployment_id"),
        description="Restart the live release's replicas, one at a time.",
    )  # fmt: skip
    run_cron_now = mutation(
        c.RunCronNow, "service_id environment_id", CronRun,
        result=load("cron_run", "run_id"),
        description="Run a cron service's live release now, outside its schedule (its "
        "overlap policy applies). A retried request with the same clientMutationId asks for "
        "the same run.",
    )  # fmt: skip
    cancel_deployment = mutation(
        c.CancelDeployment, "id=deployment_id reason", Deployment,
        result=load("deployment", "deployment_id"),
    )  # fmt: skip

    # Nodes
    register_node = mutation(
        c.RegisterNode,
        "organization_id name endpoint cpu_millis memory_mb kind labels address tls_ca_cert "
        "tls_client_cert tls_client_key port_start port_end", Node,
        result=load("node", "node_id"),
        description="Add a Docker engine as a node. A tcp://host:port engine may be reached "
        "with TLS client certificates (the CA certificate, the client certificate and its "
        "unencrypted key, PEM; the key is sealed and never shown); ``address`` is where the "
        "ingress reaches its published ports (default: the endpoint's host, 127.0.0.1 for a "
        "local socket).",
    )  # fmt: skip
    configure_node_tls = mutation(
        c.ConfigureNodeTls, "id=node_id tls_ca_cert tls_client_cert tls_client_key", Node,
        result=load("node", "node_id"),
        description="Reach a tcp:// node's engine with new TLS client certificates (rotation), "
        "or without any when all three are left out.",
    )  # fmt: skip
    set_node_address = mutation(
        c.SetNodeAddress, "id=node_id address", Node, result=load("node", "node_id"),
        description="Set the address the ingress reaches a node's published ports at (null: "
        "the endpoint's host).",
    )  # fmt: skip
    set_node_port_range = mutation(
        c.SetNodePortRange, "id=node_id start end", Node, result=load("node", "node_id"),
        description="Set the host ports (1024-65535, start to end) the node's replicas placed "
        "from now on publish on; ports held keep their holders.",
    )  # fmt: skip
    label_node = mutation(c.LabelNode, "id=node_id labels", Node, result=load("node", "node_id"))
    cordon_node = mutation(c.CordonNode, "id=node_id", Node, result=load("node", "node_id"))
    uncordon_node = mutation(c.UncordonNode, "id=node_id", Node, result=load("node", "node_id"))
    drain_node = mutation(c.DrainNode, "id=node_id", Node, result=load("node", "node_id"))
    remove_node = mutation(c.RemoveNode, "id=node_id", bool)

    # Proxmox clusters and guests
    register_cluster = mutation(
        c.RegisterCluster,
        "organization_id name url token_id token_secret verify_tls ca_bundle", Cluster,
        result=load("cluster", "cluster_id"),
        description="Connect a Proxmox VE cluster with an API token.",
    )  # fmt: skip
    update_cluster_credentials = mutation(
        c.UpdateClusterCredentials, "id=cluster_id token_id token_secret verify_tls ca_bundle",
        Cluster, result=load("cluster", "cluster_id"),
        description="Use another API token (or TLS setting) for a cluster.",
    )  # fmt: skip
    remove_cluster = mutation(
        c.RemoveCluster, "id=cluster_id", bool,
        description="Forget a cluster (its guests stay on it).",
    )  # fmt: skip
    create_guest = mutation(
        c.CreateGuest,
        "cluster_id kind node name cores memory_mb disk_gb storage os_template clone_from "
        "bridge start", Guest, result=load("guest", "guest_id"),
        description="Make an LXC container or a QEMU VM (or clone a template).",
    )  # fmt: skip
    change_guest_power = mutation(
        c.ChangeGuestPower, "id=guest_id action", Guest, result=load("guest", "guest_id"),
        description="Start, stop, shut down, reboot or delete a guest (action: start, stop, "
        "shutdown, reboot, delete); the result shows the operation in progress.",
    )  # fmt: skip
    register_guest_as_node = mutation(
        c.RegisterGuestAsNode, "id=guest_id endpoint cpu_millis memory_mb labels", Node,
        result=load("node", "node_id"),
        description="Make a running guest's Docker engine a Containr node.",
    )  # fmt: skip

    # Git connections and push triggers
    create_git_connection = git.create_git_connection
    rotate_webhook_secret = git.rotate_webhook_secret
    remove_git_connection = git.remove_git_connection
    set_service_triggers = git.set_service_triggers
    connect_service_repository = git.connect_service_repository
    disconnect_service_repository = git.disconnect_service_repository
    check_git_connection = git.check_git_connection_field
    set_preview_policy = previews.set_preview_policy

    # Alerts (issue 17)
    create_alert_rule = alerts.create_alert_rule
    update_alert_rule = alerts.update_alert_rule
    delete_alert_rule = alerts.delete_alert_rule
    acknowledge_incident = alerts.acknowledge_incident
    create_silence = alerts.create_silence
    expire_silence = alerts.expire_silence

    # Backup destinations
    create_backup_destination = destinations.create_backup_destination
    update_backup_destination = destinations.update_backup_destination
    remove_backup_destination = destinations.remove_backup_destination
    test_backup_destination = destinations.test_backup_destination_field

    # Notifiers (issue 17)
    create_join_token = agents.create_join_token_field
    revoke_agent_credential = agents.revoke_agent_credential
    start_node_container = node_containers.start_node_container_field
    stop_node_container = node_containers.stop_node_container_field
    restart_node_container = node_containers.restart_node_container_field
    create_notifier = notifiers.create_notifier
    update_notifier = notifiers.update_notifier
    delete_notifier = notifiers.delete_notifier
    test_notifier = notifiers.test_notifier_field
    remove_preview = previews.remove_preview

    # Autoscaling (issue 16)
    set_autoscaling = autoscaling.set_autoscaling
    remove_autoscaling = autoscaling.remove_autoscaling
    set_prices = autoscaling.set_prices
    set_project_budget = autoscaling.set_project_budget
    set_project_placement = autoscaling.set_project_placement
    set_node_prices = autoscaling.set_node_prices


__all__ = ["Mutation", "uuid_of"]
