"""The audit entries the history read model files: details without secrets, in event order."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from domain.cluster import Cluster
from domain.deployment import DeadlinePolicy, Deployment, DeploymentTrigger
from domain.ids import Actor, DeploymentId, OrganizationId, ProjectId, ServiceId
from domain.organization import Organization
from domain.service import Service
from domain.service_spec import GitSource, ServiceKind, ServiceSpec
from projections.history import AUDIT, HistoryProjection
from projections.schema import Row, Table, plain


class DictRowStore:
    """A RowStore over a dict: rows by table name and key, as of ``position``."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, tuple[object, ...]], Row] = {}
        self.position = 0

    def get(self, table: Table, *key: object) -> Row | None:
        return self.rows.get((table.name, key))

    def put(self, table: Table, row: Row) -> None:
        self.rows[(table.name, tuple(row[k] for k in table.key))] = row

    def update(self, table: Table, key: tuple[object, ...], **changes: object) -> Row | None:
        row = self.rows.get((table.name, key))
        if row is not None:
            row = self.rows[(table.name, key)] = {**row, **changes}
        return row

    def delete(self, table: Table, *key: object) -> None:
        self.rows.pop((table.name, key), None)


def decoded(cls: type, fields: dict[str, Any]) -> Any:
    """An event as the store's mapper decodes it: its fields in the order they were stored."""
    standard = {"timestamp": "2026-01-01T00:00:00+00:00", "actor": "user:someone"}
    origin = {"originator_id": str(uuid.uuid4()), "originator_version": 2}
    return msgspec.convert({**standard, **fields, **origin}, type=cls, str_keys=True)


def details_of(*events: Any) -> list[list[tuple[str, Any]]]:
    """The details of the audit entries the events file, as ordered items."""
    projection, store = HistoryProjection(), DictRowStore()
    for position, event in enumerate(events, start=1):
        store.position = position
        projection.process(event, store)
    return [list(plain(store.rows[(AUDIT.name, (p,))]["details"]).items()) for p in (1, 2)]


def test_audit_details_seal_secrets_in_the_order_each_event_was_stored() -> None:
    fields = {"token_id": "root@pam!c", "token_secret": "v1:x", "verify_tls": True}
    stored = decoded(Cluster.CredentialsChanged, {**fields, "ca_bundle": None})
    reordered = decoded(
        Cluster.CredentialsChanged, {"ca_bundle": None, **dict(reversed(fields.items()))}
    )

    first, second = details_of(stored, reordered)

    assert first == [
        ("token_id", "root@pam!c"),
        ("token_secret", "sealed"),
        ("verify_tls", True),
        ("ca_bundle", None),
    ]
    assert second == [
        ("ca_bundle", None),
        ("verify_tls", True),
        ("token_secret", "sealed"),
        ("token_id", "root@pam!c"),
    ]


def test_audit_details_leave_out_hashes_whatever_the_field_order() -> None:
    invitation = str(uuid.uuid4())
    fields = {"invitation_id": invitation, "email": "a@example.com", "role": "member"}
    hashed = {"token_hash": "ab" * 32, "expires_at": "2026-01-08T00:00:00+00:00"}

    first, second = details_of(
        decoded(Organization.Invited, {**fields, **hashed}),
        decoded(Organization.Invited, {**hashed, **fields}),
    )

    assert first == [
        ("invitation_id", invitation),
        ("email", "a@example.com"),
        ("role", "member"),
        ("expires_at", "2026-01-08T00:00:00Z"),
    ]
    assert second == [
        ("expires_at", "2026-01-08T00:00:00Z"),
        ("invitation_id", invitation),
        ("email", "a@example.com"),
        ("role", "member"),
    ]


def test_audit_details_keep_the_events_values_and_are_stored_as_their_plain_copy() -> None:
    # Ids, instants, enums, specs and maps keyed by numbers stay the event's own objects
    # (no converted copy per event): the JSON column holds what a plain copy would, and
    # the summary reads the same.
    actor, now, policy = Actor("user:a"), datetime(2026, 1, 1, tzinfo=UTC), DeadlinePolicy()
    spec = ServiceSpec(
        kind=ServiceKind.WEB, git=GitSource("https://git.example.com/a.git"), port=8080
    )
    org, project = OrganizationId(uuid.uuid4()), ProjectId(uuid.uuid4())
    service = Service.create(
        ServiceId(uuid.uuid4()), org, project, "web", spec, actor=actor, now=now
    )
    service.reconfigure(replace(spec, port=9000), actor=actor, now=now)
    deployment = Deployment.request(
        DeploymentId(uuid.uuid4()),
        organization_id=org,
        project_id=project,
        service_id=service.id,
        environment_id=uuid.uuid4(),
        trigger=DeploymentTrigger.GIT_PUSH,
        spec=spec,
        policy=policy,
        actor=actor,
        now=now,
    )
    deployment.start_build(policy=policy, operation_id="op", actor=actor, now=now)
    deployment.record_built(
        "app:1", commit="c0", policy=policy, operation_id=None, actor=actor, now=now
    )
    deployment.start_replicas(
        policy=policy,
        operation_id=None,
        actor=actor,
        now=now + timedelta(seconds=1),
        placements={1: uuid.uuid4(), 2: uuid.uuid4()},
    )
    projection, store = HistoryProjection(), DictRowStore()
    events = [*service.collect_events(), *deployment.collect_events()]
    for position, event in enumerate(events, start=1):
        store.position = position
        projection.process(event, store)
    entries = [store.rows[(AUDIT.name, (p,))] for p in range(1, len(events) + 1)]
    assert any(isinstance(v, uuid.UUID) for e in entries for v in e["details"].values())
    for entry in entries:
        details = entry["details"]
        assert msgspec.json.encode(details) == msgspec.json.encode(plain(details))
    assert [e["summary"] for e in entries[2:]] == [
        "deployment requested",
        "deployment building: build started",
        "deployment built: image built",
        "deployment starting: starting replicas",
    ]
