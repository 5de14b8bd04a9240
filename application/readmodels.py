"""Queries over the read models, and the port they read through."""

from __future__ import annotations

import dataclasses
import functools
import statistics
import types
import typing
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import Any, Literal, Protocol, TypeVar
from uuid import UUID

import msgspec

from application.errors import NotFoundError
from projections import analytics, dashboard, history
from projections.dashboard import (
    AlertRuleRow,
    ApiTokenRow,
    AutoscalingRow,
    BackupDestinationRow,
    BackupPlanRow,
    BackupRow,
    ClusterNodeRow,
    ClusterRow,
    CommitChecksRow,
    CommitStatusRow,
    CronRunRow,
    DatabaseRestoreRow,
    DeliveryAttemptRow,
    DeploymentRow,
    EnvironmentAccessRow,
    EnvironmentRow,
    GitConnectionRow,
    GuestRow,
    IncidentRow,
    InvitationRow,
    MemberRow,
    NodePortRow,
    NodeRow,
    NotificationDeliveryRow,
    NotifierRow,
    OrganizationRow,
    PreviewPolicyRow,
    PreviewRow,
    ProjectRow,
    ServiceRow,
    ServiceSourceRow,
    ServiceStateRow,
    ServiceTriggersRow,
    ShareLinkRow,
    SignInLinkRow,
    SilenceRow,
    SnapshotRow,
    UserRow,
    WebhookDeliveryRow,
    WebhookRemovalRow,
)
from projections.history import AuditRow, ReleaseRow
from projections.schema import Row, Table

__all__ = [  # the row types, for the interfaces (which never import projections themselves)
    "AlertRuleRow",
    "ApiTokenRow",
    "AuditRow",
    "AutoscalingRow",
    "BackupDestinationRow",
    "BackupPlanRow",
    "BackupRow",
    "ClusterNodeRow",
    "ClusterRow",
    "CommitChecksRow",
    "CommitStatusRow",
    "CronRunRow",
    "DatabaseRestoreRow",
    "DeliveryAttemptRow",
    "DeploymentRow",
    "EnvironmentAccessRow",
    "EnvironmentRow",
    "GitConnectionRow",
    "GuestRow",
    "IncidentRow",
    "InvitationRow",
    "MemberRow",
    "NodePortRow",
    "NodeRow",
    "NotificationDeliveryRow",
    "NotifierRow",
    "OrganizationRow",
    "PreviewPolicyRow",
    "PreviewRow",
    "ProjectRow",
    "ReleaseRow",
    "Select",
    "ServiceRow",
    "ServiceSourceRow",
    "ServiceStateRow",
    "ServiceTriggersRow",
    "ShareLinkRow",
    "SignInLinkRow",
    "SilenceRow",
    "SnapshotRow",
    "UserRow",
    "WebhookDeliveryRow",
    "WebhookRemovalRow",
]

T = TypeVar("T")
Order = Literal["asc", "desc"]


@dataclasses.dataclass(frozen=True)
class InSelect:
    """A ``where`` value: the column is one of ``column``'s values in the rows of ``table``
    (the same read model and generation) matching ``where`` (equality filters, as ``select``
    takes them): one statement where a read would otherwise wait for another's rows and
    send their values back.

    The rows it picks are checked by the read gate as any others; a change notice observer
    is told the read pinned the values of the rows it returned."""

    table: Table
    column: str
    where: Mapping[str, object]


@dataclasses.dataclass(frozen=True)
class Select:
    """One read of ``ReadStore.select_many``: its model, table and ``select``'s options."""

    model: str
    table: Table
    where: dict[str, object] | None = None
    order_by: Sequence[str] = ()
    limit: int | None = None
    generation: int | None = None
    columns: Sequence[str] | None = None


class ReadStore(Protocol):
    """Reads rows of a read model's tables (the active generation unless one is given)."""

    def select(
        self,
        model: str,
        table: Table,
        *,
        where: dict[str, object] | None = None,
        contains: tuple[str, str] | None = None,
        since: tuple[str, object] | None = None,
        until: tuple[str, object] | None = None,
        order_by: Sequence[str] = (),
        order: Order = "asc",
        after: Sequence[object] | None = None,
        limit: int | None = None,
        generation: int | None = None,
        columns: Sequence[str] | None = None,
    ) -> list[Row]:
        """Rows matching ``where`` (equality; None means IS NULL), ``contains`` (a
        case-insensitive substring of a text column), ``since``/``until`` (inclusive
        bounds on a column), in ``order_by`` order, after the keyset ``after``; with
        ``columns``, only those columns (and the table's key) of each row."""
        ...

    def select_many(self, reads: Sequence[Select]) -> list[list[Row]]:
        """The rows of several reads that do not depend on each other, in their order, as
        ``select`` answers each (in one round trip where the database allows)."""
        ...

    def positions(self) -> dict[str, int]:
        """The log position each read model's active generation has applied."""
        ...

    def one_connection(self) -> AbstractContextManager[None]:
        """The block's reads, in the calling thread, share one database connection."""
        ...


class _Unread:
    """The value of a column a narrowed read (``columns=``) did not read."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<column not read>"


UNREAD: Any = _Unread()
"""What a narrowed row holds in the columns it did not read: never a value (nor a field's
default) that could pass for the row's own, so whatever reads one fails loudly."""


def typed(rows: list[Row], row_type: type[T], *, narrowed: bool = False) -> list[T]:
    """Rows as their read-model row type; rows of a ``narrowed`` read (some columns only)
    hold ``UNREAD`` in the others (any other row missing a column is refused).

    A read's rows share their columns: the first row's are checked, the others' number.
    Each row dict becomes its object's attributes as it is, a narrowed row's too (its type,
    a subclass of ``row_type``, answers ``UNREAD`` for the columns not read): no copy per row."""
    fields = _plain_fields(typing.cast(type, row_type))
    if fields is None or not rows:
        return [msgspec.convert(r, row_type, from_attributes=False) for r in rows]
    columns = rows[0].keys()
    made = typing.cast(type, row_type)
    if columns != fields:
        if not (narrowed and columns <= fields):  # let msgspec say what's wrong
            return [msgspec.convert(r, row_type, from_attributes=False) for r in rows]
        made = _unread_type(made, frozenset(fields - columns))
    size = len(columns)
    new, adopt = object.__new__, object.__setattr__  # a frozen dataclass refuses setattr
    result: list[T] = []
    for row in rows:
        if len(row) != size:  # not the read's columns: let msgspec say what's wrong
            result.append(msgspec.convert(row, row_type, from_attributes=False))
            continue
        item: T = new(made)
        adopt(item, "__dict__", row)
        result.append(item)
    return result


