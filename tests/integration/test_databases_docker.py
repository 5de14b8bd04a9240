# ruff: noqa: F811 - the tests' parameters name the fixtures imported from test_deploy_docker
"""Managed databases on the real Docker engine (issue 15): PostgreSQL, MariaDB and Redis run
from the test engine images (tests/integration/engine_images.py) selected through the
per-engine image settings, as a user would; a worker wired with a reference variable
(``DATABASE_URL=${{postgres.DATABASE_URL}}``) writes, the test reads through the published
port, and the data outlives a redeploy."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import docker
import psycopg
import pytest
import redis

from application import commands as c
from application.database_figures import DatabaseFiguresRow
from application.secrets import Secret
from domain.deployment import DeploymentState
from domain.service_spec import ServiceKind
from tests.integration.deploy_support import Platform, until
from tests.integration.engine_images import VERSIONS, ensure_engine_images
from tests.integration.test_deploy_docker import (  # noqa: F401 - the shared fixtures
    caddy,
    engine,
    ingress_listen,
    platform_for,
)

START = 240.0
"""Seconds a database may take to become healthy (a first start initialises it; the CI
machine is loaded)."""


@pytest.fixture(scope="module")
def images(engine: docker.APIClient) -> dict[str, str]:
    return ensure_engine_images(engine)


@pytest.fixture
def platform(platform_for: Callable[..., Platform], images: dict[str, str]) -> Platform:
    started = platform_for(
        postgres_image=images["postgres"],
        mysql_image=images["mysql"],
        redis_image=images["redis"],
    )
    started.start_processes()
    return started


def create_database(platform: Platform, engine: str) -> tuple[uuid.UUID, uuid.UUID]:
    assert platform.project is not None and platform.production is not None
    result = platform.run(
        c.CreateDatabase(
            project_id=platform.project,
            environment_id=platform.production,
            engine=engine,
            version=VERSIONS[engine],
            public_port=True,
        )
    )
    deployment = platform.wait_for(result.id("deployment_id"), timeout=START)
    assert deployment.state is DeploymentState.HEALTHY, deployment.history
    return result.id("service_id"), deployment.id


def worker(platform: Platform, image: str, script: str, **variables: str) -> uuid.UUID:
    """A worker running ``script`` in ``image``, with ``variables`` (references allowed)."""
    assert platform.project is not None and platform.production is not None
    service = platform.run(
        c.CreateService(
            project_id=platform.project,
            name="writer",
            kind=ServiceKind.WORKER,
            image=image,
            start_command=script,
        )
    ).id("service_id")
    platform.run(
        c.SetVariables(
            project_id=platform.project,
            environment_id=platform.production,
            service_id=service,
            values={name: Secret(value) for name, value in variables.items()},
        )
    )
    deployment = platform.wait_for(platform.deploy(service), timeout=START)
    assert deployment.state is DeploymentState.HEALTHY, deployment.history
    return service


def figures(platform: Platform, service: uuid.UUID) -> DatabaseFiguresRow:
    assert platform.production is not None and platform.services.databases is not None
    database = platform.services.queries.service(service).spec.database
    assert database is not None
    return platform.services.databases.measure(service, platform.production, database)


def published_port(platform: Platform, service: uuid.UUID) -> int:
    port = figures(platform, service).published_port
    assert port is not None
    return port


def variables(platform: Platform, service: uuid.UUID) -> dict[str, str]:
    assert platform.production is not None
    found = platform.services.queries.reveal_variables(platform.production, service)
    return {name: value.reveal() for name, value in found.items()}


def redeploy(platform: Platform, service: uuid.UUID) -> None:
    assert platform.production is not None
    result = platform.run(c.RedeployService(service_id=service, environment_id=platform.production))
    deployment = platform.wait_for(result.id("deployment_id"), timeout=START)
    assert deployment.state is DeploymentState.HEALTHY, deployment.history


def postgres_rows(platform: Platform, service: uuid.UUID) -> int | None:
    """The rows the worker wrote, read through the published port (None: not yet)."""
    password = variables(platform, service)["POSTGRES_PASSWORD"]
    try:
        with psycopg.connect(
            host="127.0.0.1",
            port=published_port(platform, service),
            user="postgres",
            password=password,
            dbname="app",
            connect_timeout=5,
        ) as conn:
            row = conn.execute("SELECT count(*) FROM visits").fetchone()
    except psycopg.Error:
        return None
    return int(row[0]) if row else None


def test_postgres_is_healthy_wired_by_reference_and_keeps_its_data(
    platform: Platform, images: dict[str, str]
) -> None:
    database, _ = create_database(platform, "postgres")
    worker(
        platform,
        images["postgres"],
        'until psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -c "CREATE TABLE IF NOT EXISTS '
        'visits (n int); INSERT INTO visits SELECT generate_series(1, 3)"; do sleep 1; done; '
        "exec sleep 3600",
        DATABASE_URL="${{postgres.DATABASE_URL}}",
    )
    until(lambda: postgres_rows(platform, database) == 3, timeout=120, what="the worker's rows")

    now = figures(platform, database)
    assert now.running and now.problem is None, now
    assert now.size_bytes is not None and now.size_bytes > 1_000_000
    assert now.connections is not None and now.connections >= 0

    redeploy(platform, database)
    until(lambda: postgres_rows(platform, database) == 3, timeout=120, what="rows after redeploy")


def test_mysql_round_trip_through_a_reference_and_a_redeploy(
    platform: Platform, images: dict[str, str], engine: docker.APIClient
) -> None:
    database, _ = create_database(platform, "mysql")
    worker(
        platform,
        images["mysql"],
        'until mariadb -h mysql -u app app -e "CREATE TABLE IF NOT EXISTS visits (n int); '
        'INSERT INTO visits VALUES (1), (2)"; do sleep 1; done; exec sleep 3600',
        MYSQL_PWD="${{mysql.MYSQL_PASSWORD}}",
    )
    password = variables(platform, database)["MYSQL_PASSWORD"]

    def rows() -> str:
        """The rows, read by the app user in the database's replica (an exec)."""
        done = engine.exec_create(
            _container(platform, engine, database),
            ["sh", "-c", "mariadb -h 127.0.0.1 -P 3306 -u app -N -B app "
             "-e 'SELECT count(*) FROM visits' 2>/dev/null || true"],
            environment={"MYSQL_PWD": password},
        )  # fmt: skip
        return str(engine.exec_start(done["Id"]).decode().strip())

    until(lambda: rows() == "2", timeout=120, what="the worker's rows")
    now = figures(platform, database)
    assert now.running and now.problem is None and (now.connections or 0) >= 1, now
    redeploy(platform, database)
    until(lambda: rows() == "2", timeout=120, what="rows after redeploy")


