"""Shared fixtures: real PostgreSQL schemas and SQLite files per test, and the services gate.

With CONTAINR_TEST_REQUIRE_SERVICES=1 (set by `tests/run` in CI) a test that would be
skipped because PostgreSQL, Redis or Docker is missing fails the run instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis

from application.secrets import Secret
from application.settings import Settings
from interfaces.bootstrap import migrate
from tests.s3_server import s3_bucket, s3_server  # noqa: F401 - fixtures for every suite

PG_URL = os.environ.get("CONTAINR_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CONTAINR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRE_SERVICES = os.environ.get("CONTAINR_TEST_REQUIRE_SERVICES") == "1"
TEST_SECRET_KEY = "test-master-key-0123456789abcdef-0123456789abcdef"
OPEN_SIGNUP: dict[str, Any] = {
    "signup": "open",
    "signup_limit_per_client": 10_000,
    "signup_limit_global": 10_000,
}
"""Suites sign up many users from one address: open sign-up, no sign-up rate limit
(tests/e2e/test_abuse.py and tests/integration/test_signup.py test the defaults)."""


def service_missing(what: str, why: object) -> None:
    """Skip locally when a real service is missing; fail when the run requires services."""
    message = f"{what} is not available: {why}"
    if REQUIRE_SERVICES:
        pytest.fail(message + " (CONTAINR_TEST_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(message)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In a services-required run, any skip at all turns the run red."""
    if not REQUIRE_SERVICES:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if reporter:
            reporter.write_line(f"FAILED: {skipped} tests skipped, but all suites must run here")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The URL of the real PostgreSQL server, checked once."""
    try:
        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as e:
        service_missing("PostgreSQL", e)
    return PG_URL


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The URL of the real Redis server, checked once."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as e:
        service_missing("Redis", e)
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def pg_settings(postgres_url: str, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh, migrated PostgreSQL schema of its own, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    settings = Settings(
        data_dir=str(tmp_path / "data"),
        database_url=postgres_url,
        database_schema=schema,
        secret_key=_secret(),
        **OPEN_SIGNUP,
    )
    migrate(settings)
    yield settings
    drop_schemas(postgres_url, schema)


def drop_schemas(url: str, schema: str) -> None:
    """Drop a test's event-store schema and its read-model schema."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}_rm" CASCADE')


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    """Settings for a fresh, migrated embedded store in a temporary data directory."""
    settings = Settings(data_dir=str(tmp_path / "data"), **OPEN_SIGNUP)
    migrate(settings)
    return settings


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_settings(request: pytest.FixtureRequest) -> Settings:
    """Each application test runs on both event stores."""
    name = "sqlite_settings" if request.param == "sqlite" else "pg_settings"
    settings: Settings = request.getfixturevalue(name)
    return settings


def _secret() -> Secret:
    return Secret(TEST_SECRET_KEY)
