"""The history read model: the audit timeline, and every service's releases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.deployment import Deployment
from projections.base import Projection, handles
from projections.schema import Table, plain, shape_of
from projections.store import RowStore

_STANDARD = {"originator_id", "originator_version", "timestamp", "actor", "originator_topic"}
_INTERNAL = {"Reservation", "CommandReceipt"}
_SECRET = re.compile(r"(^|_)(hash|secret|password|token)(_|$)")
"""Fields holding secret material, by name: hashes (password_hash, token_hash), sealed values
(token_secret, repository_token). Ids of secrets (token_id) are not secret."""
_HASHED_SCOPES = {"api-tokens", "invitations"}
"""Reservation scopes whose names are token hashes (application/handlers/accounts.py)."""
REVISION = 2
"""What the rows hold, beside the tables' shape: 2 stopped filing secret material in audit
details. A new revision rebuilds the read model at the next migrate, like a new shape."""


@dataclass(frozen=True)
class AuditRow:
    """One entry of the audit timeline: who did what, when, to what."""

    position: int
    at: datetime
    actor: str
    action: str
    aggregate_type: str
    aggregate_id: UUID
    organization_id: UUID | None
    project_id: UUID | None
    scope_id: UUID | None
    summary: str
    details: dict[str, Any]
    internal: bool


@dataclass(frozen=True)
class ScopeRow:
    """Which organisation and project an aggregate belongs to (to file its events)."""

    aggregate_id: UUID
    organization_id: UUID | None
    project_id: UUID | None
    position: int = 0


@dataclass(frozen=True)
class ReleaseRow:
    """One release of a service: exactly what was deployed, and how it ended."""

    deployment_id: UUID
    organization_id: UUID
    project_id: UUID
    service_id: UUID
    environment_id: UUID
    trigger: str
    requested_by: str
    requested_at: datetime
    commit: str | None
    commit_message: str | None
    commit_author: str | None
    image: str | None
    variables_version: list[int]
    rollback_of: UUID | None
    state: str
    healthy_at: datetime | None
    finished_at: datetime | None
    position: int = 0


AUDIT = Table(
    "audit",
    AuditRow,
    ("position",),
    notices=(("activity", "scope_id"),),
    indexes=(("project_id", "position"), ("organization_id", "position")),
    append_only=True,
)
SCOPES = Table("scopes", ScopeRow, ("aggregate_id",))
RELEASES = Table(
    "releases",
    ReleaseRow,
    ("deployment_id",),
    notices=(("releases", "service_id"),),
    indexes=(("service_id", "requested_at"),),
)


class HistoryProjection(Projection):
    """Every event as an audit entry, and per-service release history."""

    name = "history"
    tables = (AUDIT, SCOPES, RELEASES)

    @classmethod
    def shape(cls) -> str:
        """The tables' digest and the revision of their contents."""
        return f"{shape_of(cls.tables)}.r{REVISION}"

    @handles(ContainrAggregate.Event)
    def audit(self, e: Any, store: RowStore) -> None:
        """File the event in the timeline under its organisation and project."""
        aggregate_type, _, action = type(e).__qualname__.partition(".")
        organization_id, project_id = self._scope(e, aggregate_type, store)
        details = _details(e, aggregate_type)
        store.put(
            AUDIT,
            {
                "position": store.position,
                "at": e.timestamp,
                "actor": e.actor,
                "action": f"{aggregate_type}.{action}",
                "aggregate_type": aggregate_type,
                "aggregate_id": e.originator_id,
                "organization_id": organization_id,
                "project_id": project_id,
                "scope_id": project_id or organization_id,
                "summary": summarize(aggregate_type, action, details),
                "details": details,
                "internal": aggregate_type in _INTERNAL,
            },
        )
        if isinstance(e, Deployment.Requested | Deployment.Transitioned):
            self._release(e, store)

    @staticmethod
    def _scope(e: Any, aggregate_type: str, store: RowStore) -> tuple[UUID | None, UUID | None]:
        if e.originator_version == 1:
            if aggregate_type == "Organization":
                organization_id, project_id = e.originator_id, None
            elif aggregate_type == "Project":
                organization_id, project_id = e.organization_id, e.originator_id
            else:
                organization_id = getattr(e, "organization_id", None)
                project_id = getattr(e, "project_id", None)
            store.put(
                SCOPES,
                {
                    "aggregate_id": e.originator_id,
                    "organization_id": organization_id,
                    "project_id": project_id,
                },
            )
            return organization_id, project_id
        scope = store.get(SCOPES, e.originator_id)
        if scope is None:
            return None, None
        return scope["organization_id"], scope["project_id"]

    @staticmethod
    def _release(e: Any, store: RowStore) -> None:
        if isinstance(e, Deployment.Requested):
            store.put(
                RELEASES,
                {
                    "deployment_id": e.originator_id,
                    "organization_id": e.organization_id,
                    "project_id": e.project_id,
                    "service_id": e.service_id,
                    "environment_id": e.environment_id,
                    "trigger": e.trigger.value,
                    "requested_by": e.actor,
                    "requested_at": e.timestamp,
                    "commit": e.commit,
                    "commit_message": None,
                    "commit_author": None,
                    "image": e.image,
                    "variables_version": list(e.variables_version),
                    "rollback_of": e.rollback_of,
                    "state": "queued",
                    "healthy_at": None,
                    "finished_at": None,
                },
            )
            return
        changes: dict[str, Any] = {"state": e.state.value}
        if isinstance(e, Deployment.Built):
            changes.update(
                image=e.image, commit_message=e.commit_message, commit_author=e.commit_author
            )
            if e.commit:
                changes["commit"] = e.commit
        if isinstance(e, Deployment.BecameHealthy):
            changes["healthy_at"] = e.timestamp
        if e.state.is_final:
            changes["finished_at"] = e.timestamp
        store.update(RELEASES, (e.originator_id,), **changes)


