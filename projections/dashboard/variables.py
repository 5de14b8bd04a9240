"""The dashboard's variables: which names are set where (values stay sealed in the event store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.variables import VariableSet
from projections.base import handles
from projections.dashboard.projects import PROJECTS
from projections.schema import Table
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


VARIABLE_SETS = Table("variable_sets", VariableSetRow, ("id",), owner=None)
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
