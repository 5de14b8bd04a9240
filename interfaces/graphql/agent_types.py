"""GraphQL types of node agents (issue 18): a node's agent (version, last heartbeat,
capabilities, containers); whoever sees the node sees its agent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from application.agents import AgentStatus
from application.readmodels import NodeRow
from interfaces.graphql.context import GqlContext


@strawberry.type(description="One capability of a node's engine (engine_version, cpus, …).")
class AgentCapability:
    key: str
    value: str


@strawberry.type(description="A container of the organisation on an agent's engine.")
class AgentContainer:
    id: str
    name: str
    image: str
    state: str = strawberry.field(description="running, exited, restarting, …")
    service_id: str | None
    replica: str | None


@strawberry.type(description="A filesystem of an agent's host.")
class AgentDisk:
    path: str
    total_bytes: float
    used_bytes: float


@strawberry.type(description="A node's agent: what it runs, its last heartbeat and its engine.")
class NodeAgent:
    version: str | None
    connected: bool = strawberry.field(description="Whether its connection is open now.")
    credential_active: bool = strawberry.field(
        description="False once the credential was revoked (the agent is refused)."
    )
    last_heartbeat_at: datetime | None = strawberry.field(
        description="When this API process last heard from it (null: not since it started)."
    )
    capabilities: list[AgentCapability]
    cpu_load: float | None = strawberry.field(description="Load per CPU (1.0: all busy).")
    memory_used_bytes: float | None
    disks: list[AgentDisk]
    containers: list[AgentContainer]


def node_agent(root: NodeRow, info: Info[GqlContext, None]) -> NodeAgent | None:
    """The node's agent (None for a node that has none)."""
    if root.kind != "agent":
        return None
    context: Any = info.context
    if isinstance(context, dict):  # over WebSocket, strawberry keeps it under "gql"
        context = context["gql"]
    context.cacheable = False  # heartbeats are not change-noticed
    status = context.agents.status(root.id)
    return None if status is None else _agent(status)


def _agent(status: AgentStatus) -> NodeAgent:
    presence = status.presence
    beat = presence.heartbeat if presence is not None else None
    return NodeAgent(
        version=status.version,
        connected=status.connected,
        credential_active=status.credential_active,
        last_heartbeat_at=presence.received_at if presence is not None else None,
        capabilities=[
            AgentCapability(key=k, value=v) for k, v in sorted(status.capabilities.items())
        ],
        cpu_load=beat.usage.cpu_load if beat is not None else None,
        memory_used_bytes=float(beat.usage.memory_used_bytes) if beat is not None else None,
        disks=[
            AgentDisk(path=d.path, total_bytes=float(d.total_bytes), used_bytes=float(d.used_bytes))
            for d in (beat.usage.disks if beat is not None else [])
        ],
        containers=[
            AgentContainer(
                id=k.id,
                name=k.name,
                image=k.image,
                state=k.state,
                service_id=k.labels.get("containr.service"),
                replica=k.labels.get("containr.replica"),
            )
            for k in (beat.containers if beat is not None else [])
        ],
    )
