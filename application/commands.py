"""Commands: what callers ask Containr to do, one msgspec Struct per operation."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from typing import Literal, TypeVar
from uuid import UUID

import msgspec
from msgspec import UNSET, UnsetType

from application.errors import InvalidValueError
from application.secrets import Secret, secret_dec_hook
from domain.alerting import AlertEvent, AlertMetric, Comparator, ConditionKind, Severity
from domain.autoscaling import (
    AutoscalingPolicy,
    Evaluation,
    MetricKind,
    PolicyKind,
    SelectPolicy,
)
from domain.backup_destination import DestinationKind
from domain.git_connection import GitProvider
from domain.guest import GuestAction, GuestKind
from domain.node import NodeKind
from domain.notification_delivery import NotificationMessage
from domain.notifier import NotifierKind, SmtpSecurity
from domain.preview import DiskSpace, PreviewServices, WhenFull
from domain.project import PlacementPreference
from domain.service_autoscaling import MetricReadings
from domain.service_source import WebhookMode
from domain.service_spec import (
    BuildSettings,
    GitSource,
    HealthCheck,
    MetricsEndpoint,
    Resources,
    ServiceKind,
    VolumeMount,
)
from domain.values import Role
from domain.webhook_delivery import DeliveryFact


class Command(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Something a caller asks Containr to do."""


C = TypeVar("C", bound=Command)


# Organisations


class CreateOrganization(Command, frozen=True):
    """Found an organisation; ``owner_id`` becomes its first owner."""

    name: str
    owner_id: UUID
    slug: str | None = None


class RenameOrganization(Command, frozen=True):
    """Give an organisation a new display name."""

    organization_id: UUID
    name: str


class SetForkSecretsPolicy(Command, frozen=True):
    """Whether releases built from pull requests of forks get the organisation's variables
    (off by default, as in GitHub Actions)."""

    organization_id: UUID
    expose_secrets_to_forks: bool


class SetRegistry(Command, frozen=True):
    """Push the organisation's built images to a registry that every node pulls them from by
    digest (issue 18): its own (url, and a username and password when it wants a login) or,
    with use_installation_registry, the one this installation runs."""

    organization_id: UUID
    url: str | None = None
    username: str | None = None
    password: Secret | None = None
    use_installation_registry: bool = False


class ClearRegistry(Command, frozen=True):
    """Push no more images: builds stay on the node they were built on (as with one host)."""

    organization_id: UUID


class AddMember(Command, frozen=True):
    """Make a user a member of an organisation with a role."""

    organization_id: UUID
    user_id: UUID
    role: Role = Role.MEMBER


class ChangeMemberRole(Command, frozen=True):
    """Give a member another role."""

    organization_id: UUID
    user_id: UUID
    role: Role


class RemoveMember(Command, frozen=True):
    """Remove a member from an organisation (or leave it)."""

    organization_id: UUID
    user_id: UUID


# Projects and environments


class CreateProject(Command, frozen=True):
    """Start a project in an organisation; the slug defaults to one made from the name."""

    organization_id: UUID
    name: str
    slug: str | None = None


class RenameProject(Command, frozen=True):
    """Rename a project, and change its slug if one is given."""

    project_id: UUID
    name: str
    slug: str | None = None


class DeleteProject(Command, frozen=True):
    """Move a project to the bin (restorable for 30 days)."""

    project_id: UUID


class RestoreProject(Command, frozen=True):
    """Bring a deleted project back."""

    project_id: UUID


class AddEnvironment(Command, frozen=True):
    """Add a preview or development environment to a project."""

    project_id: UUID
    name: str
    kind: Literal["preview", "development"]


class SetEnvironmentAccess(Command, frozen=True):
    """Open an environment's web services to anyone, or to the organisation's members and
    holders of a share link only (issue 14)."""

    project_id: UUID
    environment_id: UUID
    access: Literal["public", "members"]


class CreateShareLink(Command, frozen=True):
    """A link that opens a members-only environment for some hours; the command carries
    only the hash of its token (the caller shows the token once)."""

    project_id: UUID
    environment_id: UUID
    expires_in_hours: int
    link_id: UUID
    token_hash: str


class RevokeShareLink(Command, frozen=True):
    """Stop a share link from opening its environment."""

    project_id: UUID
    environment_id: UUID
    link_id: UUID


class RemoveEnvironment(Command, frozen=True):
    """Remove a preview or development environment."""

    project_id: UUID
    environment_id: UUID


# Variables


class SetVariables(Command, frozen=True):
    """Set variables of an environment (shared) or of one service in it (overrides)."""

    project_id: UUID
    environment_id: UUID
    values: dict[str, Secret]
    service_id: UUID | None = None


class UnsetVariables(Command, frozen=True):
    """Remove variables of an environment or of one service in it."""

    project_id: UUID
    environment_id: UUID
    names: list[str]
    service_id: UUID | None = None


# Services


class CreateService(Command, frozen=True):
    """Define a service of a project, built from git or run from an image."""

    project_id: UUID
    name: str
    kind: ServiceKind
    git: GitSource | None = None
    image: str | None = None
    repository_token: Secret | None = None
    build: BuildSettings = msgspec.field(default_factory=BuildSettings)
    start_command: str | None = None
    port: int | None = None
    resources: Resources = msgspec.field(default_factory=Resources)
    replicas: int = 1
    health_check: HealthCheck | None = None
    liveness_check: HealthCheck | None = None
    startup_check: HealthCheck | None = None
    cron_schedule: str | None = None
    cron_timezone: str | None = None
    cron_overlap: str = "skip"
    cron_deadline_seconds: int | None = None
    cron_starting_deadline_seconds: int = 300
    domains: list[str] = msgspec.field(default_factory=list)
    load_balancing: str = "round_robin"
    volumes: list[VolumeMount] = msgspec.field(default_factory=list)
    volume_per_replica: bool = False
    metrics_endpoint: MetricsEndpoint | None = None


