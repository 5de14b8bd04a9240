"""Deadlines on every database call: what waits too long answers UnavailableError.

Real PostgreSQL (a schema of the test's own) with short timeouts; a lock held by the test
stands in for a database that does not answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager

import msgspec
import psycopg
import pytest

from adapters.eventstore import pg_connect, pg_pool
from adapters.postgres import DatabaseLimits, database_answers
from adapters.readstore.database import PostgresReadDatabase
from application import commands as c
from application.bus import Context
from application.errors import UnavailableError
from application.services import Services
from application.settings import Settings
from domain.ids import Actor
from interfaces.bootstrap import bootstrap
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.postgres


@pytest.fixture
def quick(pg_settings: Settings) -> Settings:
    return msgspec.structs.replace(
        pg_settings, database_statement_timeout_ms=300, database_pool_timeout_ms=300
    )


@pytest.fixture
def services(quick: Settings) -> Iterator[Services]:
    services = bootstrap(quick)
    yield services
    services.close()


@contextmanager
def locked(settings: Settings, table: str) -> Iterator[None]:
    """Hold an ACCESS EXCLUSIVE lock on ``table`` (nobody reads or writes it) in the block."""
    assert settings.database_url is not None
    with psycopg.connect(settings.database_url) as conn:
        conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield
        conn.rollback()


def test_a_command_stuck_behind_a_lock_answers_unavailable(
    quick: Settings, services: Services
) -> None:
    command = c.CreateOrganization(name="Acme", owner_id=uuid.uuid4())
    with (
        locked(quick, f'"{quick.database_schema}".containr_events'),
        pytest.raises(UnavailableError),
    ):
        services.execute(command, Context(actor=Actor("user:alice")))
    assert services.execute(command, Context(actor=Actor("user:alice"))).position


def test_a_query_stuck_behind_a_lock_answers_unavailable(
    quick: Settings, services: Services
) -> None:
    with (
        locked(quick, f'"{quick.database_schema}_rm".rm_generations'),
        pytest.raises(UnavailableError),
    ):
        services.dashboard.memberships(uuid.uuid4())
    assert services.dashboard.memberships(uuid.uuid4()) == []


def test_the_stores_beside_the_event_store_answer_unavailable_when_stuck(
    quick: Settings, services: Services
) -> None:
    with (
        locked(quick, f'"{quick.database_schema}".containr_node_metrics'),
        pytest.raises(UnavailableError),
    ):
        services.metrics.latest("cluster")
    assert services.metrics.latest("cluster") == []


def test_a_request_waits_for_a_pooled_connection_no_longer_than_the_pool_timeout(
    quick: Settings,
) -> None:
    with closing(pg_pool(quick, name="test-deadlines", max_size=1)) as pool:
        with pool.connection(), pytest.raises(UnavailableError), pool.connection():
            pass
        with pool.connection() as conn:  # and the pool still works
            assert conn.execute("SELECT 1").fetchone() == (1,)


def test_connections_of_their_own_have_the_batch_work_statement_timeout(
    quick: Settings,
) -> None:
    with closing(PostgresReadDatabase(quick).connect("test")) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone() == ("1min",)
    with closing(pg_connect(quick)) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone() == ("1min",)
    with closing(pg_connect(quick, statement_timeout_ms=0)) as conn:  # migrations wait
        assert conn.execute("SHOW statement_timeout").fetchone() == ("0",)


def test_an_unreachable_database_answers_unavailable_and_is_not_ready() -> None:
    nobody = Settings(
        data_dir="unused", database_url=f"postgresql://postgres@127.0.0.1:{free_port()}/none"
    )
    assert nobody.database_url is not None
    assert not database_answers(nobody.database_url, DatabaseLimits.of(nobody))
    with (
        closing(pg_pool(nobody, name="test-unreachable")) as pool,
        pytest.raises(UnavailableError),
        pool.connection(),
    ):
        pass
    with pytest.raises(UnavailableError):
        PostgresReadDatabase(nobody).connect("test")
