"""Handlers for services' autoscaling and organisations' prices (issue 16)."""

from __future__ import annotations

from uuid import UUID

from application import commands as c
from application.errors import InvalidValueError, NotFoundError
from application.handlers.common import live_project, live_service
from application.handlers.services import scale_service
from application.unit_of_work import UnitOfWork
from domain.autoscaling import (
    AutoscalingPolicy,
    MetricKind,
    MetricTarget,
    Prices,
    ScalePolicy,
    ScalingRules,
    check_project_budget,
    default_scale_down,
    default_scale_up,
)
from domain.errors import RuleViolatedError
from domain.node import Node
from domain.organization import Organization
from domain.project import Project
from domain.service import Service
from domain.service_autoscaling import ServiceAutoscaling
from domain.service_spec import ServiceKind

SCALABLE = (ServiceKind.WEB, ServiceKind.WORKER)
SERVED = (MetricKind.REQUESTS, MetricKind.ERROR_RATE)
"""Metrics measured at the ingress (per route)."""
"""Kinds whose replica count may follow their load (a database or a cron job's may not)."""


def _rules(given: c.ScalingRulesInput | None, default: ScalingRules) -> ScalingRules:
    if given is None:
        return default
    policies = (
        default.policies
        if given.policies is None
        else tuple(ScalePolicy(p.kind, p.value, p.period_seconds) for p in given.policies)
    )
    window = (
        default.stabilization_seconds
        if given.stabilization_seconds is None
        else given.stabilization_seconds
    )
    return ScalingRules(window, policies, given.select)


def policy_of(cmd: c.SetAutoscaling) -> AutoscalingPolicy:
    """The domain policy a command describes (defaults filled in, not yet checked)."""
    return AutoscalingPolicy(
        min_replicas=cmd.min_replicas,
        max_replicas=cmd.max_replicas,
        metrics=tuple(MetricTarget(m.metric, m.target, m.name) for m in cmd.metrics),
        scale_up=_rules(cmd.scale_up, default_scale_up()),
        scale_down=_rules(cmd.scale_down, default_scale_down()),
        hourly_budget=cmd.hourly_budget,
        idle_timeout_seconds=cmd.idle_timeout_seconds,
    )


def replica_cost(uow: UnitOfWork, service: Service) -> tuple[Prices, float]:
    """The organisation's prices and what one replica of the service costs per hour."""
    prices = uow.get(Organization, service.organization_id, "organization").prices
    resources = service.spec.resources
    return prices, prices.replica_cost(resources.cpu_request_millis, resources.memory_request_mb)


def set_autoscaling(cmd: c.SetAutoscaling, uow: UnitOfWork) -> dict[str, UUID]:
    """Scale a service by its metrics under a policy (checked against its requests and the
    organisation's prices)."""
    service = live_service(uow, cmd.service_id)
    project = live_project(uow, service.project_id)
    check_scalable(service, cmd)
    prices, cost = replica_cost(uow, service)
    resources = service.spec.resources
    policy = policy_of(cmd).check(
        cpu_request_millis=resources.cpu_request_millis,
        memory_request_mb=resources.memory_request_mb,
        prices=prices,
    )
    budget = project.hourly_budget
    if budget is not None and policy.min_replicas * cost > budget + 1e-9:
        raise InvalidValueError(
            "min_replicas",
            f"{policy.min_replicas} replicas cost {policy.min_replicas * cost:.4g} per hour, "
            f"above project {project.slug!r}'s budget of {budget:g} per hour",
        )
    autoscaling = _autoscaling(uow, service)
    autoscaling.set_policy(policy, actor=uow.actor, now=uow.now)
    return {"service_id": service.id}


def remove_autoscaling(cmd: c.RemoveAutoscaling, uow: UnitOfWork) -> dict[str, UUID]:
    """Scale a service by hand only again (a deleted service's policy goes too)."""
    service = uow.get(Service, cmd.service_id, "service")
    autoscaling = uow.find(ServiceAutoscaling, ServiceAutoscaling.id_for(service.id))
    if autoscaling is not None:
        autoscaling.remove_policy(actor=uow.actor, now=uow.now)
    return {"service_id": service.id}


def set_prices(cmd: c.SetPrices, uow: UnitOfWork) -> dict[str, UUID]:
    """Price a vCPU-hour and a GB-hour for an organisation."""
    org = uow.get(Organization, cmd.organization_id, "organization")
    org.set_prices(Prices(cmd.vcpu_hour, cmd.gb_hour), actor=uow.actor, now=uow.now)
    return {"organization_id": org.id}