class UpdateService(Command, frozen=True):
    """Change some of a service's settings; fields left out keep their value."""

    service_id: UUID
    git: GitSource | UnsetType | None = UNSET
    image: str | UnsetType | None = UNSET
    repository_token: Secret | UnsetType | None = UNSET
    build: BuildSettings | UnsetType = UNSET
    start_command: str | UnsetType | None = UNSET
    port: int | UnsetType | None = UNSET
    resources: Resources | UnsetType = UNSET
    replicas: int | UnsetType = UNSET
    health_check: HealthCheck | UnsetType | None = UNSET
    liveness_check: HealthCheck | UnsetType | None = UNSET
    startup_check: HealthCheck | UnsetType | None = UNSET
    cron_schedule: str | UnsetType | None = UNSET
    cron_timezone: str | UnsetType | None = UNSET
    cron_overlap: str | UnsetType = UNSET
    cron_deadline_seconds: int | UnsetType | None = UNSET
    cron_starting_deadline_seconds: int | UnsetType = UNSET
    domains: list[str] | UnsetType = UNSET
    load_balancing: str | UnsetType = UNSET
    volumes: list[VolumeMount] | UnsetType = UNSET
    volume_per_replica: bool | UnsetType = UNSET
    metrics_endpoint: MetricsEndpoint | UnsetType | None = UNSET


class CreateDatabase(Command, frozen=True):
    """Create a managed database (PostgreSQL, MySQL/MariaDB or Redis) in an environment and
    deploy it: a service of kind database with generated credentials and a data volume."""

    project_id: UUID
    environment_id: UUID
    engine: str
    """postgres, mysql (mariadb is accepted for it) or redis, in any case."""
    name: str | None = None
    """The service's name, its host name on the environment's network (default: the
    engine's name, e.g. postgres)."""
    version: str | None = None
    """The engine's version (default: the newest the dashboard offers)."""
    public_port: bool = False
    """Publish the engine's port on the node (127.0.0.1, a port the engine picks)."""


class UpdateDatabase(Command, frozen=True):
    """Run another version of a managed database's engine (same major only)."""

    service_id: UUID
    version: str
    engine: str | None = None
    """If given, it must be the database's engine: engines never change."""


class ScaleService(Command, frozen=True):
    """Run another number of replicas of a service."""

    service_id: UUID
    replicas: int


class DeleteService(Command, frozen=True):
    """Delete a service; its volumes are removed with its containers unless kept."""

    service_id: UUID
    keep_volumes: bool = True


class SnapshotVolume(Command, frozen=True):
    """Archive a volume of a service in an environment, its replicas stopped meanwhile."""

    service_id: UUID
    environment_id: UUID
    volume: str


class RestoreSnapshot(Command, frozen=True):
    """Restore a service's snapshot into a new volume ``name`` of the service."""

    service_id: UUID
    snapshot_id: UUID
    name: str


class ReportSnapshotStep(Command, frozen=True):
    """Report: a snapshot's next step is done (``quiesced``, ``archived``, ``started``), or
    it failed (``failed``, with ``reason``)."""

    snapshot_id: UUID
    step: Literal["quiesced", "archived", "started", "failed"]
    containers: list[str] = msgspec.field(default_factory=list)
    file: str = ""
    sha256: str = ""
    size_bytes: int = 0
    reason: str = ""


class ReportRestoreEnded(Command, frozen=True):
    """Report: a restore of a snapshot into a new volume ended (``failure`` None: done)."""

    snapshot_id: UUID
    name: str
    failure: str | None = None


class RemoveVolume(Command, frozen=True):
    """Remove a volume a deleted service kept, with its data, in every environment."""

    service_id: UUID
    volume: str


# Deployments


class RequestDeployment(Command, frozen=True):
    """Release a service into an environment: from its branch head, an exact commit, or a
    source archive the organisation uploaded (``containr deploy``)."""

    service_id: UUID
    environment_id: UUID
    commit: str | None = None
    trigger: Literal["manual", "git_push", "redeploy"] = "manual"
    source_archive_id: UUID | None = None
    untrusted_source: bool = False
    """The commit comes from code nobody in the organisation vouched for (a pull request
    from a fork): the release gets no variables unless the organisation exposes them to
    forks. Setting it can only take variables away."""


class CancelDeployment(Command, frozen=True):
    """Stop a release that has not finished."""

    deployment_id: UUID
    reason: str = "cancelled by request"


class RollbackService(Command, frozen=True):
    """Release an earlier release's exact image and variables again."""

    deployment_id: UUID
    """The earlier release to restore."""


class PromoteDeployment(Command, frozen=True):
    """Release another environment's release's exact image here, with this environment's
    variables: nothing is built again (issue 14)."""

    deployment_id: UUID
    """The release whose image is promoted."""
    environment_id: UUID
    """Where to: another environment of the same project."""


class StartBuild(Command, frozen=True):
    """Report: the build of a release began."""

    deployment_id: UUID
    operation_id: str


class RecordBuilt(Command, frozen=True):
    """Report: the release's image exists."""

    deployment_id: UUID
    operation_id: str
    image: str
    reused: bool = False
    commit: str | None = None
    commit_message: str | None = None
    commit_author: str | None = None


class StartReplicas(Command, frozen=True):
    """Report: the release's replicas are being started on the nodes chosen for them."""

    deployment_id: UUID
    operation_id: str
    placements: dict[int, UUID] = msgspec.field(default_factory=dict)
    explanation: str = ""


class SupersedeDeployment(Command, frozen=True):
    """A queued release will never run: a newer one for the same place replaces it."""

    deployment_id: UUID
    by: UUID


class RedeployService(Command, frozen=True):
    """Release the live release's commit (or image) again, rebuilt and restarted."""

    service_id: UUID
    environment_id: UUID


class RestartService(Command, frozen=True):
    """Restart the replicas of a service's live release in an environment."""

    service_id: UUID
    environment_id: UUID
    reason: str = "restart requested"


class RecordRestarted(Command, frozen=True):
    """Report: the requested restart happened."""

    deployment_id: UUID
    operation_id: str


