"""The dashboard read model: the current state of everything, as the UI shows it at a glance.

Its rows, tables and handlers live in one module per aggregate (accounts, organisations,
projects, variables, services, deployments, nodes, clusters, guests); this module puts them
together as one projection, with one name and one tracking position, and exports the row
types and tables under the names they always had.
"""

from __future__ import annotations

from projections.base import Projection
from projections.dashboard.access import (
    ENVIRONMENT_ACCESS,
    SHARE_LINKS,
    AccessHandlers,
    EnvironmentAccessRow,
    ShareLinkRow,
)
from projections.dashboard.accounts import (
    API_TOKENS,
    SIGN_IN_LINKS,
    USERS,
    AccountHandlers,
    ApiTokenRow,
    SignInLinkRow,
    UserRow,
)
from projections.dashboard.autoscaling import AUTOSCALING, AutoscalingHandlers, AutoscalingRow
from projections.dashboard.backup_destinations import (
    BACKUP_DESTINATIONS,
    BackupDestinationHandlers,
    BackupDestinationRow,
)
from projections.dashboard.backups import (
    BACKUP_PLANS,
    BACKUPS,
    DATABASE_RESTORES,
    BackupHandlers,
    BackupPlanRow,
    BackupRow,
    DatabaseRestoreRow,
)
from projections.dashboard.clusters import (
    CLUSTER_NODES,
    CLUSTERS,
    ClusterHandlers,
    ClusterNodeRow,
    ClusterRow,
)
from projections.dashboard.commits import (
    COMMIT_CHECKS,
    COMMIT_STATUSES,
    CommitChecksRow,
    CommitHandlers,
    CommitStatusRow,
)
from projections.dashboard.cron_runs import CRON_RUNS, CronRunHandlers, CronRunRow
from projections.dashboard.deployments import DEPLOYMENTS, DeploymentHandlers, DeploymentRow
from projections.dashboard.git import (
    GIT_CONNECTIONS,
    SERVICE_SOURCES,
    SERVICE_TRIGGERS,
    WEBHOOK_DELIVERIES,
    WEBHOOK_REMOVALS,
    GitConnectionRow,
    GitHandlers,
    ServiceSourceRow,
    ServiceTriggersRow,
    WebhookDeliveryRow,
    WebhookRemovalRow,
)
from projections.dashboard.guests import GUESTS, GuestHandlers, GuestRow
from projections.dashboard.nodes import NODES, NodeHandlers, NodeRow
from projections.dashboard.notifiers import (
    DELIVERY_ATTEMPTS,
    NOTIFICATION_DELIVERIES,
    NOTIFIERS,
    DeliveryAttemptRow,
    NotificationDeliveryRow,
    NotifierHandlers,
    NotifierRow,
)
from projections.dashboard.organizations import (
    INVITATIONS,
    MEMBERS,
    ORGANIZATIONS,
    InvitationRow,
    MemberRow,
    OrganizationHandlers,
    OrganizationRow,
)
from projections.dashboard.previews import (
    PREVIEW_POLICIES,
    PREVIEWS,
    PreviewHandlers,
    PreviewPolicyRow,
    PreviewRow,
)
from projections.dashboard.projects import (
    ENVIRONMENTS,
    PROJECTS,
    EnvironmentRow,
    ProjectHandlers,
    ProjectRow,
)
from projections.dashboard.services import (
    SERVICE_STATES,
    SERVICES,
    ServiceHandlers,
    ServiceRow,
    ServiceStateRow,
)
from projections.dashboard.snapshots import SNAPSHOTS, SnapshotHandlers, SnapshotRow
from projections.dashboard.variables import (
    REFERENCE_DEPENDENTS,
    VARIABLE_REFERENCES,
    VARIABLE_SETS,
    VARIABLES,
    ReferenceDependentsRow,
    VariableHandlers,
    VariableReferenceRow,
    VariableRow,
    VariableSetRow,
)
from projections.dashboard.volumes import SERVICE_VOLUMES, ServiceVolumesRow, VolumeHandlers

