"""Settings of the HTTP hardening (issue 11): the metrics token and the metrics listener."""

from __future__ import annotations

import pytest

from application.settings import Settings, SettingsError


def test_metrics_are_off_by_default() -> None:
    settings = Settings.from_env({})
    assert settings.metrics_token is None and settings.metrics_listen is None


def test_the_metrics_token_is_read_and_never_shown() -> None:
    settings = Settings.from_env({"CONTAINR_METRICS_TOKEN": "scrape-token-0123456789"})
    assert settings.metrics_token is not None
    assert settings.metrics_token.reveal() == "scrape-token-0123456789"
    assert "scrape-token" not in repr(settings)


@pytest.mark.parametrize("value", ["127.0.0.1:9100", "[::1]:9100", "metrics.internal:9100"])
def test_a_metrics_listener_is_host_and_port(value: str) -> None:
    assert Settings.from_env({"CONTAINR_METRICS_LISTEN": value}).metrics_listen == value


@pytest.mark.parametrize(
    ("env", "variable", "message"),
    [
        ({"CONTAINR_METRICS_TOKEN": "short"}, "CONTAINR_METRICS_TOKEN", "at least 16"),
        ({"CONTAINR_METRICS_LISTEN": "9100"}, "CONTAINR_METRICS_LISTEN", "host:port"),
        ({"CONTAINR_METRICS_LISTEN": "localhost"}, "CONTAINR_METRICS_LISTEN", "host:port"),
        ({"CONTAINR_METRICS_LISTEN": "localhost:x"}, "CONTAINR_METRICS_LISTEN", "host:port"),
        ({"CONTAINR_METRICS_LISTEN": "localhost:0"}, "CONTAINR_METRICS_LISTEN", "host:port"),
    ],
)
def test_bad_metrics_settings_fail_naming_the_variable(
    env: dict[str, str], variable: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=message) as info:
        Settings.from_env(env)
    assert str(info.value).startswith(f"{variable}:")