@functools.lru_cache(maxsize=256)
def _unread_type(row_type: type, unread: frozenset[str]) -> type:
    """The row type whose objects answer ``UNREAD`` for the columns ``unread`` (a subclass of
    ``row_type`` holding them as class attributes): a narrowed row is then its read dict as it
    is, not a copy of it with every column it did not read added."""
    return type(
        row_type.__name__,
        (row_type,),
        {"__module__": row_type.__module__} | dict.fromkeys(unread, UNREAD),
    )


_JSON_ITEMS = (str, int, bool, Any, object)


@functools.cache
def _plain_fields(row_type: type) -> frozenset[str] | None:
    """The field names of a row type whose columns the store already returns as the fields'
    own values (ids, text, numbers, booleans, instants, JSON of plain items), so a row is
    made without converting each value; None when some field needs msgspec's conversion
    (an enum, a date, a nested structure) or the type builds itself (``__post_init__``)."""
    if not dataclasses.is_dataclass(row_type) or "__slots__" in vars(row_type):
        return None
    if hasattr(row_type, "__post_init__"):
        return None
    hints = typing.get_type_hints(row_type)
    fields = dataclasses.fields(row_type)
    if not all(f.init and _plain(hints[f.name], top=True) for f in fields):
        return None
    return frozenset(f.name for f in fields)


