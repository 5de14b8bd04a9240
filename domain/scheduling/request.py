"""What the scheduler is given: a snapshot of the nodes and a request to place replicas."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from domain.errors import InvalidValueError
from domain.ids import NodeId, ServiceId
from domain.node import Capacity, Node, NodeState
from domain.scheduling.selectors import LabelSelector, PreferredTerm


class Strategy(Enum):
    """How the scheduler ranks nodes that spreading and preferences leave equal.

    round_robin: the next node in name order after the one that took the previous
    replica. least_loaded: the largest free share of capacity (mean of CPU and memory).
    best_fit: the least free of the replica's main resource that still fits, then the
    least of the other. random: a draw from the request's seed. Ties go by node name.
    """

    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"
    BEST_FIT = "best_fit"
    RANDOM = "random"


@dataclass(frozen=True)
class DomainLimit:
    """At most ``max_replicas`` of the service on nodes sharing a value of ``topology_key``."""

    topology_key: str
    max_replicas: int


@dataclass(frozen=True)
class AntiAffinity:
    """Required anti-affinity: replicas per node and per topology domain, services to avoid."""

    max_per_node: int | None = None
    per_domain: tuple[DomainLimit, ...] = ()
    avoid_services: frozenset[ServiceId] = frozenset()

    def check(self) -> AntiAffinity:
        """Raise InvalidValueError for a limit below one or a blank topology key."""
        if self.max_per_node is not None and self.max_per_node < 1:
            raise InvalidValueError("anti_affinity.max_per_node", "must be at least 1")
        for limit in self.per_domain:
            if not limit.topology_key:
                raise InvalidValueError("anti_affinity.topology_key", "must not be empty")
            if limit.max_replicas < 1:
                raise InvalidValueError("anti_affinity.max_replicas", "must be at least 1")
        return self


@dataclass(frozen=True)
class NodeSnapshot:
    """A node as the scheduler sees it: state, capacity, what is allocated, what runs there."""

    node_id: NodeId
    name: str
    state: NodeState
    capacity: Capacity
    allocated_cpu_millis: int = 0
    allocated_memory_mb: int = 0
    labels: Mapping[str, str] = field(default_factory=dict)
    replicas: Mapping[ServiceId, int] = field(default_factory=dict)

    def check(self) -> NodeSnapshot:
        """Raise InvalidValueError for a nameless node, no capacity or negative allocations."""
        if not self.name:
            raise InvalidValueError("node.name", "must not be empty")
        self.capacity.check()
        if self.allocated_cpu_millis < 0 or self.allocated_memory_mb < 0:
            raise InvalidValueError("node.allocated", f"{self.name}: must not be negative")
        if any(count < 0 for count in self.replicas.values()):
            raise InvalidValueError("node.replicas", f"{self.name}: must not be negative")
        return self

    @classmethod
    def of(
        cls,
        node: Node,
        *,
        allocated_cpu_millis: int = 0,
        allocated_memory_mb: int = 0,
        replicas: Mapping[ServiceId, int] | None = None,
    ) -> NodeSnapshot:
        """The snapshot of a node aggregate plus what the read side says runs there."""
        return cls(
            NodeId(node.id),
            node.name,
            node.state,
            node.capacity,
            allocated_cpu_millis,
            allocated_memory_mb,
            dict(node.labels),
            dict(replicas or {}),
        )


@dataclass(frozen=True)
class PlacementRequest:
    """Place ``replicas`` more replicas of a service, each needing the given CPU and memory."""

    service_id: ServiceId
    replicas: int
    cpu_request_millis: int = 0
    memory_request_mb: int = 0
    strategy: Strategy = Strategy.LEAST_LOADED
    seed: int = 0
    node_selector: LabelSelector = field(default_factory=LabelSelector)
    preferred: tuple[PreferredTerm, ...] = ()
    anti_affinity: AntiAffinity = field(default_factory=AntiAffinity)
    spread_by: tuple[str, ...] = ()

    def check(self) -> PlacementRequest:
        """Return the request, or raise InvalidValueError for impossible values."""
        if self.replicas < 0:
            raise InvalidValueError("replicas", "must not be negative")
        if self.cpu_request_millis < 0:
            raise InvalidValueError("cpu_request_millis", "must not be negative")
        if self.memory_request_mb < 0:
            raise InvalidValueError("memory_request_mb", "must not be negative")
        self.node_selector.check()
        for term in self.preferred:
            term.check()
        self.anti_affinity.check()
        if any(not key for key in self.spread_by):
            raise InvalidValueError("spread_by", "topology keys must not be empty")
        return self
