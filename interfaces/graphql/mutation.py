"""The GraphQL Mutation type: one mutation per application command, answered from the read
model after it shows the write (read-your-writes)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from application import commands as c
from application.bus import CommandResult
from application.secrets import Secret
from interfaces.graphql.context import GqlContext
from interfaces.graphql.query import Variable, uuid_of
from interfaces.graphql.types import (
    Cluster,
    Deployment,
    Environment,
    Guest,
    Node,
    Organization,
    Project,
    Service,
    ctx,
)

CMID = "Optional client mutation id: re-sending it returns the first result, records nothing."


def run(
    info: Info[GqlContext, None],
    command: c.Command,
    cmid: str | None,
    wait: tuple[str, ...] = ("dashboard",),
) -> CommandResult:
    """Send a command as the caller and wait until the read models show it."""
    context = ctx(info)
    result = context.services.execute(command, context.command_context(cmid), wait_for=wait)
    context.saw(result.position)
    return result


def build(cls: type[c.C], **values: Any) -> c.C:
    """A command from GraphQL arguments (plain values; None means 'not given')."""
    return c.build_command(cls, {k: v for k, v in values.items() if v is not None})


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


@strawberry.input
class GitSourceInput:
    """A git repository to build from."""

    repository_url: str
    branch: str = "main"
    root_directory: str = ""


@strawberry.input
class BuildInput:
    """How to build: detect the runtime (auto) or use a Dockerfile."""

    mode: str = "auto"
    dockerfile_path: str | None = None
    build_command: str | None = None


@strawberry.input
class ResourcesInput:
    """CPU (millicores) and memory (MiB) per replica."""

    cpu_request_millis: int = 0
    cpu_limit_millis: int | None = None
    memory_request_mb: int = 0
    memory_limit_mb: int | None = None


@strawberry.input
class HealthCheckInput:
    """A probe a replica must pass before it takes traffic."""

    kind: str
    path: str | None = None
    command: list[str] | None = None
    port: int | None = None
    interval_seconds: float = 5.0
    timeout_seconds: float = 2.0
    retries: int = 3
    grace_period_seconds: float = 0.0


@strawberry.input
class ServiceInput:
    """A service's settings (on update, fields left out keep their value)."""

    git: GitSourceInput | None = None
    image: str | None = None
    repository_token: str | None = None
    build: BuildInput | None = None
    start_command: str | None = None
    port: int | None = None
    resources: ResourcesInput | None = None
    replicas: int | None = None
    health_check: HealthCheckInput | None = None
    cron_schedule: str | None = None
    domains: list[str] | None = None


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {
            k: _plain(getattr(value, k))
            for k in value.__dataclass_fields__
            if getattr(value, k) is not None
        }
    return value


def _settings(settings: ServiceInput | None) -> dict[str, Any]:
    if settings is None:
        return {}
    values = {k: _plain(getattr(settings, k)) for k in settings.__dataclass_fields__}
    if values.get("health_check") and values["health_check"].get("command") is None:
        values["health_check"].pop("command", None)
    return {k: v for k, v in values.items() if v is not None}


def _dashboard(info: Info[GqlContext, None]) -> Any:
    return ctx(info).services.dashboard


