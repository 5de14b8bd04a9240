"""A PostgreSQL database in another encoding than UTF-8 (SQL_ASCII, as some installers
create them) works like any other: Containr's connections speak UTF-8 to it."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from application import commands as c
from application.bus import Context
from application.secrets import Secret
from application.settings import Settings
from domain.ids import Actor
from interfaces.bootstrap import bootstrap, migrate
from tests.conftest import OPEN_SIGNUP, TEST_SECRET_KEY

pytestmark = pytest.mark.postgres


@pytest.fixture
def sql_ascii_url(postgres_url: str) -> Iterator[str]:
    name = f"containr_ascii_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} ENCODING 'SQL_ASCII' TEMPLATE template0")
    yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_sql_ascii_database_migrates_once_and_reads_back_what_was_written(
    sql_ascii_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=str(tmp_path / "data"),
        database_url=sql_ascii_url,
        secret_key=Secret(TEST_SECRET_KEY),
        **OPEN_SIGNUP,
    )
    migrate(settings)
    assert not [step for step in migrate(settings) if "rebuilt" in step]  # shapes read back equal
    app = bootstrap(settings)
    stop = threading.Event()
    runners = app.run_projections(stop)
    try:
        signed = app.auth.sign_up("zoë@example.com", "Zoë", Secret("a long enough password"))
        org = signed.organization_id
        assert org is not None
        app.execute(
            c.CreateProject(organization_id=org, name="Café ☕"),
            Context(actor=Actor("system:test")),
            wait_for=("dashboard",),
        )
        assert [p.name for p in app.dashboard.projects(org)] == ["Café ☕"]
        assert app.dashboard.user(signed.tokens.user_id).name == "Zoë"
    finally:
        stop.set()
        for runner in runners:
            runner.join(timeout=10)
        app.close()