class ReportReplicaLost(Command, frozen=True):
    """Report: a replica of a live release stopped running (drift)."""

    deployment_id: UUID
    replica: int
    reason: str
    operation_id: str | None = None
    exit_code: int | None = None


class ReportReplicaReplaced(Command, frozen=True):
    """Report: a lost replica runs again."""

    deployment_id: UUID
    replica: int
    container: str
    operation_id: str | None = None


class ReportReplicaCrashLooping(Command, frozen=True):
    """Report: a replica of a live release keeps dying; it is restarted with backoff."""

    deployment_id: UUID
    replica: int
    deaths: int
    exit_code: int | None
    last_lines: list[str]
    operation_id: str


class RecordReplicaHealth(Command, frozen=True):
    """Report: a probe (startup, readiness, liveness) of a replica turned passing or failing."""

    deployment_id: UUID
    replica: int
    probe: str
    passing: bool
    detail: str


class RecordPreviousRetired(Command, frozen=True):
    """Report: the replicas of the releases a live release replaced are gone."""

    deployment_id: UUID
    operation_id: str


class ReportOrphanRemoved(Command, frozen=True):
    """Report: a container nobody wanted was removed from a node."""

    node_id: UUID
    container: str
    reason: str
    deployment_id: UUID | None = None


class ReportImagesCollected(Command, frozen=True):
    """Report: images Containr built that no release needs were removed from a node."""

    node_id: UUID
    images: list[str]


class RecordHealthy(Command, frozen=True):
    """Report: every replica of the release passed its health check; promote it."""

    deployment_id: UUID
    operation_id: str


class FailDeployment(Command, frozen=True):
    """Report: the release failed, with the reason."""

    deployment_id: UUID
    operation_id: str
    reason: str


class ExpireDeployment(Command, frozen=True):
    """Fail the release if it is past its deadline."""

    deployment_id: UUID


# Nodes


class RegisterNode(Command, frozen=True):
    """Add a node (a Docker engine) to an organisation."""

    organization_id: UUID
    name: str
    endpoint: str
    cpu_millis: int
    memory_mb: int
    kind: NodeKind = NodeKind.DOCKER
    labels: dict[str, str] = msgspec.field(default_factory=dict)
    address: str | None = None
    """The address the ingress reaches its published ports at (None: the endpoint's host,
    127.0.0.1 for a local socket)."""
    port_start: int | None = None
    """The first host port its replicas publish on (None: 20000)."""
    port_end: int | None = None
    """The last host port its replicas publish on (None: 29999)."""
    tls_ca_cert: str | None = None
    """For a tcp:// endpoint: the CA certificate (PEM) the engine's certificate is checked
    with; with ``tls_client_cert`` and ``tls_client_key``."""
    tls_client_cert: str | None = None
    tls_client_key: Secret | None = None


class ConfigureNodeTls(Command, frozen=True):
    """Reach a node's tcp:// engine with this TLS material from now on (rotation), or
    without client certificates when all three are left out."""

    node_id: UUID
    tls_ca_cert: str | None = None
    tls_client_cert: str | None = None
    tls_client_key: Secret | None = None


class SetNodeAddress(Command, frozen=True):
    """Advertise the address the ingress reaches a node's published ports at (None: the
    one its endpoint implies)."""

    node_id: UUID
    address: str | None = None


class SetNodePortRange(Command, frozen=True):
    """Publish the node's replicas placed from now on on host ports ``start`` to ``end``
    (issue 18; 1024-65535)."""

    node_id: UUID
    start: int
    end: int


class LabelNode(Command, frozen=True):
    """Replace a node's labels."""

    node_id: UUID
    labels: dict[str, str]


class LabelNodes(Command, frozen=True):
    """Give many nodes the same labels in one step (e.g. a whole rack moves zone)."""

    node_ids: list[UUID]
    labels: dict[str, str]


class CordonNode(Command, frozen=True):
    """Stop placing new work on a node."""

    node_id: UUID


class UncordonNode(Command, frozen=True):
    """Let the scheduler use a cordoned or draining node again."""

    node_id: UUID


class DrainNode(Command, frozen=True):
    """Move a node's work elsewhere and place nothing new on it."""

    node_id: UUID


class MarkNodeUnreachable(Command, frozen=True):
    """Report: the node's engine stopped answering."""

    node_id: UUID
    reason: str


class MarkNodeReachable(Command, frozen=True):
    """Report: the node's engine answers again."""

    node_id: UUID


class RemoveNode(Command, frozen=True):
    """Forget a node."""

    node_id: UUID


# Node agents (issue 18)


class CreateJoinToken(Command, frozen=True):
    """Let one host's agent join the organisation with a token (only its hash is sent)."""

    organization_id: UUID
    token_hash: str
    expires_in_minutes: int = 60


class JoinAgentNode(Command, frozen=True):
    """An agent spends a join token: a node of kind agent with the credential's hash."""

    token_hash: str
    node_id: UUID
    name: str
    cpu_millis: int
    memory_mb: int
    credential_hash: str
    labels: dict[str, str] = msgspec.field(default_factory=dict)
    address: str | None = None
    """The address the host's published ports are reached at (None: loopback, for an
    ingress on the same host)."""
    port_start: int | None = None
    """The first host port its replicas publish on (None: 20000)."""
    port_end: int | None = None
    """The last host port its replicas publish on (None: 29999)."""


class RotateAgentCredential(Command, frozen=True):
    """An agent swaps its credential (proven by ``current_hash``) for a new one."""

    node_id: UUID
    current_hash: str
    credential_hash: str


class RevokeAgentCredential(Command, frozen=True):
    """Refuse a node agent's credential from now on."""

    node_id: UUID


class RecordAgentConnected(Command, frozen=True):
    """Report: a node's agent connected, with its version and capabilities."""

    node_id: UUID
    version: str
    capabilities: dict[str, str] = msgspec.field(default_factory=dict)


