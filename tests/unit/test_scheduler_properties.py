"""Scheduler properties, checked on generated clusters and requests.

The central one compares the scheduler with a plain reference that looks at every node
for every replica: same filter groups, same candidate counts, same ranking. The others
state the promises directly: no over-commit, anti-affinity and node states honoured,
replicas spread, placements reproducible for a seed.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.ids import NodeId, ServiceId
from domain.node import Capacity, NodeState
from domain.scheduling import (
    AntiAffinity,
    Decision,
    DomainLimit,
    FilterReason,
    LabelRequirement,
    LabelSelector,
    NodeSnapshot,
    PlacementRequest,
    PreferredTerm,
    Scheduler,
    Strategy,
    place,
)

SERVICES = [ServiceId(uuid.UUID(int=n)) for n in range(1, 4)]
TOP = 3
SAMPLE = 5
STATES = [NodeState.READY] * 9 + [NodeState.CORDONED, NodeState.DRAINING, NodeState.UNREACHABLE]
REQUIREMENTS = [
    LabelRequirement.is_in("zone", "a", "b"),
    LabelRequirement.not_in("zone", "a"),
    LabelRequirement.exists("disk"),
    LabelRequirement.does_not_exist("disk"),
    LabelRequirement.is_in("disk", "ssd"),
]
FAST = settings(max_examples=40, deadline=None)


def _node(
    name: str,
    state: NodeState,
    capacity: Capacity,
    used: float,
    zone: str | None,
    disk: str | None,
    running: dict[ServiceId, int],
) -> NodeSnapshot:
    labels = {k: v for k, v in (("zone", zone), ("disk", disk)) if v is not None}
    return NodeSnapshot(
        NodeId(uuid.uuid4()),
        name,
        state,
        capacity,
        int(capacity.cpu_millis * used),
        int(capacity.memory_mb * used),
        labels,
        running,
    )


def _numbered(listed: list[NodeSnapshot]) -> list[NodeSnapshot]:
    return [
        replace(n, node_id=NodeId(uuid.UUID(int=1000 + i)), name=f"{n.name}-{i}")
        for i, n in enumerate(listed)
    ]


def nodes(min_size: int = 0) -> st.SearchStrategy[list[NodeSnapshot]]:
    node = st.builds(
        _node,
        st.sampled_from(["node-a", "node-b", "node-c"]),
        st.sampled_from(STATES),
        st.builds(
            Capacity,
            st.sampled_from([500, 1000, 2000, 4000]),
            st.sampled_from([512, 1024, 2048, 4096]),
        ),
        st.sampled_from([0.0, 0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]),
        st.sampled_from([None, "a", "b", "c"]),
        st.sampled_from([None, "ssd", "hdd"]),
        st.dictionaries(st.sampled_from(SERVICES), st.integers(0, 2), max_size=2),
    )
    return st.lists(node, min_size=min_size, max_size=12).map(_numbered)


@dataclass(frozen=True)
class Shape:
    """The rules of a request apart from the service, sizes and seed."""

    selector: LabelSelector
    preferred: tuple[PreferredTerm, ...]
    per_domain: tuple[DomainLimit, ...]
    spread_by: tuple[str, ...]


SHAPES = st.builds(
    Shape,
    st.lists(st.sampled_from(REQUIREMENTS), max_size=1).map(lambda r: LabelSelector(tuple(r))),
    st.lists(
        st.builds(
            PreferredTerm,
            st.integers(1, 100),
            st.builds(LabelSelector.of, st.sampled_from(REQUIREMENTS)),
        ),
        max_size=2,
    ).map(tuple),
    st.lists(
        st.builds(DomainLimit, st.sampled_from(["zone", "disk"]), st.integers(1, 3)), max_size=1
    ).map(tuple),
    st.sampled_from([(), ("zone",), ("zone", "disk")]),
)


@st.composite
def requests(
    draw: st.DrawFn, strategy: Strategy | None = None, shape: Shape | None = None
) -> PlacementRequest:
    shape = shape or draw(SHAPES)
    return PlacementRequest(
        draw(st.sampled_from(SERVICES)),
        draw(st.integers(0, 5)),
        draw(st.sampled_from([0, 100, 250, 500, 1000])),
        draw(st.sampled_from([0, 128, 256, 512, 1024])),
        strategy or draw(st.sampled_from(list(Strategy))),
        draw(st.integers(0, 2**32)),
        shape.selector,
        shape.preferred,
        AntiAffinity(
            draw(st.sampled_from([None, None, 1, 2])),
            shape.per_domain,
            frozenset(draw(st.lists(st.sampled_from(SERVICES), max_size=1))),
        ),
        shape.spread_by,
    )


@st.composite
def batches(draw: st.DrawFn) -> list[PlacementRequest]:
    """Requests sharing one or two shapes, so that they share the scheduler's indexes."""
    shapes = draw(st.lists(SHAPES, min_size=1, max_size=2))
    count = draw(st.integers(2, 5))
    return [draw(requests(shape=draw(st.sampled_from(shapes)))) for _ in range(count)]


