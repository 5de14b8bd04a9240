"""Both gates, proven field by field: a matrix generated from schema.graphql.

Every Query and Subscription field, and every field taking an id (mutations and nested
fields too), is called by each role of organisation A, by the owner of organisation B with
A's ids, with mixed ids (some of A, some of B, both ways round), anonymously, and with a
read-only API token. Everything that must be refused is; everything that may succeed does.
The matrix fails when the schema gains a field it does not cover.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import graphql
import pytest
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher, JwtSigner
from adapters.fake_git_providers import FakeGitProviderApis
from adapters.secretbox import master_key
from application import commands as c
from application.auth import hash_token
from application.bus import Context
from application.secrets import Secret
from application.services import Services
from application.settings import Settings
from domain.preview import Preview
from domain.triggers import repository_full_name
from domain.webhook_delivery import DeliveryFact
from interfaces.bootstrap import bootstrap, migrate
from interfaces.http.app import create_app
from tests.conftest import OPEN_SIGNUP
from tests.e2e.client import Client

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("owner", "admin", "member", "viewer")
LEVEL = {"read": 0, "write": 1, "deploy": 1, "manage": 2, "own": 3}
ROLE_LEVEL = {"viewer": 0, "member": 1, "admin": 2, "owner": 3}
SYSTEM = Context(actor="system:test")  # type: ignore[arg-type]
PASSWORD = "correct horse battery"  # tests/e2e/client.py signs everyone up with it
REFUSED = ("FORBIDDEN",)


@dataclass(frozen=True)
class Case:
    """One field: the permission it needs, a document, and how its ids may be mixed.

    ``permission`` "self" means the caller's own account (any role; tokens need admin).
    ``ids`` names the variables holding ids (mixed between the organisations); ``fresh``
    seeds new entities before an attempt that may succeed (it changes them).
    ``tolerate`` are codes an allowed attempt may still get for reasons of its own.
    """

    permission: str
    document: str
    ids: tuple[str, ...] = ()
    fresh: bool = False
    tolerate: tuple[str, ...] = ()
    subscription: bool = False
    public: bool = False
    session: bool = False
    """Each attempt signs in anew (it ends the session it runs in)."""


def q(permission: str, document: str, *ids: str, **kw: object) -> Case:
    return Case(permission, document, ids, **kw)  # type: ignore[arg-type]


def m(permission: str, document: str, *ids: str, **kw: object) -> Case:
    return Case(permission, document, ids, fresh=True, **kw)  # type: ignore[arg-type]


def s(document: str, *ids: str) -> Case:
    return Case("read", document, ids, subscription=True)


CASES: dict[str, Case] = {
    # Query
    "Query.viewer": q("read", "{ viewer { id email organizations { id role } apiTokens { id } } }"),
    "Query.organization": q(
        "read",
        "query($org: ID!) { organization(id: $org) { name role members { name email } "
        "projects { nodes { name services { name states { latestState } } } } nodes { name } "
        "canWrite canManage } }",
        "org",
    ),
    "Query.organization.invitations": q(
        "manage", "query($org: ID!) { organization(id: $org) { invitations { email } } }", "org"
    ),
    "Query.project": q(
        "read",
        "query($project: ID!) { project(id: $project) { name environments { name } "
        "services { name states { latestDeployment { state } } } } }",
        "project",
    ),
    "Query.projectAsOf": q(
        "read",
        "query($project: ID!) { projectAsOf(id: $project, position: 1) { position } }",
        "project",
        tolerate=("NOT_FOUND",),  # the project did not exist yet at position 1
    ),
    "Query.service": q(
        "read",
        "query($service: ID!) { service(id: $service) { name states { latestState } "
        "deployments(first: 2) { nodes { state history { state } } } releases { state } "
        "autoscaling { enabled lastExplanation } } }",
        "service",
    ),
    "Service.references": q(
        "read",
        "query($service: ID!) { service(id: $service) { references { serviceId variables } "
        "states { needsRedeploy needsRedeploySince } } }",
        "service",
    ),
    "Service.database": q(
        "read",
        "query($managed: ID!, $env: ID!) { service(id: $managed) { database(environmentId: $env) "
        "{ engine version internalHost port user databaseName reference published "
        "figures { running problem } } } }",
        "managed",
        "env",
    ),
    "ManagedDatabase.password": q(
        "manage",
        "query($managed: ID!, $env: ID!) { service(id: $managed) { database(environmentId: $env) "
        "{ password connectionUrl } } }",
        "managed",
        "env",
    ),
    "Service.deployments": q(
        "read",
        "query($service: ID!, $env: ID!) { service(id: $service) { "
        "deployments(environmentId: $env) { nodes { id } } } }",
        "service",
        "env",
    ),
    "Service.cronRuns": q(
        "read",
        "query($service: ID!, $env: ID!) { service(id: $service) { "
        "cronRuns(environmentId: $env) { id state logs { line } } } }",
        "service",
        "env",
    ),
    "Service.backups": q(
        "read",
        "query($db: ID!) { service(id: $db) { backups { id state factsSummary } restoring } }",
        "db",
    ),
    "Service.backupPlan": q(
        "read",
        "query($db: ID!) { service(id: $db) { backupPlan { id schedule } databaseRestores { id } } }",
        "db",
    ),
    "Query.deployment": q(
        "read", "query($deployment: ID!) { deployment(id: $deployment) { state } }", "deployment"
    ),
    "Query.node": q(
        "read",
        "query($node: ID!) { node(id: $node) { name portStart portEnd portsAllocated "
        "portAllocations { port deploymentId replica serviceName } } }",
        "node",
    ),
    "Query.clusters": q(
        "read", "query($org: ID!) { clusters(organizationId: $org) { name } }", "org"
    ),
    "Query.cluster": q(
        "read",
        "query($cluster: ID!) { cluster(id: $cluster) { name nodes { name } guests { name } } }",
        "cluster",
    ),
    "Query.guest": q("read", "query($guest: ID!) { guest(id: $guest) { state } }", "guest"),
    "Query.nodeMetrics": q(
        "read",
        'query($cluster: ID!) { nodeMetrics(clusterId: $cluster, node: "pve1", '
        'since: "2026-01-01T00:00:00+00:00") { at } }',
        "cluster",
    ),
    "Query.auditLog": q(
        "read",
        "query($project: ID!) { auditLog(projectId: $project, first: 5) { nodes { action details } } }",
        "project",
    ),
    "Query.auditLog(organizationId)": q(
        "read",
        "query($org: ID!) { auditLog(organizationId: $org, first: 5) { nodes { action } } }",
        "org",
    ),
    "Query.analytics": q(
        "read",
        'query($project: ID!) { analytics(projectId: $project, since: "2026-01-01", '
        'until: "2026-01-02") { day } }',
        "project",
    ),
    "Query.serviceMetrics": q(
        "read",
        'query($service: ID!) { serviceMetrics(serviceId: $service, metric: "cpu_cores", '
        'stepSeconds: 60, aggregation: "max") { at value } }',
        "service",
    ),
    "Query.dockerNodeMetrics": q(
        "read",
        'query($node: ID!) { dockerNodeMetrics(nodeId: $node, metric: "node_cpu_cores") '
        "{ at value } }",
        "node",
    ),
    "Query.nodeContainers": q(
        "read",
        "query($node: ID!) { nodeContainers(nodeId: $node) { id state } }",
        "node",
        tolerate=("UNAVAILABLE",),  # the seeded node's engine may not answer
    ),
    "Query.logs": q(
        "read",
        "query($service: ID!, $deployment: ID!) { logs(serviceId: $service, "
        "deploymentId: $deployment) { lines { line } } }",
        "service",
        "deployment",
    ),
    "Query.estimateAutoscaling": q(
        "read",
        "query($service: ID!) { estimateAutoscaling(serviceId: $service, maxReplicas: 3, "
        'metrics: [{metric: "requests_per_second", target: 50}]) { estimatedCost '
        "points { at } } }",
        "service",
    ),
    "Query.buildPlan": q(
        "read", "query($service: ID!) { buildPlan(serviceId: $service) { runtime } }", "service"
    ),
    "Query.variables": q(
        "read",
        "query($project: ID!, $env: ID!, $service: ID!) { variables(projectId: $project, "
        "environmentId: $env, serviceId: $service) { name } }",
        "project",
        "env",
        "service",
    ),
    "Query.variables(reveal)": q(
        "manage",
        "query($project: ID!, $env: ID!) { variables(projectId: $project, environmentId: $env, "
        "reveal: true) { name value } }",
        "project",
        "env",
    ),
    "Query.gitConnections": q(
        "read",
        "query($org: ID!) { gitConnections(organizationId: $org) { name webhookPath } }",
        "org",
    ),
    "Query.gitConnections(webhookSecret)": q(
        "manage",
        "query($org: ID!) { gitConnections(organizationId: $org) { webhookSecret } }",
        "org",
    ),
    "Query.gitConnection": q(
        "read", "query($connection: ID!) { gitConnection(id: $connection) { name } }", "connection"
    ),
    "Query.backupDestinations": q(
        "read",
        "query($org: ID!) { backupDestinations(organizationId: $org) { name kind path } }",
        "org",
    ),
    "Query.backupDestination": q(
        "read",
        "query($destination: ID!) { backupDestination(id: $destination) { name } }",
        "destination",
    ),
    "Query.alertRules": q(
        "read",
        "query($org: ID!) { alertRules(organizationId: $org) { name kind description } }",
        "org",
    ),
    "Query.alertRule": q(
        "read", "query($rule: ID!) { alertRule(id: $rule) { name threshold } }", "rule"
    ),
    "Query.incidents": q(
        "read",
        "query($org: ID!) { incidents(organizationId: $org, open: true) { status title "
        "timeline { status at } notifications { key } } }",
        "org",
    ),
    "Query.incident": q(
        "read", "query($incident: ID!) { incident(id: $incident) { status labels } }", "incident"
    ),
    "Query.silences": q(
        "read", "query($org: ID!) { silences(organizationId: $org) { endsAt comment } }", "org"
    ),
    "Query.notifiers": q(
        "read",
        "query($org: ID!) { notifiers(organizationId: $org) { name kind signingSecret } }",
        "org",
    ),
    "Query.notifier": q(
        "read", "query($notifier: ID!) { notifier(id: $notifier) { name } }", "notifier"
    ),
    "Query.notificationDeliveries": q(
        "read",
        "query($org: ID!) { notificationDeliveries(organizationId: $org) { state } }",
        "org",
    ),
    "Query.webhookDeliveries": q(
        "read",
        "query($connection: ID!) { webhookDeliveries(connectionId: $connection) { event } }",
        "connection",
    ),
    "Query.serviceTriggers": q(
        "read",
        "query($service: ID!) { serviceTriggers(serviceId: $service) { triggers } }",
        "service",
    ),
    "Query.serviceSource": q(
        "read",
        "query($service: ID!) { serviceSource(serviceId: $service) { repository } }",
        "service",
    ),
    "Query.gitRepositories": q(
        "read",
        "query($connection: ID!) { gitRepositories(connectionId: $connection) { "
        "items { fullName } } }",
        "connection",
    ),
    "Query.gitBranches": q(
        "read",
        'query($connection: ID!) { gitBranches(connectionId: $connection, repository: "acme/shop")'
        " { items { name } } }",
        "connection",
    ),
    "Query.previews": q(
        "read",
        "query($project: ID!) { previews(projectId: $project) { number expiresAt } }",
        "project",
    ),
    "Query.preview": q(
        "read", "query($preview: ID!) { preview(id: $preview) { number urls } }", "preview"
    ),
    "Query.previewPolicy": q(
        "read",
        "query($project: ID!) { previewPolicy(projectId: $project) { enabled overrideNames } }",
        "project",
    ),
    # Subscription
    "Subscription.serviceMetricsUpdated": s(
        'subscription($service: ID!) { serviceMetricsUpdated(serviceId: $service, metric: "cpu_cores") '
        "{ points { at value } } }",
        "service",
    ),
    "Subscription.previewUpdated": s(
        "subscription($preview: ID!) { previewUpdated(previewId: $preview) { state } }",
        "preview",
    ),
    "Subscription.deploymentUpdated": s(
        "subscription($deployment: ID!) { deploymentUpdated(deploymentId: $deployment) { state } }",
        "deployment",
    ),
    "Subscription.serviceUpdated": s(
        "subscription($service: ID!) { serviceUpdated(serviceId: $service) { name } }", "service"
    ),
    "Subscription.serviceDeployments": s(
        "subscription($service: ID!) { serviceDeployments(serviceId: $service) { state } }",
        "service",
    ),
    "Subscription.projectActivity": s(
        "subscription($project: ID!) { projectActivity(projectId: $project) { action } }",
        "project",
    ),
    "Subscription.buildLogs": s(
        "subscription($deployment: ID!) { buildLogs(deploymentId: $deployment) { line } }",
        "deployment",
    ),
    "Subscription.deploymentLogs": s(
        "subscription($deployment: ID!) { deploymentLogs(deploymentId: $deployment) { line } }",
        "deployment",
    ),
    "Subscription.serviceLogs": s(
        "subscription($service: ID!) { serviceLogs(serviceId: $service) { line } }", "service"
    ),
    "Subscription.serviceLogs(deploymentId)": s(
        "subscription($service: ID!, $deployment: ID!) { serviceLogs(serviceId: $service, "
        "deploymentId: $deployment) { line } }",
        "service",
        "deployment",
    ),
    "Subscription.incidentUpdated": s(
        "subscription($org: ID!) { incidentUpdated(organizationId: $org) { status } }", "org"
    ),
    "Subscription.nodeUpdated": s(
        "subscription($org: ID!) { nodeUpdated(organizationId: $org) { name } }", "org"
    ),
    "Subscription.clusterUpdated": s(
        "subscription($org: ID!) { clusterUpdated(organizationId: $org) { name } }", "org"
    ),
    "Subscription.guestUpdated": s(
        "subscription($cluster: ID!) { guestUpdated(clusterId: $cluster) { name } }", "cluster"
    ),
    "Subscription.webhookDeliveries": s(
        "subscription($connection: ID!) { webhookDeliveries(connectionId: $connection) "
        "{ id event handled } }",
        "connection",
    ),
    # Mutation (those taking ids, and the account ones)
    "Mutation.signUp": Case(
        "read",
        'mutation($email: String!) { signUp(email: $email, name: "N", '
        'password: "long enough password") { userId } }',
        public=True,
    ),
    "Mutation.logIn": Case(
        "read",
        'mutation { logIn(email: "nobody@x.example", password: "wrong password!") { userId } }',
        public=True,
        tolerate=("UNAUTHENTICATED",),
    ),
    "Mutation.refreshSession": Case(
        "read",
        'mutation { refreshSession(refreshToken: "rt_nothing") { userId } }',
        public=True,
        tolerate=("UNAUTHENTICATED",),
    ),
    "Query.signInProviders": Case(
        "read", "{ signInProviders { name startUrl linkUrl } }", public=True
    ),
    "Mutation.logOut": Case("self", "mutation { logOut }", session=True),
    "Mutation.createApiToken": Case(
        "self", 'mutation { createApiToken(name: "t", scopes: ["read"]) { id } }'
    ),
    "Mutation.revokeApiToken": m(
        "self", "mutation($token: ID!) { revokeApiToken(id: $token) }", "token"
    ),
    "Mutation.createOrganization": Case(
        "self", "mutation($unique: String!) { createOrganization(name: $unique) { id } }"
    ),
    "Mutation.acceptInvitation": Case(
        "self",
        'mutation { acceptInvitation(token: "inv_nothing") { id } }',
        tolerate=("NOT_FOUND", "VALIDATION_FAILED", "CONFLICT"),
    ),
    "Mutation.renameOrganization": m(
        "manage",
        'mutation($org: ID!) { renameOrganization(id: $org, name: "Renamed Org") { name } }',
        "org",
    ),
    "Mutation.setForkSecretsPolicy": m(
        "manage",
        "mutation($org: ID!) { setForkSecretsPolicy(id: $org, exposeSecretsToForks: true) { id } }",
        "org",
    ),
    "Mutation.setRegistry": m(
        "manage",
        'mutation($org: ID!) { setRegistry(id: $org, url: "registry.example.com:5000/team", '
        'username: "ci", password: "s3cret") { registryUrl } }',
        "org",
    ),
    "Mutation.clearRegistry": m(
        "manage", "mutation($org: ID!) { clearRegistry(id: $org) { registryKind } }", "org"
    ),
    "Mutation.requireProviderSignIn": m(
        "manage",
        "mutation($org: ID!) { requireProviderSignIn(id: $org, required: false) { name } }",
        "org",
    ),
    "Mutation.inviteMember": m(
        "manage",
        "mutation($org: ID!, $email: String!) { inviteMember(organizationId: $org, email: $email) { id } }",
        "org",
    ),
    "Mutation.inviteMember(owner)": m(
        "own",
        'mutation($org: ID!, $email: String!) { inviteMember(organizationId: $org, email: $email, role: "owner") { id } }',
        "org",
    ),
    "Mutation.revokeInvitation": m(
        "manage",
        "mutation($org: ID!, $invitation: ID!) { revokeInvitation(organizationId: $org, "
        "invitationId: $invitation) }",
        "org",
        "invitation",
    ),
    "Mutation.changeMemberRole": m(
        "manage",
        'mutation($org: ID!, $member: ID!) { changeMemberRole(organizationId: $org, userId: $member, role: "viewer") { id } }',
        "org",
        "member",
    ),
    "Mutation.removeMember": m(
        "manage",
        "mutation($org: ID!, $member: ID!) { removeMember(organizationId: $org, userId: $member) }",
        "org",
        "member",
    ),
    "Mutation.createProject": m(
        "write",
        "mutation($org: ID!, $unique: String!) { createProject(organizationId: $org, name: $unique) { id } }",
        "org",
    ),
    "Mutation.renameProject": m(
        "write",
        'mutation($project: ID!) { renameProject(id: $project, name: "Renamed") { name } }',
        "project",
    ),
    "Mutation.deleteProject": m(
        "manage", "mutation($project: ID!) { deleteProject(id: $project) { deletedAt } }", "project"
    ),
    "Mutation.restoreProject": m(
        "manage",
        "mutation($project: ID!) { restoreProject(id: $project) { deletedAt } }",
        "project",
        tolerate=("CONFLICT", "VALIDATION_FAILED"),  # it is not in the bin
    ),
    "Mutation.addEnvironment": m(
        "write",
        'mutation($project: ID!) { addEnvironment(projectId: $project, name: "pr-1", kind: "preview") { id } }',
        "project",
    ),
    "Project.environments.access": q(
        "read",
        "query($project: ID!) { project(id: $project) { environments { access "
        "shareLinks { id createdAt expiresAt revokedAt createdBy } } } }",
        "project",
    ),
    "Mutation.setEnvironmentAccess": m(
        "write",
        'mutation($env: ID!) { setEnvironmentAccess(environmentId: $env, access: "members") { id } }',
        "env",
    ),
    "Mutation.createShareLink": m(
        "write",
        "mutation($env: ID!) { createShareLink(environmentId: $env, expiresInHours: 1) { id } }",
        "env",
    ),
    "Mutation.revokeShareLink": m(
        "write",
        'mutation($env: ID!) { revokeShareLink(environmentId: $env, linkId: "00000000-0000-4000-8000-000000000000") }',
        "env",
        tolerate=("VALIDATION_FAILED",),  # no such link: the gates let the caller ask
    ),
    "Mutation.enterEnvironment": m(
        "read",
        'mutation($env: ID!) { enterEnvironment(environmentId: $env, returnUrl: "http://elsewhere.example/") }',
        "env",
        tolerate=("VALIDATION_FAILED",),  # not a host of the environment: the gates let it ask
    ),
    "Mutation.removeEnvironment": m(
        "write",
        "mutation($project: ID!, $dev: ID!) { removeEnvironment(projectId: $project, environmentId: $dev) }",
        "project",
        "dev",
    ),
    "Mutation.setVariables": m(
        "write",
        'mutation($project: ID!, $env: ID!, $service: ID!) { setVariables(projectId: $project, environmentId: $env, serviceId: $service, values: {A: "1"}) { name } }',
        "project",
        "env",
        "service",
    ),
    "Mutation.unsetVariables": m(
        "write",
        'mutation($project: ID!, $env: ID!) { unsetVariables(projectId: $project, environmentId: $env, names: ["DB_PASSWORD"]) { name } }',
        "project",
        "env",
    ),
    "Mutation.createService": m(
        "write",
        'mutation($project: ID!) { createService(projectId: $project, name: "worker", kind: "worker", settings: {image: "busybox:1"}) { id } }',
        "project",
    ),
    "Mutation.createDatabase": m(
        "write",
        'mutation($project: ID!, $env: ID!) { createDatabase(projectId: $project, environmentId: $env, engine: "postgres", version: "16", publicPort: true) { id database { engine published } } }',
        "project",
        "env",
    ),
    "Mutation.updateDatabase": m(
        "write",
        'mutation($managed: ID!) { updateDatabase(id: $managed, version: "7.4.1") { id } }',
        "managed",
    ),
    "Mutation.updateService": m(
        "write",
        'mutation($service: ID!) { updateService(id: $service, settings: {startCommand: "serve"}) { id } }',
        "service",
    ),
    "Mutation.scaleService": m(
        "write",
        "mutation($service: ID!) { scaleService(id: $service, replicas: 2) { replicas } }",
        "service",
    ),
    "Mutation.deleteService": m(
        "write", "mutation($service: ID!) { deleteService(id: $service) }", "service"
    ),
    "Mutation.snapshotVolume": m(
        "write",
        'mutation($stateful: ID!, $env: ID!) { snapshotVolume(serviceId: $stateful, environmentId: $env, volume: "data") { id state } }',
        "stateful",
        "env",
    ),
    "Mutation.restoreSnapshot": m(
        "write",
        'mutation($stateful: ID!, $snapshot: ID!) { restoreSnapshot(serviceId: $stateful, snapshotId: $snapshot, name: "copy") { id } }',
        "stateful",
        "snapshot",
        tolerate=("CONFLICT",),  # the snapshot is not taken in this world: the gates let it ask
    ),
    "Mutation.setBackupPlan": m(
        "manage",
        'mutation($db: ID!, $env: ID!, $destination: ID!) { setBackupPlan(serviceId: $db, environmentId: $env, schedule: "0 3 * * *", destinationId: $destination) { id schedule } }',
        "db",
        "env",
    ),
    "Mutation.removeBackupPlan": m(
        "manage",
        "mutation($db: ID!, $env: ID!) { removeBackupPlan(serviceId: $db, environmentId: $env) }",
        "db",
        "env",
    ),
    "Mutation.backupNow": m(
        "deploy",
        "mutation($db: ID!, $env: ID!, $destination: ID!) { backupNow(serviceId: $db, environmentId: $env, destinationId: $destination) { id state } }",
        "db",
        "env",
    ),
    "Mutation.restoreBackup": m(
        "manage",
        'mutation($backup: ID!, $slug: String!) { restoreBackup(backupId: $backup, into: "new", newServiceName: $slug) { id state } }',
        "backup",
    ),
    "Mutation.removeVolume": m(
        "write",
        'mutation($service: ID!) { removeVolume(serviceId: $service, volume: "data") }',
        "service",
        tolerate=("CONFLICT",),  # the service is live: the gates let the caller ask
    ),
    "Mutation.deployService": m(
        "deploy",
        "mutation($service: ID!, $env: ID!) { deployService(serviceId: $service, environmentId: $env) { id } }",
        "service",
        "env",
    ),
    "Mutation.deployService(sourceArchive)": m(
        "deploy",
        "mutation($service: ID!, $env: ID!, $archive: ID!) { deployService(serviceId: $service, "
        "environmentId: $env, sourceArchive: $archive) { id sourceArchive } }",
        "service",
        "env",
        "archive",
    ),
    "Mutation.rollbackService": m(
        "deploy", "mutation($old: ID!) { rollbackService(deploymentId: $old) { id } }", "old"
    ),
    "Mutation.promoteDeployment": m(
        "deploy",
        "mutation($old: ID!, $dev: ID!) { promoteDeployment(deploymentId: $old, environmentId: $dev) { id } }",
        "old",
        "dev",
        # the seeded release's image is on no engine here (or its node's engine is unreachable)
        tolerate=("CONFLICT", "UNAVAILABLE"),
    ),
    "Mutation.redeployService": m(
        "deploy",
        "mutation($service: ID!, $env: ID!) { redeployService(serviceId: $service, environmentId: $env) { id } }",
        "service",
        "env",
    ),
    "Mutation.restartService": m(
        "deploy",
        "mutation($service: ID!, $env: ID!) { restartService(serviceId: $service, environmentId: $env) { id } }",
        "service",
        "env",
    ),
    "Mutation.runCronNow": m(
        "deploy",
        "mutation($service: ID!, $env: ID!) { runCronNow(serviceId: $service, environmentId: $env) { id } }",
        "service",
        "env",
        tolerate=("CONFLICT",),  # the seeded service is a web service: only cron services run
    ),
    "Mutation.cancelDeployment": m(
        "deploy", "mutation($queued: ID!) { cancelDeployment(id: $queued) { state } }", "queued"
    ),
    "Mutation.registerNode": m(
        "manage",
        'mutation($org: ID!, $unique: String!) { registerNode(organizationId: $org, name: $unique, endpoint: "tcp://10.1.1.1:2376", cpuMillis: 100, memoryMb: 100) { id } }',
        "org",
    ),
    "Mutation.configureNodeTls": m(
        "manage", "mutation($node: ID!) { configureNodeTls(id: $node) { tlsFingerprint } }", "node"
    ),
    "Mutation.setNodeAddress": m(
        "manage",
        'mutation($node: ID!) { setNodeAddress(id: $node, address: "10.1.1.5") { address } }',
        "node",
    ),
    "Mutation.setNodePortRange": m(
        "manage",
        "mutation($node: ID!) { setNodePortRange(id: $node, start: 21000, end: 21999) { id } }",
        "node",
    ),
    "Mutation.labelNode": m(
        "manage",
        'mutation($node: ID!) { labelNode(id: $node, labels: {zone: "a"}) { labels } }',
        "node",
    ),
    "Mutation.cordonNode": m(
        "manage", "mutation($node: ID!) { cordonNode(id: $node) { state } }", "node"
    ),
    "Mutation.uncordonNode": m(
        "manage", "mutation($node: ID!) { uncordonNode(id: $node) { state } }", "node"
    ),
    "Mutation.drainNode": m(
        "manage", "mutation($node: ID!) { drainNode(id: $node) { state } }", "node"
    ),
    "Mutation.removeNode": m("manage", "mutation($node: ID!) { removeNode(id: $node) }", "node"),
    "Mutation.createJoinToken": m(
        "manage", "mutation($org: ID!) { createJoinToken(organizationId: $org) { id } }", "org"
    ),
    "Mutation.revokeAgentCredential": m(
        "manage",
        "mutation($node: ID!) { revokeAgentCredential(id: $node) }",
        "node",
        tolerate=("CONFLICT",),  # the seeded node is a Docker endpoint: it has no agent
    ),
    "Mutation.startNodeContainer": m(
        "manage",
        'mutation($node: ID!) { startNodeContainer(nodeId: $node, containerId: "none") { id } }',
        "node",
        tolerate=("NOT_FOUND", "UNAVAILABLE"),  # no such container on the seeded node
    ),
    "Mutation.stopNodeContainer": m(
        "manage",
        'mutation($node: ID!) { stopNodeContainer(nodeId: $node, containerId: "none") { id } }',
        "node",
        tolerate=("NOT_FOUND", "UNAVAILABLE"),  # no such container on the seeded node
    ),
    "Mutation.restartNodeContainer": m(
        "manage",
        'mutation($node: ID!) { restartNodeContainer(nodeId: $node, containerId: "none") { id } }',
        "node",
        tolerate=("NOT_FOUND", "UNAVAILABLE"),  # no such container on the seeded node
    ),
    "Mutation.registerCluster": m(
        "manage",
        'mutation($org: ID!, $unique: String!) { registerCluster(organizationId: $org, name: $unique, url: "https://10.0.0.11:8006", tokenId: "root@pam!c", tokenSecret: "x") { id } }',
        "org",
    ),
    "Mutation.updateClusterCredentials": m(
        "manage",
        'mutation($cluster: ID!) { updateClusterCredentials(id: $cluster, tokenId: "root@pam!d", tokenSecret: "y") { id } }',
        "cluster",
    ),
    "Mutation.removeCluster": m(
        "manage", "mutation($cluster: ID!) { removeCluster(id: $cluster) }", "cluster"
    ),
    "Mutation.createGuest": m(
        "manage",
        'mutation($cluster: ID!) { createGuest(clusterId: $cluster, kind: "qemu", node: "pve1", name: "vm2") { state } }',
        "cluster",
    ),
    "Mutation.changeGuestPower": m(
        "manage",
        'mutation($guest: ID!) { changeGuestPower(id: $guest, action: "reboot") { pendingAction } }',
        "guest",
    ),
    "Mutation.registerGuestAsNode": m(
        "manage",
        'mutation($guest: ID!) { registerGuestAsNode(id: $guest, endpoint: "tcp://10.0.0.12:2376", cpuMillis: 1000, memoryMb: 1024) { kind } }',
        "guest",
    ),
    "Mutation.createGitConnection": m(
        "manage",
        'mutation($org: ID!) { createGitConnection(organizationId: $org, provider: "github", '
        'name: "GitHub") { id } }',
        "org",
    ),
    "Mutation.rotateWebhookSecret": m(
        "manage",
        "mutation($connection: ID!) { rotateWebhookSecret(id: $connection) { id } }",
        "connection",
    ),
    "Mutation.removeGitConnection": m(
        "manage",
        "mutation($connection: ID!) { removeGitConnection(id: $connection) }",
        "connection",
    ),
    "Mutation.setServiceTriggers": m(
        "write",
        "mutation($service: ID!, $connection: ID!, $env: ID!) { setServiceTriggers(serviceId: "
        '$service, connectionId: $connection, triggers: [{branch: "main", environmentId: $env}]) '
        "{ triggers } }",
        "service",
        "connection",
        "env",
    ),
    "Mutation.connectServiceRepository": m(
        "write",
        "mutation($service: ID!, $connection: ID!) { connectServiceRepository(serviceId: "
        '$service, connectionId: $connection, repository: "acme/shop", branch: "main", '
        'webhookMode: "manual") { repository } }',
        "service",
        "connection",
    ),
    "Mutation.disconnectServiceRepository": m(
        "write",
        "mutation($service: ID!) { disconnectServiceRepository(serviceId: $service) }",
        "service",
    ),
    "Mutation.checkGitConnection": m(
        "write",
        "mutation($connection: ID!) { checkGitConnection(id: $connection) { status } }",
        "connection",
    ),
    "Mutation.createBackupDestination": m(
        "manage",
        "mutation($org: ID!, $backups: String!) { createBackupDestination(organizationId: $org, "
        'name: "Node disk", kind: "directory", path: $backups) { id } }',
        "org",
    ),
    "Mutation.updateBackupDestination": m(
        "manage",
        "mutation($destination: ID!) { updateBackupDestination(id: $destination, "
        'name: "Renamed") { name } }',
        "destination",
    ),
    "Mutation.removeBackupDestination": m(
        "manage",
        "mutation($destination: ID!) { removeBackupDestination(id: $destination) }",
        "destination",
    ),
    "Mutation.testBackupDestination": m(
        "manage",
        "mutation($destination: ID!) { testBackupDestination(id: $destination) { ok } }",
        "destination",
    ),
    "Mutation.createAlertRule": m(
        "manage",
        'mutation($org: ID!) { createAlertRule(organizationId: $org, settings: {name: "CPU", '
        'metric: "cpu_percent_of_request", comparator: ">", threshold: 90, forSeconds: 300}) '
        "{ id } }",
        "org",
    ),
    "Mutation.updateAlertRule": m(
        "manage",
        'mutation($rule: ID!) { updateAlertRule(id: $rule, settings: {name: "Renamed", '
        'metric: "cpu_percent_of_request", comparator: ">=", threshold: 80}) { name } }',
        "rule",
    ),
    "Mutation.deleteAlertRule": m(
        "manage", "mutation($rule: ID!) { deleteAlertRule(id: $rule) }", "rule"
    ),
    "Mutation.acknowledgeIncident": m(
        "write",
        "mutation($incident: ID!) { acknowledgeIncident(id: $incident) { acknowledgedBy } }",
        "incident",
    ),
    "Mutation.createSilence": m(
        "write",
        "mutation($org: ID!, $rule: ID!, $later: DateTime!) { createSilence(organizationId: "
        '$org, ruleId: $rule, endsAt: $later, comment: "deploying") { id } }',
        "org",
        "rule",
    ),
    "Mutation.expireSilence": m(
        "write", "mutation($silence: ID!) { expireSilence(id: $silence) { expired } }", "silence"
    ),
    "Mutation.createNotifier": m(
        "manage",
        'mutation($org: ID!) { createNotifier(organizationId: $org, name: "Pager", '
        'kind: "webhook", url: "http://127.0.0.1:9/hook") { id } }',
        "org",
    ),
    "Mutation.updateNotifier": m(
        "manage",
        'mutation($notifier: ID!) { updateNotifier(id: $notifier, name: "Renamed") { name } }',
        "notifier",
    ),
    "Mutation.deleteNotifier": m(
        "manage", "mutation($notifier: ID!) { deleteNotifier(id: $notifier) }", "notifier"
    ),
    "Mutation.testNotifier": m(
        "manage", "mutation($notifier: ID!) { testNotifier(id: $notifier) { ok } }", "notifier"
    ),
    "Mutation.setPreviewPolicy": m(
        "write",
        "mutation($project: ID!, $env: ID!) { setPreviewPolicy(projectId: $project, enabled: "
        "true, baseEnvironmentId: $env, ttlDays: 3) { ttlDays } }",
        "project",
        "env",
    ),
    "Mutation.removePreview": m(
        "deploy",
        "mutation($preview: ID!) { removePreview(id: $preview) { state } }",
        "preview",
    ),
    "Mutation.setAutoscaling": m(
        "write",
        "mutation($service: ID!) { setAutoscaling(serviceId: $service, maxReplicas: 3, "
        'metrics: [{metric: "requests_per_second", target: 50}]) { enabled } }',
        "service",
    ),
    "Mutation.removeAutoscaling": m(
        "write",
        "mutation($service: ID!) { removeAutoscaling(serviceId: $service) { enabled } }",
        "service",
    ),
    "Mutation.setPrices": m(
        "manage",
        "mutation($org: ID!) { setPrices(id: $org, vcpuHour: 0.04, gbHour: 0.01) { id } }",
        "org",
    ),
    "Mutation.setProjectBudget": m(
        "write",
        "mutation($project: ID!) { setProjectBudget(id: $project) { hourlyBudget } }",
        "project",
    ),
    "Mutation.setNodePrices": m(
        "manage",
        "mutation($node: ID!) { setNodePrices(id: $node, vcpuHour: 0.05, gbHour: 0.01) "
        "{ vcpuHourPrice } }",
        "node",
    ),
    "Mutation.setFailoverPolicy": m(
        "write",
        "mutation($service: ID!, $node: ID!) { setFailoverPolicy(id: $service, "
        "minHealthyReplicas: 1, preferredNodes: [$node]) { failover { preferredNodes } } }",
        "service",
        "node",
    ),
    "Mutation.setProjectPlacement": m(
        "write",
        'mutation($project: ID!) { setProjectPlacement(id: $project, placement: "pack") '
        "{ placement } }",
        "project",
    ),
}


def required_fields() -> set[str]:
    """What the matrix must cover, from the committed schema: every Query and Subscription
    field, and every field (of any type) that takes an id."""
    schema = graphql.build_schema((ROOT / "schema.graphql").read_text())
    required: set[str] = set()
    for type_ in schema.type_map.values():
        if not isinstance(type_, graphql.GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, definition in type_.fields.items():
            takes_id = any(
                graphql.get_named_type(a.type) is graphql.GraphQLID
                for a in definition.args.values()
            )
            if type_.name in ("Query", "Subscription") or takes_id:
                required.add(f"{type_.name}.{name}")
    return required


def test_the_matrix_covers_every_field_of_the_schema() -> None:
    covered = {name.split("(")[0] for name in CASES}
    missing = required_fields() - covered
    assert not missing, f"add these fields to the authorisation matrix: {sorted(missing)}"


# The world the matrix runs in


@dataclass
class World:
    """Two organisations (A: every role; B: someone else's), each with a shared seed."""

    app: Services
    http: TestClient  # type: ignore[type-arg]
    tokens: dict[str, str]
    orgs: dict[str, str]
    repository: str
    read_token: str = ""
    shared: dict[str, dict[str, str]] = field(default_factory=dict)

    def client(self, token: str | None) -> Client:
        client = Client("http://testserver", self.http)  # type: ignore[arg-type]
        client.token = token
        return client

    def session(self, email: str) -> str:
        """A new session's access token for one of the world's users."""
        tokens = self.app.auth.log_in(email, Secret(PASSWORD), f"matrix-{_unique()}")
        return tokens.access_token

    def principal(self, token: str) -> object:
        return self.app.auth.authenticate(token)

    def _alerting(
        self, org: uuid.UUID, project: uuid.UUID, service: uuid.UUID
    ) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
        """An alert rule, a firing incident of it and a silence of it."""
        run = self.app.execute
        settings = {"name": "CPU", "metric": "cpu_percent_of_request", "comparator": ">",
                    "threshold": 90}  # fmt: skip
        rule = run(
            c.build_command(c.CreateAlertRule, {"organization_id": org, "settings": settings}),
            SYSTEM,
        ).id("rule_id")
        now = datetime.now(UTC)
        incident = run(
            c.OpenIncident(
                rule_id=rule,
                subject=f"service:{service}",
                trigger=f"service:{service}",
                title="CPU high on web",
                started_at=now,
                fire=True,
                project_id=project,
                service_id=service,
                value=95.0,
            ),
            SYSTEM,
        ).id("incident_id")
        silence = run(
            c.CreateSilence(organization_id=org, rule_id=rule, ends_at=now + timedelta(hours=1)),
            SYSTEM,
        ).id("silence_id")
        return rule, incident, silence

    def _backed_up(self, database: uuid.UUID, env: uuid.UUID, destination: uuid.UUID) -> uuid.UUID:
        """A backup plan of the managed database and a verified backup (its steps reported)."""
        run = self.app.execute
        run(
            c.SetBackupPlan(
                service_id=database, environment_id=env, schedule="0 3 * * *",
                destination_id=destination,
            ),
            SYSTEM,
        )  # fmt: skip
        backup = run(
            c.BackupNow(service_id=database, environment_id=env, destination_id=destination),
            SYSTEM,
        ).id("backup_id")
        for step in ("dumping", "stored", "verifying", "verified"):
            run(c.ReportBackupStep(backup_id=backup, step=step, sha256="0" * 64), SYSTEM)  # type: ignore[arg-type]
        return backup

    def _preview(
        self,
        org_id: uuid.UUID,
        project: uuid.UUID,
        env: uuid.UUID,
        service: uuid.UUID,
        connection: uuid.UUID,
    ) -> uuid.UUID:
        """A pull request's preview of the service, made as a delivery makes it."""
        run = self.app.execute
        run(
            c.build_command(
                c.SetServiceTriggers,
                {
                    "service_id": service,
                    "connection_id": connection,
                    "triggers": [{"branch": "main", "environment_id": env}],
                },
            ),
            SYSTEM,
        )
        run(c.SetPreviewPolicy(project_id=project, enabled=True), SYSTEM)
        fact = DeliveryFact(
            kind="pull_request",
            repository=repository_full_name(self.repository),
            ref="feature",
            commit="a" * 40,
            number=4242,
            action="opened",
            base_ref="main",
        )
        delivery = run(
            c.RecordWebhookDelivery(
                connection_id=connection,
                delivery_id=_unique(),
                event="pull_request",
                fact=fact,
                digest=_unique(),
            ),
            SYSTEM,
        ).id("delivery_id")
        run(c.HandleWebhookDelivery(delivery_id=delivery, service_ids=[service]), SYSTEM)
        return Preview.id_for(project, 4242)

    def seed(self, org: str, caller: str | None = None) -> dict[str, str]:
        """A project, a service with a healthy and a queued deployment (and an older release
        to roll back to), logs, variables, a node, a cluster with a guest, an invitation and
        an extra member, in one organisation; plus the caller's own API token."""
        org_id = uuid.UUID(self.orgs[org])
        run = self.app.execute
        created = run(c.CreateProject(organization_id=org_id, name=f"p {_unique()}"), SYSTEM)
        project, env = created.id("project_id"), created.id("environment_id")
        service = run(
            c.build_command(
                c.CreateService,
                {
                    "project_id": project,
                    "name": "web",
                    "kind": "web",
                    "port": 80,
                    "git": {"repository_url": self.repository},
                },
            ),
            SYSTEM,
        ).id("service_id")
        stateful = run(  # a service with a volume, and a snapshot of it (never taken here)
            c.build_command(
                c.CreateService,
                {
                    "project_id": project,
                    "name": "db",
                    "kind": "database",
                    "image": "postgres:16",
                    "volumes": [{"name": "data", "mount_path": "/data"}],
                },
            ),
            SYSTEM,
        ).id("service_id")
        managed = run(  # a managed database (its release stays queued: no deployer here)
            c.CreateDatabase(project_id=project, environment_id=env, engine="redis"), SYSTEM
        ).id("service_id")
        snapshot = run(
            c.SnapshotVolume(service_id=stateful, environment_id=env, volume="data"), SYSTEM
        ).id("snapshot_id")
        run(
            c.build_command(
                c.SetVariables,
                {
                    "project_id": project,
                    "environment_id": env,
                    "values": {"DB_PASSWORD": "hunter2-" + org},
                },
            ),
            SYSTEM,
        )
        old = _healthy_release(run, service, env, "1")
        deployment = _healthy_release(run, service, env, "2")
        queued = run(c.RequestDeployment(service_id=service, environment_id=env), SYSTEM).id(
            "deployment_id"
        )
        self.app.logs.append(deployment, service, "build", [f"building {org}"])
        self.app.logs.append(deployment, service, "runtime", [f"running {org}"])
        unique = _unique()
        node = run(
            c.RegisterNode(
                organization_id=org_id,
                name=f"n-{unique}",
                endpoint=_node_endpoint(),
                cpu_millis=1000,
                memory_mb=1024,
            ),
            SYSTEM,
        ).id("node_id")
        dev = run(
            c.build_command(
                c.AddEnvironment, {"project_id": project, "name": "dev", "kind": "development"}
            ),
            SYSTEM,
        ).id("environment_id")
        cluster = run(
            c.RegisterCluster(
                organization_id=org_id,
                name=f"c-{_unique()}",
                url="https://10.0.0.10:8006",
                token_id="root@pam!containr",
                token_secret=Secret("s3cret"),
            ),
            SYSTEM,
        ).id("cluster_id")
        guest = run(
            c.build_command(
                c.CreateGuest,
                {"cluster_id": cluster, "kind": "qemu", "node": "pve1", "name": f"vm-{_unique()}"},
            ),
            SYSTEM,
        ).id("guest_id")
        run(
            c.ReportGuestCreated(
                guest_id=guest, operation_id=f"{guest}:create", vmid=101, node="pve1", running=True
            ),
            SYSTEM,
        )
        connection = run(
            c.build_command(
                c.CreateGitConnection,
                {
                    "organization_id": org_id,
                    "provider": "github",
                    "name": "GitHub",
                    "access_token": "ghp_matrix",  # checked by checkGitConnection
                },
            ),
            SYSTEM,
        ).id("connection_id")
        preview = self._preview(org_id, project, env, service, connection)
        destination = run(
            c.build_command(
                c.CreateBackupDestination,
                {
                    "organization_id": org_id,
                    "name": "Node disk",
                    "kind": "directory",
                    "path": str(backup_directory() / _unique()),
                },
            ),
            SYSTEM,
        ).id("destination_id")
        backup = self._backed_up(managed, env, destination)
        rule, incident, silence = self._alerting(org_id, project, service)
        notifier = run(
            c.build_command(
                c.CreateNotifier,
                {
                    "organization_id": org_id,
                    "name": "Pager",
                    "kind": "webhook",
                    "url": "http://127.0.0.1:9/hook",  # nothing listens: a test fails fast
                },
            ),
            SYSTEM,
        ).id("notifier_id")
        run(  # a ping the connection heard (what webhookDeliveries replays)
            c.RecordWebhookDelivery(
                connection_id=connection,
                delivery_id=_unique(),
                event="ping",
                fact=DeliveryFact(kind="ping"),
                digest=hash_token(_unique()),
            ),
            SYSTEM,
        )
        invitation = run(
            c.build_command(
                c.InviteMember,
                {
                    "organization_id": org_id,
                    "email": f"{_unique()}@invited.example",
                    "role": "member",
                    "token_hash": hash_token(_unique()),
                },
            ),
            SYSTEM,
        ).id("invitation_id")
        member = self.app.auth.sign_up(
            f"{_unique()}@member.example", "Extra", Secret("long enough password")
        ).tokens.user_id
        run(
            c.build_command(
                c.AddMember, {"organization_id": org_id, "user_id": member, "role": "member"}
            ),
            SYSTEM,
        )
        archive = self.app.archives.store(
            org_id, source_archive(), uploaded_by="system:test", now=datetime.now(UTC)
        ).id
        token = ""
        if caller is not None:
            token = str(
                self.app.auth.create_api_token(self.principal(caller), "t", ["read"], 1)[0]  # type: ignore[arg-type]
            )
        self.app.wait_for(self.app.events.head())
        return {
            "org": str(org_id),
            "project": str(project),
            "env": str(env),
            "dev": str(dev),
            "service": str(service),
            "deployment": str(deployment),
            "old": str(old),
            "queued": str(queued),
            "node": str(node),
            "cluster": str(cluster),
            "guest": str(guest),
            "connection": str(connection),
            "preview": str(preview),
            "invitation": str(invitation),
            "member": str(member),
            "token": token,
            "archive": str(archive),
            "stateful": str(stateful),
            "managed": str(managed),
            "snapshot": str(snapshot),
            "destination": str(destination),
            "rule": str(rule),
            "incident": str(incident),
            "silence": str(silence),
            "later": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
            "notifier": str(notifier),
            "backups": str(backup_directory() / _unique()),
            "db": str(managed),
            "backup": str(backup),
            "slug": f"r{_unique()}",
            "unique": _unique(),
            "email": f"{_unique()}@x.example",
        }


@functools.cache
def backup_directory() -> Path:
    """Where the matrix's directory backup destinations go (made once)."""
    return Path(tempfile.mkdtemp(prefix="matrix-backups-"))


@functools.cache
def source_archive() -> Path:
    """A small gzip tar of a directory, as `containr deploy` uploads it (made once)."""
    path = Path(tempfile.mkdtemp(prefix="matrix-archive-")) / "app.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        data = b"FROM busybox\n"
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


_NODE_HOSTS = itertools.count(1)


def _node_endpoint() -> str:
    """An engine address of its own for each seeded node: at a shared address, the range
    setNodePortRange gives would overlap the other seeds' (issue 18)."""
    n = next(_NODE_HOSTS)
    return f"tcp://10.9.{n // 250}.{n % 250 + 1}:2376"


def _unique() -> str:
    return uuid.uuid4().hex[:10]


def _healthy_release(run: object, service: uuid.UUID, env: uuid.UUID, tag: str) -> uuid.UUID:
    deployment = run(c.RequestDeployment(service_id=service, environment_id=env), SYSTEM).id(  # type: ignore[operator]
        "deployment_id"
    )
    for step in (
        c.StartBuild(deployment_id=deployment, operation_id=f"b{tag}"),
        c.RecordBuilt(deployment_id=deployment, operation_id=f"i{tag}", image=f"x:{tag}"),
        c.StartReplicas(deployment_id=deployment, operation_id=f"s{tag}"),
        c.RecordHealthy(deployment_id=deployment, operation_id=f"h{tag}"),
    ):
        run(step, SYSTEM)  # type: ignore[operator]
    return deployment  # type: ignore[no-any-return]


def local_repository(where: Path) -> str:
    """A git repository on disk with a Dockerfile (so buildPlan has something to read)."""
    where.mkdir(parents=True)
    (where / "Dockerfile").write_text('FROM busybox\nCMD ["httpd", "-f"]\n')
    git = ["git", "-C", str(where), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "first"], check=True)
    return f"file://{where}"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("matrix")
    settings = Settings(
        data_dir=str(base / "data"), public_url="https://containr.example.test", **OPEN_SIGNUP
    )
    migrate(settings)
    providers = FakeGitProviderApis()  # the provider behind every seeded git connection
    providers.provider("github", "https://api.github.com").add_repository("acme/shop")
    app = bootstrap(
        settings,
        hasher=Argon2Hasher(time_cost=1, memory_cost=1024),
        git_providers=providers,
    )
    with TestClient(create_app(app, run_projections=True)) as http:
        tokens: dict[str, str] = {}
        anonymous = Client("http://testserver", http)  # type: ignore[arg-type]
        first = anonymous.sign_up("owner@a.example", "Owner A")
        tokens["owner"] = first["accessToken"]
        orgs = {"A": first["organizationId"]}
        for role in ("admin", "member", "viewer"):
            signed = anonymous.sign_up(f"{role}@a.example", role.title())
            tokens[role] = signed["accessToken"]
            app.execute(
                c.build_command(
                    c.AddMember,
                    {"organization_id": orgs["A"], "user_id": signed["userId"], "role": role},
                ),
                SYSTEM,
            )
        stranger = anonymous.sign_up("owner@b.example", "Owner B")
        tokens["B"] = stranger["accessToken"]
        anonymous.token = stranger["accessToken"]
        orgs["B"] = anonymous('mutation { createOrganization(name: "B Corp") { id } }')[
            "createOrganization"
        ]["id"]
        app.wait_for(app.events.head())
        built = World(app, http, tokens, orgs, local_repository(base / "repo"))
        owner = built.client(tokens["owner"])
        built.read_token = owner(
            'mutation { createApiToken(name: "ro", scopes: ["read"]) { token } }'
        )["createApiToken"]["token"]
        built.shared = {org: built.seed(org) for org in ("A", "B")}
        yield built
    app.close()


