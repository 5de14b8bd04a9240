"""The audit log never files secret material: no hash, no sealed value, for anyone."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from application.services import Services
from projections.history import is_secret_field
from tests.e2e.client import Client
from tests.integration.deploy_support import AppRepository


def make_secrets(client: Client, where: Path) -> str:
    """Every kind of event that carries secret material; the organisation's id."""
    repository = AppRepository(where / "a")
    repository.commit("1")
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    client('mutation { createApiToken(name: "ci", scopes: ["read"]) { token } }')
    client(
        'mutation($o: ID!) { inviteMember(organizationId: $o, email: "new@example.com") { token } }',
        o=org,
    )
    cluster = client(
        """mutation($o: ID!) { registerCluster(organizationId: $o, name: "pve",
        url: "https://127.0.0.1:8006", tokenId: "root@pam!ci", tokenSecret: "pve-secret-1") { id } }""",
        o=org,
    )["registerCluster"]["id"]
    client(
        'mutation($c: ID!) { updateClusterCredentials(id: $c, tokenId: "root@pam!ci", tokenSecret: "pve-secret-2") { id } }',
        c=cluster,
    )
    project = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id environments { id } } }',
        o=org,
    )["createProject"]
    service = client(
        """mutation($p: ID!, $url: String!) { createService(projectId: $p, name: "web", kind: "web", settings: {
        git: {repositoryUrl: $url}, repositoryToken: "ghp_first", port: 80}) { id } }""",
        p=project["id"],
        url=repository.url,
    )["createService"]["id"]
    client(
        'mutation($s: ID!) { updateService(id: $s, settings: {repositoryToken: "ghp_second"}) { id } }',
        s=service,
    )
    client(
        'mutation($p: ID!, $e: ID!) { setVariables(projectId: $p, environmentId: $e, values: {DB_PASSWORD: "hunter2"}) { name } }',
        p=project["id"],
        e=project["environments"][0]["id"],
    )
    return str(org)


def secret_material(app: Services) -> dict[str, set[str]]:
    """What the events hold in their secret fields (hashes, sealed values), by field."""
    found: dict[str, set[str]] = {}
    for event in app.events.read(after=0, limit=10_000):
        for name, value in event.fields.items():
            if event.type.endswith("VariableSet.Changed") and name == "set":
                found.setdefault("set", set()).update(value.values())
            elif is_secret_field(name) and isinstance(value, str):
                found.setdefault(name, set()).add(value)
    return found


def wait_for_audit(app: Services) -> list[Any]:
    deadline = time.monotonic() + 20
    while True:
        rows = app.history.timeline(limit=10_000, include_internal=True)
        if len(rows) >= app.events.head() or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


def test_no_audit_entry_holds_a_hash_or_a_sealed_value(
    setup: tuple[Services, Client], tmp_path: Path
) -> None:
    app, client = setup
    org = make_secrets(client, tmp_path)
    material = secret_material(app)
    # every kind was made (or this test would prove nothing)
    assert {"password_hash", "token_hash", "token_secret", "repository_token", "set"} <= set(
        material
    ), sorted(material)
    rows = wait_for_audit(app)
    assert len(rows) >= app.events.head()
    filed = json.dumps([row.details for row in rows])
    leaked = {name for name, values in material.items() if any(v in filed for v in values)}
    assert not leaked, f"audit details hold {sorted(leaked)}"
    # and what clients read: the organisation's timeline as its owner sees it
    answer = client(
        "query($o: ID!) { auditLog(organizationId: $o, first: 200) { nodes { action details } } }",
        o=org,
    )
    read = json.dumps(answer)
    assert not {name for name, values in material.items() if any(v in read for v in values)}
    sealed = [e["details"] for e in answer["auditLog"]["nodes"] if "tokenSecret" in str(e)]
    assert all(d.get("token_secret") in ("sealed", None) for d in sealed)


def test_the_audit_still_says_what_happened_to_a_secret(
    setup: tuple[Services, Client], tmp_path: Path
) -> None:
    app, client = setup
    make_secrets(client, tmp_path)
    rows = wait_for_audit(app)
    by_action = {row.action: row.details for row in rows}
    assert by_action["Cluster.Registered"]["token_secret"] == "sealed"
    assert by_action["Cluster.Registered"]["token_id"] == "root@pam!ci"
    assert by_action["Service.RepositoryTokenChanged"]["repository_token"] == "sealed"
    assert by_action["VariableSet.Changed"]["set"] == ["DB_PASSWORD"]
    assert by_action["Organization.Invited"]["email"] == "new@example.com"
    assert "token_hash" not in by_action["Organization.Invited"]
    assert "token_hash" not in by_action["User.ApiTokenCreated"]
    assert "password_hash" not in by_action["User.Registered"]