class RecordAgentDisconnected(Command, frozen=True):
    """Report: a node's agent connection ended."""

    node_id: UUID
    reason: str


# Accounts (the interfaces reach these through AuthService, which hashes and mints tokens)


class SignUp(Command, frozen=True):
    """Register a user; the first user of an installation also gets an organisation."""

    email: str
    name: str
    password_hash: Secret
    invitation_token_hash: str | None = None
    """With an invitation for this email, the new user joins its organisation."""
    invitation_required: bool = False
    """Sign-up by invitation only: after the first user, nobody joins without one."""


class ChangePassword(Command, frozen=True):
    """Replace the caller's password hash."""

    password_hash: Secret


class CreateApiToken(Command, frozen=True):
    """Record a personal API token for the caller (only its hash)."""

    name: str
    scopes: list[str]
    token_hash: str
    expires_in_days: int | None = 90


class RevokeApiToken(Command, frozen=True):
    """Make one of the caller's API tokens unusable."""

    token_id: UUID


class InviteMember(Command, frozen=True):
    """Invite someone by email to an organisation (only the invitation token's hash)."""

    organization_id: UUID
    email: str
    role: Role
    token_hash: str


class AcceptInvitation(Command, frozen=True):
    """Join the organisation an invitation token is for."""

    token_hash: str


class RevokeInvitation(Command, frozen=True):
    """Withdraw a pending invitation."""

    organization_id: UUID
    invitation_id: UUID


class LinkProvider(Command, frozen=True):
    """Let the caller sign in with a provider account whose identity the provider confirmed."""

    provider: str
    subject: str
    login: str


class UnlinkProvider(Command, frozen=True):
    """Stop the caller signing in with a provider account."""

    provider: str


class RequireProviderSignIn(Command, frozen=True):
    """Whether an organisation's members must sign in through GitHub or GitLab."""

    organization_id: UUID
    required: bool


COMMANDS: dict[str, type[Command]] = {cls.__name__: cls for cls in Command.__subclasses__()}


def decode_command(name: str, payload: bytes | str) -> Command:
    """Decode a command from JSON by its name; bad input raises InvalidValueError."""
    cls = COMMANDS.get(name)
    if cls is None:
        raise InvalidValueError("command", f"unknown command {name!r}")
    try:
        return msgspec.json.decode(payload, type=cls, dec_hook=secret_dec_hook)
    except msgspec.ValidationError as e:
        raise invalid_value(e) from None
    except msgspec.DecodeError as e:
        raise InvalidValueError(name, f"malformed JSON: {e}") from None


def build_command(cls: type[C], data: dict[str, object]) -> C:
    """A command from plain values (as an API receives them); bad input raises
    InvalidValueError naming the field."""
    try:
        return msgspec.convert(data, type=cls, dec_hook=secret_dec_hook)
    except msgspec.ValidationError as e:
        raise invalid_value(e) from None


NUL = "\x00"