def _plain(hint: Any, *, top: bool = False) -> bool:
    """Whether values of ``hint`` come from the store as they are (see ``_plain_fields``)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return all(a is type(None) or _plain(a, top=top) for a in args)
    if origin in (list, dict):
        return all(_plain(a) for a in args)
    if top and hint in (UUID, str, int, float, bool, datetime):
        return True
    return hint in _JSON_ITEMS


def _narrowed(columns: Sequence[str] | None, *needed: str) -> Sequence[str] | None:
    """The columns a narrowed read asks for, with those its query itself relies on."""
    return None if columns is None else (*columns, *needed)


def _one(rows: list[Row], row_type: type[T], kind: str, ident: object) -> T:
    if not rows:
        raise NotFoundError(kind, ident)
    return typed(rows[:1], row_type)[0]


class DashboardQueries:
    """What the dashboard shows: organisations, projects, services, deployments, nodes."""

    model = "dashboard"

    def __init__(self, store: ReadStore, generation: int | None = None) -> None:
        self._store = store
        self._generation = generation

    def _select(self, table: Table, **kwargs: Any) -> list[Row]:
        return self._store.select(self.model, table, generation=self._generation, **kwargs)

    def _select_many(self, *reads: tuple[Table, dict[str, Any]]) -> list[list[Row]]:
        return self._store.select_many(
            [Select(self.model, table, generation=self._generation, **kw) for table, kw in reads]
        )

    def user(self, user_id: UUID) -> dashboard.UserRow:
        """A user."""
        rows = self._select(dashboard.USERS, where={"id": user_id})
        return _one(rows, dashboard.UserRow, "user", user_id)

    def users(self, user_ids: Sequence[UUID]) -> list[dashboard.UserRow]:
        """Several users by id."""
        rows = self._select(dashboard.USERS, where={"id": list(user_ids)})
        return typed(rows, dashboard.UserRow)

    def api_tokens(self, user_id: UUID) -> list[dashboard.ApiTokenRow]:
        """A user's API tokens, newest first."""
        rows = self._select(
            dashboard.API_TOKENS, where={"user_id": user_id}, order_by=("created_at",), order="desc"
        )
        return typed(rows, dashboard.ApiTokenRow)

    def sign_in_links(self, user_id: UUID) -> list[dashboard.SignInLinkRow]:
        """The provider accounts a user may sign in with."""
        rows = self._select(
            dashboard.SIGN_IN_LINKS, where={"user_id": user_id}, order_by=("provider",)
        )
        return typed(rows, dashboard.SignInLinkRow)

    def variable_names(
        self, environment_id: UUID, service_id: UUID | None, *, project_id: UUID | None = None
    ) -> list[str]:
        """The names of an environment's (or one service's) variables."""
        where: dict[str, object] = {"environment_id": environment_id, "service_id": service_id}
        if project_id is not None:
            where["project_id"] = project_id
        rows = self._select(dashboard.VARIABLES, where=where, order_by=("name",))
        return [row["name"] for row in rows]

    def variable_references(
        self, project_id: UUID, service_id: UUID | None = None
    ) -> list[dashboard.VariableReferenceRow]:
        """The variables of a project (or of one service of it) that reference others."""
        where: dict[str, object] = {"project_id": project_id}
        if service_id is not None:
            where["service_id"] = service_id
        rows = self._select(dashboard.VARIABLE_REFERENCES, where=where, order_by=("name",))
        return typed(rows, dashboard.VariableReferenceRow)

    def organizations(self) -> list[dashboard.OrganizationRow]:
        """Every organisation of the installation (for operators)."""
        rows = self._select(dashboard.ORGANIZATIONS, order_by=("slug",))
        return typed(rows, dashboard.OrganizationRow)

    def organization(self, organization_id: UUID) -> dashboard.OrganizationRow:
        """One organisation."""
        rows = self._select(dashboard.ORGANIZATIONS, where={"id": organization_id})
        return _one(rows, dashboard.OrganizationRow, "organization", organization_id)

    def memberships(self, user_id: UUID) -> list[dashboard.MemberRow]:
        """The organisations a user belongs to, with their role in each."""
        rows = self._select(dashboard.MEMBERS, where={"user_id": user_id})
        return typed(rows, dashboard.MemberRow)

    def members(self, organization_id: UUID) -> list[dashboard.MemberRow]:
        """An organisation's members."""
        rows = self._select(
            dashboard.MEMBERS, where={"organization_id": organization_id}, order_by=("since",)
        )
        return typed(rows, dashboard.MemberRow)

    def invitations(self, organization_id: UUID) -> list[dashboard.InvitationRow]:
        """An organisation's invitations, newest first."""
        rows = self._select(
            dashboard.INVITATIONS,
            where={"organization_id": organization_id},
            order_by=("invited_at",),
            order="desc",
        )
        return typed(rows, dashboard.InvitationRow)

    def invitation(self, invitation_id: UUID) -> dashboard.InvitationRow:
        """One invitation."""
        rows = self._select(dashboard.INVITATIONS, where={"id": invitation_id})
        return _one(rows, dashboard.InvitationRow, "invitation", invitation_id)

    def api_token(self, token_id: UUID) -> dashboard.ApiTokenRow:
        """One API token's metadata."""
        rows = self._select(dashboard.API_TOKENS, where={"id": token_id})
        return _one(rows, dashboard.ApiTokenRow, "API token", token_id)

    def projects(
        self,
        organization_id: UUID,
        *,
        search: str | None = None,
        include_deleted: bool = False,
        after: str | None = None,
        limit: int = 50,
    ) -> list[dashboard.ProjectRow]:
        """An organisation's projects by slug, optionally filtered by a name fragment."""
        where: dict[str, object] = {"organization_id": organization_id}
        if not include_deleted:
            where["deleted_at"] = None
        rows = self._select(
            dashboard.PROJECTS,
            where=where,
            contains=("name", search) if search else None,
            order_by=("slug",),
            after=(after,) if after else None,
            limit=limit,
        )
        return typed(rows, dashboard.ProjectRow)

    def project(self, project_id: UUID) -> dashboard.ProjectRow:
        """One project."""
        rows = self._select(dashboard.PROJECTS, where={"id": project_id})
        return _one(rows, dashboard.ProjectRow, "project", project_id)

    def projects_by_id(self, ids: Sequence[UUID]) -> list[dashboard.ProjectRow]:
        """Several projects by id, deleted ones included."""
        rows = self._select(dashboard.PROJECTS, where={"id": list(ids)})
        return typed(rows, dashboard.ProjectRow)

    def environments(self, project_id: UUID) -> list[dashboard.EnvironmentRow]:
        """A project's environments, production first."""
        rows = self._select(
            dashboard.ENVIRONMENTS,
            where={"project_id": project_id},
            order_by=("created_at", "name"),
        )
        return typed(rows, dashboard.EnvironmentRow)

    def environment(self, environment_id: UUID) -> dashboard.EnvironmentRow:
        """One environment."""
        rows = self._select(dashboard.ENVIRONMENTS, where={"id": environment_id})
        return _one(rows, dashboard.EnvironmentRow, "environment", environment_id)

    def services(
        self, project_id: UUID, *, include_deleted: bool = False
    ) -> list[dashboard.ServiceRow]:
        """A project's services by name."""
        where: dict[str, object] = {"project_id": project_id}
        if not include_deleted:
            where["deleted"] = False
        rows = self._select(dashboard.SERVICES, where=where, order_by=("name",))
        return typed(rows, dashboard.ServiceRow)

    def service(self, service_id: UUID) -> dashboard.ServiceRow:
        """One service."""
        rows = self._select(dashboard.SERVICES, where={"id": service_id})
        return _one(rows, dashboard.ServiceRow, "service", service_id)

    def service_states(
        self, *, service_id: UUID | None = None, project_id: UUID | None = None
    ) -> list[dashboard.ServiceStateRow]:
        """Live release and latest deployment per service and environment."""
        where: dict[str, object] = {}
        if service_id is not None:
            where["service_id"] = service_id
        if project_id is not None:
            where["project_id"] = project_id
        rows = self._select(dashboard.SERVICE_STATES, where=where)
        return typed(rows, dashboard.ServiceStateRow)

    def service_volumes(self, service_id: UUID) -> list[dashboard.ServiceVolumesRow]:
        """A service's volumes on the engines (none, or its one row)."""
        rows = self._select(dashboard.SERVICE_VOLUMES, where={"service_id": service_id})
        return typed(rows, dashboard.ServiceVolumesRow)

    def snapshots(self, service_id: UUID) -> list[dashboard.SnapshotRow]:
        """A service's volume snapshots, newest first."""
        rows = self._select(
            dashboard.SNAPSHOTS,
            where={"service_id": service_id},
            order_by=("requested_at", "id"),
            order="desc",
        )
        return typed(rows, dashboard.SnapshotRow)

    def snapshot(self, snapshot_id: UUID) -> dashboard.SnapshotRow:
        """One volume snapshot."""
        rows = self._select(dashboard.SNAPSHOTS, where={"id": snapshot_id})
        return _one(rows, dashboard.SnapshotRow, "snapshot", snapshot_id)

    def alert_rules(self, organization_id: UUID | None = None) -> list[dashboard.AlertRuleRow]:
        """An organisation's alert rules by name (every organisation's, for Containr)."""
        where: dict[str, object] = {"deleted": False}
        if organization_id is not None:
            where["organization_id"] = organization_id
        rows = self._select(dashboard.ALERT_RULES, where=where, order_by=("name", "id"))
        return typed(rows, dashboard.AlertRuleRow)

    def alert_rule(self, rule_id: UUID) -> dashboard.AlertRuleRow:
        """One alert rule."""
        rows = self._select(dashboard.ALERT_RULES, where={"id": rule_id, "deleted": False})
        return _one(rows, dashboard.AlertRuleRow, "alert rule", rule_id)

    def incidents(
        self, organization_id: UUID, *, open_only: bool = False, limit: int = 200
    ) -> list[dashboard.IncidentRow]:
        """An organisation's incidents, newest first (only pending and firing ones with
        ``open_only``)."""
        where: dict[str, object] = {"organization_id": organization_id}
        if open_only:
            where["open"] = True
        rows = self._select(
            dashboard.INCIDENTS, where=where, order_by=("started_at", "id"), order="desc",
            limit=limit,
        )  # fmt: skip
        return typed(rows, dashboard.IncidentRow)

    def incident(self, incident_id: UUID) -> dashboard.IncidentRow:
        """One incident."""
        rows = self._select(dashboard.INCIDENTS, where={"id": incident_id})
        return _one(rows, dashboard.IncidentRow, "incident", incident_id)

    def open_incidents(self) -> list[dashboard.IncidentRow]:
        """Every pending or firing incident (for the alert process)."""
        rows = self._select(dashboard.INCIDENTS, where={"open": True}, order_by=("started_at",))
        return typed(rows, dashboard.IncidentRow)

    def incidents_changed(self, *, after: int, limit: int = 500) -> list[dashboard.IncidentRow]:
        """Incidents changed after a log position, in the order they last changed (for the
        alert process's notifications)."""
        rows = self._select(
            dashboard.INCIDENTS, since=("position", after + 1), order_by=("position",),
            limit=limit,
        )  # fmt: skip
        return typed(rows, dashboard.IncidentRow)

    def silences(self, organization_id: UUID) -> list[dashboard.SilenceRow]:
        """An organisation's silences, latest ending first."""
        rows = self._select(
            dashboard.SILENCES,
            where={"organization_id": organization_id},
            order_by=("ends_at", "id"),
            order="desc",
        )
        return typed(rows, dashboard.SilenceRow)

    def silence(self, silence_id: UUID) -> dashboard.SilenceRow:
        """One silence."""
        rows = self._select(dashboard.SILENCES, where={"id": silence_id})
        return _one(rows, dashboard.SilenceRow, "silence", silence_id)

    def backup_destinations(self, organization_id: UUID) -> list[dashboard.BackupDestinationRow]:
        """An organisation's backup destinations by name."""
        rows = self._select(
            dashboard.BACKUP_DESTINATIONS,
            where={"organization_id": organization_id, "removed": False},
            order_by=("name", "id"),
        )
        return typed(rows, dashboard.BackupDestinationRow)

    def backup_destination(self, destination_id: UUID) -> dashboard.BackupDestinationRow:
        """One backup destination."""
        rows = self._select(
            dashboard.BACKUP_DESTINATIONS, where={"id": destination_id, "removed": False}
        )
        return _one(rows, dashboard.BackupDestinationRow, "backup destination", destination_id)

    def notifiers(self, organization_id: UUID) -> list[dashboard.NotifierRow]:
        """An organisation's notifiers by name."""
        rows = self._select(
            dashboard.NOTIFIERS,
            where={"organization_id": organization_id, "deleted": False},
            order_by=("name", "id"),
        )
        return typed(rows, dashboard.NotifierRow)

    def notifier(self, notifier_id: UUID) -> dashboard.NotifierRow:
        """One notifier."""
        rows = self._select(dashboard.NOTIFIERS, where={"id": notifier_id, "deleted": False})
        return _one(rows, dashboard.NotifierRow, "notifier", notifier_id)

    def notification_deliveries(
        self,
        *,
        organization_id: UUID | None = None,
        incident_id: UUID | None = None,
        notification_key: str | None = None,
        limit: int = 100,
    ) -> list[dashboard.NotificationDeliveryRow]:
        """Deliveries of an organisation, of one incident or of one notification, newest
        first."""
        where: dict[str, object] = {}
        if organization_id is not None:
            where["organization_id"] = organization_id
        if incident_id is not None:
            where["incident_id"] = incident_id
        if notification_key is not None:
            where["notification_key"] = notification_key
        rows = self._select(
            dashboard.NOTIFICATION_DELIVERIES,
            where=where,
            order_by=("requested_at", "id"),
            order="desc",
            limit=limit,
        )
        return typed(rows, dashboard.NotificationDeliveryRow)

    def notification_delivery(self, delivery_id: UUID) -> dashboard.NotificationDeliveryRow:
        """One notification delivery."""
        rows = self._select(dashboard.NOTIFICATION_DELIVERIES, where={"id": delivery_id})
        return _one(rows, dashboard.NotificationDeliveryRow, "notification delivery", delivery_id)

    def delivery_attempts(self, delivery_id: UUID) -> list[dashboard.DeliveryAttemptRow]:
        """A delivery's attempts, first first."""
        rows = self._select(
            dashboard.DELIVERY_ATTEMPTS, where={"delivery_id": delivery_id}, order_by=("attempt",)
        )
        return typed(rows, dashboard.DeliveryAttemptRow)

    def due_notification_deliveries(
        self, now: datetime, limit: int = 100
    ) -> list[dashboard.NotificationDeliveryRow]:
        """Deliveries whose next attempt is due at ``now``, the longest due first (for the
        notification process)."""
        rows = self._select(
            dashboard.NOTIFICATION_DELIVERIES,
            where={"state": ["pending", "retrying"]},
            until=("next_attempt_at", now),
            order_by=("next_attempt_at", "id"),
            limit=limit,
        )
        return typed(rows, dashboard.NotificationDeliveryRow)

    def next_notification_due(self) -> datetime | None:
        """When the next pending delivery is due (None: none waits)."""
        rows = self._select(
            dashboard.NOTIFICATION_DELIVERIES,
            where={"state": ["pending", "retrying"]},
            order_by=("next_attempt_at", "id"),
            limit=1,
        )
        return typed(rows, dashboard.NotificationDeliveryRow)[0].next_attempt_at if rows else None

    def busy_snapshots(self) -> list[dashboard.SnapshotRow]:
        """Snapshots with steps or restores still to take (for Containr's processes)."""
        rows = self._select(
            dashboard.SNAPSHOTS, where={"busy": True}, order_by=("requested_at", "id")
        )
        return typed(rows, dashboard.SnapshotRow)

    def backups(
        self, service_id: UUID, environment_id: UUID | None = None, *, limit: int = 200
    ) -> list[dashboard.BackupRow]:
        """A database service's backups, newest first."""
        where: dict[str, object] = {"service_id": service_id}
        if environment_id is not None:
            where["environment_id"] = environment_id
        rows = self._select(
            dashboard.BACKUPS, where=where, order_by=("requested_at", "id"), order="desc",
            limit=limit,
        )  # fmt: skip
        return typed(rows, dashboard.BackupRow)

    def backup(self, backup_id: UUID) -> dashboard.BackupRow:
        """One backup."""
        rows = self._select(dashboard.BACKUPS, where={"id": backup_id})
        return _one(rows, dashboard.BackupRow, "backup", backup_id)

    def busy_backups(self) -> list[dashboard.BackupRow]:
        """Backups with steps still to take (for Containr's processes)."""
        rows = self._select(
            dashboard.BACKUPS, where={"busy": True}, order_by=("requested_at", "id")
        )
        return typed(rows, dashboard.BackupRow)

    def plan_backups(self, plan_id: UUID) -> list[dashboard.BackupRow]:
        """The backups of a plan (scheduled and manual), oldest first (for retention)."""
        rows = self._select(
            dashboard.BACKUPS, where={"plan_id": plan_id}, order_by=("taken_at", "id")
        )
        return typed(rows, dashboard.BackupRow)

    def backup_plans(self, service_id: UUID | None = None) -> list[dashboard.BackupPlanRow]:
        """The backup plans of a service (or every active one, for the scheduler)."""
        where: dict[str, object] = (
            {"active": True} if service_id is None else {"service_id": service_id}
        )
        rows = self._select(dashboard.BACKUP_PLANS, where=where, order_by=("id",))
        return typed(rows, dashboard.BackupPlanRow)

    def database_restores(self, service_id: UUID) -> list[dashboard.DatabaseRestoreRow]:
        """The restores into a database service, newest first."""
        rows = self._select(
            dashboard.DATABASE_RESTORES, where={"service_id": service_id},
            order_by=("requested_at", "id"), order="desc",
        )  # fmt: skip
        return typed(rows, dashboard.DatabaseRestoreRow)

    def busy_restores(self) -> list[dashboard.DatabaseRestoreRow]:
        """Restores still to end (for Containr's processes)."""
        rows = self._select(
            dashboard.DATABASE_RESTORES, where={"busy": True}, order_by=("requested_at", "id")
        )
        return typed(rows, dashboard.DatabaseRestoreRow)

    def orphaned_volumes(self, project_id: UUID) -> list[dashboard.ServiceVolumesRow]:
        """The volumes deleted services of a project kept (until removeVolume)."""
        rows = self._select(
            dashboard.SERVICE_VOLUMES, where={"project_id": project_id, "orphaned": True}
        )
        return typed(rows, dashboard.ServiceVolumesRow)

    def deployments(
        self,
        service_id: UUID,
        *,
        environment_id: UUID | None = None,
        before: tuple[datetime, UUID] | None = None,
        limit: int = 20,
    ) -> list[dashboard.DeploymentRow]:
        """A service's deployments, newest first."""
        where: dict[str, object] = {"service_id": service_id}
        if environment_id is not None:
            where["environment_id"] = environment_id
        rows = self._select(
            dashboard.DEPLOYMENTS,
            where=where,
            order_by=("requested_at", "id"),
            order="desc",
            after=before,
            limit=limit,
        )
        return typed(rows, dashboard.DeploymentRow)

    def active_deployments(self) -> list[dashboard.DeploymentRow]:
        """Every release in progress (queued, building, built, starting), oldest first."""
        rows = self._select(
            dashboard.DEPLOYMENTS,
            where={"state": ["queued", "building", "built", "starting"]},
            order_by=("requested_at", "id"),
        )
        return typed(rows, dashboard.DeploymentRow)

    def deployments_needing_sources(self) -> list[dashboard.DeploymentRow]:
        """Releases in progress or healthy (live): what may still build their source."""
        rows = self._select(
            dashboard.DEPLOYMENTS,
            where={"state": ["queued", "building", "built", "starting", "healthy"]},
        )
        return [r for r in typed(rows, dashboard.DeploymentRow) if r.source_archive is not None]

    def releases_for_images(self) -> list[dashboard.DeploymentRow]:
        """Every release of every organisation (to tell which images a release may need)."""
        rows = self._select(dashboard.DEPLOYMENTS)
        return typed(rows, dashboard.DeploymentRow)

    def deleted_service_ids(self) -> set[UUID]:
        """The services of every organisation that were deleted."""
        rows = self._select(dashboard.SERVICES, where={"deleted": True}, columns=("id",))
        return {row["id"] for row in rows}

    def all_nodes(self) -> list[dashboard.NodeRow]:
        """Every node of every organisation (for Containr's own processes)."""
        rows = self._select(dashboard.NODES, where={"removed": False}, order_by=("name",))
        return typed(rows, dashboard.NodeRow)

    def live_states(self) -> list[dashboard.ServiceStateRow]:
        """Every service and environment that has a live release."""
        rows = self._select(dashboard.SERVICE_STATES)
        return [r for r in typed(rows, dashboard.ServiceStateRow) if r.live_deployment_id]

    def deployment(self, deployment_id: UUID) -> dashboard.DeploymentRow:
        """One deployment with its history."""
        rows = self._select(dashboard.DEPLOYMENTS, where={"id": deployment_id})
        return _one(rows, dashboard.DeploymentRow, "deployment", deployment_id)

    def services_of(
        self, project_ids: Sequence[UUID], *, columns: Sequence[str] | None = None
    ) -> list[dashboard.ServiceRow]:
        """The live services of several projects at once (batched loading); with
        ``columns``, only those (and the id and project), the others ``UNREAD``."""
        rows = self._select(
            dashboard.SERVICES,
            where={"project_id": list(project_ids), "deleted": False},
            order_by=("name",),
            columns=_narrowed(columns, "project_id"),
        )
        return typed(rows, dashboard.ServiceRow, narrowed=columns is not None)

    def service_states_of(
        self, project_ids: Sequence[UUID], *, columns: Sequence[str] | None = None
    ) -> list[dashboard.ServiceStateRow]:
        """Service states of several projects at once; with ``columns``, only those (and
        the service and latest deployment), the others ``UNREAD``."""
        rows = self._select(
            dashboard.SERVICE_STATES,
            where={"project_id": list(project_ids)},
            columns=_narrowed(columns, "service_id", "latest_deployment_id"),
        )
        return typed(rows, dashboard.ServiceStateRow, narrowed=columns is not None)

    def services_states_and_latest_of(
        self,
        project_ids: Sequence[UUID],
        *,
        service_columns: Sequence[str] | None = None,
        state_columns: Sequence[str] | None = None,
        deployment_columns: Sequence[str] | None = None,
    ) -> tuple[
        list[dashboard.ServiceRow], list[dashboard.ServiceStateRow], list[dashboard.DeploymentRow]
    ]:
        """``services_of``, ``service_states_of`` and the states' latest deployments, in one
        round trip (the deployments picked by the states' ``latest_deployment_id`` in the
        database, not by sending their ids back); with ``*_columns``, only those."""
        projects = list(project_ids)
        services, states, deployments = self._select_many(
            (
                dashboard.SERVICES,
                {
                    "where": {"project_id": projects, "deleted": False},
                    "order_by": ("name",),
                    "columns": _narrowed(service_columns, "project_id"),
                },
            ),
            (
                dashboard.SERVICE_STATES,
                {
                    "where": {"project_id": projects},
                    "columns": _narrowed(state_columns, "service_id", "latest_deployment_id"),
                },
            ),
            (
                dashboard.DEPLOYMENTS,
                {
                    "where": {
                        "id": InSelect(
                            dashboard.SERVICE_STATES,
                            "latest_deployment_id",
                            {"project_id": projects},
                        )
                    },
                    "columns": deployment_columns,
                },
            ),
        )
        return (
            typed(services, dashboard.ServiceRow, narrowed=service_columns is not None),
            typed(states, dashboard.ServiceStateRow, narrowed=state_columns is not None),
            typed(deployments, dashboard.DeploymentRow, narrowed=deployment_columns is not None),
        )

    def environments_of(self, project_ids: Sequence[UUID]) -> list[dashboard.EnvironmentRow]:
        """Environments of several projects at once."""
        rows = self._select(
            dashboard.ENVIRONMENTS,
            where={"project_id": list(project_ids)},
            order_by=("created_at", "name"),
        )
        return typed(rows, dashboard.EnvironmentRow)

    def deployments_by_id(
        self, ids: Sequence[UUID], *, columns: Sequence[str] | None = None
    ) -> list[dashboard.DeploymentRow]:
        """Several deployments by id; with ``columns``, only those (and the id), the
        others ``UNREAD``."""
        rows = self._select(dashboard.DEPLOYMENTS, where={"id": list(ids)}, columns=columns)
        return typed(rows, dashboard.DeploymentRow, narrowed=columns is not None)

    def deployments_changed(
        self, service_id: UUID, *, after: int, limit: int = 200
    ) -> list[dashboard.DeploymentRow]:
        """A service's deployments (every environment) changed after a log position, in the
        order they last changed."""
        rows = self._select(
            dashboard.DEPLOYMENTS,
            where={"service_id": service_id},
            since=("position", after + 1),
            order_by=("position",),
            limit=limit,
        )
        return typed(rows, dashboard.DeploymentRow)

    def services_by_id(self, ids: Sequence[UUID]) -> list[dashboard.ServiceRow]:
        """Several services by id, deleted ones included (to name what an entry concerns)."""
        rows = self._select(dashboard.SERVICES, where={"id": list(ids)})
        return typed(rows, dashboard.ServiceRow)

    def node(self, node_id: UUID) -> dashboard.NodeRow:
        """One node."""
        rows = self._select(dashboard.NODES, where={"id": node_id})
        return _one(rows, dashboard.NodeRow, "node", node_id)

    def nodes(
        self, organization_id: UUID, *, include_removed: bool = False
    ) -> list[dashboard.NodeRow]:
        """An organisation's nodes by name."""
        where: dict[str, object] = {"organization_id": organization_id}
        if not include_removed:
            where["removed"] = False
        rows = self._select(dashboard.NODES, where=where, order_by=("name",))
        return typed(rows, dashboard.NodeRow)

    def node_ports(self, node_id: UUID) -> list[dashboard.NodePortRow]:
        """The ports of a node that replicas hold now, by port."""
        rows = self._select(dashboard.NODE_PORTS, where={"node_id": node_id}, order_by=("port",))
        return typed(rows, dashboard.NodePortRow)

    def nodes_at(self, endpoint: str) -> list[dashboard.NodeRow]:
        """The nodes (of any organisation) whose engine is at ``endpoint``; for Containr's
        own processes, which reach engines by endpoint."""
        rows = self._select(dashboard.NODES, where={"endpoint": endpoint, "removed": False})
        return typed(rows, dashboard.NodeRow)

    def clusters(self, organization_id: UUID | None = None) -> list[dashboard.ClusterRow]:
        """An organisation's clusters by name (every organisation's, for Containr itself)."""
        where: dict[str, object] = {"removed": False}
        if organization_id is not None:
            where["organization_id"] = organization_id
        rows = self._select(dashboard.CLUSTERS, where=where, order_by=("name",))
        return typed(rows, dashboard.ClusterRow)

    def cluster(self, cluster_id: UUID) -> dashboard.ClusterRow:
        """One cluster."""
        rows = self._select(dashboard.CLUSTERS, where={"id": cluster_id, "removed": False})
        return _one(rows, dashboard.ClusterRow, "cluster", cluster_id)

    def cluster_nodes(self, cluster_id: UUID) -> list[dashboard.ClusterNodeRow]:
        """A cluster's nodes by name."""
        rows = self._select(
            dashboard.CLUSTER_NODES, where={"cluster_id": cluster_id}, order_by=("node",)
        )
        return typed(rows, dashboard.ClusterNodeRow)

    def guests(self, cluster_id: UUID) -> list[dashboard.GuestRow]:
        """A cluster's guests by name (deleted ones too, marked so)."""
        rows = self._select(
            dashboard.GUESTS, where={"cluster_id": cluster_id}, order_by=("name", "id")
        )
        return typed(rows, dashboard.GuestRow)

    def guest(self, guest_id: UUID) -> dashboard.GuestRow:
        """One guest."""
        rows = self._select(dashboard.GUESTS, where={"id": guest_id})
        return _one(rows, dashboard.GuestRow, "guest", guest_id)

    def git_connections(self, organization_id: UUID) -> list[dashboard.GitConnectionRow]:
        """An organisation's git connections by name."""
        rows = self._select(
            dashboard.GIT_CONNECTIONS,
            where={"organization_id": organization_id, "removed": False},
            order_by=("name", "id"),
        )
        return typed(rows, dashboard.GitConnectionRow)

    def all_git_connections(self) -> list[dashboard.GitConnectionRow]:
        """Every live git connection (for the periodic check of their tokens)."""
        rows = self._select(
            dashboard.GIT_CONNECTIONS, where={"removed": False}, order_by=("created_at", "id")
        )
        return typed(rows, dashboard.GitConnectionRow)

    def git_connection(self, connection_id: UUID) -> dashboard.GitConnectionRow:
        """One git connection."""
        rows = self._select(
            dashboard.GIT_CONNECTIONS, where={"id": connection_id, "removed": False}
        )
        return _one(rows, dashboard.GitConnectionRow, "git connection", connection_id)

    def webhook_deliveries(
        self, connection_id: UUID, *, limit: int = 50
    ) -> list[dashboard.WebhookDeliveryRow]:
        """A connection's deliveries, newest first."""
        rows = self._select(
            dashboard.WEBHOOK_DELIVERIES,
            where={"connection_id": connection_id},
            order_by=("received_at", "id"),
            order="desc",
            limit=limit,
        )
        return typed(rows, dashboard.WebhookDeliveryRow)

    def webhook_deliveries_changed(
        self, connection_id: UUID, *, after: int, limit: int = 200
    ) -> list[dashboard.WebhookDeliveryRow]:
        """A connection's deliveries received or handled after a log position, in the order
        they last changed."""
        rows = self._select(
            dashboard.WEBHOOK_DELIVERIES,
            where={"connection_id": connection_id},
            since=("position", after + 1),
            order_by=("position",),
            limit=limit,
        )
        return typed(rows, dashboard.WebhookDeliveryRow)

    def pending_webhook_deliveries(self, limit: int = 100) -> list[dashboard.WebhookDeliveryRow]:
        """Deliveries not handled yet, oldest first (for the webhook process manager)."""
        rows = self._select(
            dashboard.WEBHOOK_DELIVERIES,
            where={"handled": False},
            order_by=("received_at", "id"),
            limit=limit,
        )
        return typed(rows, dashboard.WebhookDeliveryRow)

    def service_triggers(self, service_id: UUID) -> dashboard.ServiceTriggersRow | None:
        """A service's push triggers (None: never set)."""
        rows = self._select(dashboard.SERVICE_TRIGGERS, where={"service_id": service_id})
        return typed(rows, dashboard.ServiceTriggersRow)[0] if rows else None

    def services_watching(self, connection_id: UUID) -> list[UUID]:
        """The services whose push triggers use a git connection."""
        rows = self._select(dashboard.SERVICE_TRIGGERS, where={"connection_id": connection_id})
        return [row["service_id"] for row in rows]

    def commit_statuses_to_report(self, limit: int = 500) -> list[dashboard.CommitStatusRow]:
        """Pushed deployments with commit statuses still to report, oldest first (for the
        commit status process manager)."""
        rows = self._select(
            dashboard.COMMIT_STATUSES,
            where={"done": False},
            order_by=("updated_at", "deployment_id"),
            limit=limit,
        )
        return typed(rows, dashboard.CommitStatusRow)

    def commit_statuses(self, deployment_ids: Sequence[UUID]) -> list[dashboard.CommitStatusRow]:
        """The commit statuses reported for several deployments (pushed ones only)."""
        if not deployment_ids:
            return []
        rows = self._select(
            dashboard.COMMIT_STATUSES, where={"deployment_id": list(deployment_ids)}
        )
        return typed(rows, dashboard.CommitStatusRow)

    def commits_waiting_for_checks(self, limit: int = 500) -> list[dashboard.CommitChecksRow]:
        """Pushed commits waiting for their checks, oldest push first (for the process)."""
        rows = self._select(
            dashboard.COMMIT_CHECKS,
            where={"state": "waiting"},
            order_by=("sequence", "id"),
            limit=limit,
        )
        return typed(rows, dashboard.CommitChecksRow)

    def commit_checks_of(self, delivery_ids: Sequence[UUID]) -> list[dashboard.CommitChecksRow]:
        """The waits for CI that deliveries caused (per service and environment)."""
        if not delivery_ids:
            return []
        rows = self._select(
            dashboard.COMMIT_CHECKS,
            where={"delivery_id": list(delivery_ids)},
            order_by=("sequence", "id"),
        )
        return typed(rows, dashboard.CommitChecksRow)

    def commit_checks(
        self, service_id: UUID, *, limit: int = 20
    ) -> list[dashboard.CommitChecksRow]:
        """A service's pushed commits that waited (or wait) for their checks, newest first."""
        rows = self._select(
            dashboard.COMMIT_CHECKS,
            where={"service_id": service_id},
            order_by=("sequence", "id"),
            order="desc",
            limit=limit,
        )
        return typed(rows, dashboard.CommitChecksRow)

    def service_source(self, service_id: UUID) -> dashboard.ServiceSourceRow | None:
        """The repository a service builds from through a git connection (None: none)."""
        rows = self._select(dashboard.SERVICE_SOURCES, where={"service_id": service_id})
        return typed(rows, dashboard.ServiceSourceRow)[0] if rows else None

    def webhooks_registering(self, limit: int = 100) -> list[dashboard.ServiceSourceRow]:
        """Automatic webhooks waiting to be registered (for the git connections process)."""
        rows = self._select(
            dashboard.SERVICE_SOURCES,
            where={"webhook_state": "registering"},
            order_by=("connected_at", "service_id"),
            limit=limit,
        )
        return typed(rows, dashboard.ServiceSourceRow)

    def repository_users(
        self, connection_id: UUID, repository: str
    ) -> list[dashboard.ServiceSourceRow]:
        """The services connected to a repository through a connection (they share its hook)."""
        rows = self._select(
            dashboard.SERVICE_SOURCES,
            where={"connection_id": connection_id, "repository": repository},
        )
        return typed(rows, dashboard.ServiceSourceRow)

    def connection_sources(self, connection_id: UUID) -> list[dashboard.ServiceSourceRow]:
        """The services connected to repositories through a connection."""
        rows = self._select(dashboard.SERVICE_SOURCES, where={"connection_id": connection_id})
        return typed(rows, dashboard.ServiceSourceRow)

    def webhook_removals(self, limit: int = 100) -> list[WebhookRemovalRow]:
        """Disconnected repositories' webhooks still to be removed at the provider."""
        rows = self._select(
            dashboard.WEBHOOK_REMOVALS, order_by=("position", "service_id"), limit=limit
        )
        return typed(rows, WebhookRemovalRow)

    def environment_access(self, environment_id: UUID) -> EnvironmentAccessRow | None:
        """Who may open an environment's web services (None: never set; public)."""
        rows = self._select(dashboard.ENVIRONMENT_ACCESS, where={"environment_id": environment_id})
        return typed(rows, EnvironmentAccessRow)[0] if rows else None

    def share_links(self, environment_id: UUID) -> list[ShareLinkRow]:
        """An environment's share links, newest first (revoked and expired ones too)."""
        rows = self._select(
            dashboard.SHARE_LINKS,
            where={"environment_id": environment_id},
            order_by=("created_at", "id"),
            order="desc",
        )
        return typed(rows, ShareLinkRow)

    def previews(
        self, project_id: UUID, *, include_removed: bool = False
    ) -> list[dashboard.PreviewRow]:
        """A project's previews, newest first (removed ones only when asked)."""
        where: dict[str, object] = {"project_id": project_id}
        if not include_removed:
            where["state"] = ["active", "refused", "removing"]
        rows = self._select(
            dashboard.PREVIEWS, where=where, order_by=("opened_at", "id"), order="desc"
        )
        return typed(rows, dashboard.PreviewRow)

    def preview(self, preview_id: UUID) -> dashboard.PreviewRow:
        """One preview."""
        rows = self._select(dashboard.PREVIEWS, where={"id": preview_id})
        return _one(rows, dashboard.PreviewRow, "preview", preview_id)

    def previews_in_state(self, *states: str) -> list[dashboard.PreviewRow]:
        """Every preview in one of ``states``, oldest first (for the preview process)."""
        rows = self._select(
            dashboard.PREVIEWS, where={"state": list(states)}, order_by=("opened_at", "id")
        )
        return typed(rows, dashboard.PreviewRow)

    def previews_with_comments(self) -> list[dashboard.PreviewRow]:
        """Previews with comments to post to their pull requests (for the preview process)."""
        rows = self._select(
            dashboard.PREVIEWS, where={"comments_pending": True}, order_by=("opened_at", "id")
        )
        return typed(rows, dashboard.PreviewRow)

    def autoscaling(self, service_id: UUID) -> dashboard.AutoscalingRow | None:
        """A service's autoscaling (None: never set; scaled by hand)."""
        rows = self._select(dashboard.AUTOSCALING, where={"service_id": service_id})
        return typed(rows, dashboard.AutoscalingRow)[0] if rows else None

    def autoscaled_services(self) -> list[dashboard.AutoscalingRow]:
        """Every service with an autoscaling policy in force (for the autoscaler)."""
        rows = self._select(
            dashboard.AUTOSCALING, where={"enabled": True}, order_by=("service_id",)
        )
        return typed(rows, dashboard.AutoscalingRow)

    def preview_policy(self, project_id: UUID) -> dashboard.PreviewPolicyRow | None:
        """A project's preview policy (None: never set, previews are off)."""
        rows = self._select(dashboard.PREVIEW_POLICIES, where={"project_id": project_id})
        return typed(rows, dashboard.PreviewPolicyRow)[0] if rows else None

    def busy_guests(self) -> list[dashboard.GuestRow]:
        """Guests with an operation in progress (for the guest process manager)."""
        rows = self._select(
            dashboard.GUESTS,
            where={"pending_action": ["create", "start", "stop", "shutdown", "reboot", "delete"]},
            order_by=("created_at", "id"),
        )
        return typed(rows, dashboard.GuestRow)

    def cron_runs(
        self,
        service_id: UUID,
        environment_id: UUID | None = None,
        *,
        limit: int = 50,
    ) -> list[dashboard.CronRunRow]:
        """A cron service's runs, newest scheduled time first."""
        where: dict[str, object] = {"service_id": service_id}
        if environment_id is not None:
            where["environment_id"] = environment_id
        rows = self._select(
            dashboard.CRON_RUNS,
            where=where,
            order_by=("scheduled_at", "id"),
            order="desc",
            limit=limit,
        )
        return typed(rows, dashboard.CronRunRow)

    def cron_run(self, run_id: UUID) -> dashboard.CronRunRow:
        """One cron run."""
        rows = self._select(dashboard.CRON_RUNS, where={"id": run_id})
        return _one(rows, dashboard.CronRunRow, "cron run", run_id)

    def open_cron_runs(self) -> list[dashboard.CronRunRow]:
        """Every cron run not ended yet (scheduled or running), oldest scheduled first."""
        rows = self._select(
            dashboard.CRON_RUNS,
            where={"state": ["scheduled", "running"]},
            order_by=("scheduled_at", "id"),
        )
        return typed(rows, dashboard.CronRunRow)