def record_autoscaling_decision(
    cmd: c.RecordAutoscalingDecision, uow: UnitOfWork
) -> dict[str, UUID]:
    """Record what an evaluation changed and scale the service to the decided count, in one
    transaction (a crash leaves both or neither). Refused when the service's count is not
    the one evaluated (scaled meanwhile) or the policy is gone; a repeat changes nothing."""
    service = live_service(uow, cmd.service_id)
    autoscaling = uow.get(
        ServiceAutoscaling, ServiceAutoscaling.id_for(service.id), "service autoscaling"
    )
    evaluation = cmd.evaluation
    if autoscaling.recorded_since(cmd.evaluated_at):
        return {"service_id": service.id}  # a repeat (or older): recorded already
    if cmd.policy is not None and cmd.policy != autoscaling.policy:
        raise RuleViolatedError(
            f"service {service.name!r}'s autoscaling policy changed since the evaluation; the "
            "next evaluation decides under the new one"
        )
    if service.spec.replicas != evaluation.current:
        raise RuleViolatedError(
            f"service {service.name!r} runs {service.spec.replicas} replicas, not the "
            f"{evaluation.current} evaluated; the next evaluation decides again"
        )
    recorded = autoscaling.record(
        evaluation,
        cmd.readings,
        evaluated_at=cmd.evaluated_at,
        replica_cost=cmd.replica_cost,
        actor=uow.actor,
        now=uow.now,
    )
    if cmd.project_cost is not None:
        project = uow.get(Project, service.project_id, "project")
        recorded = project.note_cost(cmd.project_cost, actor=uow.actor, now=uow.now) or recorded
    if recorded and evaluation.desired != evaluation.current:
        # The path scaling by hand takes: the same command's handler, in this unit.
        scale_service(c.ScaleService(service_id=service.id, replicas=evaluation.desired), uow)
    return {"service_id": service.id}


def sleep_service(cmd: c.SleepService, uow: UnitOfWork) -> dict[str, UUID]:
    """Scale an idle service to 0 and record why, in one transaction; refused when it was
    scaled meanwhile or its policy changed."""
    service = live_service(uow, cmd.service_id)
    autoscaling = uow.get(
        ServiceAutoscaling, ServiceAutoscaling.id_for(service.id), "service autoscaling"
    )
    if cmd.policy is not None and cmd.policy != autoscaling.policy:
        raise RuleViolatedError(
            f"service {service.name!r}'s autoscaling policy changed since the evaluation"
        )
    if service.spec.replicas != cmd.previous:
        raise RuleViolatedError(
            f"service {service.name!r} runs {service.spec.replicas} replicas, not the "
            f"{cmd.previous} evaluated; the next evaluation decides again"
        )
    if autoscaling.sleep(
        evaluated_at=cmd.evaluated_at,
        previous=cmd.previous,
        reason=cmd.reason,
        actor=uow.actor,
        now=uow.now,
    ):
        scale_service(c.ScaleService(service_id=service.id, replicas=0), uow)
    return {"service_id": service.id}


def wake_service(cmd: c.WakeService, uow: UnitOfWork) -> dict[str, UUID]:
    """Run one replica of a sleeping service (idempotent: a service that runs replicas, or
    was woken already, is left as it is; many held requests make one wake)."""
    service = live_service(uow, cmd.service_id)
    if service.spec.replicas > 0:
        return {"service_id": service.id}
    autoscaling = uow.find(ServiceAutoscaling, ServiceAutoscaling.id_for(service.id))
    if autoscaling is None or autoscaling.policy is None or not autoscaling.asleep:
        raise RuleViolatedError(
            f"service {service.name!r} is not asleep: it was scaled to 0 by hand, so a "
            "request does not wake it"
        )
    autoscaling.wake(reason=cmd.reason, actor=uow.actor, now=uow.now)
    scale_service(c.ScaleService(service_id=service.id, replicas=1), uow)
    return {"service_id": service.id}


def check_scalable(service: Service, cmd: c.SetAutoscaling) -> None:
    """Raise InvalidValueError unless the service may scale by the policy ``cmd`` gives: a web
    or worker service, with a volume per replica if it has volumes, metrics it produces."""
    if service.spec.kind not in SCALABLE:
        raise InvalidValueError(
            "service_id",
            f"service {service.name!r} is a {service.spec.kind.value} service; only web and "
            "worker services scale by their load",
        )
    if service.spec.volumes and not service.spec.volume_per_replica and cmd.max_replicas > 1:
        raise InvalidValueError(
            "max_replicas",
            f"service {service.name!r} shares its volumes between replicas, so it runs at most "
            "1; choose a volume per replica to scale it",
        )
    _check_served(service, cmd)
    if cmd.idle_timeout_seconds is not None and service.spec.kind is not ServiceKind.WEB:
        raise InvalidValueError(
            "idle_timeout_seconds",
            f"service {service.name!r} is a {service.spec.kind.value} service: it gets no "
            "requests through the ingress, so nothing would wake it",
        )


