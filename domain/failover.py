"""Failover off dead nodes (issue 17): a service's failover policy, where its replicas go under
it, when a live release must be placed again, and when a silent node counts as unreachable."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID

from domain.errors import InvalidValueError
from domain.node import NodeState
from domain.scheduling import (
    LabelRequirement,
    LabelSelector,
    NodeSnapshot,
    Placement,
    PlacementRequest,
    PreferredTerm,
    place,
)

NODE_ID_LABEL = "containr.io/node-id"
"""A label every node carries for the scheduler only: preferred nodes are matched by it."""
PREFERRED_WEIGHT = 100
"""Preferred nodes rank as high as a soft affinity can (spreading still comes first)."""
MAX_POLICY_NODES = 32


@dataclass(frozen=True)
class FailoverPolicy:
    """How a service survives a dead node.

    ``min_healthy_replicas``: a live release is placed again once fewer of its replicas than
    this run on nodes that answer (None: as soon as any replica is on a dead node).
    ``preferred_nodes`` take its replicas first; ``backup_nodes`` take them only when the
    other nodes cannot (the disaster recovery nodes).
    """

    min_healthy_replicas: int | None = None
    preferred_nodes: tuple[UUID, ...] = ()
    backup_nodes: tuple[UUID, ...] = ()

    def check(self, replicas: int) -> FailoverPolicy:
        """Return the policy, or raise InvalidValueError for a floor outside 0..replicas, a
        node named twice, or one both preferred and a backup."""
        floor = self.min_healthy_replicas
        if floor is not None and floor < 0:
            raise InvalidValueError("min_healthy_replicas", "must not be negative")
        if floor is not None and floor > replicas:
            raise InvalidValueError(
                "min_healthy_replicas",
                f"must not exceed the service's replicas ({replicas}); scale it first",
            )
        for name, nodes in (
            ("preferred_nodes", self.preferred_nodes),
            ("backup_nodes", self.backup_nodes),
        ):
            if len(set(nodes)) != len(nodes):
                raise InvalidValueError(name, "names a node twice")
            if len(nodes) > MAX_POLICY_NODES:
                raise InvalidValueError(name, f"at most {MAX_POLICY_NODES} nodes")
        if set(self.preferred_nodes) & set(self.backup_nodes):
            raise InvalidValueError(
                "backup_nodes", "a node cannot be both preferred and a backup node"
            )
        return self

    def floor(self, replicas: int) -> int:
        """The replicas that must run on answering nodes (never more than there are)."""
        if self.min_healthy_replicas is None:
            return replicas
        return min(self.min_healthy_replicas, replicas)

    @property
    def nodes(self) -> frozenset[UUID]:
        """Every node the policy names."""
        return frozenset(self.preferred_nodes) | frozenset(self.backup_nodes)


def place_under(
    request: PlacementRequest, nodes: Sequence[NodeSnapshot], policy: FailoverPolicy | None
) -> Placement:
    """Place a release's replicas as the scheduler does, under the service's failover policy:
    preferred nodes rank first; backup nodes are used only when the others cannot take every
    replica (they are left out of a first try, as if cordoned)."""
    if policy is None:
        return place(request, nodes)
    if policy.preferred_nodes:
        preferred = LabelSelector.of(
            LabelRequirement.is_in(NODE_ID_LABEL, *(str(n) for n in policy.preferred_nodes))
        )
        request = replace(
            request, preferred=(*request.preferred, PreferredTerm(PREFERRED_WEIGHT, preferred))
        )
        nodes = [replace(n, labels={**n.labels, NODE_ID_LABEL: str(n.node_id)}) for n in nodes]
    if policy.backup_nodes:
        backups = set(policy.backup_nodes)
        first = place(
            request,
            [
                replace(n, state=NodeState.CORDONED)
                if n.node_id in backups and n.state is NodeState.READY
                else n
                for n in nodes
            ],
        )
        if first.complete:
            return first
    return place(request, nodes)


def needs_failover(
    placements: Mapping[int, UUID],
    replicas: int,
    unreachable: Collection[UUID],
    policy: FailoverPolicy | None,
) -> bool:
    """Whether a live release must be placed again: some of its replicas are on unreachable
    nodes and fewer than the policy's floor run on nodes that answer."""
    wanted = {r: node for r, node in placements.items() if 0 <= r < replicas}
    lost = sum(1 for node in wanted.values() if node in unreachable)
    if lost == 0:
        return False
    floor = policy.floor(replicas) if policy is not None else replicas
    return len(wanted) - lost < floor


@dataclass
class Silence:
    """How long each node's engine has not answered; past the grace period it is unreachable."""

    grace: timedelta
    since: dict[UUID, datetime]

    @classmethod
    def of(cls, grace: timedelta) -> Silence:
        """No node silent yet."""
        return cls(grace, {})

    def answered(self, node_id: UUID) -> None:
        """The node's engine answered: its silence ends."""
        self.since.pop(node_id, None)

    def missed(self, node_id: UUID, now: datetime) -> bool:
        """The node did not answer at ``now``; True once it has been silent for the grace
        period (from its first missed answer)."""
        first = self.since.setdefault(node_id, now)
        return now - first >= self.grace
