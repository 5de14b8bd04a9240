"""Autoscaling over GraphQL (issue 16): prices and a policy are set and read back on the
service, with the defaults of Kubernetes' behaviour; bad policies get a coded error naming
the argument and change nothing; removing the policy leaves the replica count alone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from application.services import Services
from application.settings import Settings
from tests.e2e.client import Client
from tests.e2e.conftest import in_process

SET = """mutation($s: ID!, $min: Int! = 1, $max: Int! = 6, $m: [MetricTargetInput!]!,
  $up: ScalingRulesInput, $down: ScalingRulesInput, $budget: Float) {
  setAutoscaling(serviceId: $s, minReplicas: $min, maxReplicas: $max, metrics: $m,
    scaleUp: $up, scaleDown: $down, hourlyBudget: $budget) {
    serviceId enabled minReplicas maxReplicas metrics scaleUp scaleDown hourlyBudget
    cappedByBudget budgetWarning unavailableMetrics lastExplanation } }"""
CPU = [{"metric": "cpu", "target": 60}]


@pytest.fixture
def setup(sqlite_settings: Settings) -> Iterator[tuple[Services, Client]]:
    with in_process(sqlite_settings) as served:
        yield served


def service(client: Client, resources: bool = True) -> tuple[str, str]:
    """A web service (with CPU and memory requests) and its organisation's id."""
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    project = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }', o=org
    )["createProject"]["id"]
    settings: dict[str, Any] = {"image": "nginx:1.27", "port": 80}
    if resources:
        settings["resources"] = {"cpuRequestMillis": 500, "memoryRequestMb": 512}
    created = client(
        'mutation($p: ID!, $s: ServiceInput!) { createService(projectId: $p, name: "web", '
        'kind: "web", settings: $s) { id } }',
        p=project,
        s=settings,
    )
    return created["createService"]["id"], org


def test_a_policy_is_set_and_shown_on_the_service_with_the_default_behaviour(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    web, org = service(client)
    prices = client(
        "mutation($o: ID!) { setPrices(id: $o, vcpuHour: 0.04, gbHour: 0.01) { vcpuHourPrice "
        "gbHourPrice } }",
        o=org,
    )["setPrices"]
    assert prices == {"vcpuHourPrice": 0.04, "gbHourPrice": 0.01}
    policy = client(
        SET,
        s=web,
        m=[*CPU, {"metric": "requests_per_second", "target": 50}],
        down={"stabilizationSeconds": 120},
        budget=0.5,
    )["setAutoscaling"]
    assert policy["enabled"] and (policy["minReplicas"], policy["maxReplicas"]) == (1, 6)
    assert policy["metrics"] == [
        {"metric": "cpu", "target": 60.0, "name": ""},
        {"metric": "requests_per_second", "target": 50.0, "name": ""},
    ]
    assert policy["scaleUp"] == {
        "stabilization_seconds": 0,
        "select": "max",
        "policies": [
            {"kind": "percent", "value": 100, "period_seconds": 15},
            {"kind": "pods", "value": 4, "period_seconds": 15},
        ],
    }
    assert policy["scaleDown"]["stabilization_seconds"] == 120
    assert policy["scaleDown"]["policies"] == [
        {"kind": "percent", "value": 100, "period_seconds": 15}
    ]
    assert policy["hourlyBudget"] == 0.5
    shown = client(
        "query($s: ID!) { service(id: $s) { autoscaling { enabled maxReplicas "
        "lastExplanation } } }",
        s=web,
    )["service"]["autoscaling"]
    assert shown == {"enabled": True, "maxReplicas": 6, "lastExplanation": ""}
    removed = client("mutation($s: ID!) { removeAutoscaling(serviceId: $s) { enabled } }", s=web)[
        "removeAutoscaling"
    ]
    assert removed == {"enabled": False}
    replicas = client("query($s: ID!) { service(id: $s) { spec } }", s=web)["service"]
    assert replicas["spec"]["replicas"] == 1


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"min": 4, "max": 2}, "minReplicas"),
        ({"m": [{"metric": "cpu", "target": 0}]}, "metrics.target"),
        ({"m": [{"metric": "requests_per_second", "target": -1}]}, "metrics.target"),
        ({"m": [{"metric": "latency", "target": 5}]}, "metrics[0].metric"),
        ({"m": [{"metric": "custom", "target": 5}]}, "metrics.name"),
        # The service exposes no metrics endpoint: it has no custom metrics.
        ({"m": [{"metric": "custom", "target": 5, "name": "queue_depth"}]}, "metrics.metric"),
        ({"m": []}, "metrics"),
        ({"budget": 0.001}, "hourlyBudget"),
        ({"up": {"policies": [{"kind": "pods", "value": 1, "periodSeconds": 3600}]}},
         "scaleUp.policies.periodSeconds"),
    ],
)  # fmt: skip
def test_bad_policies_get_a_coded_error_naming_the_argument_and_change_nothing(
    setup: tuple[Services, Client], variables: dict[str, Any], argument: str
) -> None:
    app, client = setup
    web, org = service(client)
    client("mutation($o: ID!) { setPrices(id: $o, vcpuHour: 0.04, gbHour: 0.01) { id } }", o=org)
    before = app.events.head()
    body = client.raw(SET, {"s": web, "m": CPU, **variables})
    [error] = body["errors"]
    assert error["extensions"]["code"] in ("INVALID_INPUT", "VALIDATION_FAILED"), error
    assert error["extensions"].get("argument") == argument, error
    assert app.events.head() == before


def test_a_cpu_target_on_a_service_without_requests_is_refused(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    web, _ = service(client, resources=False)
    before = app.events.head()
    body = client.raw(SET, {"s": web, "m": CPU})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED", error
    assert "requests none" in error["message"]
    assert app.events.head() == before


def test_negative_prices_are_refused(setup: tuple[Services, Client]) -> None:
    app, client = setup
    _, org = service(client)
    before = app.events.head()
    body = client.raw(
        "mutation($o: ID!) { setPrices(id: $o, vcpuHour: -1, gbHour: 0.01) { id } }", {"o": org}
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED", error
    assert error["extensions"].get("argument") == "vcpuHour", error
    assert app.events.head() == before
