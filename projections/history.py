"""The history read model: the audit timeline, and every service's releases."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.deployment import FINAL_STATES, Deployment
from domain.variables import VariableSet
from projections.base import Projection, handles
from projections.schema import Table, plain, shape_of
from projections.store import RowStore

_STANDARD = {"originator_id", "originator_version", "timestamp", "actor", "originator_topic"}
_INTERNAL = {"Reservation", "CommandReceipt", "HostPorts"}
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
    references: dict[str, list[str]] | None = None
    """What its variables referenced, resolved at deploy time (issue 15): variable name ->
    ``<service id>.<NAME>`` or ``shared.<NAME>``; ids and names only, never values."""


@dataclass(frozen=True)
class SetReferencesRow:
    """What each templated variable of a variable set references now (for releases)."""

    set_id: UUID
    references: dict[str, list[str]]
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
SET_REFERENCES = Table("set_references", SetReferencesRow, ("set_id",), owner=None)
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
    tables = (AUDIT, SCOPES, RELEASES, SET_REFERENCES)

    @classmethod
    def shape(cls) -> str:
        """The tables' digest and the revision of their contents."""
        return f"{shape_of(cls.tables)}.r{REVISION}"

    @handles(ContainrAggregate.Event)
    def audit(self, e: Any, store: RowStore) -> None:
        """File the event in the timeline under its organisation and project."""
        kind = _kinds.get(e.__class__)
        if kind is None:
            kind = _kinds[e.__class__] = _Kind(e.__class__)
        aggregate_type = kind.aggregate_type
        organization_id, project_id = self._scope(e, aggregate_type, store)
        details = _details(e, aggregate_type)
        store.put(
            AUDIT,
            {
                "position": store.position,
                "at": e.timestamp,
                "actor": e.actor,
                "action": kind.action,
                "aggregate_type": aggregate_type,
                "aggregate_id": e.originator_id,
                "organization_id": organization_id,
                "project_id": project_id,
                "scope_id": project_id or organization_id,
                "summary": kind.summary
                if kind.summary is not None
                else summarize(aggregate_type, kind.verb, details),
                "details": details,
                "internal": kind.internal,
            },
        )
        if kind.release:
            self._release(e, kind, store)
        elif kind.variables:
            self._set_references(e, store)

    @staticmethod
    def _set_references(e: Any, store: RowStore) -> None:
        row = store.get(SET_REFERENCES, e.originator_id)
        references = dict(row["references"]) if row else {}
        for name in [*e.set, *e.unset]:
            references.pop(name, None)
        references.update({name: list(targets) for name, targets in e.references.items()})
        if references:
            store.put(SET_REFERENCES, {"set_id": e.originator_id, "references": references})
        elif row is not None:
            store.delete(SET_REFERENCES, e.originator_id)

    @staticmethod
    def _release_references(e: Any, store: RowStore) -> dict[str, list[str]] | None:
        """The references of the variables at the versions the release recorded (the sets'
        latest when it was requested; a rollback's are those of the release it restores)."""
        if e.rollback_of is not None:
            target = store.get(RELEASES, e.rollback_of)
            return target["references"] if target else None
        found: dict[str, list[str]] = {}
        for owner in (None, e.service_id):
            row = store.get(SET_REFERENCES, VariableSet.id_for(e.environment_id, owner))
            if row is not None:
                found.update(row["references"])
        return found or None

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
    def _release(e: Any, kind: _Kind, store: RowStore) -> None:
        if kind.requested:
            store.put(
                RELEASES,
                {
                    "deployment_id": e.originator_id,
                    "organization_id": e.organization_id,
                    "project_id": e.project_id,
                    "service_id": e.service_id,
                    "environment_id": e.environment_id,
                    "trigger": e.trigger._value_,
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
                    "references": HistoryProjection._release_references(e, store),
                },
            )
            return
        # ``_value_`` is what ``.value`` returns, without the enum's descriptor per event.
        state = e.state._value_
        changes: dict[str, Any] = {"state": state}
        if kind.built:
            changes["image"] = e.image
            changes["commit_message"] = e.commit_message
            changes["commit_author"] = e.commit_author
            if e.commit:
                changes["commit"] = e.commit
        if kind.healthy:
            changes["healthy_at"] = e.timestamp
        if state in _FINAL_STATES:
            changes["finished_at"] = e.timestamp
        store.update(RELEASES, (e.originator_id,), **changes)