@dataclass
class Reference:
    """The obvious scheduler: every node, every filter, every replica."""

    nodes: list[NodeSnapshot]
    free_cpu: list[int] = field(init=False)
    free_memory: list[int] = field(init=False)
    running: list[Counter[ServiceId]] = field(init=False)
    cursor: int = 0

    def __post_init__(self) -> None:
        self.nodes = sorted(self.nodes, key=lambda n: (n.name, str(n.node_id)))
        self.free_cpu = [n.capacity.cpu_millis - n.allocated_cpu_millis for n in self.nodes]
        self.free_memory = [n.capacity.memory_mb - n.allocated_memory_mb for n in self.nodes]
        self.running = [Counter(n.replicas) for n in self.nodes]

    def in_domain(self, service: ServiceId, key: str, i: int) -> int:
        value = self.nodes[i].labels.get(key)
        return sum(
            r[service]
            for n, r in zip(self.nodes, self.running, strict=True)
            if n.labels.get(key) == value
        )

    def reason(self, r: PlacementRequest, i: int) -> FilterReason | None:
        n, rules = self.nodes[i], r.anti_affinity
        states = {
            NodeState.CORDONED: FilterReason.CORDONED,
            NodeState.DRAINING: FilterReason.DRAINING,
            NodeState.UNREACHABLE: FilterReason.UNREACHABLE,
        }
        if n.state in states:
            return states[n.state]
        if not r.node_selector.matches(n.labels):
            return FilterReason.NODE_SELECTOR
        if rules.max_per_node is not None and self.running[i][r.service_id] >= rules.max_per_node:
            return FilterReason.MAX_PER_NODE
        if any(
            self.in_domain(r.service_id, d.topology_key, i) >= d.max_replicas
            for d in rules.per_domain
        ):
            return FilterReason.MAX_PER_DOMAIN
        if any(self.running[i][s] > 0 for s in rules.avoid_services):
            return FilterReason.AVOIDED_SERVICE
        if self.free_cpu[i] < r.cpu_request_millis:
            return FilterReason.INSUFFICIENT_CPU
        if self.free_memory[i] < r.memory_request_mb:
            return FilterReason.INSUFFICIENT_MEMORY
        return None

    def rank(self, r: PlacementRequest, i: int) -> tuple[object, ...]:
        n = self.nodes[i]
        spread = sum(self.in_domain(r.service_id, k, i) for k in r.spread_by)
        preference = sum(t.weight for t in r.preferred if t.selector.matches(n.labels))
        head = (self.running[i][r.service_id], spread, -preference)
        ready = [j for j, m in enumerate(self.nodes) if m.state is NodeState.READY]
        total_cpu = sum(self.nodes[j].capacity.cpu_millis for j in ready)
        total_memory = sum(self.nodes[j].capacity.memory_mb for j in ready)
        cpu_first = r.cpu_request_millis * total_memory > r.memory_request_mb * total_cpu
        fc, fm = self.free_cpu[i], self.free_memory[i]
        if r.strategy is Strategy.LEAST_LOADED:
            return (*head, -(fc / n.capacity.cpu_millis + fm / n.capacity.memory_mb), i)
        if r.strategy is Strategy.BEST_FIT:
            return (*head, *((fc, fm) if cpu_first else (fm, fc)), i)
        if r.strategy is Strategy.ROUND_ROBIN:
            return (*head, (i - self.cursor) % len(self.nodes))
        return (*head, i)

    def check(self, r: PlacementRequest, decision: Decision) -> None:
        """Assert the decision is the one this reference would take, then apply it."""
        reasons = [self.reason(r, i) for i in range(len(self.nodes))]
        expected = [
            (
                reason,
                sum(1 for x in reasons if x is reason),
                tuple(self.nodes[i].name for i, x in enumerate(reasons) if x is reason)[:SAMPLE],
            )
            for reason in FilterReason
            if reason in reasons
        ]
        assert [(g.reason, g.count, g.names) for g in decision.filtered] == expected
        candidates = sorted((self.rank(r, i), i) for i, x in enumerate(reasons) if x is None)
        assert decision.candidate_count == len(candidates)
        if not candidates:
            assert decision.node_id is None and decision.candidates == ()
            return
        names = [c.node_name for c in decision.candidates]
        if r.strategy is Strategy.RANDOM:
            best = candidates[0][0][:3]
            tied = {self.nodes[i].name for key, i in candidates if key[:3] == best}
            assert names[0] in tied and len(names) == min(TOP, len(candidates))
            assert len(set(names)) == len(names)
        else:
            assert names == [self.nodes[i].name for _, i in candidates[:TOP]]
        i = next(j for j, n in enumerate(self.nodes) if n.node_id == decision.node_id)
        assert reasons[i] is None
        self.free_cpu[i] -= r.cpu_request_millis
        self.free_memory[i] -= r.memory_request_mb
        self.running[i][r.service_id] += 1
        self.cursor = (i + 1) % len(self.nodes)