def set_project_budget(cmd: c.SetProjectBudget, uow: UnitOfWork) -> dict[str, UUID]:
    """Cap what a project's services cost per hour together; the budget must pay for their
    minimum replicas (an autoscaled service's minimum, another's replica count)."""
    project = live_project(uow, cmd.project_id)
    prices = uow.get(Organization, project.organization_id, "organization").prices
    if cmd.hourly_budget is not None and prices == Prices():
        raise InvalidValueError(
            "hourly_budget",
            "a budget needs prices: set what a vCPU-hour and a GB-hour cost for the "
            "organisation first",
        )
    floors: dict[str, float] = {}
    for service_id in dict.fromkeys(cmd.service_ids):
        service = uow.find(Service, service_id)
        if service is None or service.deleted or service.project_id != project.id:
            continue
        _, cost = replica_cost(uow, service)
        floors[service.name] = cost * minimum_replicas(uow, service)
    check_project_budget(cmd.hourly_budget, floors)
    project.set_budget(cmd.hourly_budget, actor=uow.actor, now=uow.now)
    return {"project_id": project.id}


def set_node_prices(cmd: c.SetNodePrices, uow: UnitOfWork) -> dict[str, UUID]:
    """Price a node's vCPU-hours and GB-hours over the organisation's (or not any more)."""
    node = uow.get(Node, cmd.node_id, "node")
    if node.removed:
        raise NotFoundError("node", cmd.node_id)
    given = (cmd.vcpu_hour, cmd.gb_hour)
    if given.count(None) == 1:
        raise InvalidValueError(
            "vcpu_hour" if cmd.vcpu_hour is None else "gb_hour",
            "give both prices, or neither to use the organisation's",
        )
    prices = (
        None if cmd.vcpu_hour is None or cmd.gb_hour is None else Prices(cmd.vcpu_hour, cmd.gb_hour)
    )
    node.set_prices(prices, actor=uow.actor, now=uow.now)
    return {"node_id": node.id}


def set_project_placement(cmd: c.SetProjectPlacement, uow: UnitOfWork) -> dict[str, UUID]:
    """Pack a project's replicas onto few nodes or spread them (used by the next placement)."""
    project = live_project(uow, cmd.project_id)
    project.set_placement(cmd.placement, actor=uow.actor, now=uow.now)
    return {"project_id": project.id}


def minimum_replicas(uow: UnitOfWork, service: Service) -> int:
    """The fewest replicas a service runs: its autoscaling minimum, else its replica count."""
    autoscaling = uow.find(ServiceAutoscaling, ServiceAutoscaling.id_for(service.id))
    if autoscaling is not None and autoscaling.policy is not None:
        return autoscaling.policy.min_replicas
    return service.spec.replicas


def _check_served(service: Service, cmd: c.SetAutoscaling) -> None:
    """Requests and errors are measured at the ingress: only a web service has them."""
    for metric in cmd.metrics:
        if metric.metric in SERVED and service.spec.kind is not ServiceKind.WEB:
            raise InvalidValueError(
                "metrics.metric",
                f"service {service.name!r} is a {service.spec.kind.value} service: it gets no "
                f"requests through the ingress, so it has no {metric.metric.value} to scale on",
            )
        if (
            metric.metric is MetricKind.CUSTOM
            and metric.name
            and service.spec.metrics_endpoint is None
        ):
            raise InvalidValueError(
                "metrics.metric",
                f"service {service.name!r} exposes no metrics endpoint, so it has no custom "
                f"metric {metric.name!r} to scale on; set its metrics endpoint (path and port) "
                "first",
            )


def _autoscaling(uow: UnitOfWork, service: Service) -> ServiceAutoscaling:
    found = uow.find(ServiceAutoscaling, ServiceAutoscaling.id_for(service.id))
    if found is not None:
        return found
    return uow.add(
        ServiceAutoscaling.start(
            organization_id=service.organization_id,
            project_id=service.project_id,
            service_id=service.id,
            actor=uow.actor,
            now=uow.now,
        )
    )
