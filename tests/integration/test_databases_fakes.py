# ruff: noqa: F811 - the rig fixtures are imported from test_deployer_fakes by name
"""Managed databases against the in-memory runtime, on both event stores: createDatabase
makes the service, seals its generated credentials and releases it in one save; bad input
changes nothing; engines and majors never change in place; the figures come from the
engine (issue 15)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from application import commands as c
from application.authz import Principal
from application.bus import Context
from application.database_figures import DatabaseFigures
from application.databases import ENGINES, parse_figures
from application.errors import DomainError, InvalidValueError, NotFoundError
from application.processes.support import DEPLOYMENT
from application.settings import Settings
from domain.deployment import DeploymentState
from domain.ids import Actor
from domain.service_spec import DatabaseEngine, HealthCheckKind, Resources, ServiceKind, VolumeMount
from domain.values import Role
from interfaces.graphql.context import GqlContext
from interfaces.graphql.schema import build_schema
from tests.integration.conftest import World
from tests.integration.test_deployer_fakes import OneEngine, Rig, bare_rig, rig  # noqa: F401
from tests.integration.test_secrets import raw_events

SYSTEM = Context(actor=Actor("system:test"))
DATABASE = """query($id: ID!, $env: ID) { service(id: $id) { name kind database(environmentId: $env) {
  engine version environmentId internalHost port user databaseName reference published
  publishedHost password connectionUrl } } }"""


def create(world: World, engine: str = "postgres", **fields: Any) -> uuid.UUID:
    return world.run(
        c.CreateDatabase(
            project_id=world.project, environment_id=world.production, engine=engine, **fields
        )
    ).id("service_id")


def revealed(world: World, service: uuid.UUID) -> dict[str, str]:
    values = world.app.queries.reveal_variables(world.production, service)
    return {name: value.reveal() for name, value in values.items()}


def graphql(world: World, user: uuid.UUID, query: str, **variables: Any) -> Any:
    context = GqlContext(world.app, Principal(user_id=user), "test")
    return build_schema().execute_sync(query, variable_values=variables, context_value=context)


def test_a_postgres_database_is_a_database_service_with_a_volume_probe_and_release(
    world: World,
) -> None:
    result = world.run(
        c.CreateDatabase(
            project_id=world.project, environment_id=world.production, engine="postgres"
        )
    )
    service_id = result.id("service_id")

    service = world.app.queries.service(service_id)
    assert service.name == "postgres"
    spec = service.spec
    assert spec.kind is ServiceKind.DATABASE
    assert spec.database is not None and spec.database.engine is DatabaseEngine.POSTGRES
    assert spec.database.version == ENGINES[DatabaseEngine.POSTGRES].default_version
    assert spec.image == f"postgres:{spec.database.version}"
    assert spec.volumes == (VolumeMount("data", "/var/lib/postgresql/data"),)
    assert spec.port is None  # not published unless asked
    assert spec.health_check is not None and spec.health_check.kind is HealthCheckKind.COMMAND
    assert "pg_isready" in spec.health_check.command[-1]
    deployment = world.app.queries.deployment(result.id("deployment_id"))
    assert deployment.service_id == service_id and deployment.environment_id == world.production
    assert deployment.image == spec.image


def test_generated_credentials_are_variables_and_never_in_the_events_in_clear(
    world: World, store_settings: Settings
) -> None:
    service_id = create(world, name="db")

    values = revealed(world, service_id)
    password = values["POSTGRES_PASSWORD"]
    assert len(password) == 48 and values["PGPASSWORD"] == password
    assert values["POSTGRES_USER"] == values["PGUSER"] == "postgres"
    assert values["PGDATABASE"] == values["POSTGRES_DB"] == "app"
    assert values["PGHOST"] == "db" and values["PGPORT"] == "5432"
    assert values["PGDATA"] == "/var/lib/postgresql/data/pgdata"
    assert values["DATABASE_URL"] == f"postgresql://postgres:{password}@db:5432/app"
    stored = raw_events(store_settings)
    assert b"POSTGRES_PASSWORD" in stored  # the names are there, sealed values only
    assert password.encode() not in stored
    for event in world.app.events.read(0, limit=10_000):
        assert password not in repr(event)


def test_each_database_gets_its_own_password(world: World) -> None:
    first = revealed(world, create(world, name="one"))["POSTGRES_PASSWORD"]
    second = revealed(world, create(world, name="two"))["POSTGRES_PASSWORD"]
    assert first != second


def test_mysql_and_redis_get_their_engines_contract(world: World) -> None:
    mysql = create(world, "MariaDB", version="10.11", public_port=True)
    redis = create(world, "redis")

    mysql_values = revealed(world, mysql)
    assert set(mysql_values) == {
        "MYSQL_ROOT_PASSWORD", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE", "MYSQL_URL",
        "DATABASE_URL",
    }  # fmt: skip
    assert mysql_values["MYSQL_ROOT_PASSWORD"] != mysql_values["MYSQL_PASSWORD"]
    assert mysql_values["DATABASE_URL"] == (
        f"mysql://app:{mysql_values['MYSQL_PASSWORD']}@mysql:3306/app"
    )
    mysql_spec = world.app.queries.service(mysql).spec
    assert mysql_spec.image == "mariadb:10.11" and mysql_spec.port == 3306
    redis_values = revealed(world, redis)
    assert (
        redis_values["REDIS_URL"] == f"redis://default:{redis_values['REDIS_PASSWORD']}@redis:6379"
    )
    redis_spec = world.app.queries.service(redis).spec
    assert redis_spec.start_command is not None
    assert '--requirepass "$REDIS_PASSWORD"' in redis_spec.start_command
    assert "--appendonly yes" in redis_spec.start_command
    assert redis_values["REDIS_PASSWORD"] not in redis_spec.start_command


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"engine": "oracle"}, "engine", "not a database engine"),
        ({"engine": "postgres", "version": "latest"}, "version", "not an engine version"),
        ({"engine": "postgres", "name": "Bad Name"}, "name", ""),
        ({"engine": "postgres", "name": "web"}, "name", "already has a service 'web'"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_recorded(
    world: World, fields: dict[str, Any], field: str, words: str
) -> None:
    before = world.app.events.read(0, limit=10_000)
    with pytest.raises(InvalidValueError) as refused:
        world.run(
            c.CreateDatabase(project_id=world.project, environment_id=world.production, **fields)
        )
    assert refused.value.field == field
    assert words in str(refused.value)
    assert world.app.events.read(0, limit=10_000) == before


def test_an_environment_of_another_project_is_refused(world: World) -> None:
    other = world.run(c.CreateProject(organization_id=world.org, name="Other"))
    with pytest.raises(NotFoundError) as refused:
        world.run(
            c.CreateDatabase(
                project_id=world.project,
                environment_id=other.id("environment_id"),
                engine="postgres",
            )
        )
    assert refused.value.field == "environment_id"


def test_the_engine_never_changes_and_a_new_major_is_refused_pointing_to_a_restore(
    world: World,
) -> None:
    service_id = create(world, version="16")
    with pytest.raises(DomainError, match="engine cannot change"):
        world.run(c.UpdateDatabase(service_id=service_id, engine="mysql", version="10.11"))
    with pytest.raises(DomainError, match=r"cannot be upgraded in place to 17.*back this one up"):
        world.run(c.UpdateDatabase(service_id=service_id, version="17"))
    with pytest.raises(DomainError, match="cannot go back"):
        world.run(c.UpdateDatabase(service_id=service_id, version="15"))
    world.run(c.UpdateDatabase(service_id=service_id, version="16.4"))
    spec = world.app.queries.service(service_id).spec
    assert spec.database is not None and spec.database.version == "16.4"
    assert spec.image == "postgres:16.4"


@pytest.mark.parametrize(
    "change",
    [
        {"image": "postgres:9"},
        {"volumes": []},
        {"volume_per_replica": True},
        {"start_command": "sh"},
        {"health_check": None},
    ],
    ids=lambda change: next(iter(change)),
)
def test_what_the_engine_profile_set_cannot_be_changed_by_update_service(
    world: World, change: dict[str, Any]
) -> None:
    service_id = create(world)
    before = world.app.events.read(0, limit=10_000)
    with pytest.raises(InvalidValueError, match=r"managed database.*updateDatabase") as refused:
        world.run(c.UpdateService(service_id=service_id, **change))
    assert refused.value.field == next(iter(change))
    assert world.app.events.read(0, limit=10_000) == before
    # What is the user's to choose still changes, and an unchanged value is no change.
    image = world.app.queries.service(service_id).spec.image
    world.run(
        c.UpdateService(
            service_id=service_id,
            image=image,
            resources=Resources(cpu_request_millis=250, memory_request_mb=256),
        )
    )
    assert world.app.queries.service(service_id).spec.resources.cpu_request_millis == 250


def test_only_a_database_has_a_database_version(world: World) -> None:
    with pytest.raises(InvalidValueError) as refused:
        world.run(c.UpdateDatabase(service_id=world.service, version="16"))
    assert refused.value.field == "service_id"


def test_the_configured_image_setting_is_used(rig: Rig) -> None:
    world = rig.world
    bus = world.app.commands
    bus._database_images = lambda database: f"registry.local/pg:{database.version}-custom"  # type: ignore[attr-defined]
    service_id = create(world, version="15")
    assert world.app.queries.service(service_id).spec.image == "registry.local/pg:15-custom"


def test_the_release_runs_the_engine_with_its_volume_and_probe(rig: Rig) -> None:
    world = rig.world
    rig.runtime.add_image("postgres:17")
    result = world.run(
        c.CreateDatabase(
            project_id=world.project, environment_id=world.production, engine="postgres"
        )
    )
    rig.sync()
    deployment = rig.drive(result.id("deployment_id"))
    assert deployment.state is DeploymentState.HEALTHY, deployment.history
    [container] = rig.containers(deployment.id)
    spec = rig.runtime.specs[container.id]
    assert list(spec.volumes.values()) == ["/var/lib/postgresql/data"]
    assert spec.aliases == ["postgres"] and spec.port is None
    assert spec.environment["PGHOST"] == "postgres"
    assert any("pg_isready" in command[-1] for _, command in rig.runtime.execs)


def test_figures_come_from_the_engine_in_the_live_replica(rig: Rig) -> None:
    world = rig.world
    rig.runtime.add_image("redis:7.4")
    result = world.run(
        c.CreateDatabase(
            project_id=world.project, environment_id=world.production, engine="redis",
            public_port=True,
        )
    )  # fmt: skip
    rig.sync()
    deployment = rig.drive(result.id("deployment_id"))
    assert deployment.state is DeploymentState.HEALTHY, deployment.history
    [container] = rig.runtime.containers({DEPLOYMENT: str(deployment.id)})
    command = ("sh", "-c", ENGINES[DatabaseEngine.REDIS].figures)
    rig.runtime.exec_outputs = {(container.id, command): (0, b"connections=3\nsize=8192\n")}  # type: ignore[attr-defined]
    figures = DatabaseFigures(world.app.queries, OneEngine(rig.runtime), "unix:///fake")
    service_id = result.id("service_id")
    database = world.app.queries.service(service_id).spec.database
    assert database is not None

    row = figures.measure(service_id, world.production, database)

    assert row.running and row.size_bytes == 8192 and row.connections == 3
    assert row.published_port == container.host_port and row.problem is None
    rig.runtime.exec_outputs = {(container.id, command): None}  # type: ignore[attr-defined]
    slow = figures.measure(service_id, world.production, database)
    assert slow.running and slow.size_bytes is None and "no figures within" in (slow.problem or "")


def test_figures_of_a_database_not_deployed_say_so(world: World) -> None:
    other = world.run(c.AddEnvironment(project_id=world.project, name="dev", kind="development"))
    service_id = create(world)
    database = world.app.queries.service(service_id).spec.database
    assert database is not None
    figures = DatabaseFigures(world.app.queries, OneEngine(None), "unix:///fake")  # type: ignore[arg-type]
    row = figures.measure(service_id, other.id("environment_id"), database)
    assert not row.running and row.problem == "not deployed in this environment"


def test_parse_figures_ignores_noise() -> None:
    assert parse_figures(b"size=10\nwarning: x\nconnections=2\r\n") == {
        "size": 10,
        "connections": 2,
    }


def test_connection_details_are_shown_and_secrets_revealed_to_admins_only(
    world: World, rig: Rig
) -> None:
    service_id = create(world)
    rig.sync()
    member = uuid.uuid4()
    world.app.execute(
        c.AddMember(organization_id=world.org, user_id=member, role=Role.MEMBER), SYSTEM
    )
    rig.sync()
    env = str(world.production)

    owner_view = graphql(world, world.owner, DATABASE, id=str(service_id), env=env)
    assert owner_view.errors is None, owner_view.errors
    database = owner_view.data["service"]["database"]
    password = revealed(world, service_id)["POSTGRES_PASSWORD"]
    assert database == {
        "engine": "postgres",
        "version": "17",
        "environmentId": env,
        "internalHost": "postgres",
        "port": 5432,
        "user": "postgres",
        "databaseName": "app",
        "reference": "${{postgres.DATABASE_URL}}",
        "published": False,
        "publishedHost": None,
        "password": password,
        "connectionUrl": f"postgresql://postgres:{password}@postgres:5432/app",
    }

    member_view = graphql(world, member, DATABASE, id=str(service_id), env=env)
    codes = {tuple(error.path): error.extensions["code"] for error in member_view.errors or []}
    assert codes == {
        ("service", "database", "password"): "FORBIDDEN",
        ("service", "database", "connectionUrl"): "FORBIDDEN",
    }
    assert password not in str(member_view.errors) and password not in str(member_view.data)


def test_other_services_have_no_database(world: World, rig: Rig) -> None:
    query = "query($id: ID!) { service(id: $id) { database { engine } } }"
    result = graphql(world, world.owner, query, id=str(world.service))
    assert result.errors is None and result.data == {"service": {"database": None}}