class _Kind:
    """What every audit entry of one event class shares, worked out once per class."""

    __slots__ = (
        "action",
        "aggregate_type",
        "built",
        "healthy",
        "internal",
        "release",
        "requested",
        "summary",
        "variables",
        "verb",
    )

    def __init__(self, cls: type) -> None:
        self.aggregate_type, _, self.verb = cls.__qualname__.partition(".")
        self.action = f"{self.aggregate_type}.{self.verb}"
        self.internal = self.aggregate_type in _INTERNAL
        self.requested = issubclass(cls, Deployment.Requested)
        self.release = self.requested or issubclass(cls, Deployment.Transitioned)
        self.built = issubclass(cls, Deployment.Built)
        self.healthy = issubclass(cls, Deployment.BecameHealthy)
        self.variables = issubclass(cls, VariableSet.Changed)
        # A summary that does not depend on the event's details is the same for every entry.
        varies = self.verb in _NAMED or self.aggregate_type in ("Deployment", "VariableSet")
        self.summary = None if varies else summarize(self.aggregate_type, self.verb, {})


_kinds: dict[type, _Kind] = {}
_FINAL_STATES = frozenset(state.value for state in FINAL_STATES)
_NAMED = ("Created", "Renamed")
"""Actions whose summary names the subject (from the details)."""


class _Plan:
    """Which fields of an event the audit details keep and which they seal, by name.

    Worked out once per event class and order of its fields (``vars`` keeps the order the
    event was decoded in, which the details keep too), instead of once per event.
    """

    __slots__ = ("keep", "reservation", "sealed", "service_changes", "variable_names")

    def __init__(self, aggregate_type: str, names: tuple[str, ...]) -> None:
        dropped = set(_STANDARD)
        self.service_changes = aggregate_type == "Service" and "changed" in names
        if aggregate_type == "Deployment" or self.service_changes:
            dropped.add("spec")  # the release history keeps what was deployed
        secret = [n for n in names if n not in dropped and is_secret_field(n)]
        dropped.update(n for n in secret if n.endswith("_hash"))
        self.keep = tuple(n for n in names if n not in dropped)
        self.sealed = tuple(n for n in secret if n in self.keep)
        self.variable_names = aggregate_type == "VariableSet" and "set" in names
        self.reservation = aggregate_type == "Reservation"


_plans: dict[tuple[type, tuple[str, ...]], _Plan] = {}


def _details(e: Any, aggregate_type: str) -> dict[str, Any]:
    """What the audit entry records of an event: its fields, minus secrets and bulk.

    No secret material, for anyone: no hash, no sealed value (even sealed, a ciphertext is
    not for readers of the timeline). A sealed field records only whether it was set.
    The values are the event's own (ids, instants, enums ...): the details column is JSON,
    and msgspec writes them as ``plain`` would, without a converted copy per event.
    """
    state = vars(e)
    key = (e.__class__, tuple(state))
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = _Plan(aggregate_type, key[1])
    fields = {name: state[name] for name in plan.keep}
    if plan.variable_names:
        fields["set"] = sorted(fields["set"])  # variable names only, never the sealed values
    if plan.service_changes:
        # Only the settings that changed, with their new values.
        spec = state["spec"]
        fields["changed"] = {name: getattr(spec, name) for name in fields["changed"]}
    if plan.reservation and fields.get("scope") in _HASHED_SCOPES:
        fields.pop("name", None)
    for name in plan.sealed:
        fields[name] = "sealed" if fields[name] else None
    return fields


def is_secret_field(name: str) -> bool:
    """Whether an event field holds secret material (by its name; ``*_id`` never does)."""
    return bool(_SECRET.search(name)) and not name.endswith("_id")


def summarize(aggregate_type: str, action: str, details: dict[str, Any]) -> str:
    """A short human sentence for an audit entry (``details`` as ``_details`` gives them:
    the event's own values, made plain here where the sentence uses them)."""
    subject = aggregate_type.lower()
    name = plain(details.get("name"))
    if action == "Created":
        return f"created {subject} {name!r}" if name else f"created {subject}"
    if action in ("Renamed",):
        return f"renamed {subject} to {name!r}"
    if aggregate_type == "Deployment":
        reason = plain(details.get("reason"))
        state = plain(details.get("state", action.lower()))
        return f"deployment {state}" + (f": {reason}" if reason else "")
    if aggregate_type == "ServiceAutoscaling":  # issue 16: each decision says why
        decision = plain(details.get("decision")) or {}
        explanation = (
            decision.get("explanation")
            or plain(details.get("explanation"))
            or plain(details.get("reason"))
        )
        if explanation:
            return f"autoscaler {_words(action)}: {explanation}"
    if aggregate_type == "VariableSet":
        changed = ", ".join(plain(details.get("set", [])))
        removed = ", ".join(plain(details.get("unset", [])))
        parts = [
            p
            for p in (f"set {changed}" if changed else "", f"removed {removed}" if removed else "")
            if p
        ]
        return "variables: " + "; ".join(parts) if parts else "variables changed"
    return f"{subject} {_words(action)}"


@functools.cache
def _words(action: str) -> str:
    """An action's name as lower-case words: ``BecameHealthy`` is "became healthy"."""
    return "".join(f" {c.lower()}" if c.isupper() else c for c in action).strip()
