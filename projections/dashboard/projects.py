"""The dashboard's projects and their environments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.project import Project
from projections.base import handles
from projections.dashboard.access import forget_environment
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class ProjectRow:
    """A project (deleted ones stay until purged, with their restore deadline)."""

    id: UUID
    organization_id: UUID
    name: str
    slug: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    restorable_until: datetime | None
    position: int = 0
    hourly_budget: float | None = None
    """What the project's services may cost per hour together (None: no cap; issue 16)."""
    budget_warning: bool = False
    """The services cost 80 % of the budget or more (as the autoscaler last reckoned)."""
    placement: str = "spread"
    """``pack`` (few nodes, well filled) or ``spread`` (many, lightly loaded)."""


@dataclass(frozen=True)
class EnvironmentRow:
    """An environment of a project."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    name: str
    kind: str
    created_at: datetime
    position: int = 0


PROJECTS = Table(
    "projects",
    ProjectRow,
    ("id",),
    notices=(("project", "id"), ("organization", "organization_id")),
    indexes=(("organization_id",),),
)
ENVIRONMENTS = Table(
    "environments",
    EnvironmentRow,
    ("id",),
    notices=(("project", "project_id"),),
    indexes=(("project_id",),),
)


class ProjectHandlers:
    """Projects (deleted ones until purged) and their environments."""

    @handles(Project.Created)
    def project_created(self, e: Project.Created, store: RowStore) -> None:
        """A project and its production environment."""
        store.put(
            PROJECTS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "name": e.name,
                "slug": e.slug,
                "created_at": e.timestamp,
                "updated_at": e.timestamp,
                "deleted_at": None,
                "restorable_until": None,
                "hourly_budget": None,
                "budget_warning": False,
                "placement": "spread",
            },
        )
        store.put(
            ENVIRONMENTS,
            {
                "id": e.production_environment_id,
                "project_id": e.originator_id,
                "organization_id": e.organization_id,
                "name": "production",
                "kind": "production",
                "created_at": e.timestamp,
            },
        )

    @handles(Project.Renamed)
    def project_renamed(self, e: Project.Renamed, store: RowStore) -> None:
        """New name and slug."""
        store.update(PROJECTS, (e.originator_id,), name=e.name, slug=e.slug, updated_at=e.timestamp)

    @handles(Project.Deleted)
    def project_deleted(self, e: Project.Deleted, store: RowStore) -> None:
        """Moved to the bin."""
        store.update(
            PROJECTS,
            (e.originator_id,),
            deleted_at=e.timestamp,
            restorable_until=e.restorable_until,
            updated_at=e.timestamp,
        )

    @handles(Project.Restored)
    def project_restored(self, e: Project.Restored, store: RowStore) -> None:
        """Back from the bin."""
        store.update(
            PROJECTS,
            (e.originator_id,),
            deleted_at=None,
            restorable_until=None,
            updated_at=e.timestamp,
        )

    @handles(Project.BudgetSet)
    def project_budget_set(self, e: Project.BudgetSet, store: RowStore) -> None:
        """A new hourly budget (or none)."""
        changes: dict[str, object] = {"hourly_budget": e.hourly_budget}
        if e.hourly_budget is None:
            changes["budget_warning"] = False
        store.update(PROJECTS, (e.originator_id,), updated_at=e.timestamp, **changes)

    @handles(Project.BudgetWarningReached)
    def project_budget_warned(self, e: Project.BudgetWarningReached, store: RowStore) -> None:
        """80 % of the budget reached."""
        store.update(PROJECTS, (e.originator_id,), budget_warning=True)

    @handles(Project.BudgetWarningCleared)
    def project_budget_cleared(self, e: Project.BudgetWarningCleared, store: RowStore) -> None:
        """Back under 80 % of the budget."""
        store.update(PROJECTS, (e.originator_id,), budget_warning=False)

    @handles(Project.PlacementSet)
    def project_placement_set(self, e: Project.PlacementSet, store: RowStore) -> None:
        """Pack or spread."""
        store.update(
            PROJECTS, (e.originator_id,), placement=e.placement.value, updated_at=e.timestamp
        )

    @handles(Project.EnvironmentAdded)
    def environment_added(self, e: Project.EnvironmentAdded, store: RowStore) -> None:
        """A preview or development environment."""
        project = store.get(PROJECTS, e.originator_id)
        store.put(
            ENVIRONMENTS,
            {
                "id": e.environment_id,
                "project_id": e.originator_id,
                "organization_id": project["organization_id"] if project else None,
                "name": e.name,
                "kind": e.kind.value,
                "created_at": e.timestamp,
            },
        )

    @handles(Project.EnvironmentRemoved)
    def environment_removed(self, e: Project.EnvironmentRemoved, store: RowStore) -> None:
        """An environment went away (with its access setting and share links)."""
        store.delete(ENVIRONMENTS, e.environment_id)
        forget_environment(store, e.environment_id)
