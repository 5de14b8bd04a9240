"""The server log never carries what clients sent: no password, token or variable value, even
at DEBUG, and a coded error is one line."""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from application.settings import Settings
from tests.e2e.client import Client
from tests.e2e.conftest import Server


def _secret(label: str) -> str:
    return f"{label}-{secrets.token_hex(8)}"


# Random values: finding a piece of one in the log can only mean it was logged.
SECRET = {
    name: _secret(name.replace("_", "-"))
    for name in (
        "inline_password",
        "variable_password",
        "inline_value",
        "variable_value",
        "inline_repository_token",
        "variable_repository_token",
        "inline_refresh",
        "variable_refresh",
        "inline_token_secret",
        "variable_token_secret",
        "syntax_password",
        "bearer",
        "ws_bearer",
        "ws_variable",
        "sign_up_password",
        "invitation_token",
    )
}
SECRET["short_inline"] = "Q" + secrets.token_hex(3)  # shorter than any password may be
SECRET["short_variable"] = "R" + secrets.token_hex(3)


def pieces(value: str, width: int) -> set[str]:
    """Every run of ``width`` characters of a secret (its random part, after the label): a
    truncated log line still shows one."""
    random_part = value.rsplit("-", 1)[-1] if value in SECRET.values() else value
    return {random_part[i : i + width] for i in range(max(1, len(random_part) - width + 1))}


@pytest.fixture
def debug_server(server_settings: Settings) -> Iterator[Server]:
    running = Server(server_settings, env={"CONTAINR_LOG_LEVEL": "DEBUG"})
    yield running
    running.stop()


def bad_inputs(client: Client, ids: dict[str, str]) -> list[dict[str, Any]]:
    """Requests that fail, carrying secrets inline and as variables; their answers."""
    s, answers = SECRET, []

    def send(query: str, variables: dict[str, Any] | None = None, **kw: Any) -> None:
        answers.append(client.raw(query, variables, **kw))

    send(
        f'mutation {{ logIn(email: "owner@example.com", password: "{s["inline_password"]}") {{ accessToken }} }}'
    )
    send(
        "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }",
        {"e": "owner@example.com", "p": s["variable_password"]},
    )
    send(
        f'mutation {{ signUp(email: "a@example.com", name: "A", password: "{s["short_inline"]}") {{ userId }} }}'
    )
    send(
        'mutation($p: String!) { signUp(email: "b@example.com", name: "B", password: $p) { userId } }',
        {"p": s["short_variable"]},
    )
    set_variables = "mutation($p: ID!, $e: ID!, $v: JSON!) { setVariables(projectId: $p, environmentId: $e, values: $v) { name } }"
    send(
        set_variables,
        {"p": ids["project"], "e": ids["environment"], "v": {"1 bad": s["variable_value"]}},
    )
    send(
        set_variables,
        {"p": ids["project"], "e": str(uuid.uuid4()), "v": {"DB": s["variable_value"]}},
    )
    send(
        f'mutation {{ setVariables(projectId: "{ids["project"]}", environmentId: "{uuid.uuid4()}", '
        f'values: {{DB_PASSWORD: "{s["inline_value"]}"}}) {{ name }} }}'
    )
    create_service = """mutation($p: ID!, $t: String) { createService(projectId: $p, name: "Bad Name", kind: "web",
        settings: {git: {repositoryUrl: "https://git.example.com/x.git"}, repositoryToken: $t, port: 80}) { id } }"""
    send(create_service, {"p": ids["project"], "t": s["variable_repository_token"]})
    send(
        f'mutation {{ createService(projectId: "{ids["project"]}", name: "Bad Name", kind: "web", '
        f'settings: {{git: {{repositoryUrl: "https://git.example.com/x.git"}}, '
        f'repositoryToken: "{s["inline_repository_token"]}", port: 80}}) {{ id }} }}'
    )
    send(f'mutation {{ refreshSession(refreshToken: "{s["inline_refresh"]}") {{ accessToken }} }}')
    send(
        "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
        {"t": s["variable_refresh"]},
    )
    register = """mutation($o: ID!, $s: String!) { registerCluster(organizationId: $o, name: "pve",
        url: "not a url", tokenId: "root@pam!ci", tokenSecret: $s) { id } }"""
    send(register, {"o": ids["organization"], "s": s["variable_token_secret"]})
    send(
        f'mutation {{ registerCluster(organizationId: "{ids["organization"]}", name: "pve", url: "not a url", '
        f'tokenId: "root@pam!ci", tokenSecret: "{s["inline_token_secret"]}") {{ id }} }}'
    )
    send(f'mutation {{ logIn(email: "owner@example.com", password: "{s["syntax_password"]}" ')
    send("{ viewer { id } }", token=s["bearer"])
    client.http.get(f"/join?token={s['invitation_token']}")  # an invitation link
    return answers


