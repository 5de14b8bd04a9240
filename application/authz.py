"""Who may do what: roles grant permissions per organisation; token scopes narrow them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import Enum
from uuid import UUID

import msgspec

from application import commands as c
from application.errors import ForbiddenError, NotFoundError
from application.unit_of_work import UnitOfWork
from domain.alert_rule import AlertRule
from domain.backup import Backup
from domain.backup_destination import BackupDestination
from domain.cluster import Cluster
from domain.deployment import Deployment
from domain.git_connection import GitConnection
from domain.guest import Guest
from domain.incident import Incident
from domain.node import Node
from domain.notifier import Notifier
from domain.organization import Organization
from domain.preview import Preview
from domain.project import Project
from domain.service import Service
from domain.silence import Silence
from domain.user import SIGN_IN_PROVIDERS
from domain.values import Role


class Permission(Enum):
    """What an action needs."""

    READ = "read"
    DEPLOY = "deploy"
    WRITE = "write"
    MANAGE = "manage"
    OWN = "own"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.READ}),
    Role.MEMBER: frozenset({Permission.READ, Permission.DEPLOY, Permission.WRITE}),
    Role.ADMIN: frozenset(
        {Permission.READ, Permission.DEPLOY, Permission.WRITE, Permission.MANAGE}
    ),
    Role.OWNER: frozenset(Permission),
}
SCOPE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "read": frozenset({Permission.READ}),
    "deploy": frozenset({Permission.READ, Permission.DEPLOY}),
    "write": frozenset({Permission.READ, Permission.DEPLOY, Permission.WRITE}),
    "admin": frozenset(Permission),
}
ALL_SCOPES = frozenset(SCOPE_PERMISSIONS)


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """A signed-in user, through a session (all scopes) or a personal API token."""

    user_id: UUID
    scopes: frozenset[str] = ALL_SCOPES
    session_id: UUID | None = None
    token_id: UUID | None = None
    expires_at: datetime | None = None
    """When the credential stops working (an access token's or API token's expiry)."""
    signed_in_with: str | None = None
    """How the session began: "password", or a provider ("github", "gitlab"); None for a
    personal API token."""

    @property
    def through_provider(self) -> bool:
        """Whether the session began at a sign-in provider (what organisations may require)."""
        return self.signed_in_with in SIGN_IN_PROVIDERS

    @property
    def actor(self) -> str:
        """How events name this principal."""
        return (
            f"user:{self.user_id}"
            if self.token_id is None
            else (f"user:{self.user_id} (token {self.token_id})")
        )

    def allows(self, permission: Permission) -> bool:
        """Whether the principal's scopes include ``permission``."""
        return any(permission in SCOPE_PERMISSIONS[s] for s in self.scopes)


class ProviderSignInRequiredError(ForbiddenError):
    """Raised when an organisation requires provider sign-in and the caller signed in with a
    password (or uses an API token)."""

    reason = "PROVIDER_SIGN_IN_REQUIRED"

    def __init__(self) -> None:
        super().__init__(
            "this organisation requires signing in with GitHub or GitLab: sign out, then sign "
            "in with a provider linked to your account (API tokens do not count)"
        )


def require_provider_sign_in(principal: Principal, required: bool) -> None:
    """Raise ProviderSignInRequiredError when an organisation requires provider sign-in and
    the principal's session did not begin at a provider."""
    if required and not principal.through_provider:
        raise ProviderSignInRequiredError


def require(principal: Principal, role: Role | None, permission: Permission, what: str) -> None:
    """Raise ForbiddenError unless ``role`` and the principal's scopes grant ``permission``."""
    if role is None:
        whose = (
            "this organisation"
            if what == "organisation"
            else f"the organisation that owns this {what}"
        )
        raise ForbiddenError(
            f"you are not a member of {whose}; ask one of its owners or admins to invite you"
        )
    if permission not in ROLE_PERMISSIONS[role]:
        needed = min((r for r in Role if permission in ROLE_PERMISSIONS[r]), key=lambda r: r.rank)
        raise ForbiddenError(
            f"your role ({role.value}) may not {permission.value} this {what}; ask an owner "
            f"or admin for the {needed.value} role"
        )
    if not principal.allows(permission):
        scope = min(
            (s for s, granted in SCOPE_PERMISSIONS.items() if permission in granted),
            key=lambda s: len(SCOPE_PERMISSIONS[s]),
        )
        raise ForbiddenError(
            f"this token's scopes ({', '.join(sorted(principal.scopes))}) do not allow "
            f"{permission.value}; use a token with the {scope} scope"
        )


