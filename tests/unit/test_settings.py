"""Settings: embedded defaults, and bad values that fail at start naming their variable."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from adapters.secretbox import master_key
from application.settings import Settings, SettingsError


def test_the_embedded_default_needs_nothing() -> None:
    settings = Settings.from_env({})
    assert settings.is_embedded and settings.data_dir == ".containr"
    assert settings.describe_database() == "sqlite:.containr/containr.sqlite3"


def test_a_database_url_switches_to_postgresql_and_its_password_is_never_shown() -> None:
    settings = Settings.from_env(
        {
            "CONTAINR_DATABASE_URL": "postgresql://app:pw123@db:5432/containr",
            "CONTAINR_DATA_DIR": "/tmp/x",
        }
    )
    assert not settings.is_embedded and settings.data_dir == "/tmp/x"
    assert "pw123" not in settings.describe_database() + repr(settings)


def test_the_secret_key_is_masked_in_reprs() -> None:
    settings = Settings.from_env({"CONTAINR_SECRET_KEY": "k" * 40})
    assert "kkkk" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "variable", "message"),
    [
        ({"CONTAINR_DATABASE_URL": "mysql://db/x"}, "CONTAINR_DATABASE_URL", "postgresql://"),
        ({"CONTAINR_DATABASE_URL": "postgresql://db:abc/x"}, "CONTAINR_DATABASE_URL", "port"),
        ({"CONTAINR_DATABASE_URL": "postgresql://db"}, "CONTAINR_DATABASE_URL", "database name"),
        ({"CONTAINR_DATABASE_SCHEMA": "Bad-Schema"}, "CONTAINR_DATABASE_SCHEMA", "identifier"),
        ({"CONTAINR_DATABASE_POOL_SIZE": "many"}, "CONTAINR_DATABASE_POOL_SIZE", "whole number"),
        ({"CONTAINR_DATABASE_POOL_SIZE": "0"}, "CONTAINR_DATABASE_POOL_SIZE", "between"),
        ({"CONTAINR_SECRET_KEY": "short"}, "CONTAINR_SECRET_KEY", "at least 32"),
        ({"CONTAINR_REDIS_URL": "http://x"}, "CONTAINR_REDIS_URL", "redis://"),
        ({"CONTAINR_LOG_LEVEL": "LOUD"}, "CONTAINR_LOG_LEVEL", "one of"),
        ({"CONTAINR_DATA_DIR": " "}, "CONTAINR_DATA_DIR", "empty"),
        ({"CONTAINR_DATABSE_URL": "x"}, "CONTAINR_DATABSE_URL", "not a Containr setting"),
        ({"CONTAINR_GIT_PROVIDER_TIMEOUT_MS": "0"}, "CONTAINR_GIT_PROVIDER_TIMEOUT_MS", "between"),
        ({"CONTAINR_API_PROCESSES": "0"}, "CONTAINR_API_PROCESSES", "between"),
        ({"CONTAINR_API_PROCESSES": "65"}, "CONTAINR_API_PROCESSES", "between"),
        # Several processes share their state through PostgreSQL and Redis: both are needed.
        ({"CONTAINR_API_PROCESSES": "2"}, "CONTAINR_API_PROCESSES", "CONTAINR_DATABASE_URL"),
        (
            {"CONTAINR_API_PROCESSES": "2", "CONTAINR_DATABASE_URL": "postgresql://db/x"},
            "CONTAINR_API_PROCESSES",
            "CONTAINR_REDIS_URL",
        ),
    ],
)
def test_bad_settings_fail_naming_the_variable(
    env: dict[str, str], variable: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=message) as info:
        Settings.from_env(env)
    assert str(info.value).startswith(f"{variable}:")


def test_a_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "f"
    file.write_text("x")
    with pytest.raises(SettingsError, match=r"CONTAINR_DATA_DIR: .* is not a directory"):
        Settings.from_env({"CONTAINR_DATA_DIR": str(file)})


def test_the_embedded_master_key_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path / "data"))
    first = master_key(settings)
    assert master_key(settings) == first and len(first) == 32
    mode = stat.S_IMODE(os.stat(tmp_path / "data" / "master.key").st_mode)
    assert mode == 0o600


def test_a_readable_master_key_file_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path))
    master_key(settings)
    os.chmod(tmp_path / "master.key", 0o644)
    with pytest.raises(SettingsError, match="readable by others"):
        master_key(settings)


def test_the_server_setup_requires_a_secret_key() -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1/test")
    with pytest.raises(SettingsError, match="CONTAINR_SECRET_KEY: required"):
        master_key(settings)


def test_push_to_deploy_settings_are_read_and_checked() -> None:
    settings = Settings.from_env(
        {
            "CONTAINR_PUBLIC_URL": "https://containr.example.com/",
            "CONTAINR_CI_WAIT_TIMEOUT": "600",
            "CONTAINR_CI_NO_CHECKS_GRACE": "30",
        }
    )
    assert settings.public_url == "https://containr.example.com"
    assert (settings.ci_wait_timeout_seconds, settings.ci_no_checks_grace_seconds) == (600, 30)
    with pytest.raises(SettingsError, match="CONTAINR_PUBLIC_URL"):
        Settings.from_env({"CONTAINR_PUBLIC_URL": "containr.example.com"})
    with pytest.raises(SettingsError, match="CONTAINR_CI_WAIT_TIMEOUT"):
        Settings.from_env({"CONTAINR_CI_WAIT_TIMEOUT": "0"})


def test_the_failover_grace_period_is_read_and_checked() -> None:
    assert Settings.from_env({}).failover_grace_seconds == 30
    assert Settings.from_env({"CONTAINR_FAILOVER_GRACE": "5"}).failover_grace_seconds == 5
    with pytest.raises(SettingsError, match="CONTAINR_FAILOVER_GRACE"):
        Settings.from_env({"CONTAINR_FAILOVER_GRACE": "0"})


def test_the_installation_registry_is_read_checked_and_its_password_never_shown() -> None:
    settings = Settings.from_env(
        {
            "CONTAINR_REGISTRY_URL": "http://127.0.0.1:5000/containr/",
            "CONTAINR_REGISTRY_USERNAME": "containr",
            "CONTAINR_REGISTRY_PASSWORD": "r3gistry-pw",
            "CONTAINR_REGISTRY_TIMEOUT": "120",
        }
    )
    assert settings.registry_url == "127.0.0.1:5000/containr"
    assert settings.registry_username == "containr"
    assert settings.registry_password is not None
    assert settings.registry_password.reveal() == "r3gistry-pw"
    assert settings.registry_timeout_seconds == 120
    assert "r3gistry-pw" not in repr(settings)
    assert Settings.from_env({}).registry_url is None
    for bad in ("ftp://registry", "registry.example.com/Team", "registry:99999"):
        with pytest.raises(SettingsError, match="CONTAINR_REGISTRY_URL"):
            Settings.from_env({"CONTAINR_REGISTRY_URL": bad})
    with pytest.raises(SettingsError, match="CONTAINR_REGISTRY_TIMEOUT"):
        Settings.from_env({"CONTAINR_REGISTRY_TIMEOUT": "0"})


def test_the_base_image_mapping_is_read_and_checked() -> None:
    settings = Settings.from_env(
        {"CONTAINR_BASE_IMAGES": "node:20-bookworm-slim=registry.internal/node:20, python=r.io/py"}
    )
    assert settings.base_images == {
        "node:20-bookworm-slim": "registry.internal/node:20",
        "python": "r.io/py",
    }
    assert Settings.from_env({}).base_images == {}
    for bad in ("node:20", "node:20=Registry/Node", "a=b,b=c"):
        with pytest.raises(SettingsError, match="CONTAINR_BASE_IMAGES"):
            Settings.from_env({"CONTAINR_BASE_IMAGES": bad})


def test_the_local_engines_port_range_is_read_and_checked() -> None:
    assert Settings.from_env({}).port_range == (20000, 29999)
    assert Settings.from_env({"CONTAINR_PORT_RANGE": " 30000-30099 "}).port_range == (30000, 30099)
    for bad in ("30000", "30000-20000", "80-90", "a-b", "20000-70000"):
        with pytest.raises(SettingsError, match="CONTAINR_PORT_RANGE"):
            Settings.from_env({"CONTAINR_PORT_RANGE": bad})


def test_several_api_processes_run_in_the_server_setup() -> None:
    server = {
        "CONTAINR_DATABASE_URL": "postgresql://db/x",
        "CONTAINR_REDIS_URL": "redis://cache:6379/0",
    }
    assert Settings.from_env({**server, "CONTAINR_API_PROCESSES": "4"}).api_processes == 4
    assert Settings.from_env(server).api_processes == 1