@settings(max_examples=100, deadline=None)
@given(nodes(min_size=3), batches())
def test_the_scheduler_decides_as_the_node_by_node_reference_does(
    cluster: list[NodeSnapshot], batch: list[PlacementRequest]
) -> None:
    for strategy in Strategy:
        scheduler, reference = Scheduler(cluster, top=TOP), Reference(cluster)
        for r in (replace(r, strategy=strategy) for r in batch):
            for decision in scheduler.place(r).decisions:
                reference.check(r, decision)


@FAST
@given(nodes(), st.lists(requests(), min_size=1, max_size=4))
def test_no_node_is_ever_overcommitted(
    cluster: list[NodeSnapshot], batch: list[PlacementRequest]
) -> None:
    scheduler = Scheduler(cluster)
    for r in batch:
        scheduler.place(r)
    for n in scheduler.snapshot():
        assert n.allocated_cpu_millis <= n.capacity.cpu_millis
        assert n.allocated_memory_mb <= n.capacity.memory_mb


@FAST
@given(nodes(), requests())
def test_only_ready_nodes_receive_replicas_and_anti_affinity_holds(
    cluster: list[NodeSnapshot], r: PlacementRequest
) -> None:
    scheduler = Scheduler(cluster)
    chosen = set(scheduler.place(r).node_ids)
    after = {n.node_id: n for n in scheduler.snapshot()}
    rules = r.anti_affinity
    for node_id in chosen:
        n = after[node_id]
        assert n.state is NodeState.READY
        assert r.node_selector.matches(n.labels)
        if rules.max_per_node is not None:
            assert n.replicas[r.service_id] <= rules.max_per_node
        assert not any(n.replicas.get(s, 0) for s in rules.avoid_services - {r.service_id})
        for limit in rules.per_domain:
            value = n.labels.get(limit.topology_key)
            in_domain = sum(
                m.replicas.get(r.service_id, 0)
                for m in after.values()
                if m.labels.get(limit.topology_key) == value
            )
            assert in_domain <= limit.max_replicas


@FAST
@given(nodes(), requests())
def test_no_node_gets_another_replica_while_a_feasible_node_has_none(
    cluster: list[NodeSnapshot], r: PlacementRequest
) -> None:
    everyone = len(cluster) + 1  # list every candidate in the explanation
    for decision in Scheduler(cluster, top=everyone).place(r).decisions:
        assert len(decision.candidates) == decision.candidate_count
        if decision.candidates and decision.candidates[0].replicas_on_node > 0:
            assert all(c.replicas_on_node > 0 for c in decision.candidates)


@FAST
@given(nodes(), requests(), st.randoms(use_true_random=False))
def test_the_same_inputs_and_seed_give_the_same_placement(
    cluster: list[NodeSnapshot], r: PlacementRequest, shuffler: random.Random
) -> None:
    shuffled = list(cluster)
    shuffler.shuffle(shuffled)
    assert place(r, cluster) == place(r, shuffled)


def test_the_random_strategy_differs_across_seeds_at_least_sometimes() -> None:
    cluster = [
        NodeSnapshot(NodeId(uuid.UUID(int=n)), f"n{n:02d}", NodeState.READY, Capacity(4000, 8192))
        for n in range(30)
    ]
    seen = {
        place(
            PlacementRequest(SERVICES[0], 4, strategy=Strategy.RANDOM, seed=seed), cluster
        ).node_ids
        for seed in range(10)
    }
    assert len(seen) > 1
