"""What the scheduler answers: a decision per replica, and why it was taken."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.ids import NodeId
from domain.scheduling.request import PlacementRequest


class FilterReason(Enum):
    """Why a node cannot take a replica, in the order the filters run."""

    CORDONED = "cordoned"
    DRAINING = "draining"
    UNREACHABLE = "unreachable"
    NODE_SELECTOR = "node_selector"
    MAX_PER_NODE = "max_per_node"
    MAX_PER_DOMAIN = "max_per_domain"
    AVOIDED_SERVICE = "avoided_service"
    INSUFFICIENT_CPU = "insufficient_cpu"
    INSUFFICIENT_MEMORY = "insufficient_memory"

    @property
    def phrase(self) -> str:
        """How the reason reads after a count of nodes, e.g. "3 lack memory"."""
        return _PHRASES[self]


_PHRASES = {
    FilterReason.CORDONED: "cordoned",
    FilterReason.DRAINING: "draining",
    FilterReason.UNREACHABLE: "unreachable",
    FilterReason.NODE_SELECTOR: "do not match the node selector",
    FilterReason.MAX_PER_NODE: "at the replica limit per node",
    FilterReason.MAX_PER_DOMAIN: "in a topology domain at its replica limit",
    FilterReason.AVOIDED_SERVICE: "run a service to avoid",
    FilterReason.INSUFFICIENT_CPU: "lack CPU",
    FilterReason.INSUFFICIENT_MEMORY: "lack memory",
}


@dataclass(frozen=True, slots=True)
class FilterGroup:
    """The nodes left out for one reason: how many, and the first few names in name order."""

    reason: FilterReason
    count: int
    names: tuple[str, ...]

    def __str__(self) -> str:
        more = self.count - len(self.names)
        listed = ", ".join(self.names) + (f" and {more} more" if more else "")
        return f"{self.count} {self.reason.phrase} ({listed})"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A node that could take the replica, and the facts its rank rests on.

    Candidates rank by fewest replicas of the service on the node, then fewest in its
    spread domains, then the highest preference weight, then the strategy's ``score``
    (higher is better): least_loaded, the percent of the node free; best_fit, minus what
    stays free after placing of the replica's main resource (millicores or MiB, whichever
    it asks the larger share of the cluster of); round_robin, minus the steps after the
    rotation cursor; random, 0 (a seeded draw picks among the best).
    """

    node_id: NodeId
    node_name: str
    replicas_on_node: int
    replicas_in_domain: int
    preference: int
    score: float

    def __str__(self) -> str:
        return (
            f"{self.node_name} [on node {self.replicas_on_node}, in domain "
            f"{self.replicas_in_domain}, preference {self.preference}, score {self.score:.4g}]"
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """Where one replica goes, or why it goes nowhere: the best candidates and the filtered."""

    replica: int
    node_id: NodeId | None
    node_name: str | None
    candidates: tuple[Candidate, ...]
    candidate_count: int
    filtered: tuple[FilterGroup, ...]
    cpu_request_millis: int
    memory_request_mb: int

    @property
    def placed(self) -> bool:
        """Whether a node was found."""
        return self.node_id is not None

    @property
    def reason(self) -> str | None:
        """Why the replica is unplaced, in one line; None when it was placed."""
        if self.placed:
            return None
        if not self.filtered:
            return "no nodes to place on"
        counts = ", ".join(f"{g.count} {g.reason.phrase}" for g in self.filtered)
        return (
            f"no node fits {self.cpu_request_millis}m CPU and "
            f"{self.memory_request_mb} MiB: {counts}"
        )

    def describe(self) -> str:
        """A few lines for people: the choice, the best candidates, the filtered nodes."""
        if self.node_name is None:
            return f"replica {self.replica}: unplaced, {self.reason}"
        lines = [f"replica {self.replica}: {self.node_name}"]
        more = self.candidate_count - len(self.candidates)
        lines.append(
            f"  candidates ({self.candidate_count}): "
            + "; ".join(str(c) for c in self.candidates)
            + (f"; and {more} more" if more else "")
        )
        if self.filtered:
            lines.append("  filtered: " + "; ".join(str(g) for g in self.filtered))
        return "\n".join(lines)


@dataclass(frozen=True)
class Placement:
    """The scheduler's answer to one request: one decision per replica, in order."""

    request: PlacementRequest
    decisions: tuple[Decision, ...]

    @property
    def node_ids(self) -> tuple[NodeId, ...]:
        """The chosen nodes of the placed replicas, in replica order."""
        return tuple(d.node_id for d in self.decisions if d.node_id is not None)

    @property
    def unplaced(self) -> tuple[Decision, ...]:
        """The decisions that found no node."""
        return tuple(d for d in self.decisions if d.node_id is None)

    @property
    def complete(self) -> bool:
        """Whether every replica found a node."""
        return all(d.node_id is not None for d in self.decisions)

    def describe(self) -> str:
        """The whole placement for the CLI and the API, one block per replica."""
        r = self.request
        placed = len(self.decisions) - len(self.unplaced)
        head = (
            f"service {r.service_id}: {placed} of {len(self.decisions)} replicas placed "
            f"({r.strategy.value}, {r.cpu_request_millis}m CPU and "
            f"{r.memory_request_mb} MiB each)"
        )
        return "\n".join([head, *(d.describe() for d in self.decisions)])
