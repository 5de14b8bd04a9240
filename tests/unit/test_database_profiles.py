"""The managed databases' engine profiles: names, credentials, probes, version changes."""

from __future__ import annotations

import pytest

from application.databases import (
    ENGINES,
    connection_url,
    credentials,
    database_images,
    engine_named,
    health_check,
    parse_figures,
)
from application.errors import InvalidValueError
from application.settings import Settings
from domain.errors import RuleViolatedError
from domain.service_spec import DatabaseEngine, DatabaseSettings, HealthCheckKind

PG = DatabaseEngine.POSTGRES


@pytest.mark.parametrize(
    ("name", "engine"),
    [("postgres", PG), ("PostgreSQL", PG), ("MYSQL", DatabaseEngine.MYSQL),
     (" mariadb ", DatabaseEngine.MYSQL), ("redis", DatabaseEngine.REDIS)],
)  # fmt: skip
def test_engines_are_named_in_any_case_and_mariadb_is_mysql(
    name: str, engine: DatabaseEngine
) -> None:
    assert engine_named(name) is engine


def test_an_unknown_engine_is_refused_naming_the_choices() -> None:
    with pytest.raises(InvalidValueError, match=r"choose postgres, mysql \(MariaDB\) or redis"):
        engine_named("oracle")


def test_credentials_never_repeat_and_the_url_holds_the_password() -> None:
    tokens = iter(["p1", "p2", "p3"])
    values = credentials(PG, "db", lambda: next(tokens))
    assert values["POSTGRES_PASSWORD"] == values["PGPASSWORD"] == "p1"
    assert values["DATABASE_URL"] == connection_url(PG, "db", "p1")
    assert credentials(PG, "db")["POSTGRES_PASSWORD"] != credentials(PG, "db")["POSTGRES_PASSWORD"]
    mysql = credentials(DatabaseEngine.MYSQL, "db", lambda: next(tokens))
    assert mysql["MYSQL_PASSWORD"] == "p2" and mysql["MYSQL_ROOT_PASSWORD"] == "p3"


@pytest.mark.parametrize("engine", list(DatabaseEngine))
def test_each_engine_has_a_command_probe_reading_secrets_from_its_environment(
    engine: DatabaseEngine,
) -> None:
    check = health_check(engine)
    check.check()
    assert check.kind is HealthCheckKind.COMMAND and check.command[:2] == ("sh", "-c")
    assert "127.0.0.1" in check.command[2]
    if engine is not DatabaseEngine.POSTGRES:  # pg_isready needs no password
        assert '_PASSWORD"' in check.command[2]  # "$MYSQL_ROOT_PASSWORD", "$REDIS_PASSWORD"


def test_the_image_comes_from_the_engine_setting() -> None:
    images = database_images(Settings(postgres_image="registry.local/pg:{version}-alpine"))
    assert images(DatabaseSettings(PG, "16")) == "registry.local/pg:16-alpine"
    assert ENGINES[DatabaseEngine.REDIS].image("7.2", Settings()) == "redis:7.2"


def test_figures_are_read_from_the_lines_the_engine_printed() -> None:
    assert parse_figures(b"size=123\r\nconnections=4\n") == {"size": 123, "connections": 4}
    assert parse_figures(b"ERROR: no\n") == {}


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (("postgres", "16"), ("mysql", "16"), "engine cannot change"),
        (("postgres", "16"), ("postgres", "17"), "cannot be upgraded in place"),
        (("postgres", "16.2"), ("postgres", "15"), "cannot go back"),
        (("mysql", "10.11"), ("mysql", "11.4"), "cannot be upgraded in place"),
    ],
)
def test_a_database_keeps_its_engine_and_its_major(
    old: tuple[str, str], new: tuple[str, str], words: str
) -> None:
    before = DatabaseSettings(DatabaseEngine(old[0]), old[1])
    with pytest.raises(RuleViolatedError, match=words):
        before.check_change(DatabaseSettings(DatabaseEngine(new[0]), new[1]))


def test_a_minor_version_change_is_allowed() -> None:
    DatabaseSettings(PG, "16").check_change(DatabaseSettings(PG, "16.4"))
    DatabaseSettings(DatabaseEngine.MYSQL, "10.11").check_change(
        DatabaseSettings(DatabaseEngine.MYSQL, "10.11.9")
    )
