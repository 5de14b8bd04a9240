"""GraphQL mutations of services' autoscaling and organisations' prices (issue 16)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from application import commands as c
from application.bus import CommandResult
from application.errors import ApplicationError, DomainError
from application.impact import Impact as ImpactRow
from application.impact import ImpactPoint as ImpactPointRow
from interfaces.graphql.context import GqlContext
from interfaces.graphql.errors import argument_error
from interfaces.graphql.fields import (
    Arg,
    _command_data,
    _field,
    args,
    argument_path,
    entity,
    mutation,
)
from interfaces.graphql.rows import input_type, object_type
from interfaces.graphql.types import Autoscaling, Node, Organization, Project, ctx

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
    "service_id min_replicas max_replicas metrics scale_up scale_down hourly_budget "
    "idle_timeout_seconds",
    Autoscaling | None,
    result=_autoscaling,
    inputs=INPUTS,
    description="Scale a service by its metrics with Kubernetes HPA semantics, every 15 s: "
    "between minReplicas and maxReplicas (minReplicas 0 with idleTimeoutSeconds: a web "
    "service with no request for that long sleeps at 0, and its next request wakes it), "
    "towards a target per metric, smoothed by the scale-up and scale-down behaviour (windows "
    "and policies), and never past the hourly budget (the organisation's prices make a "
    "replica's cost from its requests).",
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


def _node(context: GqlContext, result: CommandResult, command: Any) -> Any:
    return entity(context.reads, "node", command.node_id, "id")


set_node_prices = mutation(
    c.SetNodePrices,
    "id=node_id vcpu_hour gb_hour",
    Node,
    result=_node,
    description="What a vCPU-hour and a GB-hour cost on one node, over the organisation's "
    "prices: its replicas cost these in the month's cost and the autoscaler's budgets. "
    "Leave both out to use the organisation's again.",
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


if TYPE_CHECKING:
    ImpactPoint = ImpactPointRow
    Impact = ImpactRow
else:
    ImpactPoint = object_type(
        ImpactPointRow,
        "ImpactPoint",
        "At one evaluation: the replicas the policy would have run, and those that ran.",
    )

    def _points(root: ImpactRow) -> list[ImpactPoint]:
        return root.points

    Impact = object_type(
        ImpactRow,
        "Impact",
        "What an autoscaling policy would have done over past days of a service's metrics, "
        "beside what ran: the replica counts per step and the cost of each.",
        fields={"points": strawberry.field(resolver=_points)},
    )

_ESTIMATE = [
    *args(
        "service_id min_replicas max_replicas metrics scale_up scale_down hourly_budget",
        c.SetAutoscaling,
        INPUTS,
    ),
    Arg("days", "days", int, 1),
]


def _estimate(info: Info[GqlContext, None], **values: Any) -> Any:
    context = ctx(info)
    context.cacheable = False  # a replay over the metrics, not a read-model row
    try:
        data = _command_data(context, _ESTIMATE, values)
        days = data.pop("days", 1)
        policy = c.build_command(c.SetAutoscaling, data)
        return context.reads.estimate_autoscaling(policy, days, context.clock.now())
    except (DomainError, ApplicationError) as error:
        if error.field is None:
            raise
        raise argument_error(error, argument_path(error.field, _ESTIMATE)) from None


estimate_autoscaling = _field(
    _estimate,
    _ESTIMATE,
    Impact,
    "Before a policy is saved: replay it over the service's last `days` (1 to 7) of recorded "
    "metrics with the autoscaler's own rules (every 15 s over a day, every minute beyond) and "
    "return the replica counts and cost it would have produced beside what ran. The load "
    "measured at the count that ran is spread over the count the policy would have run. Bad "
    "policies get the errors saving them would.",
)
