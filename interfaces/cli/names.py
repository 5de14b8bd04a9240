"""Names instead of ids for the local administration commands: what an id (or an actor)
is called, and which aggregates a name given on the command line means.

These commands run on the operator's own machine with the whole data store, so they read
the read models directly (no caller, no read gate).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    from application.readmodels import DashboardQueries, HistoryQueries

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Names:
    """What the ids of this installation are called (looked up once each)."""

    def __init__(self, dashboard: DashboardQueries) -> None:
        self._dashboard = dashboard
        self._known: dict[UUID, str | None] = {}

    def of(self, ident: UUID) -> str | None:
        """The name of a project, service, deployment, node, cluster, organisation or user."""
        if ident not in self._known:
            self._known[ident] = self._look_up(ident)
        return self._known[ident]

    def _look_up(self, ident: UUID) -> str | None:
        from application.errors import NotFoundError  # noqa: PLC0415 - loaded when used

        d = self._dashboard
        finders: list[Callable[[UUID], str]] = [
            lambda i: f"project {d.project(i).name}",
            lambda i: f"service {self._service(d.service(i))}",
            lambda i: f"deployment {self._deployment(i)}",
            lambda i: f"environment {d.environment(i).name}",
            lambda i: f"organisation {d.organization(i).name}",
            lambda i: f"node {d.node(i).name}",
            lambda i: f"cluster {d.cluster(i).name}",
            lambda i: f"guest {d.guest(i).name}",
            lambda i: f"user {d.user(i).name}",
        ]
        for find in finders:
            try:
                return find(ident)
            except NotFoundError:
                continue
        return None

    def _service(self, service: Any) -> str:
        return f"{self._dashboard.project(service.project_id).slug}/{service.name}"

    def _deployment(self, ident: UUID) -> str:
        row = self._dashboard.deployment(ident)
        source = (row.commit or "")[:7] or (row.image or "")
        return (
            f"{self._service(self._dashboard.service(row.service_id))}@{source or str(ident)[:8]}"
        )

    def actor(self, actor: str) -> str:
        """``user:<id>`` (and ``user:<id> (token …)``) as the user's name; others as they are."""
        match = re.match(r"user:([0-9a-f-]{36})( \(token [0-9a-f-]{36}\))?$", actor)
        if match is None:
            return actor
        name = self.of(UUID(match.group(1)))
        who = name.removeprefix("user ") if name else f"user {match.group(1)[:8]}"
        return f"{who} (token)" if match.group(2) else who

    def text(self, text: str) -> str:
        """Every id in ``text`` replaced by its name (or its first eight characters)."""

        def named(match: re.Match[str]) -> str:
            found = self.of(UUID(match.group(0)))
            return found.split(" ", 1)[1] if found else match.group(0)[:8]

        return _UUID.sub(named, text)


def aggregates_named(
    dashboard: DashboardQueries, history: HistoryQueries, text: str
) -> tuple[str, list[UUID]]:
    """What ``text`` names (an id, a project's slug or name, ``project/service``, a node, a
    cluster or an organisation's slug) and the aggregates whose events belong to it: a project
    brings its services, environments' variables and deployments (everything the audit
    timeline files under it). ValueError when nothing or several things answer to it."""
    try:
        ident = UUID(text)
    except ValueError:
        ident = None
    if ident is not None:
        project = _project(dashboard, ident)
        if project is not None:
            return f"project {project.name}", _filed_under(history, project.id)
        return str(ident), [ident]
    found = _by_name(dashboard, text)
    if not found:
        raise ValueError(
            f"nothing is called {text!r}: give an id, a project (slug or name), "
            "project/service, a node, a cluster or an organisation's slug"
        )
    if len(found) > 1:
        raise ValueError(
            f"{text!r} could be {', '.join(sorted(n for n, _ in found))}: say which "
            "(project/service, or the id)"
        )
    name, ident = found[0]
    if name.startswith("project "):
        return name, _filed_under(history, ident)
    return name, [ident]


def _project(dashboard: DashboardQueries, ident: UUID) -> Any:
    from application.errors import NotFoundError  # noqa: PLC0415 - loaded when used

    try:
        return dashboard.project(ident)
    except NotFoundError:
        return None


def _by_name(dashboard: DashboardQueries, text: str) -> list[tuple[str, UUID]]:
    wanted = text.strip().lower()
    project_part, _, service_part = wanted.partition("/")
    found: list[tuple[str, UUID]] = []
    for org in dashboard.organizations():
        if org.slug == wanted:
            found.append((f"organisation {org.name}", org.id))
        for node in dashboard.nodes(org.id):
            if node.name.lower() == wanted:
                found.append((f"node {node.name}", node.id))
        for cluster in dashboard.clusters(org.id):
            if cluster.name.lower() == wanted:
                found.append((f"cluster {cluster.name}", cluster.id))
        for project in dashboard.projects(org.id, include_deleted=True, limit=10_000):
            names = {project.slug.lower(), project.name.lower()}
            if not service_part and wanted in names:
                found.append((f"project {project.name}", project.id))
            if service_part and project_part in names:
                found.extend(
                    (f"service {project.slug}/{s.name}", s.id)
                    for s in dashboard.services(project.id, include_deleted=True)
                    if s.name.lower() == service_part
                )
    return found


def _filed_under(history: HistoryQueries, project_id: UUID) -> list[UUID]:
    """Every aggregate the audit timeline files under a project (the project included)."""
    aggregates: dict[UUID, None] = {project_id: None}
    before: int | None = None
    while True:
        page = history.timeline(project_id=project_id, before=before, limit=500)
        for row in page:
            aggregates.setdefault(row.aggregate_id, None)
        if len(page) < 500:
            return list(aggregates)
        before = page[-1].position