def _details(e: Any, aggregate_type: str) -> dict[str, Any]:
    """What the audit entry records of an event: its fields, minus secrets and bulk.

    No secret material, for anyone: no hash, no sealed value (even sealed, a ciphertext is
    not for readers of the timeline). A sealed field records only whether it was set.
    """
    fields = {k: v for k, v in vars(e).items() if k not in _STANDARD}
    if aggregate_type == "VariableSet" and "set" in fields:
        fields["set"] = sorted(fields["set"])  # variable names only, never the sealed values
    if aggregate_type == "Deployment":
        fields.pop("spec", None)  # the release history keeps what was deployed
    if aggregate_type == "Service" and "changed" in fields:
        # Only the settings that changed, with their new values.
        spec = fields.pop("spec")
        fields["changed"] = {name: getattr(spec, name) for name in fields["changed"]}
    if aggregate_type == "Reservation" and fields.get("scope") in _HASHED_SCOPES:
        fields.pop("name", None)
    for name in [k for k in fields if is_secret_field(k)]:
        if name.endswith("_hash"):
            del fields[name]
        else:
            fields[name] = "sealed" if fields[name] else None
    return plain(fields)  # type: ignore[no-any-return]


def is_secret_field(name: str) -> bool:
    """Whether an event field holds secret material (by its name; ``*_id`` never does)."""
    return bool(_SECRET.search(name)) and not name.endswith("_id")


def summarize(aggregate_type: str, action: str, details: dict[str, Any]) -> str:
    """A short human sentence for an audit entry."""
    subject = aggregate_type.lower()
    name = details.get("name")
    if action == "Created":
        return f"created {subject} {name!r}" if name else f"created {subject}"
    if action in ("Renamed",):
        return f"renamed {subject} to {name!r}"
    if aggregate_type == "Deployment":
        reason = details.get("reason")
        state = details.get("state", action.lower())
        return f"deployment {state}" + (f": {reason}" if reason else "")
    if aggregate_type == "VariableSet":
        changed = ", ".join(details.get("set", []))
        removed = ", ".join(details.get("unset", []))
        parts = [
            p
            for p in (f"set {changed}" if changed else "", f"removed {removed}" if removed else "")
            if p
        ]
        return "variables: " + "; ".join(parts) if parts else "variables changed"
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in action).strip()
    return f"{subject} {words}"
