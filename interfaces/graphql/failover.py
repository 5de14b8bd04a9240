"""GraphQL of services' failover policies (issue 17): the policy as the Service shows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from interfaces.graphql.rows import object_type


@dataclass(frozen=True)
class FailoverPolicyRow:
    """How a service survives a dead node."""

    min_healthy_replicas: int | None
    preferred_nodes: list[UUID]
    backup_nodes: list[UUID]


if TYPE_CHECKING:
    FailoverPolicy = FailoverPolicyRow
else:
    FailoverPolicy = object_type(
        FailoverPolicyRow,
        "FailoverPolicy",
        "How a service survives a dead node: its live release is placed again on nodes that "
        "answer once fewer than minHealthyReplicas of its replicas run there (null: as soon as "
        "one is on a dead node); preferredNodes take its replicas first, backupNodes only when "
        "the others cannot.",
        descriptions={
            "min_healthy_replicas": "Replicas that must run on answering nodes before the "
            "release is placed again (null: all of them).",
            "preferred_nodes": "Ids of the nodes that take its replicas first.",
            "backup_nodes": "Ids of the nodes that take its replicas only when the others "
            "cannot (disaster recovery).",
        },
    )


def failover_policy(stored: dict[str, Any] | None) -> FailoverPolicyRow | None:
    """The policy a service's row holds (None: the defaults)."""
    if stored is None:
        return None
    return FailoverPolicyRow(
        min_healthy_replicas=stored.get("min_healthy_replicas"),
        preferred_nodes=[UUID(str(n)) for n in stored.get("preferred_nodes") or ()],
        backup_nodes=[UUID(str(n)) for n in stored.get("backup_nodes") or ()],
    )
