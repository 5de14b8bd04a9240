"""Queries over the current state (from aggregates until the read models exist)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application.errors import NotFoundError
from application.eventstore import EventStore
from application.ports import SecretBox
from application.secrets import Secret
from domain.backup import Backup
from domain.backup_plan import BackupPlan
from domain.base import ContainrAggregate
from domain.cluster import Cluster
from domain.commit_checks import CommitChecks
from domain.commit_status import CommitStatus
from domain.cron_run import CronRun
from domain.database_restore import DatabaseRestore
from domain.deployment import Deployment
from domain.environment_access import EnvironmentAccess
from domain.git_connection import GitConnection
from domain.guest import Guest
from domain.node import Node
from domain.organization import Organization
from domain.preview import Preview
from domain.project import Project
from domain.service import Service
from domain.service_autoscaling import ServiceAutoscaling
from domain.service_spec import Resources
from domain.user import User
from domain.values import SealedValue
from domain.variables import VariableSet
from domain.volume_snapshot import VolumeSnapshot
from domain.webhook_delivery import WebhookDelivery


class Queries:
    """Read-only questions about projects, services, deployments, nodes and variables."""

    def __init__(self, store: EventStore, secrets: SecretBox) -> None:
        self._store = store
        self._secrets = secrets

    def _get(self, cls: type[ContainrAggregate], aggregate_id: UUID, kind: str) -> object:
        try:
            aggregate: ContainrAggregate = self._store.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFoundError(kind, aggregate_id) from None
        if not isinstance(aggregate, cls):
            raise NotFoundError(kind, aggregate_id)
        return aggregate

    def organization(self, organization_id: UUID) -> Organization:
        """An organisation and its members."""
        org = self._get(Organization, organization_id, "organization")
        assert isinstance(org, Organization)
        return org

    def environment_access(self, environment_id: UUID) -> EnvironmentAccess | None:
        """Who may open an environment's web services (None: nobody set it; public)."""
        try:
            found = self._get(
                EnvironmentAccess, EnvironmentAccess.id_for(environment_id), "environment access"
            )
        except NotFoundError:
            return None
        assert isinstance(found, EnvironmentAccess)
        return found

    def project(self, project_id: UUID) -> Project:
        """A project with its environments (deleted ones too)."""
        project = self._get(Project, project_id, "project")
        assert isinstance(project, Project)
        return project

    def service(self, service_id: UUID) -> Service:
        """A service with its spec and live releases."""
        service = self._get(Service, service_id, "service")
        assert isinstance(service, Service)
        return service

    def replica_history(self, service_id: UUID) -> list[tuple[datetime, int, Resources]]:
        """Each change of a service's replica count or requests, oldest first: (when, the
        replicas, their requests); a deleted service runs none (issue 16's month cost)."""
        changes: list[tuple[datetime, int, Resources]] = []
        for stored in self._store.recorder.select_events(service_id):
            event = self._store.mapper.to_domain_event(stored)
            last = changes[-1] if changes else None
            if isinstance(event, Service.Created | Service.Reconfigured):
                spec = event.spec
                changes.append((event.timestamp, spec.replicas, spec.resources))
            elif isinstance(event, Service.Scaled) and last is not None:
                changes.append((event.timestamp, event.replicas, last[2]))
            elif isinstance(event, Service.Deleted) and last is not None:
                changes.append((event.timestamp, 0, last[2]))
        return changes

    def service_autoscaling(self, service_id: UUID) -> ServiceAutoscaling | None:
        """A service's autoscaling: its policy and recent decisions (None: never set)."""
        try:
            found = self._get(
                ServiceAutoscaling, ServiceAutoscaling.id_for(service_id), "service autoscaling"
            )
        except NotFoundError:
            return None
        assert isinstance(found, ServiceAutoscaling)
        return found

    def snapshot(self, snapshot_id: UUID) -> VolumeSnapshot:
        """A volume snapshot with its steps and restores."""
        snapshot = self._get(VolumeSnapshot, snapshot_id, "snapshot")
        assert isinstance(snapshot, VolumeSnapshot)
        return snapshot

    def backup(self, backup_id: UUID) -> Backup:
        """A backup of a database with its steps."""
        backup = self._get(Backup, backup_id, "backup")
        assert isinstance(backup, Backup)
        return backup

    def backup_plan(self, plan_id: UUID) -> BackupPlan:
        """A database service's backup plan in an environment."""
        plan = self._get(BackupPlan, plan_id, "backup plan")
        assert isinstance(plan, BackupPlan)
        return plan

    def database_restore(self, restore_id: UUID) -> DatabaseRestore:
        """A restore of a backup into a database service."""
        restore = self._get(DatabaseRestore, restore_id, "restore")
        assert isinstance(restore, DatabaseRestore)
        return restore

    def deployment(self, deployment_id: UUID) -> Deployment:
        """A deployment with its state history."""
        deployment = self._get(Deployment, deployment_id, "deployment")
        assert isinstance(deployment, Deployment)
        return deployment

    def cron_run(self, run_id: UUID) -> CronRun:
        """A run of a cron service."""
        run = self._get(CronRun, run_id, "cron run")
        assert isinstance(run, CronRun)
        return run

    def cluster(self, cluster_id: UUID) -> Cluster:
        """A Proxmox cluster (its token secret stays sealed)."""
        cluster = self._get(Cluster, cluster_id, "cluster")
        assert isinstance(cluster, Cluster)
        return cluster

    def guest(self, guest_id: UUID) -> Guest:
        """A guest of a cluster."""
        guest = self._get(Guest, guest_id, "guest")
        assert isinstance(guest, Guest)
        return guest

    def node(self, node_id: UUID) -> Node:
        """A node."""
        node = self._get(Node, node_id, "node")
        assert isinstance(node, Node)
        return node

    def variable_names(
        self, environment_id: UUID, service_id: UUID | None = None, *, version: int | None = None
    ) -> list[str]:
        """The names of an environment's (or a service's) variables, without values."""
        variables = self._variables(environment_id, service_id, version)
        return sorted(variables.values) if variables else []

    def reveal_variables(
        self, environment_id: UUID, service_id: UUID | None = None, *, version: int | None = None
    ) -> dict[str, Secret]:
        """The variables with their values opened (SecretUnavailableError if they cannot be)."""
        variables = self._variables(environment_id, service_id, version)
        if variables is None:
            return {}
        return {
            name: self._secrets.open(variables.organization_id, variables.context_for(name), sealed)
            for name, sealed in sorted(variables.values.items())
        }

    def variable_references(
        self, environment_id: UUID, service_id: UUID | None = None, *, version: int | None = None
    ) -> dict[str, tuple[str, ...]]:
        """What each templated variable of an environment (or a service) references, as
        ``<service id>.<NAME>`` or ``shared.<NAME>`` (no values)."""
        variables = self._variables(environment_id, service_id, version)
        return dict(variables.references) if variables else {}

    def _variables(
        self, environment_id: UUID, service_id: UUID | None, version: int | None
    ) -> VariableSet | None:
        if version == 0:
            return None
        try:
            variables: VariableSet = self._store.repository.get(
                VariableSet.id_for(environment_id, service_id), version=version
            )
        except AggregateNotFoundError:
            return None
        assert isinstance(variables, VariableSet)
        return variables

    def user(self, user_id: UUID) -> User:
        """A user (email, name, tokens)."""
        user = self._get(User, user_id, "user")
        assert isinstance(user, User)
        return user

    def git_connection(self, connection_id: UUID) -> GitConnection:
        """A git connection (its token and webhook secrets stay sealed)."""
        connection = self._get(GitConnection, connection_id, "git connection")
        assert isinstance(connection, GitConnection)
        return connection

    def webhook_delivery(self, delivery_id: UUID) -> WebhookDelivery:
        """A recorded webhook delivery."""
        delivery = self._get(WebhookDelivery, delivery_id, "webhook delivery")
        assert isinstance(delivery, WebhookDelivery)
        return delivery

    def commit_status(self, deployment_id: UUID) -> CommitStatus | None:
        """The commit statuses a pushed deployment reported so far (None: none yet)."""
        try:
            status = self._get(CommitStatus, CommitStatus.id_for(deployment_id), "commit status")
        except NotFoundError:
            return None
        assert isinstance(status, CommitStatus)
        return status

    def commit_checks(self, checks_id: UUID) -> CommitChecks:
        """A pushed commit waiting (or that waited) for its checks."""
        checks = self._get(CommitChecks, checks_id, "commit waiting for checks")
        assert isinstance(checks, CommitChecks)
        return checks

    def preview(self, preview_id: UUID) -> Preview:
        """A pull request's preview environment."""
        preview = self._get(Preview, preview_id, "preview")
        assert isinstance(preview, Preview)
        return preview

    def open_sealed(self, organization_id: UUID, context: str, sealed: SealedValue) -> Secret:
        """Open a sealed value of an organisation's (SecretUnavailableError if it cannot be)."""
        return self._secrets.open(organization_id, context, sealed)

    def webhook_secret(self, connection_id: UUID) -> Secret:
        """A connection's current webhook secret, opened (for admins to paste at the provider)."""
        connection = self.git_connection(connection_id)
        return self._secrets.open(
            connection.organization_id,
            GitConnection.secret_context(connection.id),
            connection.webhook_secret,
        )
