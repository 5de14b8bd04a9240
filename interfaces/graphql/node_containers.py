"""The node page's containers (issue 18): Containr's containers of the organisation on a
node, as its engine reports them now, and starting, stopping or restarting one (MANAGE on
the node's organisation; any container without this installation's and organisation's
labels is NOT_FOUND)."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from application.authz import Permission
from application.node_containers import Action
from application.runtime_ports import ContainerInfo
from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import entity
from interfaces.graphql.types import ctx


@strawberry.type(description="A container Containr runs on a node, as its engine reports it now.")
class NodeContainer:
    id: str
    name: str
    image: str
    state: str = strawberry.field(description="created, running, restarting, exited, …")
    exit_code: int | None
    started_at: datetime | None = strawberry.field(
        description="When its current (or last) run started; null if it never ran."
    )
    service_id: strawberry.ID | None
    environment_id: strawberry.ID | None
    deployment_id: strawberry.ID | None
    replica: str | None


def _container(k: ContainerInfo) -> NodeContainer:
    def ident(label: str) -> strawberry.ID | None:
        value = k.labels.get(label)
        return strawberry.ID(value) if value else None

    return NodeContainer(
        id=k.id,
        name=k.name,
        image=k.image,
        state=k.state,
        exit_code=k.exit_code,
        started_at=datetime.fromtimestamp(k.started_at, UTC) if k.started_at else None,
        service_id=ident("containr.service"),
        environment_id=ident("containr.environment"),
        deployment_id=ident("containr.deployment"),
        replica=k.labels.get("containr.replica"),
    )


def node_containers(info: Info[GqlContext, None], node_id: strawberry.ID) -> list[NodeContainer]:
    context = ctx(info)
    context.cacheable = False  # asked of the engine, not the read models
    node = entity(context.reads, "node", node_id, "nodeId")
    found = context.node_containers.list(node.endpoint, node.organization_id)
    return [_container(k) for k in found]


def _act(
    info: Info[GqlContext, None], node_id: strawberry.ID, container_id: str, action: Action
) -> NodeContainer:
    context = ctx(info)
    node = entity(context.reads, "node", node_id, "nodeId")
    context.reads.gate.require(node.organization_id, Permission.MANAGE, "node")
    return _container(
        context.node_containers.act(node.endpoint, node.organization_id, container_id, action)
    )


def start_node_container(
    info: Info[GqlContext, None], node_id: strawberry.ID, container_id: str
) -> NodeContainer:
    return _act(info, node_id, container_id, "start")


def stop_node_container(
    info: Info[GqlContext, None], node_id: strawberry.ID, container_id: str
) -> NodeContainer:
    return _act(info, node_id, container_id, "stop")


def restart_node_container(
    info: Info[GqlContext, None], node_id: strawberry.ID, container_id: str
) -> NodeContainer:
    return _act(info, node_id, container_id, "restart")


node_containers_field = strawberry.field(
    resolver=node_containers,
    description="Containr's containers of the node's organisation on the node, in any state, "
    "as its engine (direct or through its agent) reports them now; UNAVAILABLE when it does "
    "not answer.",
)
_WHICH = (
    " one of Containr's containers of the node's organisation on the node (admins and "
    "owners; any other container is NOT_FOUND); returns it as the engine reports it after."
)
start_node_container_field = strawberry.mutation(
    resolver=start_node_container, description="Start" + _WHICH
)
stop_node_container_field = strawberry.mutation(
    resolver=stop_node_container, description="Stop (10 s grace, then killed)" + _WHICH
)
restart_node_container_field = strawberry.mutation(
    resolver=restart_node_container, description="Restart (10 s grace to stop)" + _WHICH
)