Resolver = Callable[[c.Command, UnitOfWork], UUID]


def _org(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return cmd.organization_id  # type: ignore[attr-defined, no-any-return]


def _project(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return uow.get(Project, cmd.project_id, "project").organization_id  # type: ignore[attr-defined]


def _service(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return uow.get(Service, cmd.service_id, "service").organization_id  # type: ignore[attr-defined]


def _deployment(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return uow.get(Deployment, cmd.deployment_id, "deployment").organization_id  # type: ignore[attr-defined]


def _backup(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return uow.get(Backup, cmd.backup_id, "backup").organization_id  # type: ignore[attr-defined]


def _node(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return uow.get(Node, cmd.node_id, "node").organization_id  # type: ignore[attr-defined]


def _nodes(cmd: c.Command, uow: UnitOfWork) -> UUID:
    orgs = {uow.get(Node, n, "node").organization_id for n in cmd.node_ids}  # type: ignore[attr-defined]
    if len(orgs) != 1:
        raise ForbiddenError("the nodes belong to different organisations")
    return orgs.pop()


def _cluster(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return uow.get(Cluster, cmd.cluster_id, "cluster").organization_id  # type: ignore[attr-defined]


def _destination(cmd: c.Command, uow: UnitOfWork) -> UUID:
    destination = uow.get(BackupDestination, cmd.destination_id, "backup destination")  # type: ignore[attr-defined]
    return destination.organization_id


def _alert_rule(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return uow.get(AlertRule, cmd.rule_id, "alert rule").organization_id  # type: ignore[attr-defined]


def _incident(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return uow.get(Incident, cmd.incident_id, "incident").organization_id  # type: ignore[attr-defined]


def _silence(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return uow.get(Silence, cmd.silence_id, "silence").organization_id  # type: ignore[attr-defined]


def _notifier(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return uow.get(Notifier, cmd.notifier_id, "notifier").organization_id  # type: ignore[attr-defined]


def _connection(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return uow.get(GitConnection, cmd.connection_id, "git connection").organization_id  # type: ignore[attr-defined]


def _preview(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return uow.get(Preview, cmd.preview_id, "preview").organization_id  # type: ignore[attr-defined]


def _guest(cmd: c.Command, uow: UnitOfWork) -> UUID:
    return uow.get(Guest, cmd.guest_id, "guest").organization_id  # type: ignore[attr-defined]


# Commands people may send, the permission each needs, and how to find its organisation.
# Commands not listed here (reports of process managers) are for Containr itself only.
RULES: dict[type[c.Command], tuple[Permission, Resolver, str]] = {
    c.RenameOrganization: (Permission.MANAGE, _org, "organisation"),
    c.SetForkSecretsPolicy: (Permission.MANAGE, _org, "organisation"),
    c.SetRegistry: (Permission.MANAGE, _org, "organisation"),
    c.ClearRegistry: (Permission.MANAGE, _org, "organisation"),
    c.RequireProviderSignIn: (Permission.MANAGE, _org, "organisation"),
    c.AddMember: (Permission.MANAGE, _org, "organisation"),
    c.ChangeMemberRole: (Permission.MANAGE, _org, "organisation"),
    c.RemoveMember: (Permission.MANAGE, _org, "organisation"),
    c.CreateProject: (Permission.WRITE, _org, "organisation"),
    c.RenameProject: (Permission.WRITE, _project, "project"),
    c.DeleteProject: (Permission.MANAGE, _project, "project"),
    c.RestoreProject: (Permission.MANAGE, _project, "project"),
    c.AddEnvironment: (Permission.WRITE, _project, "project"),
    c.RemoveEnvironment: (Permission.WRITE, _project, "project"),
    c.SetEnvironmentAccess: (Permission.WRITE, _project, "project"),
    c.CreateShareLink: (Permission.WRITE, _project, "project"),
    c.RevokeShareLink: (Permission.WRITE, _project, "project"),
    c.SetVariables: (Permission.WRITE, _project, "project"),
    c.UnsetVariables: (Permission.WRITE, _project, "project"),
    c.CreateService: (Permission.WRITE, _project, "project"),
    c.UpdateService: (Permission.WRITE, _service, "service"),
    c.CreateDatabase: (Permission.WRITE, _project, "project"),
    c.UpdateDatabase: (Permission.WRITE, _service, "service"),
    c.ScaleService: (Permission.WRITE, _service, "service"),
    c.DeleteService: (Permission.WRITE, _service, "service"),
    c.RemoveVolume: (Permission.WRITE, _service, "service"),
    c.SnapshotVolume: (Permission.WRITE, _service, "service"),
    c.RestoreSnapshot: (Permission.WRITE, _service, "service"),
    c.SetBackupPlan: (Permission.MANAGE, _service, "service"),
    c.RemoveBackupPlan: (Permission.MANAGE, _service, "service"),
    c.BackupNow: (Permission.DEPLOY, _service, "service"),
    c.RestoreBackup: (Permission.MANAGE, _backup, "backup"),
    c.RequestDeployment: (Permission.DEPLOY, _service, "service"),
    c.RollbackService: (Permission.DEPLOY, _deployment, "deployment"),
    c.PromoteDeployment: (Permission.DEPLOY, _deployment, "deployment"),
    c.CancelDeployment: (Permission.DEPLOY, _deployment, "deployment"),
    c.RedeployService: (Permission.DEPLOY, _service, "service"),
    c.RestartService: (Permission.DEPLOY, _service, "service"),
    c.RunCronNow: (Permission.DEPLOY, _service, "service"),
    c.InviteMember: (Permission.MANAGE, _org, "organisation"),
    c.RevokeInvitation: (Permission.MANAGE, _org, "organisation"),
    c.RegisterNode: (Permission.MANAGE, _org, "organisation"),
    c.ConfigureNodeTls: (Permission.MANAGE, _node, "node"),
    c.SetNodeAddress: (Permission.MANAGE, _node, "node"),
    c.SetNodePortRange: (Permission.MANAGE, _node, "node"),
    c.LabelNode: (Permission.MANAGE, _node, "node"),
    c.LabelNodes: (Permission.MANAGE, _nodes, "node"),
    c.CordonNode: (Permission.MANAGE, _node, "node"),
    c.UncordonNode: (Permission.MANAGE, _node, "node"),
    c.DrainNode: (Permission.MANAGE, _node, "node"),
    c.RemoveNode: (Permission.MANAGE, _node, "node"),
    c.CreateJoinToken: (Permission.MANAGE, _org, "organisation"),
    c.RevokeAgentCredential: (Permission.MANAGE, _node, "node"),
    c.RegisterCluster: (Permission.MANAGE, _org, "organisation"),
    c.UpdateClusterCredentials: (Permission.MANAGE, _cluster, "cluster"),
    c.RemoveCluster: (Permission.MANAGE, _cluster, "cluster"),
    c.CreateGuest: (Permission.MANAGE, _cluster, "cluster"),
    c.ChangeGuestPower: (Permission.MANAGE, _guest, "guest"),
    c.RegisterGuestAsNode: (Permission.MANAGE, _guest, "guest"),
    c.CreateGitConnection: (Permission.MANAGE, _org, "organisation"),
    c.CreateBackupDestination: (Permission.MANAGE, _org, "organisation"),
    c.UpdateBackupDestination: (Permission.MANAGE, _destination, "backup destination"),
    c.RemoveBackupDestination: (Permission.MANAGE, _destination, "backup destination"),
    # Alerts (issue 17): admins change rules; members take incidents on and silence them.
    c.CreateAlertRule: (Permission.MANAGE, _org, "organisation"),
    c.UpdateAlertRule: (Permission.MANAGE, _alert_rule, "alert rule"),
    c.DeleteAlertRule: (Permission.MANAGE, _alert_rule, "alert rule"),
    c.AcknowledgeIncident: (Permission.WRITE, _incident, "incident"),
    c.CreateSilence: (Permission.WRITE, _org, "organisation"),
    c.ExpireSilence: (Permission.WRITE, _silence, "silence"),
    c.CreateNotifier: (Permission.MANAGE, _org, "organisation"),
    c.UpdateNotifier: (Permission.MANAGE, _notifier, "notifier"),
    c.DeleteNotifier: (Permission.MANAGE, _notifier, "notifier"),
    c.TestNotifier: (Permission.MANAGE, _notifier, "notifier"),
    c.RotateWebhookSecret: (Permission.MANAGE, _connection, "git connection"),
    c.RemoveGitConnection: (Permission.MANAGE, _connection, "git connection"),
    c.SetServiceTriggers: (Permission.WRITE, _service, "service"),
    c.ConnectServiceRepository: (Permission.WRITE, _service, "service"),
    c.DisconnectServiceRepository: (Permission.WRITE, _service, "service"),
    c.SetPreviewPolicy: (Permission.WRITE, _project, "project"),
    c.RemovePreview: (Permission.DEPLOY, _preview, "preview"),
    c.SetAutoscaling: (Permission.WRITE, _service, "service"),
    c.SetFailoverPolicy: (Permission.WRITE, _service, "service"),
    c.RemoveAutoscaling: (Permission.WRITE, _service, "service"),
    c.SetPrices: (Permission.MANAGE, _org, "organisation"),
    c.SetProjectBudget: (Permission.WRITE, _project, "project"),
    c.SetProjectPlacement: (Permission.WRITE, _project, "project"),
    c.SetNodePrices: (Permission.MANAGE, _node, "node"),
}


def authorize(command: c.Command, uow: UnitOfWork, principal: Principal) -> None:
    """Raise ForbiddenError (or NotFoundError) unless ``principal`` may send ``command``."""
    own_commands = _own(command, principal)
    if own_commands is not None:
        if not own_commands:
            raise ForbiddenError("you may only do this for your own account")
        if isinstance(command, c.RevokeApiToken) and command.token_id == principal.token_id:
            return  # any token may end itself (`containr logout`): it only gives up access
        if not principal.allows(Permission.OWN):
            raise ForbiddenError(
                "a token needs the admin scope to act for its account; sign in, or use a "
                "token with the admin scope"
            )
        return
    rule = RULES.get(type(command))
    if rule is None:
        raise ForbiddenError(f"{type(command).__name__} is reserved for Containr itself")
    permission, resolve, what = rule
    organization_id = resolve(command, uow)
    org = uow.find(Organization, organization_id)
    if org is None:
        raise NotFoundError("organization", organization_id)
    role = org.role_of(principal.user_id)
    if isinstance(command, c.RemoveMember) and command.user_id == principal.user_id:
        if role is None:
            raise ForbiddenError("you are not a member of this organisation")
        return  # anyone may leave (the last owner rule still applies)
    if _touches_ownership(command, org):
        permission = Permission.OWN
    require(principal, role, permission, what)
    # Turning the requirement on also needs a provider session, so an admin cannot lock
    # themselves out; lifting it is a change like any other (the server's CLI, which needs
    # no session, can always lift it).
    turning_on = isinstance(command, c.RequireProviderSignIn) and command.required
    require_provider_sign_in(principal, org.requires_provider_sign_in or turning_on)


def _touches_ownership(command: c.Command, org: Organization) -> bool:
    """Making or unmaking owners needs an owner."""
    if (
        isinstance(command, c.AddMember | c.ChangeMemberRole | c.InviteMember)
        and command.role is Role.OWNER
    ):
        return True
    if isinstance(command, c.ChangeMemberRole | c.RemoveMember):
        return org.role_of(command.user_id) is Role.OWNER
    return False


def _own(command: c.Command, principal: Principal) -> bool | None:
    """For commands about the caller's own account: whether it is theirs (None: not such)."""
    if isinstance(command, c.CreateOrganization):
        return command.owner_id == principal.user_id
    if isinstance(command, (*ACCOUNT_COMMANDS, c.AcceptInvitation)):
        return True  # the handler acts on the caller's own account only
    if isinstance(command, c.SignUp):
        return False
    return None


ACCOUNT_COMMANDS = (
    c.ChangePassword,
    c.CreateApiToken,
    c.RevokeApiToken,
    c.LinkProvider,
    c.UnlinkProvider,
)


def check_role(principal: Principal, role: str | None, permission: Permission, what: str) -> None:
    """Like ``require``, for a role named as read models store it (e.g. "admin")."""
    require(principal, Role(role) if role else None, permission, what)


def grants(principal: Principal, role: str | None, permission: Permission) -> bool:
    """Whether a role (by name) and the principal's scopes grant ``permission``."""
    return (
        role is not None
        and permission in ROLE_PERMISSIONS[Role(role)]
        and principal.allows(permission)
    )