# Attempts


def attempt(world: World, case: Case, token: str | None, ids: dict[str, str]) -> list[str]:
    """The error codes of one attempt (empty when it succeeded)."""
    ids = {**ids, "unique": _unique(), "email": f"{_unique()}@x.example"}
    variables = {k: v for k, v in ids.items() if f"${k}" in case.document}
    if case.subscription:
        return _subscribe(world, case.document, token, variables)
    body = world.client(token).raw(case.document, variables)
    return [e["extensions"]["code"] for e in body.get("errors") or []]


def _subscribe(
    world: World, document: str, token: str | None, variables: dict[str, str]
) -> list[str]:
    with world.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json(
            {
                "type": "connection_init",
                "payload": {"authorization": f"Bearer {token}"} if token else {},
            }
        )
        assert ws.receive_json(timeout=10)["type"] == "connection_ack"
        ws.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": document, "variables": variables}}
        )
        while True:
            message = ws.receive_json(timeout=10)
            if message["type"] == "ping":
                continue
            if message["type"] == "error":
                return [e.get("extensions", {}).get("code", "?") for e in message["payload"]]
            assert message["type"] == "next", message
            errors = message["payload"].get("errors") or []
            return [e["extensions"]["code"] for e in errors]


def allowed(case: Case, role: str) -> bool:
    if case.permission == "self":
        return True
    return ROLE_LEVEL[role] >= LEVEL[case.permission]


