"""The dashboard's variables: which names are set where (values stay sealed in the event store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.references import SHARED
from domain.variables import VariableSet
from projections.base import handles
from projections.dashboard.projects import PROJECTS
from projections.dashboard.services import SERVICE_STATES, SERVICES
from projections.schema import Row, Table
from projections.store import RowStore


@dataclass(frozen=True)
class VariableRow:
    """A variable's name where it is set (values stay sealed in the event store)."""

    set_id: UUID
    name: str
    organization_id: UUID
    project_id: UUID
    environment_id: UUID
    service_id: UUID | None
    updated_at: datetime
    version: int
    position: int = 0


@dataclass(frozen=True)
class VariableSetRow:
    """Where a variable set belongs."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    environment_id: UUID
    service_id: UUID | None
    position: int = 0


@dataclass(frozen=True)
class VariableReferenceRow:
    """A variable whose value references others (issue 15): what it references, as
    ``<service id>.<NAME>`` or ``shared.<NAME>``; names and ids only, never values."""

    set_id: UUID
    name: str
    organization_id: UUID
    project_id: UUID
    environment_id: UUID
    service_id: UUID | None
    targets: list[str]
    target_service_ids: list[str]
    """The services among the targets (the canvas draws an edge to each)."""
    position: int = 0


@dataclass(frozen=True)
class ReferenceDependentsRow:
    """Who references a variable: ``<owner>.<NAME>`` of each variable that does."""

    environment_id: UUID
    target: str
    dependents: list[str]
    position: int = 0


VARIABLE_SETS = Table("variable_sets", VariableSetRow, ("id",), owner=None)
VARIABLE_REFERENCES = Table(
    "variable_references",
    VariableReferenceRow,
    ("set_id", "name"),
    notices=(("project", "project_id"),),
    indexes=(("project_id",),),
)
REFERENCE_DEPENDENTS = Table(
    "reference_dependents", ReferenceDependentsRow, ("environment_id", "target"), owner=None
)
VARIABLES = Table(
    "variables",
    VariableRow,
    ("set_id", "name"),
    notices=(("project", "project_id"),),
    indexes=(("environment_id", "service_id"),),
)


class VariableHandlers:
    """Variable sets and the names set in them."""

    @handles(VariableSet.Created)
    def variables_opened(self, e: VariableSet.Created, store: RowStore) -> None:
        """Where a variable set belongs (kept in a row of its own, for later changes)."""
        project = store.get(PROJECTS, e.project_id)
        store.put(
            VARIABLE_SETS,
            {
                "id": e.originator_id,
                "organization_id": project["organization_id"] if project else None,
                "project_id": e.project_id,
                "environment_id": e.environment_id,
                "service_id": e.service_id,
            },
        )

    @handles(VariableSet.Changed)
    def variables_changed(self, e: VariableSet.Changed, store: RowStore) -> None:
        """Names set and unset (values never reach a read model)."""
        owner = store.get(VARIABLE_SETS, e.originator_id)
        if owner is None:
            return
        for name in e.set:
            store.put(
                VARIABLES,
                {
                    "set_id": e.originator_id,
                    "name": name,
                    "project_id": owner["project_id"],
                    "organization_id": owner["organization_id"],
                    "environment_id": owner["environment_id"],
                    "service_id": owner["service_id"],
                    "updated_at": e.timestamp,
                    "version": e.originator_version,
                },
            )
        for name in e.unset:
            store.delete(VARIABLES, e.originator_id, name)
        _references_changed(e, owner, store)


def _owner_key(service_id: object) -> str:
    return SHARED if service_id is None else str(service_id)


def _references_changed(e: VariableSet.Changed, owner: Row, store: RowStore) -> None:
    """Keep what each variable references, who references what, and mark the services whose
    live release used a value that changed (issue 15)."""
    environment_id = owner["environment_id"]
    here = _owner_key(owner["service_id"])
    for name in [*e.set, *e.unset]:
        old = store.get(VARIABLE_REFERENCES, e.originator_id, name)
        for target in old["targets"] if old else []:
            _dependents(store, environment_id, target, remove=f"{here}.{name}")
        store.delete(VARIABLE_REFERENCES, e.originator_id, name)
    for name, targets in e.references.items():
        store.put(
            VARIABLE_REFERENCES,
            {
                "set_id": e.originator_id,
                "name": name,
                "organization_id": owner["organization_id"],
                "project_id": owner["project_id"],
                "environment_id": environment_id,
                "service_id": owner["service_id"],
                "targets": list(targets),
                "target_service_ids": sorted(
                    {t.split(".", 1)[0] for t in targets} - {SHARED, here}
                ),
            },
        )
        for target in targets:
            _dependents(store, environment_id, target, add=f"{here}.{name}")
    for name in e.set:
        _mark_dependents(store, environment_id, f"{here}.{name}", e.timestamp)


def _dependents(
    store: RowStore, environment_id: UUID, target: str, *, add: str = "", remove: str = ""
) -> None:
    row = store.get(REFERENCE_DEPENDENTS, environment_id, target)
    dependents = set(row["dependents"]) if row else set()
    dependents.discard(remove)
    if add:
        dependents.add(add)
    if dependents:
        store.put(
            REFERENCE_DEPENDENTS,
            {"environment_id": environment_id, "target": target, "dependents": sorted(dependents)},
        )
    else:
        store.delete(REFERENCE_DEPENDENTS, environment_id, target)


def _mark_dependents(store: RowStore, environment_id: UUID, changed: str, at: datetime) -> None:
    """Every service whose variables reference ``changed``, directly or through other
    references, needs a redeploy if it has a live release. (A shared variable that
    references it reaches every service; only services' own variables are followed here.)"""
    seen = {changed}
    queue = [changed]
    while queue:
        node = queue.pop()
        row = store.get(REFERENCE_DEPENDENTS, environment_id, node)
        for dependent in row["dependents"] if row else []:
            if dependent in seen:
                continue
            seen.add(dependent)
            queue.append(dependent)
            owner, name = dependent.split(".", 1)
            if owner != SHARED:
                _mark(
                    store,
                    UUID(owner),
                    environment_id,
                    f"{name} references {_label(store, changed)}, changed at {at.isoformat()}",
                    at,
                )


def _label(store: RowStore, node: str) -> str:
    owner, name = node.split(".", 1)
    if owner == SHARED:
        return node
    service = store.get(SERVICES, UUID(owner))
    return f"{service['name'] if service else owner}.{name}"


def _mark(
    store: RowStore, service_id: UUID, environment_id: UUID, reason: str, at: datetime
) -> None:
    state = store.get(SERVICE_STATES, service_id, environment_id)
    if state is None or state["live_deployment_id"] is None:
        return
    store.update(
        SERVICE_STATES,
        (service_id, environment_id),
        needs_redeploy=reason,
        needs_redeploy_since=at,
        updated_at=at,
    )