class HistoryQueries:
    """The audit timeline and release history."""

    model = "history"

    def __init__(self, store: ReadStore) -> None:
        self._store = store

    def timeline(
        self,
        *,
        organization_id: UUID | None = None,
        project_id: UUID | None = None,
        before: int | None = None,
        limit: int = 50,
        action: str | None = None,
        actor: str | None = None,
        include_internal: bool = False,
    ) -> list[history.AuditRow]:
        """Audit entries, newest first, for an organisation or a project."""
        where: dict[str, object] = {}
        if organization_id is not None:
            where["organization_id"] = organization_id
        if project_id is not None:
            where["project_id"] = project_id
        if action is not None:
            where["action"] = action
        if actor is not None:
            where["actor"] = actor
        if not include_internal:
            where["internal"] = False
        rows = self._store.select(
            self.model,
            history.AUDIT,
            where=where,
            order_by=("position",),
            order="desc",
            after=(before,) if before else None,
            limit=limit,
        )
        return typed(rows, history.AuditRow)

    def releases(
        self, service_id: UUID, *, environment_id: UUID | None = None, limit: int = 100
    ) -> list[history.ReleaseRow]:
        """A service's releases, newest first, with exact commit, image and variable version."""
        where: dict[str, object] = {"service_id": service_id}
        if environment_id is not None:
            where["environment_id"] = environment_id
        rows = self._store.select(
            self.model,
            history.RELEASES,
            where=where,
            order_by=("requested_at",),
            order="desc",
            limit=limit,
        )
        return typed(rows, history.ReleaseRow)