def judge(wrong: list[str], what: str, codes: list[str], may: bool, case: Case) -> None:
    if may and set(codes) - set(case.tolerate):
        wrong.append(f"{what}: expected success, got {codes}")
    if not may and (not codes or set(codes) - {"FORBIDDEN", "UNAUTHENTICATED"}):
        wrong.append(f"{what}: expected FORBIDDEN, got {codes or 'success'}")


def ids_for(world: World, case: Case, org: str, caller: str | None) -> dict[str, str]:
    if case.fresh:
        return world.seed(org, caller if "token" in case.ids else None)
    return world.shared[org]


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)  # a role each: each within the tests' deadline
def test_each_role_of_the_organisation_gets_exactly_what_its_role_allows(
    world: World, role: str
) -> None:
    wrong: list[str] = []
    for name, case in CASES.items():
        if case.public:
            continue
        token = world.session(f"{role}@a.example") if case.session else world.tokens[role]
        ids = ids_for(world, case, "A", token)
        codes = attempt(world, case, token, ids)
        judge(wrong, f"{name} as {role}", codes, allowed(case, role), case)
    assert wrong == [], "\n".join(wrong)


@pytest.mark.slow
def test_another_organisations_owner_is_refused_everything_with_our_ids(world: World) -> None:
    wrong: list[str] = []
    for name, case in CASES.items():
        if not case.ids:
            continue
        ids = dict(world.shared["A"])
        if "token" in case.ids:
            ids = world.seed("A", world.tokens["owner"])
        codes = attempt(world, case, world.tokens["B"], ids)
        judge(wrong, f"{name} by B's owner with A's ids", codes, False, case)
    assert wrong == [], "\n".join(wrong)


