"""Cost over GraphQL (issue 16): a project's hourly budget and placement preference are set
and read back on the project; a budget below the services' minimum replicas, a zero or
negative budget and an unknown placement get a coded error naming the argument and change
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from application.services import Services
from application.settings import Settings
from tests.e2e.client import Client
from tests.e2e.conftest import in_process

BUDGET = """mutation($p: ID!, $budget: Float) { setProjectBudget(id: $p, hourlyBudget: $budget)
  { id hourlyBudget budgetWarning placement } }"""
PLACEMENT = """mutation($p: ID!, $placement: String!) {
  setProjectPlacement(id: $p, placement: $placement) { id placement } }"""
SHOWN = "query($p: ID!) { project(id: $p) { hourlyBudget budgetWarning placement } }"


@pytest.fixture
def setup(sqlite_settings: Settings) -> Iterator[tuple[Services, Client]]:
    with in_process(sqlite_settings) as served:
        yield served


def project(client: Client) -> str:
    """A project with a web service of 2 replicas at 0.025 per hour each (0.05 in all)."""
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    client("mutation($o: ID!) { setPrices(id: $o, vcpuHour: 0.04, gbHour: 0.01) { id } }", o=org)
    found = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }', o=org
    )["createProject"]["id"]
    settings: dict[str, Any] = {
        "image": "nginx:1.27",
        "port": 80,
        "replicas": 2,
        "resources": {"cpuRequestMillis": 500, "memoryRequestMb": 512},
    }
    client(
        'mutation($p: ID!, $s: ServiceInput!) { createService(projectId: $p, name: "web", '
        'kind: "web", settings: $s) { id } }',
        p=found,
        s=settings,
    )
    return str(found)


def test_a_budget_and_a_placement_are_set_and_shown_on_the_project(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    p = project(client)
    assert client(SHOWN, p=p)["project"] == {
        "hourlyBudget": None,
        "budgetWarning": False,
        "placement": "spread",
    }
    set_ = client(BUDGET, p=p, budget=0.05)["setProjectBudget"]
    assert set_["hourlyBudget"] == 0.05 and not set_["budgetWarning"]
    assert client(PLACEMENT, p=p, placement="pack")["setProjectPlacement"]["placement"] == "pack"
    assert client(SHOWN, p=p)["project"]["hourlyBudget"] == 0.05
    assert client(BUDGET, p=p, budget=None)["setProjectBudget"]["hourlyBudget"] is None


@pytest.mark.parametrize(
    ("document", "variables", "argument", "says"),
    [
        (BUDGET, {"budget": 0.049}, "hourlyBudget", "below the cost of the project's services"),
        (BUDGET, {"budget": 0}, "hourlyBudget", "must be above 0"),
        (BUDGET, {"budget": -1}, "hourlyBudget", "must be above 0"),
        (PLACEMENT, {"placement": "heap"}, "placement", ""),
    ],
)
def test_bad_cost_settings_get_a_coded_error_naming_the_argument_and_change_nothing(
    setup: tuple[Services, Client],
    document: str,
    variables: dict[str, Any],
    argument: str,
    says: str,
) -> None:
    _, client = setup
    p = project(client)
    body = client.raw(document, {"p": p, **variables})
    [error] = body["errors"]
    assert error["extensions"]["code"] in ("INVALID_INPUT", "VALIDATION_FAILED"), error
    assert error["extensions"].get("argument") == argument, error
    assert says in error["message"]
    assert client(SHOWN, p=p)["project"] == {
        "hourlyBudget": None,
        "budgetWarning": False,
        "placement": "spread",
    }


def test_a_project_budget_without_prices_is_refused(setup: tuple[Services, Client]) -> None:
    _, client = setup
    p = project(client)
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    client("mutation($o: ID!) { setPrices(id: $o, vcpuHour: 0, gbHour: 0) { id } }", o=org)
    body = client.raw(BUDGET, {"p": p, "budget": 5})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED", error
    assert error["extensions"].get("argument") == "hourlyBudget", error
    assert "needs prices" in error["message"]
    assert client(SHOWN, p=p)["project"]["hourlyBudget"] is None


def test_the_month_cost_of_a_service_and_its_project_is_shown(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    p = project(client)
    shown = client(
        "query($p: ID!) { project(id: $p) { monthCost { soFar rest total hourlyRate "
        "replicaHours monthStart monthEnd } services { monthCost { total } } } }",
        p=p,
    )["project"]
    cost = shown["monthCost"]
    # nothing was released yet: nothing ran, nothing is running
    assert (cost["soFar"], cost["rest"], cost["total"], cost["hourlyRate"]) == (0, 0, 0, 0)
    assert cost["monthStart"] < cost["monthEnd"]
    assert shown["services"] == [{"monthCost": {"total": 0.0}}]


ESTIMATE = """query($s: ID!, $min: Int! = 1, $max: Int! = 4, $m: [MetricTargetInput!]!,
  $budget: Float, $days: Int! = 1) {
  estimateAutoscaling(serviceId: $s, minReplicas: $min, maxReplicas: $max, metrics: $m,
    hourlyBudget: $budget, days: $days) {
    stepSeconds estimatedCost actualCost scaleChanges points { at estimated actual } } }"""
CPU = [{"metric": "cpu", "target": 60}]


def web_service(client: Client, p: str) -> str:
    found = client("query($p: ID!) { project(id: $p) { services { id } } }", p=p)
    return str(found["project"]["services"][0]["id"])


def test_an_estimate_replays_a_policy_over_the_days_of_metrics(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    web = web_service(client, project(client))
    impact = client(ESTIMATE, s=web, m=CPU)["estimateAutoscaling"]
    # no metrics recorded: every step unavailable, so the policy holds its starting count (the
    # minimum, as nothing ran); nothing was released, so nothing ran and nothing cost
    assert impact["stepSeconds"] == 15 and len(impact["points"]) == 24 * 60 * 4 + 1
    assert {(p["estimated"], p["actual"]) for p in impact["points"]} == {(1, 0)}
    assert impact["actualCost"] == 0 and impact["scaleChanges"] == 0
    assert impact["estimatedCost"] == pytest.approx(24 * 0.025, rel=1e-3)


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"min": 5, "max": 2}, "minReplicas"),
        ({"m": [{"metric": "cpu", "target": -5}]}, "metrics.target"),
        ({"m": []}, "metrics"),
        ({"budget": 0.01}, "hourlyBudget"),  # below the minimum replica's 0.025
        ({"days": 0}, "days"),
        ({"days": 30}, "days"),
    ],
)
def test_a_bad_policy_to_estimate_gets_the_error_saving_it_would(
    setup: tuple[Services, Client], variables: dict[str, Any], argument: str
) -> None:
    _, client = setup
    web = web_service(client, project(client))
    body = client.raw(ESTIMATE, {"s": web, "m": CPU, **variables})
    [error] = body["errors"]
    assert error["extensions"]["code"] in ("INVALID_INPUT", "VALIDATION_FAILED"), error
    assert error["extensions"].get("argument") == argument, error
    shown = client("query($s: ID!) { service(id: $s) { autoscaling { enabled } } }", s=web)
    assert shown["service"]["autoscaling"] is None


NODE_PRICES = """mutation($n: ID!, $vcpu: Float, $gb: Float) {
  setNodePrices(id: $n, vcpuHour: $vcpu, gbHour: $gb) { id vcpuHourPrice gbHourPrice } }"""


def a_node(client: Client) -> str:
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    return str(
        client(
            'mutation($o: ID!) { registerNode(organizationId: $o, name: "big", '
            'endpoint: "tcp://10.1.1.1:2376", cpuMillis: 4000, memoryMb: 8192) { id } }',
            o=org,
        )["registerNode"]["id"]
    )


def test_a_node_has_its_own_prices_or_the_organisations(setup: tuple[Services, Client]) -> None:
    _, client = setup
    node = a_node(client)
    priced = client(NODE_PRICES, n=node, vcpu=0.08, gb=0.02)["setNodePrices"]
    assert (priced["vcpuHourPrice"], priced["gbHourPrice"]) == (0.08, 0.02)
    cleared = client(NODE_PRICES, n=node)["setNodePrices"]
    assert (cleared["vcpuHourPrice"], cleared["gbHourPrice"]) == (None, None)


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"vcpu": 0.08}, "gbHour"),
        ({"gb": 0.01}, "vcpuHour"),
        ({"vcpu": -1, "gb": 0.01}, "vcpuHour"),
    ],
)
def test_bad_node_prices_are_refused_and_change_nothing(
    setup: tuple[Services, Client], variables: dict[str, Any], argument: str
) -> None:
    _, client = setup
    node = a_node(client)
    body = client.raw(NODE_PRICES, {"n": node, **variables})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED", error
    assert error["extensions"].get("argument") == argument, error
    shown = client("query($n: ID!) { node(id: $n) { vcpuHourPrice gbHourPrice } }", n=node)
    assert shown["node"] == {"vcpuHourPrice": None, "gbHourPrice": None}
