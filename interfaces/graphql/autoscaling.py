"""GraphQL mutations of services' autoscaling and organisations' prices (issue 16)."""

from __future__ import annotations

from typing import Any

from application import commands as c
from application.bus import CommandResult
from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import entity, mutation
from interfaces.graphql.rows import input_type
from interfaces.graphql.types import Autoscaling, Organization

MetricTargetInput = input_type(
    c.MetricTargetInput,
    "MetricTargetInput",
    "A metric to scale on and the average per replica to steer towards: `cpu` or `memory` "
    "in % of the replica's request, `requests_per_second`, `error_rate` in %, or `custom` "
    "(a Prometheus metric the service exposes, by `name`).",
)
ScalePolicyInput = input_type(
    c.ScalePolicyInput,
    "ScalePolicyInput",
    "At most `value` replicas (`kind: pods`) or percent of them (`percent`) changed per "
    "`periodSeconds` (1 to 1800).",
)
ScalingRulesInput = input_type(
    c.ScalingRulesInput,
    "ScalingRulesInput",
    "One direction's behaviour: a stabilisation window, rate policies and which wins "
    "(`select`: max, min or disabled); left out: Kubernetes' defaults.",
    inputs={c.ScalePolicyInput: ScalePolicyInput},
)
INPUTS: dict[type, type] = {
    c.MetricTargetInput: MetricTargetInput,
    c.ScalingRulesInput: ScalingRulesInput,
}


def _autoscaling(context: GqlContext, result: CommandResult, command: Any) -> Any:
    return context.reads.dashboard.autoscaling(command.service_id)


def _organization(context: GqlContext, result: CommandResult, command: Any) -> Any:
    return entity(context.reads, "organization", command.organization_id, "id")


set_autoscaling = mutation(
    c.SetAutoscaling,
    "service_id min_replicas max_replicas metrics scale_up scale_down hourly_budget",
    Autoscaling | None,
    result=_autoscaling,
    inputs=INPUTS,
    description="Scale a service by its metrics with Kubernetes HPA semantics, every 15 s: "
    "between minReplicas (may be 0) and maxReplicas, towards a target per metric, smoothed "
    "by the scale-up and scale-down behaviour (windows and policies), and never past the "
    "hourly budget (the organisation's prices make a replica's cost from its requests).",
)
remove_autoscaling = mutation(
    c.RemoveAutoscaling,
    "service_id",
    Autoscaling | None,
    result=_autoscaling,
    description="Scale a service by hand only again (its replica count stays as it is).",
)
set_prices = mutation(
    c.SetPrices,
    "id=organization_id vcpu_hour gb_hour",
    Organization,
    result=_organization,
    description="What a vCPU-hour and a GB-hour of memory cost in the organisation: replica "
    "costs and autoscaling budgets are reckoned from them.",
)
