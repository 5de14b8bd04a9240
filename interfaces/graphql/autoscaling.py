"""GraphQL mutations of services' autoscaling and organisations' prices (issue 16)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from application import commands as c
from application.bus import CommandResult
from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import entity, mutation
from interfaces.graphql.rows import input_type
from interfaces.graphql.types import Autoscaling, Organization, Project

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


def _project(context: GqlContext, result: CommandResult, command: Any) -> Any:
    return entity(context.reads, "project", command.project_id, "id")


def _project_services(context: GqlContext, data: dict[str, Any]) -> list[UUID]:
    """The project's live services, from the read model (their minimum replicas are checked
    against the budget); the caller never names them."""
    try:
        project_id = UUID(str(data.get("project_id")))
    except ValueError:
        return []  # the command's own decoding names the bad id
    return [row.id for row in context.reads.dashboard.services_of([project_id])]


set_project_budget = mutation(
    c.SetProjectBudget,
    "id=project_id hourly_budget",
    Project,
    result=_project,
    derived={"service_ids": _project_services},
    description="What a project's services may cost per hour together (leave hourlyBudget out "
    "for no cap): the autoscaler never scales them past it, records capped by budget naming "
    "the project budget, and marks 80 % of it. It must pay for the services' minimum "
    "replicas (an autoscaled service's minimum, another's replica count).",
)
set_project_placement = mutation(
    c.SetProjectPlacement,
    "id=project_id placement",
    Project,
    result=_project,
    description="Where a project's replicas go: `pack` onto the fullest nodes they fit "
    "(fewer nodes busy, cheaper) or `spread` onto the least loaded (the default). Replicas "
    "of one service still go to different nodes first; releases placed from now on follow it.",
)
