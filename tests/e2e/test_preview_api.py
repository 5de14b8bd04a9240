"""Previews over GraphQL (issue 14): the policy is set and read back with its overrides'
names only; bad settings get a coded error naming the field and change nothing; removing a
preview that is not active is refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from application.services import Services
from application.settings import Settings
from tests.e2e.client import Client
from tests.e2e.conftest import in_process

SET_POLICY = """mutation($p: ID!, $ttl: Int! = 7, $pct: Float, $o: JSON, $base: ID,
  $when: String! = "remove_oldest") {
  setPreviewPolicy(projectId: $p, enabled: true, ttlDays: $ttl, minFreeDiskPercent: $pct,
    overrides: $o, baseEnvironmentId: $base, whenFull: $when, limit: 3) {
    enabled ttlDays limit whenFull minFreeDiskPercent overrideNames baseEnvironmentId } }"""


@pytest.fixture
def setup(sqlite_settings: Settings) -> Iterator[tuple[Services, Client]]:
    with in_process(sqlite_settings) as served:
        yield served


def project(client: Client) -> dict[str, Any]:
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    return client(  # type: ignore[no-any-return]
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id '
        "environments { id name } } }",
        o=org,
    )["createProject"]


def test_the_policy_is_set_and_read_back_without_override_values(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    shop = project(client)
    assert client("query($p: ID!) { previewPolicy(projectId: $p) { enabled } }", p=shop["id"]) == {
        "previewPolicy": None
    }
    policy = client(
        SET_POLICY, p=shop["id"], ttl=3, pct=12.5, o={"STRIPE_KEY": "sk_test_secret_value"}
    )["setPreviewPolicy"]
    assert policy == {
        "enabled": True,
        "ttlDays": 3,
        "limit": 3,
        "whenFull": "remove_oldest",
        "minFreeDiskPercent": 12.5,
        "overrideNames": ["STRIPE_KEY"],
        "baseEnvironmentId": None,
    }
    assert "sk_test_secret_value" not in repr(app.events.read(after=0, limit=10_000))
    # Overrides left out are kept.
    again = client(SET_POLICY, p=shop["id"], ttl=4)["setPreviewPolicy"]
    assert (again["ttlDays"], again["overrideNames"]) == (4, ["STRIPE_KEY"])
    assert client("query($p: ID!) { previews(projectId: $p) { id } }", p=shop["id"]) == {
        "previews": []
    }


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"ttl": 0}, "ttlDays"),
        ({"pct": 101.0}, "minFreeDiskPercent"),
        ({"when": "sometimes"}, "whenFull"),
        ({"o": {"1BAD": "x"}}, "overrides"),
    ],
)
def test_bad_settings_get_a_coded_error_naming_the_field_and_change_nothing(
    setup: tuple[Services, Client], variables: dict[str, Any], field: str
) -> None:
    app, client = setup
    shop = project(client)
    before = app.events.head()
    body = client.raw(SET_POLICY, {"p": shop["id"], **variables})
    [error] = body["errors"]
    assert error["extensions"]["code"] in ("INVALID_INPUT", "VALIDATION_FAILED"), error
    assert error["extensions"].get("argument") == field, error
    assert app.events.head() == before


def test_a_base_environment_of_another_project_is_not_found(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    shop, other = project(client), None
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    other = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Other") { id '
        "environments { id } } }",
        o=org,
    )["createProject"]
    before = app.events.head()
    body = client.raw(SET_POLICY, {"p": shop["id"], "base": other["environments"][0]["id"]})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND", error
    assert app.events.head() == before


def test_removing_an_unknown_preview_is_not_found(setup: tuple[Services, Client]) -> None:
    _, client = setup
    body = client.raw(
        'mutation { removePreview(id: "7b0c8f3e-0000-4000-8000-000000000000") { id } }'
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
