"""Host ports: the published-port ranges of an organisation's nodes that share one host.

Two nodes reached at the same address (the same host registered twice, two engines of one
machine, two nodes advertising one address) publish their replicas on the same host ports,
so their ranges must not overlap (issue 18). The ranges of one host are recorded on one
aggregate whose id derives from the organisation and the address: two commands that give
overlapping ranges at once write the same aggregate, and the event store lets only one of
them succeed; the other is tried again and refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidValueError
from domain.ids import Actor, derived_id
from domain.node import DEFAULT_PORT_RANGE, PortRange


class PortRangeOverlapError(InvalidValueError):
    """Raised when a node's port range overlaps the range of another node at its address.

    A bad value (VALIDATION_FAILED naming the range), like a taken name: the fix is another
    range, or moving the other node's first.
    """


@dataclass(frozen=True)
class HeldRange:
    """A node's range at the host, with its name (to say which node holds it)."""

    node_name: str
    port_range: PortRange


def conflict(a: PortRange, b: PortRange) -> bool:
    """Whether two nodes at one host may not have these ranges: they share a port, unless
    both are the default range (nodes nobody gave a range share it as before, and a replica
    whose port another holds on the engine is published on one the engine picks)."""
    return a.overlaps(b) and not a == b == DEFAULT_PORT_RANGE


class HostPorts(ContainrAggregate):
    """The port ranges of an organisation's nodes reached at one address."""

    class Created(ContainrAggregate.Created):
        organization_id: UUID
        host: str

    class RangeHeld(ContainrAggregate.Event):
        """The node publishes on ports ``start`` to ``end`` of this host."""

        node_id: UUID
        node_name: str
        start: int
        end: int

        def apply(self, aggregate: Any) -> None:
            aggregate.ranges[self.node_id] = HeldRange(
                self.node_name, PortRange(self.start, self.end)
            )

    class RangeDropped(ContainrAggregate.Event):
        """The node no longer publishes on this host (removed, or moved to another address)."""

        node_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.ranges.pop(self.node_id, None)

    def __init__(self, organization_id: UUID, host: str) -> None:
        self.organization_id = organization_id
        self.host = host
        self.ranges: dict[UUID, HeldRange] = {}

    @staticmethod
    def id_for(organization_id: UUID, host: str) -> UUID:
        """The id of the ranges at ``host`` of an organisation's nodes."""
        return derived_id("host-ports", organization_id, host)

    @classmethod
    def start(cls, organization_id: UUID, host: str, *, actor: Actor, now: datetime) -> HostPorts:
        """The first node reached at ``host``: no range held there yet."""
        return cls._create(
            cls.Created,
            id=cls.id_for(organization_id, host),
            organization_id=organization_id,
            host=host,
            actor=actor,
            timestamp=now,
        )

    def hold(
        self,
        node_id: UUID,
        node_name: str,
        port_range: PortRange,
        *,
        actor: Actor,
        now: datetime,
    ) -> None:
        """Record that the node publishes on ``port_range`` here; raises
        PortRangeOverlapError (recording nothing) when another node's range here overlaps."""
        for other_id, other in self.ranges.items():
            if other_id != node_id and conflict(port_range, other.port_range):
                raise PortRangeOverlapError(
                    "port_range",
                    f"{port_range} overlaps {other.port_range}, the range of node "
                    f"{other.node_name!r}, which is reached at the same address {self.host}; "
                    "give one of them ports the other does not use",
                )
        if self.ranges.get(node_id) == HeldRange(node_name, port_range):
            return
        self.trigger_event(
            self.RangeHeld,
            node_id=node_id,
            node_name=node_name,
            start=port_range.start,
            end=port_range.end,
            actor=actor,
            timestamp=now,
        )

    def drop(self, node_id: UUID, *, actor: Actor, now: datetime) -> None:
        """Forget the node's range here (nothing when it held none)."""
        if node_id in self.ranges:
            self.trigger_event(self.RangeDropped, node_id=node_id, actor=actor, timestamp=now)