@strawberry.type
class Mutation:
    """Everything a client can change."""

    # Accounts

    @strawberry.mutation(
        description="Create an account; the first account also gets an organisation."
    )
    def sign_up(
        self, info: Info[GqlContext, None], email: str, name: str, password: str
    ) -> AuthPayload:
        services = ctx(info).services
        result = services.auth.sign_up(email, name, Secret(password))
        if result.position is not None:
            services.wait_for(result.position, ("dashboard",))
        ctx(info).saw(result.position)
        tokens = result.tokens
        return AuthPayload(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_in=tokens.expires_in,
            user_id=strawberry.ID(str(tokens.user_id)),
            organization_id=strawberry.ID(str(result.organization_id))
            if result.organization_id
            else None,
        )

    @strawberry.mutation
    def log_in(self, info: Info[GqlContext, None], email: str, password: str) -> AuthPayload:
        context = ctx(info)
        tokens = context.services.auth.log_in(email, Secret(password), context.client)
        return AuthPayload(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_in=tokens.expires_in,
            user_id=strawberry.ID(str(tokens.user_id)),
        )

    @strawberry.mutation(description="Trade a refresh token for new tokens (it is single-use).")
    def refresh_session(self, info: Info[GqlContext, None], refresh_token: str) -> AuthPayload:
        tokens = ctx(info).services.auth.refresh(Secret(refresh_token))
        return AuthPayload(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_in=tokens.expires_in,
            user_id=strawberry.ID(str(tokens.user_id)),
        )

    @strawberry.mutation(description="End this session (its refresh token stops working).")
    def log_out(self, info: Info[GqlContext, None]) -> bool:
        context = ctx(info)
        context.services.auth.log_out(context.require())
        return True

    @strawberry.mutation(description="A personal API token, shown once.")
    def create_api_token(
        self,
        info: Info[GqlContext, None],
        name: str,
        scopes: list[str],
        expires_in_days: int | None = 90,
    ) -> NewSecretToken:
        context = ctx(info)
        token_id, token = context.services.auth.create_api_token(
            context.require(), name, scopes, expires_in_days
        )
        head = context.services.events.head()
        context.services.wait_for(head, ("dashboard",))
        context.saw(head)
        return NewSecretToken(id=strawberry.ID(str(token_id)), token=token.reveal())

    @strawberry.mutation
    def revoke_api_token(self, info: Info[GqlContext, None], id: strawberry.ID) -> bool:
        context = ctx(info)
        context.services.auth.revoke_api_token(context.require(), uuid_of(id, "id"))
        head = context.services.events.head()
        context.services.wait_for(head, ("dashboard",))
        context.saw(head)
        return True

    # Organisations

    @strawberry.mutation
    def create_organization(
        self,
        info: Info[GqlContext, None],
        name: str,
        slug: str | None = None,
        client_mutation_id: str | None = None,
    ) -> Organization:
        context = ctx(info)
        owner = context.require().user_id
        result = run(
            info,
            build(c.CreateOrganization, name=name, slug=slug, owner_id=owner),
            client_mutation_id or None,
        )
        org_id = result.id("organization_id")
        context._roles = None  # the caller just became an owner
        return Organization.from_row(_dashboard(info).organization(org_id), "owner")

    @strawberry.mutation
    def rename_organization(
        self,
        info: Info[GqlContext, None],
        id: strawberry.ID,
        name: str,
        client_mutation_id: str | None = None,
    ) -> Organization:
        org_id = uuid_of(id, "id")
        run(
            info, build(c.RenameOrganization, organization_id=org_id, name=name), client_mutation_id
        )
        return Organization.from_row(
            _dashboard(info).organization(org_id), ctx(info).roles().get(org_id)
        )

    @strawberry.mutation(description="Invite someone by email; the invitation token is shown once.")
    def invite_member(
        self,
        info: Info[GqlContext, None],
        organization_id: strawberry.ID,
        email: str,
        role: str = "member",
    ) -> NewSecretToken:
        context = ctx(info)
        invitation_id, token = context.services.auth.invite(
            context.require(), uuid_of(organization_id, "organizationId"), email, role
        )
        context.saw(context.services.events.head())
        return NewSecretToken(id=strawberry.ID(str(invitation_id)), token=token.reveal())

    @strawberry.mutation
    def accept_invitation(self, info: Info[GqlContext, None], token: str) -> Organization:
        context = ctx(info)
        org_id = context.services.auth.accept_invitation(context.require(), Secret(token))
        head = context.services.events.head()
        context.services.wait_for(head, ("dashboard",))
        context.saw(head)
        context._roles = None
        return Organization.from_row(
            _dashboard(info).organization(org_id), context.roles().get(org_id)
        )

    @strawberry.mutation
    def revoke_invitation(
        self,
        info: Info[GqlContext, None],
        organization_id: strawberry.ID,
        invitation_id: strawberry.ID,
    ) -> bool:
        run(
            info,
            c.RevokeInvitation(
                organization_id=uuid_of(organization_id, "organizationId"),
                invitation_id=uuid_of(invitation_id, "invitationId"),
            ),
            None,
        )
        return True

    @strawberry.mutation
    def change_member_role(
        self,
        info: Info[GqlContext, None],
        organization_id: strawberry.ID,
        user_id: strawberry.ID,
        role: str,
        client_mutation_id: str | None = None,
    ) -> Organization:
        org_id = uuid_of(organization_id, "organizationId")
        run(
            info,
            build(
                c.ChangeMemberRole,
                organization_id=org_id,
                user_id=uuid_of(user_id, "userId"),
                role=role,
            ),
            client_mutation_id,
        )
        ctx(info)._roles = None
        return Organization.from_row(
            _dashboard(info).organization(org_id), ctx(info).roles().get(org_id)
        )

    @strawberry.mutation
    def remove_member(
        self,
        info: Info[GqlContext, None],
        organization_id: strawberry.ID,
        user_id: strawberry.ID,
        client_mutation_id: str | None = None,
    ) -> bool:
        run(
            info,
            c.RemoveMember(
                organization_id=uuid_of(organization_id, "organizationId"),
                user_id=uuid_of(user_id, "userId"),
            ),
            client_mutation_id,
        )
        return True

    # Projects

    @strawberry.mutation
    def create_project(
        self,
        info: Info[GqlContext, None],
        organization_id: strawberry.ID,
        name: str,
        slug: str | None = None,
        client_mutation_id: str | None = None,
    ) -> Project:
        result = run(
            info,
            build(
                c.CreateProject,
                organization_id=uuid_of(organization_id, "organizationId"),
                name=name,
                slug=slug,
            ),
            client_mutation_id,
        )
        return Project.from_row(_dashboard(info).project(result.id("project_id")))

    @strawberry.mutation
    def rename_project(
        self,
        info: Info[GqlContext, None],
        id: strawberry.ID,
        name: str,
        slug: str | None = None,
        client_mutation_id: str | None = None,
    ) -> Project:
        project_id = uuid_of(id, "id")
        run(
            info,
            build(c.RenameProject, project_id=project_id, name=name, slug=slug),
            client_mutation_id,
        )
        return Project.from_row(_dashboard(info).project(project_id))

    @strawberry.mutation(description="Move a project to the bin; it can be restored for 30 days.")
    def delete_project(
        self, info: Info[GqlContext, None], id: strawberry.ID, client_mutation_id: str | None = None
    ) -> Project:
        project_id = uuid_of(id, "id")
        run(info, c.DeleteProject(project_id=project_id), client_mutation_id)
        return Project.from_row(_dashboard(info).project(project_id))

    @strawberry.mutation
    def restore_project(
        self, info: Info[GqlContext, None], id: strawberry.ID, client_mutation_id: str | None = None
    ) -> Project:
        project_id = uuid_of(id, "id")
        run(info, c.RestoreProject(project_id=project_id), client_mutation_id)
        return Project.from_row(_dashboard(info).project(project_id))

    @strawberry.mutation
    def add_environment(
        self,
        info: Info[GqlContext, None],
        project_id: strawberry.ID,
        name: str,
        kind: str,
        client_mutation_id: str | None = None,
    ) -> Environment:
        project = uuid_of(project_id, "projectId")
        result = run(
            info,
            build(c.AddEnvironment, project_id=project, name=name, kind=kind),
            client_mutation_id,
        )
        env_id = result.id("environment_id")
        return next(
            Environment.from_row(e)
            for e in _dashboard(info).environments(project)
            if e.id == env_id
        )

    @strawberry.mutation
    def remove_environment(
        self,
        info: Info[GqlContext, None],
        project_id: strawberry.ID,
        environment_id: strawberry.ID,
        client_mutation_id: str | None = None,
    ) -> bool:
        run(
            info,
            c.RemoveEnvironment(
                project_id=uuid_of(project_id, "projectId"),
                environment_id=uuid_of(environment_id, "environmentId"),
            ),
            client_mutation_id,
        )
        return True

    # Variables

    @strawberry.mutation(description="Set variables (values are sealed before they are stored).")
    def set_variables(
        self,
        info: Info[GqlContext, None],
        project_id: strawberry.ID,
        environment_id: strawberry.ID,
        values: JSON,
        service_id: strawberry.ID | None = None,
        client_mutation_id: str | None = None,
    ) -> list[Variable]:
        env = uuid_of(environment_id, "environmentId")
        service = uuid_of(service_id, "serviceId") if service_id else None
        run(
            info,
            build(
                c.SetVariables,
                project_id=uuid_of(project_id, "projectId"),
                environment_id=env,
                service_id=service,
                values=values,
            ),
            client_mutation_id,
            (),
        )
        names = ctx(info).services.queries.variable_names(env, service)
        return [Variable(name=n, value=None) for n in names]

    @strawberry.mutation
    def unset_variables(
        self,
        info: Info[GqlContext, None],
        project_id: strawberry.ID,
        environment_id: strawberry.ID,
        names: list[str],
        service_id: strawberry.ID | None = None,
        client_mutation_id: str | None = None,
    ) -> list[Variable]:
        env = uuid_of(environment_id, "environmentId")
        service = uuid_of(service_id, "serviceId") if service_id else None
        run(
            info,
            build(
                c.UnsetVariables,
                project_id=uuid_of(project_id, "projectId"),
                environment_id=env,
                service_id=service,
                names=names,
            ),
            client_mutation_id,
            (),
        )
        remaining = ctx(info).services.queries.variable_names(env, service)
        return [Variable(name=n, value=None) for n in remaining]

    # Services

    @strawberry.mutation
    def create_service(
        self,
        info: Info[GqlContext, None],
        project_id: strawberry.ID,
        name: str,
        kind: str,
        settings: ServiceInput | None = None,
        client_mutation_id: str | None = None,
    ) -> Service:
        command = build(
            c.CreateService,
            project_id=uuid_of(project_id, "projectId"),
            name=name,
            kind=kind,
            **_settings(settings),
        )
        result = run(info, command, client_mutation_id)
        return Service.from_row(_dashboard(info).service(result.id("service_id")))

    @strawberry.mutation(description="Change a service's settings; those left out stay.")
    def update_service(
        self,
        info: Info[GqlContext, None],
        id: strawberry.ID,
        settings: ServiceInput,
        client_mutation_id: str | None = None,
    ) -> Service:
        service_id = uuid_of(id, "id")
        run(
            info,
            build(c.UpdateService, service_id=service_id, **_settings(settings)),
            client_mutation_id,
        )
        return Service.from_row(_dashboard(info).service(service_id))

    @strawberry.mutation
    def scale_service(
        self,
        info: Info[GqlContext, None],
        id: strawberry.ID,
        replicas: int,
        client_mutation_id: str | None = None,
    ) -> Service:
        service_id = uuid_of(id, "id")
        run(info, c.ScaleService(service_id=service_id, replicas=replicas), client_mutation_id)
        return Service.from_row(_dashboard(info).service(service_id))

    @strawberry.mutation
    def delete_service(
        self, info: Info[GqlContext, None], id: strawberry.ID, client_mutation_id: str | None = None
    ) -> bool:
        run(info, c.DeleteService(service_id=uuid_of(id, "id")), client_mutation_id)
        return True

    # Deployments

    @strawberry.mutation(
        description="Deploy a service into an environment (its branch head or a commit)."
    )
    def deploy_service(
        self,
        info: Info[GqlContext, None],
        service_id: strawberry.ID,
        environment_id: strawberry.ID,
        commit: str | None = None,
        client_mutation_id: str | None = None,
    ) -> Deployment:
        result = run(
            info,
            build(
                c.RequestDeployment,
                service_id=uuid_of(service_id, "serviceId"),
                environment_id=uuid_of(environment_id, "environmentId"),
                commit=commit,
            ),
            client_mutation_id,
        )
        return Deployment.from_row(_dashboard(info).deployment(result.id("deployment_id")))

    @strawberry.mutation(description="Release an earlier release again: same image and variables.")
    def rollback_service(
        self,
        info: Info[GqlContext, None],
        deployment_id: strawberry.ID,
        client_mutation_id: str | None = None,
    ) -> Deployment:
        result = run(
            info,
            c.RollbackService(deployment_id=uuid_of(deployment_id, "deploymentId")),
            client_mutation_id,
        )
        return Deployment.from_row(_dashboard(info).deployment(result.id("deployment_id")))

    @strawberry.mutation(description="Release what is live again (same commit, current settings).")
    def redeploy_service(
        self,
        info: Info[GqlContext, None],
        service_id: strawberry.ID,
        environment_id: strawberry.ID,
        client_mutation_id: str | None = None,
    ) -> Deployment:
        result = run(
            info,
            c.RedeployService(
                service_id=uuid_of(service_id, "serviceId"),
                environment_id=uuid_of(environment_id, "environmentId"),
            ),
            client_mutation_id,
        )
        return Deployment.from_row(_dashboard(info).deployment(result.id("deployment_id")))

    @strawberry.mutation(description="Restart the live release's replicas, one at a time.")
    def restart_service(
        self,
        info: Info[GqlContext, None],
        service_id: strawberry.ID,
        environment_id: strawberry.ID,
        client_mutation_id: str | None = None,
    ) -> Deployment:
        result = run(
            info,
            c.RestartService(
                service_id=uuid_of(service_id, "serviceId"),
                environment_id=uuid_of(environment_id, "environmentId"),
            ),
            client_mutation_id,
        )
        return Deployment.from_row(_dashboard(info).deployment(result.id("deployment_id")))

    @strawberry.mutation
    def cancel_deployment(
        self,
        info: Info[GqlContext, None],
        id: strawberry.ID,
        reason: str = "cancelled by request",
        client_mutation_id: str | None = None,
    ) -> Deployment:
        deployment_id = uuid_of(id, "id")
        run(
            info, c.CancelDeployment(deployment_id=deployment_id, reason=reason), client_mutation_id
        )
        return Deployment.from_row(_dashboard(info).deployment(deployment_id))

    # Nodes

    @strawberry.mutation
    def register_node(
        self,
        info: Info[GqlContext, None],
        organization_id: strawberry.ID,
        name: str,
        endpoint: str,
        cpu_millis: int,
        memory_mb: int,
        kind: str = "docker",
        labels: JSON | None = None,
        client_mutation_id: str | None = None,
    ) -> Node:
        result = run(
            info,
            build(
                c.RegisterNode,
                organization_id=uuid_of(organization_id, "organizationId"),
                name=name,
                endpoint=endpoint,
                cpu_millis=cpu_millis,
                memory_mb=memory_mb,
                kind=kind,
                labels=labels,
            ),
            client_mutation_id,
        )
        return _node(info, result.id("node_id"))

    @strawberry.mutation
    def label_node(
        self,
        info: Info[GqlContext, None],
        id: strawberry.ID,
        labels: JSON,
        client_mutation_id: str | None = None,
    ) -> Node:
        node_id = uuid_of(id, "id")
        run(info, build(c.LabelNode, node_id=node_id, labels=labels), client_mutation_id)
        return _node(info, node_id)

    @strawberry.mutation
    def cordon_node(
        self, info: Info[GqlContext, None], id: strawberry.ID, client_mutation_id: str | None = None
    ) -> Node:
        node_id = uuid_of(id, "id")
        run(info, c.CordonNode(node_id=node_id), client_mutation_id)
        return _node(info, node_id)

    @strawberry.mutation
    def uncordon_node(
        self, info: Info[GqlContext, None], id: strawberry.ID, client_mutation_id: str | None = None
    ) -> Node:
        node_id = uuid_of(id, "id")
        run(info, c.UncordonNode(node_id=node_id), client_mutation_id)
        return _node(info, node_id)

    @strawberry.mutation
    def drain_node(
        self, info: Info[GqlContext, None], id: strawberry.ID, client_mutation_id: str | None = None
    ) -> Node:
        node_id = uuid_of(id, "id")
        run(info, c.DrainNode(node_id=node_id), client_mutation_id)
        return _node(info, node_id)

    @strawberry.mutation
    def remove_node(
        self, info: Info[GqlContext, None], id: strawberry.ID, client_mutation_id: str | None = None
    ) -> bool:
        run(info, c.RemoveNode(node_id=uuid_of(id, "id")), client_mutation_id)
        return True

    # Proxmox clusters and guests

    @strawberry.mutation(description="Connect a Proxmox VE cluster with an API token.")
    def register_cluster(
        self,
        info: Info[GqlContext, None],
        organization_id: strawberry.ID,
        name: str,
        url: str,
        token_id: str,
        token_secret: str,
        verify_tls: bool = True,
        ca_bundle: str | None = None,
        client_mutation_id: str | None = None,
    ) -> Cluster:
        result = run(
            info,
            build(
                c.RegisterCluster,
                organization_id=uuid_of(organization_id, "organizationId"),
                name=name,
                url=url,
                token_id=token_id,
                token_secret=token_secret,
                verify_tls=verify_tls,
                ca_bundle=ca_bundle,
            ),
            client_mutation_id,
        )
        return _cluster(info, result.id("cluster_id"))

    @strawberry.mutation(description="Use another API token (or TLS setting) for a cluster.")
    def update_cluster_credentials(
        self,
        info: Info[GqlContext, None],
        id: strawberry.ID,
        token_id: str,
        token_secret: str,
        verify_tls: bool = True,
        ca_bundle: str | None = None,
        client_mutation_id: str | None = None,
    ) -> Cluster:
        cluster_id = uuid_of(id, "id")
        run(
            info,
            build(
                c.UpdateClusterCredentials,
                cluster_id=cluster_id,
                token_id=token_id,
                token_secret=token_secret,
                verify_tls=verify_tls,
                ca_bundle=ca_bundle,
            ),
            client_mutation_id,
        )
        return _cluster(info, cluster_id)

    @strawberry.mutation(description="Forget a cluster (its guests stay on it).")
    def remove_cluster(
        self, info: Info[GqlContext, None], id: strawberry.ID, client_mutation_id: str | None = None
    ) -> bool:
        run(info, c.RemoveCluster(cluster_id=uuid_of(id, "id")), client_mutation_id)
        return True

    @strawberry.mutation(description="Make an LXC container or a QEMU VM (or clone a template).")
    def create_guest(
        self,
        info: Info[GqlContext, None],
        cluster_id: strawberry.ID,
        kind: str,
        node: str,
        name: str,
        cores: int = 1,
        memory_mb: int = 512,
        disk_gb: int = 8,
        storage: str = "local-lvm",
        os_template: str | None = None,
        clone_from: int | None = None,
        bridge: str = "vmbr0",
        start: bool = True,
        client_mutation_id: str | None = None,
    ) -> Guest:
        result = run(
            info,
            build(
                c.CreateGuest,
                cluster_id=uuid_of(cluster_id, "clusterId"),
                kind=kind,
                node=node,
                name=name,
                cores=cores,
                memory_mb=memory_mb,
                disk_gb=disk_gb,
                storage=storage,
                os_template=os_template,
                clone_from=clone_from,
                bridge=bridge,
                start=start,
            ),
            client_mutation_id,
        )
        return _guest(info, result.id("guest_id"))

    @strawberry.mutation(
        description="Start, stop, shut down, reboot or delete a guest (action: start, stop, "
        "shutdown, reboot, delete); the result shows the operation in progress."
    )
    def change_guest_power(
        self,
        info: Info[GqlContext, None],
        id: strawberry.ID,
        action: str,
        client_mutation_id: str | None = None,
    ) -> Guest:
        guest_id = uuid_of(id, "id")
        run(info, build(c.ChangeGuestPower, guest_id=guest_id, action=action), client_mutation_id)
        return _guest(info, guest_id)

    @strawberry.mutation(description="Make a running guest's Docker engine a Containr node.")
    def register_guest_as_node(
        self,
        info: Info[GqlContext, None],
        id: strawberry.ID,
        endpoint: str,
        cpu_millis: int,
        memory_mb: int,
        labels: JSON | None = None,
        client_mutation_id: str | None = None,
    ) -> Node:
        result = run(
            info,
            build(
                c.RegisterGuestAsNode,
                guest_id=uuid_of(id, "id"),
                endpoint=endpoint,
                cpu_millis=cpu_millis,
                memory_mb=memory_mb,
                labels=labels,
            ),
            client_mutation_id,
        )
        return _node(info, result.id("node_id"))


def _node(info: Info[GqlContext, None], node_id: UUID) -> Node:
    return Node.from_row(ctx(info).services.dashboard.node(node_id))


def _cluster(info: Info[GqlContext, None], cluster_id: UUID) -> Cluster:
    return Cluster.from_row(ctx(info).services.dashboard.cluster(cluster_id))


def _guest(info: Info[GqlContext, None], guest_id: UUID) -> Guest:
    return Guest.from_row(ctx(info).services.dashboard.guest(guest_id))