def websocket_bad_inputs(server: Server, token: str) -> None:
    url = server.url.replace("http", "ws", 1) + "/graphql"
    for bearer in (s := SECRET)["ws_bearer"], token:
        with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:  # type: ignore[list-item]
            ws.send(
                json.dumps(
                    {"type": "connection_init", "payload": {"authorization": f"Bearer {bearer}"}}
                )
            )
            if bearer == s["ws_bearer"]:
                with pytest.raises(ConnectionClosed):  # the token is refused
                    ws.recv(timeout=10)
                continue
            assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
            ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {
                            "query": "subscription($id: ID!) { serviceUpdated(id: $id) { id } }",
                            "variables": {"id": s["ws_variable"]},
                        },
                    }
                )
            )
            reply = json.loads(ws.recv(timeout=10))
            assert reply["type"] in ("error", "next"), reply


def test_the_log_never_carries_a_password_token_or_variable_value_sent_by_a_client(
    debug_server: Server,
) -> None:
    owner = debug_server.client()
    signed = owner.sign_up("owner@example.com", password=SECRET["sign_up_password"])
    project = owner(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id environments { id } } }',
        o=signed["organizationId"],
    )["createProject"]
    ids = {
        "organization": signed["organizationId"],
        "project": project["id"],
        "environment": project["environments"][0]["id"],
    }
    answers = bad_inputs(owner, ids)
    websocket_bad_inputs(debug_server, signed["accessToken"])
    assert all(a.get("errors") for a in answers), [a for a in answers if not a.get("errors")]
    debug_server.stop()  # flushes the log

    log = Path(debug_server.log.name).read_text()
    assert "DEBUG" in log  # the scan ran against the most talkative level
    sent = {
        **SECRET,
        "access_token": signed["accessToken"],
        "refresh_token": signed["refreshToken"],
    }
    leaked = {name for name, value in sent.items() if any(p in log for p in pieces(value, 7))}
    assert not leaked, f"the log carries pieces of {sorted(leaked)}"
    assert "Traceback" not in log


def test_a_coded_error_is_one_info_line_with_its_code_operation_and_reference(
    server_settings: Settings,
) -> None:
    server = Server(server_settings, env={"CONTAINR_LOG_LEVEL": "INFO"})
    try:
        body = httpx.post(
            server.url + "/graphql",
            json={
                "query": 'mutation ProbeLogIn($p: String!) { logIn(email: "x@example.com", password: $p) { accessToken } }',
                "operationName": "ProbeLogIn",
                "variables": {"p": SECRET["variable_password"]},
            },
            timeout=30,
        ).json()
    finally:
        server.stop()
    error = body["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    reference = error["extensions"]["reference"]
    lines = [line for line in Path(server.log.name).read_text().splitlines() if reference in line]
    assert len(lines) == 1, lines
    assert re.search(r"^INFO .*UNAUTHENTICATED.*ProbeLogIn", lines[0]), lines[0]
    assert SECRET["variable_password"] not in Path(server.log.name).read_text()