class DailyStats(msgspec.Struct, frozen=True):
    """One project's deployment figures for one day."""

    day: str
    started: int
    succeeded: int
    failed: int
    rolled_back: int
    cancelled: int
    change_failure_rate: float | None
    median_lead_seconds: float | None
    p95_lead_seconds: float | None
    median_restore_seconds: float | None


class AnalyticsQueries:
    """Deployment frequency, success, change-failure rate, lead time and time to restore."""

    model = "analytics"

    def __init__(self, store: ReadStore) -> None:
        self._store = store

    def daily(self, project_id: UUID, since: date, until: date) -> list[DailyStats]:
        """Figures for each day from ``since`` to ``until`` (days without deployments too)."""
        first, last = since.isoformat(), until.isoformat()
        where: dict[str, object] = {"project_id": project_id}
        counts = {
            r["day"]: r
            for r in self._store.select(
                self.model, analytics.DAILY, where=where, since=("day", first), until=("day", last)
            )
        }
        leads: dict[str, list[float]] = {}
        for fact in self._store.select(
            self.model,
            analytics.FACTS,
            where=where,
            since=("healthy_day", first),
            until=("healthy_day", last),
        ):
            leads.setdefault(fact["healthy_day"], []).append(fact["lead_seconds"])
        restores: dict[str, list[float]] = {}
        for restore in self._store.select(
            self.model, analytics.RESTORES, where=where, since=("day", first), until=("day", last)
        ):
            restores.setdefault(restore["day"], []).append(restore["seconds"])
        stats = []
        day = since
        while day <= until:
            key = day.isoformat()
            row = counts.get(key, {})
            succeeded, failed = row.get("succeeded", 0), row.get("failed", 0)
            rolled_back = row.get("rolled_back", 0)
            outcomes = succeeded + failed
            stats.append(
                DailyStats(
                    day=key,
                    started=row.get("started", 0),
                    succeeded=succeeded,
                    failed=failed,
                    rolled_back=rolled_back,
                    cancelled=row.get("cancelled", 0),
                    change_failure_rate=(failed + rolled_back) / outcomes if outcomes else None,
                    median_lead_seconds=_median(leads.get(key)),
                    p95_lead_seconds=_percentile(leads.get(key), 95),
                    median_restore_seconds=_median(restores.get(key)),
                )
            )
            day += timedelta(days=1)
        return stats


def _median(values: list[float] | None) -> float | None:
    return statistics.median(values) if values else None


def _percentile(values: list[float] | None, percent: int) -> float | None:
    """The nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-percent * len(ordered) // 100))
    return ordered[rank - 1]