@pytest.mark.slow
def test_mixed_ids_of_two_organisations_are_refused_both_ways_round(world: World) -> None:
    wrong: list[str] = []
    for name, case in CASES.items():
        if len(case.ids) < 2:
            continue
        for pattern in itertools.product("AB", repeat=len(case.ids)):
            if len(set(pattern)) < 2:
                continue
            for caller_org, token in (("A", world.tokens["owner"]), ("B", world.tokens["B"])):
                ids = dict(world.shared[caller_org])
                for variable, org in zip(case.ids, pattern, strict=True):
                    ids[variable] = world.shared[org][variable]
                codes = attempt(world, case, token, ids)
                judge(wrong, f"{name} by {caller_org}'s owner with {pattern}", codes, False, case)
    assert wrong == [], "\n".join(wrong)


@pytest.mark.slow
def test_anonymous_callers_get_nothing_but_the_public_account_mutations(world: World) -> None:
    wrong: list[str] = []
    for name, case in CASES.items():
        ids = dict(world.shared["A"])
        codes = attempt(world, case, None, ids)
        if case.public:
            judge(wrong, f"{name} anonymously", codes, True, case)
        elif codes != ["UNAUTHENTICATED"]:
            wrong.append(f"{name} anonymously: expected UNAUTHENTICATED, got {codes or 'success'}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.slow
def test_a_read_only_token_reads_and_changes_nothing(world: World) -> None:
    wrong: list[str] = []
    for name, case in CASES.items():
        if case.public:
            continue
        ids = ids_for(world, case, "A", world.tokens["owner"])
        codes = attempt(world, case, world.read_token, ids)
        judge(wrong, f"{name} with a read-only token", codes, case.permission == "read", case)
    assert wrong == [], "\n".join(wrong)


# Single properties


def test_reveal_with_another_organisations_project_id_does_not_open_our_secrets(
    world: World,
) -> None:
    """The reported attack: B's own project id beside A's environment and service ids."""
    a, b = world.shared["A"], world.shared["B"]
    body = world.client(world.tokens["B"]).raw(
        "query($p: ID!, $e: ID!, $s: ID!) { variables(projectId: $p, environmentId: $e, "
        "serviceId: $s, reveal: true) { name value } }",
        {"p": b["project"], "e": a["env"], "s": a["service"]},
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert "hunter2" not in json.dumps(body)


def test_viewers_see_audit_entries_without_invitation_emails(world: World) -> None:
    document = (
        'query($org: ID!) { auditLog(organizationId: $org, first: 100, action: "Organization.Invited") '
        "{ nodes { details } } }"
    )
    as_viewer = world.client(world.tokens["viewer"])(document, org=world.orgs["A"])
    as_admin = world.client(world.tokens["admin"])(document, org=world.orgs["A"])
    assert as_admin["auditLog"]["nodes"], "the seed invites someone"
    assert all("email" in n["details"] for n in as_admin["auditLog"]["nodes"])
    assert not any("email" in n["details"] for n in as_viewer["auditLog"]["nodes"])


def test_an_expired_access_token_is_refused(world: World) -> None:
    user = world.client(world.tokens["owner"])("{ viewer { id } }")["viewer"]["id"]
    signer = JwtSigner(master_key(world.app.settings))
    expired = signer.issue({"sub": user, "sid": str(uuid.uuid4())}, ttl_seconds=-10)
    body = world.client(expired).raw("{ viewer { id } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "expired" in body["errors"][0]["message"]


def test_a_read_only_token_cannot_write_even_for_an_owner(world: World) -> None:
    ro = world.client(world.read_token)
    assert ro("query($id: ID!) { organization(id: $id) { name } }", id=world.orgs["A"])
    body = ro.raw(
        'mutation($id: ID!) { createProject(organizationId: $id, name: "x") { id } }',
        {"id": world.orgs["A"]},
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "scopes" in body["errors"][0]["message"]


def test_another_organisations_owner_reads_none_of_our_share_links(world: World) -> None:
    """B's owner asks for A's environments, its own project's id beside, and through the
    mutation that answers with the environment: FORBIDDEN, and no link of A's in the answer."""
    a, b = world.shared["A"], world.shared["B"]
    link = uuid.uuid4()
    world.app.execute(
        c.CreateShareLink(
            project_id=uuid.UUID(a["project"]),
            environment_id=uuid.UUID(a["env"]),
            expires_in_hours=1,
            link_id=link,
            token_hash=hash_token("shr_matrix"),
        ),
        SYSTEM,
    )
    world.app.wait_for(world.app.events.head())
    owner = world.client(world.tokens["owner"])
    seen = owner(
        "query($p: ID!) { project(id: $p) { environments { id shareLinks { id } } } }",
        p=a["project"],
    )
    assert str(link) in json.dumps(seen)
    stranger = world.client(world.tokens["B"])
    for document, variables in (
        (
            "query($p: ID!) { project(id: $p) { environments { shareLinks { id } } } }",
            {"p": a["project"]},
        ),
        (
            'mutation($e: ID!) { setEnvironmentAccess(environmentId: $e, access: "members") '
            "{ access shareLinks { id } } }",
            {"e": a["env"]},
        ),
        (
            "mutation($p: ID!, $e: ID!) { removeEnvironment(projectId: $p, environmentId: $e) }",
            {"p": b["project"], "e": a["env"]},
        ),
    ):
        body = stranger.raw(document, variables)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
        assert str(link) not in json.dumps(body)
