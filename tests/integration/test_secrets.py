"""Secrets: never in clear in the events table, logs, errors or reprs; shredded with the key."""

from __future__ import annotations

import logging
import sqlite3

import psycopg
import pytest

from application import commands as c
from application.errors import SecretUnavailableError
from application.secrets import Secret
from application.settings import Settings
from domain.service_spec import GitSource, ServiceKind
from domain.variables import VariableSet
from tests.integration.conftest import World

PLAINTEXTS = ["hunter2-very-secret", "sk_live_51Hxyzzy", "p@ss w0rd ünïcode"]
TOKEN = "ghp_tokenvalue1234567890"


def raw_events(settings: Settings) -> bytes:
    """Every byte of the events table, as stored."""
    if settings.database_url is None:
        with sqlite3.connect(settings.sqlite_path) as conn:
            rows = conn.execute("SELECT topic, state FROM stored_events").fetchall()
    else:
        with psycopg.connect(settings.database_url) as conn:
            rows = conn.execute(
                f'SELECT topic, state FROM "{settings.database_schema}".containr_events'
            ).fetchall()
    return b"\n".join(topic.encode() + b" " + bytes(state) for topic, state in rows)


def set_secrets(world: World) -> None:
    world.run(
        c.SetVariables(
            project_id=world.project,
            environment_id=world.production,
            values={f"VAR_{i}": Secret(v) for i, v in enumerate(PLAINTEXTS)},
        )
    )
    world.run(
        c.CreateService(
            project_id=world.project,
            name="private",
            kind=ServiceKind.WORKER,
            git=GitSource("https://git.example.com/private.git"),
            repository_token=Secret(TOKEN),
        )
    )


def test_no_plaintext_reaches_the_events_table(world: World, store_settings: Settings) -> None:
    set_secrets(world)
    stored = raw_events(store_settings)
    assert b"VariableSet.Changed" in stored and b"VAR_0" in stored
    for plaintext in [*PLAINTEXTS, TOKEN]:
        assert plaintext.encode() not in stored
        assert plaintext.encode("utf-16-le") not in stored
    revealed = world.app.queries.reveal_variables(world.production)
    assert [v.reveal() for v in revealed.values()] == PLAINTEXTS


def test_no_plaintext_in_logs_reprs_or_event_log_output(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    command = c.SetVariables(
        project_id=world.project,
        environment_id=world.production,
        values={"K": Secret(PLAINTEXTS[0])},
    )
    world.run(command)
    printed = (
        repr(command) + str(command) + repr(world.app.queries.reveal_variables(world.production))
    )
    printed += repr(world.app.events.tail(50)) + caplog.text
    assert PLAINTEXTS[0] not in printed and "*****" in printed


def test_errors_about_variables_never_quote_values(world: World) -> None:
    with pytest.raises(Exception) as info:
        world.run(
            c.SetVariables(
                project_id=world.project,
                environment_id=world.production,
                values={"1BAD": Secret(PLAINTEXTS[1])},
            )
        )
    assert PLAINTEXTS[1] not in str(info.value) and "1BAD" in str(info.value)


def test_after_the_key_is_destroyed_values_cannot_be_read_and_reads_say_so(world: World) -> None:
    set_secrets(world)
    world.app.secrets.destroy_key(world.org)
    with pytest.raises(SecretUnavailableError, match=r"was destroyed.*can no longer be read"):
        world.app.queries.reveal_variables(world.production)
    # The names are still known; only the values are gone.
    assert world.app.queries.variable_names(world.production) == ["VAR_0", "VAR_1", "VAR_2"]
    with pytest.raises(SecretUnavailableError):
        world.run(
            c.SetVariables(
                project_id=world.project,
                environment_id=world.production,
                values={"NEW": Secret("x")},
            )
        )


def test_a_sealed_value_cannot_be_moved_to_another_variable(world: World) -> None:
    set_secrets(world)
    variables = world.app.store.repository.get(VariableSet.id_for(world.production, None))
    sealed = variables.values["VAR_0"]
    with pytest.raises(SecretUnavailableError, match="could not be opened"):
        world.app.secrets.open(world.org, variables.context_for("VAR_1"), sealed)