__all__ = [
    "API_TOKENS",
    "AUTOSCALING",
    "BACKUPS",
    "BACKUP_DESTINATIONS",
    "BACKUP_PLANS",
    "CLUSTERS",
    "CLUSTER_NODES",
    "COMMIT_CHECKS",
    "COMMIT_STATUSES",
    "CRON_RUNS",
    "DATABASE_RESTORES",
    "DELIVERY_ATTEMPTS",
    "DEPLOYMENTS",
    "ENVIRONMENTS",
    "ENVIRONMENT_ACCESS",
    "GIT_CONNECTIONS",
    "GUESTS",
    "INVITATIONS",
    "MEMBERS",
    "NODES",
    "NOTIFICATION_DELIVERIES",
    "NOTIFIERS",
    "ORGANIZATIONS",
    "PREVIEWS",
    "PREVIEW_POLICIES",
    "PROJECTS",
    "REFERENCE_DEPENDENTS",
    "SERVICES",
    "SERVICE_SOURCES",
    "SERVICE_STATES",
    "SERVICE_TRIGGERS",
    "SERVICE_VOLUMES",
    "SHARE_LINKS",
    "SIGN_IN_LINKS",
    "SNAPSHOTS",
    "USERS",
    "VARIABLES",
    "VARIABLE_REFERENCES",
    "VARIABLE_SETS",
    "WEBHOOK_DELIVERIES",
    "WEBHOOK_REMOVALS",
    "ApiTokenRow",
    "AutoscalingRow",
    "BackupDestinationRow",
    "BackupPlanRow",
    "BackupRow",
    "ClusterNodeRow",
    "ClusterRow",
    "CommitChecksRow",
    "CommitStatusRow",
    "CronRunRow",
    "DashboardProjection",
    "DatabaseRestoreRow",
    "DeliveryAttemptRow",
    "DeploymentRow",
    "EnvironmentAccessRow",
    "EnvironmentRow",
    "GitConnectionRow",
    "GuestRow",
    "InvitationRow",
    "MemberRow",
    "NodeRow",
    "NotificationDeliveryRow",
    "NotifierRow",
    "OrganizationRow",
    "PreviewPolicyRow",
    "PreviewRow",
    "ProjectRow",
    "ReferenceDependentsRow",
    "ServiceRow",
    "ServiceSourceRow",
    "ServiceStateRow",
    "ServiceTriggersRow",
    "ServiceVolumesRow",
    "ShareLinkRow",
    "SignInLinkRow",
    "SnapshotRow",
    "UserRow",
    "VariableReferenceRow",
    "VariableRow",
    "VariableSetRow",
    "WebhookDeliveryRow",
    "WebhookRemovalRow",
]


class DashboardProjection(
    AccountHandlers,
    VariableHandlers,
    OrganizationHandlers,
    ProjectHandlers,
    ServiceHandlers,
    DeploymentHandlers,
    NodeHandlers,
    ClusterHandlers,
    GuestHandlers,
    GitHandlers,
    CommitHandlers,
    PreviewHandlers,
    AccessHandlers,
    CronRunHandlers,
    VolumeHandlers,
    SnapshotHandlers,
    AutoscalingHandlers,
    BackupDestinationHandlers,
    BackupHandlers,
    NotifierHandlers,
    Projection,
):
    """Current organisations, projects, environments, services, deployments and nodes."""

    name = "dashboard"
    # The order of the tables is part of the read model's shape (a digest of them): a new
    # order would rebuild every dashboard for nothing.
    tables = (
        USERS,
        API_TOKENS,
        VARIABLES,
        VARIABLE_SETS,
        ORGANIZATIONS,
        MEMBERS,
        INVITATIONS,
        PROJECTS,
        ENVIRONMENTS,
        SERVICES,
        SERVICE_STATES,
        DEPLOYMENTS,
        NODES,
        CLUSTERS,
        CLUSTER_NODES,
        GUESTS,
        GIT_CONNECTIONS,
        WEBHOOK_DELIVERIES,
        SERVICE_TRIGGERS,
        COMMIT_CHECKS,
        COMMIT_STATUSES,
        SERVICE_SOURCES,
        WEBHOOK_REMOVALS,
        SIGN_IN_LINKS,
        PREVIEW_POLICIES,
        PREVIEWS,
        ENVIRONMENT_ACCESS,
        SHARE_LINKS,
        VARIABLE_REFERENCES,
        REFERENCE_DEPENDENTS,
        CRON_RUNS,
        SERVICE_VOLUMES,
        SNAPSHOTS,
        AUTOSCALING,
        BACKUP_DESTINATIONS,
        BACKUPS,
        BACKUP_PLANS,
        DATABASE_RESTORES,
        NOTIFIERS,
        NOTIFICATION_DELIVERIES,
        DELIVERY_ATTEMPTS,
    )
