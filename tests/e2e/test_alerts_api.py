"""Alerts over GraphQL (issue 17): a rule is created, read back and changed; an incident is
listed open with its timeline, acknowledged once; a silence is made and ended; bad rules get
a coded error naming the setting and change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from application import commands as c
from application.bus import Context
from application.services import Services
from application.settings import Settings
from tests.e2e.client import Client
from tests.e2e.conftest import in_process

CREATE = """mutation($o: ID!, $s: AlertRuleInput!) {
  createAlertRule(organizationId: $o, settings: $s) {
    id name severity kind metric comparator threshold forSeconds projectId description } }"""
CPU: dict[str, Any] = {
    "name": "CPU high",
    "severity": "critical",
    "metric": "cpu_percent_of_request",
    "comparator": ">",
    "threshold": 90,
    "forSeconds": 300,
}
RULES = "query($o: ID!) { alertRules(organizationId: $o) { id name } }"


@pytest.fixture
def setup(sqlite_settings: Settings) -> Iterator[tuple[Services, Client]]:
    with in_process(sqlite_settings) as served:
        yield served


def organization(client: Client) -> tuple[str, str]:
    """The caller's organisation and a project in it."""
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    project = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }', o=org
    )["createProject"]["id"]
    return org, project


def test_a_rule_is_created_read_back_and_changed(setup: tuple[Services, Client]) -> None:
    _, client = setup
    org, project = organization(client)
    rule = client(CREATE, o=org, s={**CPU, "projectId": project})["createAlertRule"]
    assert rule["kind"] == "metric" and rule["comparator"] == ">" and rule["threshold"] == 90.0
    assert rule["description"] == "CPU (% of request) > 90 for 300 s"
    assert client(RULES, o=org)["alertRules"] == [{"id": rule["id"], "name": "CPU high"}]
    changed = client(
        "mutation($r: ID!, $s: AlertRuleInput!) { updateAlertRule(id: $r, settings: $s) "
        "{ name threshold forSeconds } }",
        r=rule["id"],
        s={**CPU, "name": "CPU very high", "threshold": 95, "forSeconds": 60},
    )["updateAlertRule"]
    assert changed == {"name": "CPU very high", "threshold": 95.0, "forSeconds": 60}
    assert client("mutation($r: ID!) { deleteAlertRule(id: $r) }", r=rule["id"])
    assert client(RULES, o=org)["alertRules"] == []


def test_an_open_incident_is_listed_with_its_timeline_and_acknowledged_once(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    org, _ = organization(client)
    rule = client(CREATE, o=org, s=CPU)["createAlertRule"]["id"]
    opened = app.execute(  # as the alert process opens one
        c.OpenIncident(
            rule_id=UUID(rule),
            subject="node:x",
            trigger="node:x",
            title="CPU high on web",
            started_at=datetime.now(UTC),
            fire=True,
            value=97.5,
        ),
        Context(actor="system:alerts"),  # type: ignore[arg-type]
    )
    app.wait_for(opened.position or 0)
    incidents = client(
        "query($o: ID!) { incidents(organizationId: $o, open: true) { id status value "
        "threshold timeline { status value } notifications { key } } }",
        o=org,
    )["incidents"]
    [incident] = incidents
    assert incident["status"] == "firing" and incident["value"] == 97.5
    assert incident["threshold"] == 90.0
    assert [s["status"] for s in incident["timeline"]] == ["pending", "firing"]
    assert incident["notifications"] == []
    ack = "mutation($i: ID!) { acknowledgeIncident(id: $i) { acknowledgedBy timeline { status } } }"
    first = client(ack, i=incident["id"])["acknowledgeIncident"]
    assert first["acknowledgedBy"].startswith("user:")
    again = client(ack, i=incident["id"])["acknowledgeIncident"]
    assert again == first  # once


def test_a_silence_is_made_and_ended(setup: tuple[Services, Client]) -> None:
    _, client = setup
    org, project = organization(client)
    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    silence = client(
        "mutation($o: ID!, $p: ID!, $t: DateTime!) { createSilence(organizationId: $o, "
        'projectId: $p, endsAt: $t, comment: "migration") { id comment expired } }',
        o=org,
        p=project,
        t=later,
    )["createSilence"]
    assert silence["comment"] == "migration" and not silence["expired"]
    ended = client("mutation($s: ID!) { expireSilence(id: $s) { expired } }", s=silence["id"])[
        "expireSilence"
    ]
    assert ended == {"expired": True}
    body = client.raw(
        "mutation($s: ID!) { expireSilence(id: $s) { expired } }", {"s": silence["id"]}
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "CONFLICT", error


BAD_RULES: list[tuple[dict[str, Any], str]] = [
    ({"metric": "cpu_load"}, "settings.metric"),
    ({"threshold": -5}, "settings.threshold"),
    ({"forSeconds": 90_000}, "settings.forSeconds"),
    ({"forSeconds": -1}, "settings.forSeconds"),
    ({"comparator": "=="}, "settings.comparator"),
    ({"metric": "custom", "customMetric": "has spaces"}, "settings.customMetric"),
    ({"name": " "}, "settings.name"),
    ({"projectId": "00000000-0000-4000-8000-000000000001"}, "settings.projectId"),
    ({"kind": "event", "event": "deployment_failed", "metric": None, "comparator": None,
      "threshold": None, "forSeconds": 0, "resolveAfterSeconds": 5},
     "settings.resolveAfterSeconds"),
]  # fmt: skip


def test_bad_rules_get_a_coded_error_naming_the_setting_and_change_nothing(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    org, _ = organization(client)
    for changes, argument in BAD_RULES:  # one server for them all (each refusal is cheap)
        body = client.raw(CREATE, {"o": org, "s": {**CPU, **changes}})
        [error] = body["errors"]
        # An id that names nothing is NOT_FOUND (the read gate reads every id a mutation takes).
        code = error["extensions"]["code"]
        assert code in ("INVALID_INPUT", "VALIDATION_FAILED", "NOT_FOUND"), (changes, error)
        assert error["extensions"].get("argument") == argument, (changes, error)
    assert client(RULES, o=org)["alertRules"] == []


def test_a_scope_in_another_organisation_is_refused(setup: tuple[Services, Client]) -> None:
    _, client = setup
    org, _ = organization(client)
    other = client('mutation { createOrganization(name: "Other") { id } }')["createOrganization"][
        "id"
    ]
    foreign = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Theirs") { id } }', o=other
    )["createProject"]["id"]
    body = client.raw(CREATE, {"o": org, "s": {**CPU, "projectId": foreign}})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED", error  # the caller owns both
    assert error["extensions"].get("argument") == "settings.projectId", error
    assert client(RULES, o=org)["alertRules"] == []
