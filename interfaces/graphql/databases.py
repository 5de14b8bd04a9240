"""Managed databases in GraphQL: ``Service.database``, how to connect (the password and the
URL for admins and owners only) and the engine's own figures."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from application.database_figures import PUBLISHED_HOST
from application.databases import ENGINES, SECRET_VARIABLES, DatabaseSettings, engine_named
from application.errors import InvalidValueError, NotFoundError
from application.readmodels import ServiceRow
from interfaces.graphql.context import GqlContext


def _ctx(info: Info[GqlContext, None]) -> GqlContext:
    context: Any = info.context
    return context["gql"] if isinstance(context, dict) else context  # type: ignore[no-any-return]


@strawberry.type(description="What a managed database's engine says now, asked in its replica.")
class DatabaseFigures:
    running: bool = strawberry.field(description="A replica of the live release runs.")
    published_port: int | None = strawberry.field(
        description="The node's port the engine's port is published on (publicPort)."
    )
    size_bytes: int | None = strawberry.field(description="Size on disk, as the engine counts.")
    connections: int | None = strawberry.field(description="Client connections open now.")
    problem: str | None = strawberry.field(description="Why a figure is missing, if one is.")


@strawberry.type(description="A managed database (PostgreSQL, MySQL/MariaDB or Redis) and how "
                 "to connect to it in one environment.")  # fmt: skip
class ManagedDatabase:
    engine: str = strawberry.field(description="postgres, mysql or redis.")
    label: str = strawberry.field(description="The engine's name for people.")
    version: str
    environment_id: strawberry.ID | None = strawberry.field(
        description="The environment the connection details are of (each has its own "
        "credentials and volume)."
    )
    internal_host: str = strawberry.field(
        description="Its host name on the environment's network (the service's name)."
    )
    port: int = strawberry.field(description="The engine's port on that network.")
    user: str
    database_name: str | None = strawberry.field(description="None for Redis.")
    reference: str = strawberry.field(
        description="What another service's variable holds to connect: a reference variable "
        "like ${{postgres.DATABASE_URL}}, resolved at its deploy."
    )
    published: bool = strawberry.field(description="The engine's port is published on the node.")
    published_host: str | None = strawberry.field(
        description="Where the published port listens on the node (figures.publishedPort)."
    )
    service_id: strawberry.Private[UUID]
    project_id: strawberry.Private[UUID]
    settings: strawberry.Private[DatabaseSettings]

    @strawberry.field(description="The password (admins and owners; FORBIDDEN for others).")
    def password(self, info: Info[GqlContext, None]) -> str | None:
        return self._secret(info, 0)

    @strawberry.field(
        description="The URL to connect with from the environment's network, password "
        "included (admins and owners; FORBIDDEN for others)."
    )
    def connection_url(self, info: Info[GqlContext, None]) -> str | None:
        return self._secret(info, 1)

    @strawberry.field(description="Size and connections, measured by the engine now.")
    def figures(self, info: Info[GqlContext, None]) -> DatabaseFigures | None:
        context = _ctx(info)
        context.cacheable = False  # asked of the engine, not the read models
        if context.databases is None or self.environment_id is None:
            return None
        row = context.databases.measure(
            self.service_id, UUID(str(self.environment_id)), self.settings
        )
        return DatabaseFigures(
            running=row.running,
            published_port=row.published_port,
            size_bytes=row.size_bytes,
            connections=row.connections,
            problem=row.problem,
        )

    def _secret(self, info: Info[GqlContext, None], which: int) -> str | None:
        context = _ctx(info)
        if self.environment_id is None:
            return None
        context.cacheable = False  # opened from the sealed events
        values = context.reads.variable_values(
            UUID(str(self.environment_id)), self.service_id, project_id=self.project_id
        )
        found = values.get(SECRET_VARIABLES[self.settings.engine][which])
        return found.reveal() if found is not None else None


def service_database(
    root: ServiceRow, info: Info[GqlContext, None], environment_id: strawberry.ID | None = None
) -> ManagedDatabase | None:
    """The managed database a service is (None for other services)."""
    spec = root.spec.get("database")
    if not spec:
        return None
    settings = DatabaseSettings(engine_named(spec["engine"]), spec["version"])
    context = _ctx(info)
    environment: UUID | None = None
    if environment_id is not None:
        try:
            environment = UUID(str(environment_id))
        except ValueError:
            raise InvalidValueError("environmentId", f"{environment_id!r} is not an id") from None
        try:
            context.reads.environment_of(environment, root.project_id, root.id)
        except NotFoundError:
            raise NotFoundError("environment", environment, field="environmentId") from None
    else:
        states = context.reads.dashboard.service_states(service_id=root.id)
        environment = states[0].environment_id if states else None
    engine = ENGINES[settings.engine]
    published = root.spec.get("port") is not None
    return ManagedDatabase(
        engine=settings.engine.value,
        label=engine.label,
        version=settings.version,
        environment_id=strawberry.ID(str(environment)) if environment else None,
        internal_host=root.name,
        port=engine.port,
        user=engine.user,
        database_name=engine.database or None,
        reference="${{" + root.name + "." + SECRET_VARIABLES[settings.engine][1] + "}}",
        published=published,
        published_host=PUBLISHED_HOST if published else None,
        service_id=root.id,
        project_id=root.project_id,
        settings=settings,
    )
