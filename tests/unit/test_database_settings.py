"""A managed database's spec: its engine and version, only on database services."""

from __future__ import annotations

import pytest

from application.databases import ENGINES, profile
from application.settings import Settings, SettingsError
from domain.errors import InvalidValueError
from domain.service_spec import DatabaseEngine, DatabaseSettings, ServiceKind, ServiceSpec


def test_a_database_service_carries_its_engine_and_version() -> None:
    spec = ServiceSpec(
        kind=ServiceKind.DATABASE, database=DatabaseSettings(DatabaseEngine.POSTGRES, "16")
    ).check()
    assert spec.database == DatabaseSettings(DatabaseEngine.POSTGRES, "16")


def test_only_database_services_run_an_engine() -> None:
    with pytest.raises(InvalidValueError, match="only database services"):
        ServiceSpec(
            kind=ServiceKind.WORKER, database=DatabaseSettings(DatabaseEngine.REDIS, "7.2")
        ).check()


@pytest.mark.parametrize("version", ["", "latest", "16-alpine", "1.2.3.4", "v16"])
def test_a_version_is_a_plain_number(version: str) -> None:
    with pytest.raises(InvalidValueError, match="not an engine version"):
        DatabaseSettings(DatabaseEngine.POSTGRES, version).check()


def test_major_versions_follow_each_engine() -> None:
    assert DatabaseSettings(DatabaseEngine.POSTGRES, "16.4").major == (16,)
    assert DatabaseSettings(DatabaseEngine.MYSQL, "10.11.6").major == (10, 11)
    assert DatabaseSettings(DatabaseEngine.REDIS, "7.2").major == (7,)


def test_the_image_comes_from_the_engines_setting() -> None:
    settings = Settings.from_env({"CONTAINR_POSTGRES_IMAGE": "local/pg:{version}-test"})
    pg = profile(DatabaseSettings(DatabaseEngine.POSTGRES, "15"))
    assert pg.image("15", settings) == "local/pg:15-test"
    assert ENGINES[DatabaseEngine.REDIS].image("7.2", Settings()) == "redis:7.2"
    assert ENGINES[DatabaseEngine.MYSQL].image("10.11", Settings()) == "mariadb:10.11"


def test_an_image_setting_must_be_an_image_reference() -> None:
    with pytest.raises(SettingsError, match="CONTAINR_MYSQL_IMAGE"):
        Settings.from_env({"CONTAINR_MYSQL_IMAGE": "not an image"})