def refuse_nul(command: Command) -> None:
    """Raise InvalidValueError naming the first text of ``command`` that holds U+0000.

    No caller means it; it cannot be stored in PostgreSQL text, passed to a process or put
    in an environment, so a caller's command carrying one is refused before anything is
    recorded. (Secret values are not looked at: they are sealed and never stored in clear.)
    """
    pending: list[tuple[str, object]] = [("", command)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if NUL in value:
                raise InvalidValueError(path or "input", "must not contain the NUL character")
        elif isinstance(value, msgspec.Struct):
            fields = value.__struct_fields__
            pending += [(_join(path, f), getattr(value, f)) for f in fields]
        elif dataclasses.is_dataclass(value):  # the domain's value objects
            fields = tuple(f.name for f in dataclasses.fields(value))
            pending += [(_join(path, f), getattr(value, f)) for f in fields]
        elif isinstance(value, dict):
            for key, item in value.items():
                pending += [(path, key), (path, item)]
        elif isinstance(value, list | tuple | set | frozenset):
            pending += [(path, item) for item in value]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")


def invalid_value(error: msgspec.ValidationError) -> InvalidValueError:
    """The InvalidValueError for msgspec's error, naming the field it points at.

    msgspec names the field as a JSON path at the end of its message ("Invalid enum value 'x'
    - at `$.kind`"); the error's field is that path, dotted ("kind", "git.repository_url",
    "domains[2]"; "values" for any value of the ``values`` map), so the interface can name the
    field as its clients call it.
    """
    match = _AT.match(str(error))
    message, path = (match["message"], match["path"] or "") if match else (str(error), "")
    field = path.replace("[...]", "").lstrip(".")
    missing = _MISSING.match(message)
    if missing:
        field = f"{field}.{missing['name']}" if field else missing["name"]
        message = "is required"
    return InvalidValueError(field or "input", message)


# Proxmox clusters and guests


class RegisterCluster(Command, frozen=True):
    """Connect a Proxmox VE cluster with an API token (``USER@REALM!TOKENID`` + secret)."""

    organization_id: UUID
    name: str
    url: str
    token_id: str
    token_secret: Secret
    verify_tls: bool = True
    ca_bundle: str | None = None


class UpdateClusterCredentials(Command, frozen=True):
    """Use another API token or TLS setting for a cluster."""

    cluster_id: UUID
    token_id: str
    token_secret: Secret
    verify_tls: bool = True
    ca_bundle: str | None = None


class RemoveCluster(Command, frozen=True):
    """Forget a cluster (its guests stay on it)."""

    cluster_id: UUID


class ReportClusterObserved(Command, frozen=True):
    """Report: a check of the cluster answered; its nodes' states."""

    cluster_id: UUID
    nodes: dict[str, bool]
    version: str


class ReportClusterUnreachable(Command, frozen=True):
    """Report: the cluster's API did not answer (or refused the token)."""

    cluster_id: UUID
    reason: str


class ReportStrayGuests(Command, frozen=True):
    """Report: the guests of a cluster that carry a Containr tag no guest here has."""

    cluster_id: UUID
    guests: list[str]


class CreateGuest(Command, frozen=True):
    """Make an LXC container or a QEMU VM on a cluster's node (or clone a template)."""

    cluster_id: UUID
    kind: GuestKind
    node: str
    name: str
    cores: int = 1
    memory_mb: int = 512
    disk_gb: int = 8
    storage: str = "local-lvm"
    os_template: str | None = None
    clone_from: int | None = None
    bridge: str = "vmbr0"
    start: bool = True


class ChangeGuestPower(Command, frozen=True):
    """Start, stop, shut down, reboot or delete a guest."""

    guest_id: UUID
    action: GuestAction
    operation_id: str | None = None
    """Given by process managers that retry; people leave it out."""


class ReportGuestCreated(Command, frozen=True):
    """Report: the cluster has the guest."""

    guest_id: UUID
    operation_id: str
    vmid: int
    node: str
    running: bool


class ReportGuestOperationSucceeded(Command, frozen=True):
    """Report: a guest's pending operation happened."""

    guest_id: UUID
    operation_id: str


class ReportGuestOperationFailed(Command, frozen=True):
    """Report: a guest's pending operation failed; the task log says why."""

    guest_id: UUID
    operation_id: str
    reason: str
    task_log: list[str] = msgspec.field(default_factory=list)
    cleanup_pending: str | None = None
    """A failed create's leftover that could not be removed yet, and why (None: none)."""


class ReportGuestCleanupPending(Command, frozen=True):
    """Report: something of a failed or deleted guest is on the cluster and not removed yet."""

    guest_id: UUID
    reason: str


class ReportGuestCleanedUp(Command, frozen=True):
    """Report: nothing of a failed or deleted guest is left on the cluster."""

    guest_id: UUID


class ReportGuestObserved(Command, frozen=True):
    """Report: how the cluster shows a guest Containr recorded ``expected`` (drift if unlike)."""

    guest_id: UUID
    expected: str
    observed: str


class ExpireGuestOperation(Command, frozen=True):
    """Report: a guest's pending operation is past its deadline."""

    guest_id: UUID


class RegisterGuestAsNode(Command, frozen=True):
    """Make a running guest that runs a Docker engine a Containr node."""

    guest_id: UUID
    endpoint: str
    cpu_millis: int
    memory_mb: int
    labels: dict[str, str] = msgspec.field(default_factory=dict)


# Git connections and push triggers (issue 14)


class CreateGitConnection(Command, frozen=True):
    """Connect an organisation to a git provider; Containr makes the webhook secret."""

    organization_id: UUID
    provider: GitProvider
    name: str
    api_url: str | None = None
    """The provider's API address: leave it out for github.com, gitlab.com and Bitbucket
    Cloud; give it for GitHub Enterprise or a self-hosted GitLab."""
    access_token: Secret | None = None


class RotateWebhookSecret(Command, frozen=True):
    """Make a new webhook secret; the old one is still accepted for ``overlap_hours``."""

    connection_id: UUID
    overlap_hours: int = 24


class RemoveGitConnection(Command, frozen=True):
    """Forget a git connection: its webhook's deliveries are refused from now on."""

    connection_id: UUID


class PushTriggerInput(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Pushes to branches matching ``branch`` (a glob such as ``release/*``) deploy to an
    environment, automatically or on request, when they touch the watch paths."""

    branch: str
    environment_id: UUID
    automatic: bool = True
    watch_paths: list[str] = msgspec.field(default_factory=list)
    wait_for_ci: bool = False
    """Deploy a pushed commit only once its checks at the provider passed (automatic
    triggers only)."""


class SetServiceTriggers(Command, frozen=True):
    """Which pushes heard through a git connection deploy a service, and where (an empty
    list: none)."""

    service_id: UUID
    connection_id: UUID | None = None
    triggers: list[PushTriggerInput] = msgspec.field(default_factory=list)


class RecordWebhookDelivery(Command, frozen=True):
    """Report: a verified delivery arrived (recorded once per provider delivery id)."""

    connection_id: UUID
    delivery_id: str
    event: str
    fact: DeliveryFact
    digest: str
    """The SHA-256 of the body: the same body under another delivery id is a replay."""
    connection_version: int | None = None
    """The version of the connection whose secrets verified the delivery: nothing is
    recorded under another (a rotation or removal since then is verified again)."""


class HandleWebhookDelivery(Command, frozen=True):
    """Carry out what a recorded delivery means for the services that watch its connection,
    and record that it was handled (once)."""

    delivery_id: UUID
    service_ids: list[UUID] = msgspec.field(default_factory=list)
    """The services whose triggers use the delivery's connection (each is checked again);
    for a pull request, every service of their projects (a preview may deploy them all)."""
    disk: DiskSpace | None = None
    """The node's free disk as the process measured it (the previews' disk guard)."""
    changed_paths: list[str] | None = None
    """The files a pull request changes, when known (which services a preview deploys)."""
    ingress_domain: str = "localhost"
    """The domain a preview's hosts end in (``<service>.pr-<n>.<project>.<domain>``)."""
    url_format: str = "http://{host}"
    """How a preview's host becomes its URL (the ingress's scheme and port)."""


# Preview environments (issue 14)


class SetPreviewPolicy(Command, frozen=True):
    """How a project's pull requests get preview environments."""

    project_id: UUID
    enabled: bool
    base_environment_id: UUID | None = None
    services: PreviewServices = PreviewServices.TOUCHED
    overrides: dict[str, Secret] | None = None
    """Variables set in every preview over the base environment's (None: keep those set)."""
    ttl_days: int = 7
    limit: int = 5
    when_full: WhenFull = WhenFull.REMOVE_OLDEST
    min_free_disk_gb: float | None = None
    min_free_disk_percent: float | None = None


class RemovePreview(Command, frozen=True):
    """Remove a pull request's preview and everything it made, now."""

    preview_id: UUID


class ExpirePreview(Command, frozen=True):
    """Report: a preview's time to live may have passed (checked again by the handler)."""

    preview_id: UUID


class RecordPreviewRemoved(Command, frozen=True):
    """Report: the preview's containers, network, routes and images are gone."""

    preview_id: UUID
    service_ids: list[UUID] = msgspec.field(default_factory=list)
    """The project's services (their rows in the environment go)."""


class RecordPreviewComment(Command, frozen=True):
    """Report: a comment to the pull request was posted, or could not be (and why)."""

    preview_id: UUID
    operation_id: str
    posted: bool
    reason: str = ""


class RecordCommitStatus(Command, frozen=True):
    """Report: the provider accepted the ``number``-th commit status of a deployment (the
    first one also records which commit, repository and connection it is reported on)."""

    deployment_id: UUID
    connection_id: UUID
    repository: str
    commit: str
    context: str
    number: int
    state: Literal["pending", "running", "success", "failure", "canceled"]
    description: str


class StopCommitStatuses(Command, frozen=True):
    """Report: no more commit statuses are made for a deployment, and why (the provider
    refused them, or could not be reached for too long)."""

    deployment_id: UUID
    connection_id: UUID
    repository: str
    commit: str
    context: str
    reason: str


class EndCommitChecks(Command, frozen=True):
    """Report: a commit waiting for its checks stops waiting; ``passed`` requests its
    deployment (once: the deployment's id is derived from the delivery)."""

    checks_id: UUID
    outcome: Literal["passed", "failed", "gave_up", "superseded"]
    summary: str
    superseded_by: UUID | None = None


class ConnectServiceRepository(Command, frozen=True):
    """Build a service from a repository's branch at a git connection's provider; pushes to it
    are heard through the connection's webhook, registered by Containr (automatic) or pasted
    by a person (manual)."""

    service_id: UUID
    connection_id: UUID
    repository: str
    """The repository's full name at the provider (``owner/name``)."""
    branch: str
    webhook_mode: WebhookMode = WebhookMode.AUTOMATIC


class DisconnectServiceRepository(Command, frozen=True):
    """No longer hear a service's repository (its git source stays); an automatic webhook is
    removed from the provider."""

    service_id: UUID


class ReportGitConnectionAccess(Command, frozen=True):
    """Report: a check of a connection's token found it working (``login``) or refused
    (``reason``); recorded only when that changes what is known."""

    connection_id: UUID
    login: str | None = None
    reason: str | None = None


class ReportWebhookRegistered(Command, frozen=True):
    """Report: the provider has the webhook of a service's repository."""

    service_id: UUID
    connection_id: UUID
    repository: str
    hook_id: str
    secret_generation: int = 0
    """The connection's secret generation the webhook was registered with."""


class ReportWebhookRefused(Command, frozen=True):
    """Report: the provider refused to register the webhook (e.g. no admin rights)."""

    service_id: UUID
    connection_id: UUID
    repository: str
    reason: str


class ReportWebhookRemoved(Command, frozen=True):
    """Report: a disconnected repository's webhook is off the provider (or the provider
    refuses for good to remove it: the process logs that a person should)."""

    service_id: UUID
    connection_id: UUID
    repository: str


# Cron runs (the cron process manager reports; people ask for a run now)


class RunCronNow(Command, frozen=True):
    """Run a cron service in an environment now, outside its schedule."""

    service_id: UUID
    environment_id: UUID
    request_id: str | None = None
    """Given by clients that retry: the same request asks for the same run."""


class ScheduleCronRun(Command, frozen=True):
    """Report: a cron service's scheduled time came (or was missed: ``skip_reason``)."""

    service_id: UUID
    environment_id: UUID
    deployment_id: UUID
    scheduled_at: datetime
    skip_reason: str | None = None
    skip_detail: str = ""


class StartCronRun(Command, frozen=True):
    """Report: a cron run's container started."""

    run_id: UUID
    container: str


class FinishCronRun(Command, frozen=True):
    """Report: a cron run's container exited (exit code None: it vanished)."""

    run_id: UUID
    exit_code: int | None
    detail: str = ""


class TimeOutCronRun(Command, frozen=True):
    """Report: a cron run was killed at its deadline."""

    run_id: UUID


class SkipCronRun(Command, frozen=True):
    """Report: a scheduled cron run will not run (``overlap``, ``no-release``)."""

    run_id: UUID
    reason: str
    detail: str


class ReplaceCronRun(Command, frozen=True):
    """Report: a cron run was stopped for a newer one (overlap policy ``replace``)."""

    run_id: UUID
    by_run_id: UUID


# Autoscaling (issue 16)


class MetricTargetInput(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A metric to scale on and the average per replica to steer towards: CPU or memory in
    % of the replica's request, requests per second, error rate in %, or a custom metric
    (its Prometheus ``name``)."""

    metric: MetricKind
    target: float
    name: str = ""


class ScalePolicyInput(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """At most ``value`` replicas (pods) or percent changed per ``period_seconds``."""

    kind: PolicyKind
    value: int
    period_seconds: int


class ScalingRulesInput(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One direction's behaviour; fields left out take Kubernetes' defaults (scale up: no
    window, 100 % or 4 replicas per 15 s; scale down: 300 s window, 100 % per 15 s)."""

    stabilization_seconds: int | None = None
    select: SelectPolicy = SelectPolicy.MAX
    policies: list[ScalePolicyInput] | None = None


class SetAutoscaling(Command, frozen=True):
    """Scale a service by its metrics between ``min_replicas`` and ``max_replicas``, within
    an hourly budget if given (the organisation's prices make a replica's cost)."""

    service_id: UUID
    max_replicas: int
    metrics: list[MetricTargetInput]
    min_replicas: int = 1
    scale_up: ScalingRulesInput | None = None
    scale_down: ScalingRulesInput | None = None
    hourly_budget: float | None = None
    idle_timeout_seconds: int | None = None
    """A web service idle this long sleeps at 0 replicas (min_replicas 0); None: never."""


class RemoveAutoscaling(Command, frozen=True):
    """Scale a service by hand only again (its replica count stays as it is)."""

    service_id: UUID


class SetPrices(Command, frozen=True):
    """What a vCPU-hour and a GB-hour of memory cost in an organisation."""

    organization_id: UUID
    vcpu_hour: float
    gb_hour: float


class RecordAutoscalingDecision(Command, frozen=True):
    """Report: an evaluation of a service's autoscaling, to record what it changed (and to
    scale the service to the decided count) unless the service changed since."""

    service_id: UUID
    evaluated_at: datetime
    evaluation: Evaluation
    readings: tuple[MetricReadings, ...] = ()
    replica_cost: float = 0.0
    policy: AutoscalingPolicy | None = None
    """The policy evaluated (a decision under a policy changed since is refused)."""
    project_cost: float | None = None
    """What the whole project costs per hour with the decided count, to record the 80 % mark
    of the project's budget (None: the project has no budget)."""


class SetProjectBudget(Command, frozen=True):
    """Cap what a project's services cost per hour together (None: no cap); it must pay for
    their minimum replicas."""

    project_id: UUID
    hourly_budget: float | None = None
    service_ids: list[UUID] = msgspec.field(default_factory=list)
    """The project's services, filled in by the server from its read model (their minimum
    replicas are checked against the budget), never by the caller."""


class SetNodePrices(Command, frozen=True):
    """What a vCPU-hour and a GB-hour cost on one node, over the organisation's prices (both
    left out: the organisation's again)."""

    node_id: UUID
    vcpu_hour: float | None = None
    gb_hour: float | None = None


class SetFailoverPolicy(Command, frozen=True):
    """How a service survives a dead node (issue 17): the replicas that must keep running on
    nodes that answer before its live release is placed again (left out: all of them), the
    nodes that take its replicas first, and the backup nodes that take them only when the
    others cannot. All left out: the defaults again."""

    service_id: UUID
    min_healthy_replicas: int | None = None
    preferred_nodes: list[UUID] = msgspec.field(default_factory=list)
    backup_nodes: list[UUID] = msgspec.field(default_factory=list)


class SetProjectPlacement(Command, frozen=True):
    """Pack a project's replicas onto few nodes or spread them over many."""

    project_id: UUID
    placement: PlacementPreference


class SleepService(Command, frozen=True):
    """Report: a service got no request for its idle timeout; scale it to 0 (refused when it
    no longer runs ``previous`` replicas)."""

    service_id: UUID
    evaluated_at: datetime
    previous: int
    reason: str
    policy: AutoscalingPolicy | None = None


class WakeService(Command, frozen=True):
    """A request came for a sleeping service: run one replica (nothing when it runs any)."""

    service_id: UUID
    reason: str = "a request came"


# Backup destinations (issue 15)


class CreateBackupDestination(Command, frozen=True):
    """Add a place for an organisation's backups: a directory on the node (``path``) or
    S3-compatible storage (bucket, prefix, credentials). Saved only after a test write."""

    organization_id: UUID
    name: str
    kind: DestinationKind
    path: str | None = None
    endpoint_url: str | None = None
    """S3: the storage's address (MinIO, R2, B2...); left out for AWS S3."""
    region: str | None = None
    bucket: str | None = None
    prefix: str | None = None
    access_key_id: str | None = None
    secret_access_key: Secret | None = None


class UpdateBackupDestination(Command, frozen=True):
    """Change some of a destination's settings (fields left out keep their value; its kind
    stays). Saved only after a test write with the new settings."""

    destination_id: UUID
    name: str | UnsetType = UNSET
    path: str | UnsetType = UNSET
    endpoint_url: str | UnsetType | None = UNSET
    region: str | UnsetType = UNSET
    bucket: str | UnsetType = UNSET
    prefix: str | UnsetType = UNSET
    access_key_id: str | UnsetType = UNSET
    secret_access_key: Secret | UnsetType = UNSET


class RemoveBackupDestination(Command, frozen=True):
    """Stop using a backup destination (the files in it stay)."""

    destination_id: UUID


# Notifiers and notification deliveries (issue 17)


class CreateNotifier(Command, frozen=True):
    """Add a channel for the organisation's alert notifications: ``email`` (SMTP settings,
    from, to), ``slack`` or ``discord`` (``secret_url``: the incoming-webhook URL) or
    ``webhook`` (``url``, optional ``headers`` as ``Name: value``; a signing secret is made)."""

    organization_id: UUID
    name: str
    kind: NotifierKind
    enabled: bool = True
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: SmtpSecurity | None = None
    smtp_username: str | None = None
    smtp_password: Secret | None = None
    email_from: str | None = None
    email_to: list[str] = msgspec.field(default_factory=list)
    secret_url: Secret | None = None
    url: str | None = None
    headers: list[Secret] = msgspec.field(default_factory=list)


class UpdateNotifier(Command, frozen=True):
    """Change some of a notifier's settings (fields left out keep their value; its kind
    stays; a secret left out keeps the recorded one)."""

    notifier_id: UUID
    name: str | UnsetType = UNSET
    enabled: bool | UnsetType = UNSET
    smtp_host: str | UnsetType = UNSET
    smtp_port: int | UnsetType = UNSET
    smtp_security: SmtpSecurity | UnsetType = UNSET
    smtp_username: str | UnsetType | None = UNSET
    smtp_password: Secret | UnsetType = UNSET
    email_from: str | UnsetType = UNSET
    email_to: list[str] | UnsetType = UNSET
    secret_url: Secret | UnsetType = UNSET
    url: str | UnsetType = UNSET
    headers: list[Secret] | UnsetType = UNSET
    rotate_signing_secret: bool = False
    """Webhook: make a new signing secret (the receiver must be given it)."""


class DeleteNotifier(Command, frozen=True):
    """Stop sending notifications to a notifier."""

    notifier_id: UUID


class TestNotifier(Command, frozen=True):
    """Record what a test message sent to a notifier just now found (the send happens on
    the way in, see ``application.notifications.NotifierTests``)."""

    notifier_id: UUID
    ok: bool
    code: str | None = None
    answer: str = ""


class RequestNotificationDeliveries(Command, frozen=True):
    """Report: the alert process handed a notification over for these notifiers (each
    notification is recorded once per notifier, however often it is handed over)."""

    organization_id: UUID
    notifier_ids: list[UUID]
    message: NotificationMessage


class RecordDeliveryAttempt(Command, frozen=True):
    """Report: attempt ``attempt`` of a delivery ended (a repeat is ignored)."""

    delivery_id: UUID
    attempt: int
    ok: bool
    answer: str
    permanent: bool = False
    """The channel will never take it (deleted notifier, refused message): no retry."""


# Backups of managed databases (issue 15)


class SetBackupPlan(Command, frozen=True):
    """Back a database service up in an environment on a cron schedule, to a destination,
    keeping ``daily``/``weekly``/``monthly`` verified backups (the rest are deleted)."""

    service_id: UUID
    environment_id: UUID
    schedule: str
    destination_id: UUID
    timezone: str | None = None
    daily: int = 7
    weekly: int = 4
    monthly: int = 6
    enabled: bool = True


class RemoveBackupPlan(Command, frozen=True):
    """Stop a database service's scheduled backups in an environment (backups stay)."""

    service_id: UUID
    environment_id: UUID


class BackupNow(Command, frozen=True):
    """Back a database service up now, to ``destination_id`` or its plan's destination."""

    service_id: UUID
    environment_id: UUID
    destination_id: UUID | None = None
    request_id: str | None = None
    """The same id sent again asks for the same backup (a lost reply re-sent)."""


class RestoreBackup(Command, frozen=True):
    """Restore a backup into its own database (``same``: ``confirm`` is the service's name,
    and an automatic backup is taken first) or into a new database service ``new_service_name``."""

    backup_id: UUID
    into: Literal["same", "new"]
    confirm: str = ""
    new_service_name: str | None = None
    force: bool = False
    """Restore a backup that failed its restore check all the same."""


class ScheduleBackup(Command, frozen=True):
    """Report: a backup plan's scheduled time came (the same time twice is one backup)."""

    plan_id: UUID
    scheduled_at: datetime
    missed: str = ""
    """Set when the time was missed (Containr was down): the backup is recorded failed."""


class ReportBackupStep(Command, frozen=True):
    """Report: a backup's next step began or ended, or it failed, or retention deleted it."""

    backup_id: UUID
    step: Literal[
        "dumping", "stored", "verifying", "verified", "verification_failed", "failed", "deleted"
    ]
    size_bytes: int = 0
    sha256: str = ""
    server_version: str = ""
    tables: dict[str, int] = msgspec.field(default_factory=dict)
    keys: int | None = None
    reason: str = ""


class ReportDatabaseRestoreStep(Command, frozen=True):
    """Report: a restore of a backup began (``restoring``), ended, or failed."""

    restore_id: UUID
    step: Literal["restoring", "restored", "failed"]
    reason: str = ""


# Alerts (issue 17)


class AlertRuleInput(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """An alert rule's settings (all of them, when created and when changed)."""

    name: str
    severity: Severity = Severity.WARNING
    enabled: bool = True
    notifier_ids: list[UUID] | None = None
    """The organisation's notifiers to tell (None: all of them)."""
    project_id: UUID | None = None
    environment_id: UUID | None = None
    service_id: UUID | None = None
    kind: ConditionKind = ConditionKind.METRIC
    metric: AlertMetric | None = None
    custom_metric: str | None = None
    comparator: Comparator | None = None
    threshold: float | None = None
    for_seconds: int = 0
    event: AlertEvent | None = None
    count: int | None = None
    window_seconds: int | None = None
    resolve_after_seconds: int | None = None


class CreateAlertRule(Command, frozen=True):
    """Add an alert rule to an organisation."""

    organization_id: UUID
    settings: AlertRuleInput


class UpdateAlertRule(Command, frozen=True):
    """Replace an alert rule's settings (its kind stays)."""

    rule_id: UUID
    settings: AlertRuleInput


class DeleteAlertRule(Command, frozen=True):
    """Stop an alert rule (its open incidents resolve)."""

    rule_id: UUID


class AcknowledgeIncident(Command, frozen=True):
    """Take an incident on."""

    incident_id: UUID


class CreateSilence(Command, frozen=True):
    """Record incidents matching a rule, project and/or service until ``ends_at`` without
    sending them."""

    organization_id: UUID
    ends_at: datetime
    rule_id: UUID | None = None
    project_id: UUID | None = None
    service_id: UUID | None = None
    comment: str = ""


class ExpireSilence(Command, frozen=True):
    """End a silence now."""

    silence_id: UUID


class OpenIncident(Command, frozen=True):
    """The alert process found a rule's condition true for a subject with no open incident:
    open one (pending, or firing at once when the rule has no ``for``)."""

    rule_id: UUID
    subject: str
    trigger: str
    title: str
    started_at: datetime
    """When the condition was first found true."""
    labels: dict[str, str] = {}
    project_id: UUID | None = None
    environment_id: UUID | None = None
    service_id: UUID | None = None
    node_id: UUID | None = None
    value: float | None = None
    fire: bool = False
    silenced_by: UUID | None = None


class FireIncident(Command, frozen=True):
    """A pending incident's condition held for its rule's ``for``."""

    incident_id: UUID
    at: datetime
    value: float | None = None
    silenced_by: UUID | None = None


class UnsilenceIncident(Command, frozen=True):
    """The silence a firing incident fired under has ended: it is told now."""

    incident_id: UUID
    at: datetime


class EndIncident(Command, frozen=True):
    """An open incident's condition stopped (resolved; dropped when it never fired)."""

    incident_id: UUID
    reason: str
    at: datetime
    value: float | None = None
    timed_out: bool = False


class RecordIncidentNotified(Command, frozen=True):
    """A notification of an incident was handed to the notifiers."""

    incident_id: UUID
    key: str