def test_redis_needs_its_password_and_keeps_keys_across_a_redeploy(
    platform: Platform, images: dict[str, str]
) -> None:
    database, _ = create_database(platform, "redis")
    worker(
        platform,
        images["redis"],
        'until redis-cli -u "$REDIS_URL" SET greeting hello | grep -q OK; do sleep 1; done; '
        "exec sleep 3600",
        REDIS_URL="${{redis.REDIS_URL}}",
    )
    password = variables(platform, database)["REDIS_PASSWORD"]

    def client(password: str | None) -> redis.Redis:
        return redis.Redis(
            host="127.0.0.1",
            port=published_port(platform, database),
            password=password,
            socket_timeout=5,
            socket_connect_timeout=5,
        )

    def greeting() -> Any:
        with client(password) as connected:
            try:
                return connected.get("greeting")
            except redis.exceptions.ConnectionError:
                return None

    until(lambda: greeting() == b"hello", timeout=120, what="the worker's key")
    with client(None) as stranger, pytest.raises(redis.exceptions.AuthenticationError):
        stranger.get("greeting")
    now = figures(platform, database)
    assert now.running and now.problem is None and (now.connections or 0) >= 1, now
    redeploy(platform, database)
    until(lambda: greeting() == b"hello", timeout=120, what="the key after redeploy")


def _container(platform: Platform, engine: docker.APIClient, service: uuid.UUID) -> str:
    found = engine.containers(
        filters={
            "label": [
                f"containr.service={service}",
                f"containr.instance={platform.settings.instance}",
            ]
        }
    )
    assert found, "no running container of the database"
    return str(found[0]["Id"])
